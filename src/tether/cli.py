"""`tether`: serve, demo, import/export, generate; anything else goes to Django's commands."""

import argparse
import os
import secrets
import sys

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
OWN_COMMANDS = {
    "serve": "Run the web server (gunicorn), with a background worker beside it.",
    "worker": "Run background jobs from the database queue (several may run anywhere).",
    "demo": "Set up a demo portfolio, print the login, and serve it.",
    "import": "Import providers, arrangements, services or activities from CSV/XLSX.",
    "export": "Export the register to CSV/XLSX; `export dora` the DORA register of information.",
    "generate": "Generate a synthetic portfolio at any scale (benchmarks).",
    "audit": "Verify the audit trail's hash chain (audit verify) or export it (audit export).",
    "backup": "Write the database and document files into one archive (not the keys).",
    "restore": "Restore a backup archive into a fresh install.",
}


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tether.settings")
    import django

    django.setup()


def _is_sqlite() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


def serve(host: str, port: int, workers: int | None, migrate: bool | None) -> None:
    """Serve with gunicorn; SQLite installs are migrated first, PostgreSQL only on request."""
    from django.core.management import call_command
    from gunicorn.app.base import BaseApplication

    from tether.wsgi import application

    if migrate or (migrate is None and _is_sqlite()):
        call_command("migrate", interactive=False, verbosity=0)
    workers = workers or (2 if _is_sqlite() else (os.cpu_count() or 1) * 2 + 1)
    _start_job_worker()

    class TetherServer(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", 4)
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 120)

        def load(self):
            return application

    TetherServer().run()


def _start_job_worker() -> None:
    """The embedded default runs jobs beside the web server: one worker process, stopped with it.

    Production turns this off (TETHER_IN_PROCESS_WORKER=false) and runs `tether worker`s.
    """
    import atexit
    import subprocess

    from django.conf import settings

    if settings.TETHER_TASKS != "database" or not settings.TETHER_IN_PROCESS_WORKER:
        return
    worker = subprocess.Popen([sys.executable, "-m", "tether.cli", "worker", "--no-reload",
                               "--verbosity", "0"], preexec_fn=_die_with_parent)
    atexit.register(worker.terminate)


def _die_with_parent() -> None:
    """On Linux, the worker gets SIGTERM when the server dies, even by SIGKILL."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def demo(host: str, port: int, serve_after: bool) -> None:
    """Migrate, load the demo portfolio, reset the admin's password and print the login."""
    from django.core.management import call_command

    from tether.core.models import User
    from tether.core.roles import Role

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo")
    password = os.environ.get("TETHER_DEMO_PASSWORD") or secrets.token_urlsafe(12)
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        admin = User(username="admin", first_name="Demo", last_name="Administrator",
                     role=Role.ADMIN, is_staff=True, is_superuser=True)
    admin.set_password(password)
    admin.save()
    people = _demo_people_with_password(password)
    print(f"\n  Tether demo is ready at http://{host}:{port}/")
    print(f"  Log in as:  admin  /  {password}\n", flush=True)
    _print_demo_two_factor(admin)
    if people:
        print("  The demo's other people share that password (no authenticator needed):")
        for person in people:
            print(f"      {person.username:<16} {person.get_role_display()}")
        print(flush=True)
    if serve_after:
        serve(host, port, workers=None, migrate=False)


def _demo_people_with_password(password: str) -> list:
    """The demo's vendor manager and provider contact get the admin's password too, to try
    the app without an authenticator and to see the provider portal from the inside."""
    from tether.core.models import User
    from tether.registry.demo_data import PROVIDER_CONTACT, USERS

    people = list(User.objects.filter(username__in=[USERS[0][0], PROVIDER_CONTACT[0]])
                  .order_by("role"))
    for person in people:
        person.set_password(password)
        person.save(update_fields=["password"])
    return people


def _print_demo_two_factor(admin) -> None:
    """Administrators log in with a code: give the demo admin an authenticator secret to add.

    Kept from one run to the next, so the phone set up last time keeps working.
    """
    from tether.core.twofactor import secret_for_people, totp_device_create, totp_device_of

    device = totp_device_of(admin) or totp_device_create(actor=None, user=admin, source="demo")
    print("  Then the six-digit code of an authenticator app (administrators must use one).")
    print("  Add this key to the app (time-based, 6 digits, 30 seconds):")
    print(f"      {secret_for_people(device.key)}")
    print(f"  or the setup link:  {device.config_url}")
    if sys.stdout.isatty():
        import qrcode

        print("  or scan:")
        code = qrcode.QRCode(border=2)
        code.add_data(device.config_url)
        code.print_ascii(tty=True)
    print("  Without a phone, `tether totp_code admin` prints the current code.\n", flush=True)


def _server_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: tether COMMAND [options]\n\nTether's own commands:")
        for name, text in OWN_COMMANDS.items():
            print(f"  {name:<10} {text}")
        print("\nEvery Django management command works too (migrate, createsuperuser, …).")
        print("Run `tether COMMAND --help` for a command's options.")
        return
    command, rest = argv[0], argv[1:]
    _setup_django()
    if command == "serve":
        parser = argparse.ArgumentParser(prog="tether serve", description=OWN_COMMANDS["serve"])
        _server_arguments(parser)
        parser.add_argument("--workers", type=int, default=None)
        parser.add_argument("--migrate", action=argparse.BooleanOptionalAction, default=None,
                            help="Apply migrations first (default: only on SQLite).")
        args = parser.parse_args(rest)
        serve(args.host, args.port, args.workers, args.migrate)
    elif command == "demo":
        parser = argparse.ArgumentParser(prog="tether demo", description=OWN_COMMANDS["demo"])
        _server_arguments(parser)
        parser.add_argument("--no-serve", action="store_true",
                            help="Set up the demo and exit without serving.")
        args = parser.parse_args(rest)
        demo(args.host, args.port, serve_after=not args.no_serve)
    else:
        from django.core.management import execute_from_command_line

        django_command = {"import": "import_data", "export": "export_data"}.get(command, command)
        if command == "export" and rest[:1] == ["dora"]:
            django_command, rest = "export_dora", rest[1:]
        execute_from_command_line(["tether", django_command, *rest])


if __name__ == "__main__":
    main()
