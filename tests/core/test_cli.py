"""The `tether` command, run as a user runs it: in its own process, on its own data directory."""

import os
import sqlite3
import subprocess
import sys

import pytest

# What the test process itself sets that a user's shell would not have: the database the
# suite runs on, and the browser tests' permission to call the ORM from Playwright's loop.
NOT_INHERITED = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def user_environment() -> dict:
    return {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}


def run_tether(*args, data_dir, extra_env=None, timeout=300):
    env = user_environment()
    env.update({"TETHER_DATA_DIR": str(data_dir), **(extra_env or {})})
    return subprocess.run([sys.executable, "-m", "tether.cli", *args], env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def test_help_lists_tethers_own_commands(tmp_path):
    result = run_tether("--help", data_dir=tmp_path)
    assert result.returncode == 0
    for command in ("serve", "demo", "import", "export", "generate"):
        assert command in result.stdout


@pytest.mark.slow
def test_demo_sets_up_data_and_prints_a_working_login(tmp_path):
    result = run_tether("demo", "--no-serve", "--port", "8123", data_dir=tmp_path,
                        extra_env={"TETHER_DEMO_PASSWORD": "demo-password-123"})
    assert result.returncode == 0, result.stderr
    assert "http://127.0.0.1:8123/" in result.stdout
    assert "admin  /  demo-password-123" in result.stdout
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert "lena.contact" in result.stdout and "vera.manager" in result.stdout
    database = sqlite3.connect(tmp_path / "tether.sqlite3")
    hashes = dict(database.execute(
        "SELECT username, password FROM core_user WHERE username IN "
        "('admin', 'lena.contact', 'vera.manager')").fetchall())
    assert len(hashes) == 3 and not any(h.startswith("!") for h in hashes.values())
    providers = database.execute("SELECT COUNT(*) FROM registry_provider").fetchone()[0]
    assert providers >= 250
    # Running it again keeps the data and does not duplicate it.
    again = run_tether("demo", "--no-serve", data_dir=tmp_path)
    assert again.returncode == 0, again.stderr
    assert database.execute("SELECT COUNT(*) FROM registry_provider").fetchone()[0] == providers
    check = run_tether("check", "--deploy", "--fail-level", "ERROR", data_dir=tmp_path)
    assert check.returncode == 0, check.stderr


def test_unknown_command_fails_with_a_message(tmp_path):
    result = run_tether("no-such-command", data_dir=tmp_path)
    assert result.returncode != 0
    assert "Unknown command" in result.stderr


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_serve_answers_with_pages_and_local_static_files(tmp_path):
    import time
    import urllib.error
    import urllib.request

    port = _free_port()
    env = user_environment()
    env["TETHER_DATA_DIR"] = str(tmp_path)
    server = subprocess.Popen(
        [sys.executable, "-m", "tether.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    assert response.read() == b"ok"
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert time.monotonic() < deadline, "tether serve did not answer within 60 s"
                time.sleep(0.5)
        with urllib.request.urlopen(f"{base}/login/", timeout=5) as response:
            page = response.read().decode()
        assert "Log in to Tether" in page
        with urllib.request.urlopen(f"{base}/static/tether/vendor/htmx-2.0.11.min.js",
                                    timeout=5) as response:
            assert response.status == 200 and len(response.read()) > 10_000
        with urllib.request.urlopen(f"{base}/registry/providers/", timeout=5) as response:
            assert response.url.startswith(f"{base}/login/")  # anonymous: sent to log in
    finally:
        server.terminate()
        server.wait(timeout=30)
