"""Screenshots of Tether's main pages on the demo portfolio, for docs/screenshots/.

Run from the repository root:

    TETHER_DATA_DIR=/tmp/tether-shots .venv/bin/python tests/e2e/take_screenshots.py

It starts a throwaway Tether (a fresh SQLite database in a temporary folder inside
TETHER_DATA_DIR, removed afterwards), loads the demo portfolio, serves it on a free local port
and photographs the pages with Debian's chromium (`apt-get install chromium`), 1400 px wide.
"""

import argparse
import os
import secrets
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WIDTH, HEIGHT = 1400, 900
# Pages too long for a full-page picture: their first screen says what they are.
LONG_PAGES = {"questionnaire-review", "what-if", "exit-readiness", "clause-gaps", "scorecards",
              "sla-detail", "outsourcing-register", "dora-readiness", "board-report"}


def start_tether(data_dir: Path):
    """Migrate a fresh database, load the demo, serve it: (URL, admin, password, provider, stop).

    The admin has an authenticator (administrators must): the code is computed from its secret.
    """
    os.environ["TETHER_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)  # throwaway means SQLite in data_dir, never a real DB
    os.environ["DJANGO_SETTINGS_MODULE"] = "tether.settings"
    sys.path.insert(0, str(REPO))  # for tests.e2e.chromium and tests.factories

    import django

    django.setup()
    from django.core.management import call_command, get_commands
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from django.db.models import Count

    from tether.core.models import User
    from tether.core.roles import Role
    from tether.core.twofactor import totp_device_create
    from tether.registry.models import Provider

    call_command("migrate", interactive=False, verbosity=0)
    if "load_demo" in get_commands():
        call_command("load_demo")
    else:
        load_a_few_objects()
    password = secrets.token_urlsafe(16)
    admin = User(username="admin", first_name="Demo", last_name="Administrator", role=Role.ADMIN)
    admin.set_password(password)
    admin.save()
    totp_device_create(actor=None, user=admin, source="screenshots")
    # The demo's contact (the one who can log in) if there is one, else any.
    for contact in User.objects.filter(role=Role.PROVIDER_CONTACT).order_by(
            "-last_name", "username").filter(username="lena.contact")[:1] or \
            User.objects.filter(role=Role.PROVIDER_CONTACT)[:1]:
        contact.set_password(password)  # the portal, photographed from the inside
        contact.save()
    # The provider with most arrangements makes the fullest detail page.
    provider = Provider.objects.annotate(n=Count("arrangements")).order_by("-n", "name").first()

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=True)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"

    def stop():
        server.shutdown()
        server.server_close()

    return url, admin, password, provider, stop


def load_a_few_objects() -> None:
    """Without the demo command, a handful of objects made with the test factories."""
    from tests.factories import ArrangementFactory, OrganisationFactory, ProviderFactory

    bank = OrganisationFactory(name="Tether Bank AG")
    for name, country in (("Nimbus Hosting SE", "LU"), ("Alpha Outsourcing SA", "FR"),
                          ("Beta Cloud GmbH", "DE"), ("Gamma Contact Centres Ltd", "IE")):
        provider = ProviderFactory(name=name, country=country)
        ArrangementFactory.create_batch(3, organisation=bank, provider=provider)


def take_screenshots(url: str, admin, password: str, provider, out: Path) -> list[str]:
    """Save the PNGs; returns the problems seen (error answers, script errors), if any."""
    from playwright.sync_api import sync_playwright

    from tests.accounts import code_for
    from tests.e2e.chromium import launch
    from tether.core.models import User
    from tether.core.twofactor import totp_device_of
    from tether.portal.models import InformationRequest

    # Read now: no database calls inside Playwright's loop.
    device = totp_device_of(admin)
    contact = User.objects.filter(role="provider_contact").exclude(
        password__startswith="!").first()
    open_request = InformationRequest.objects.filter(
        provider_id=contact.provider_id, status="open").first() if contact else None
    risk_pages = _risk_and_diligence_pages(contact)

    out.mkdir(parents=True, exist_ok=True)
    problems = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(base_url=url, viewport={"width": WIDTH, "height": HEIGHT})
        context.set_default_timeout(20_000)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"{page.url}: script error {error}"))
        page.goto("/login/")
        page.fill("#id_username", "admin")
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("button[type=submit]")
        page.fill("#id_code", code_for(device))
        with page.expect_navigation():
            page.click("button[type=submit]")

        def shoot(name: str, path: str | None = None, prepare=None, full_page=True) -> None:
            if path is not None:
                response = page.goto(path, wait_until="networkidle")
                if not response.ok:
                    problems.append(f"{path} answered {response.status}")
            if prepare is not None:
                prepare()
                page.wait_for_load_state("networkidle")
            target = out / f"{name}.png"
            page.screenshot(path=str(target), full_page=full_page)
            print(target)

        def choose_provider():
            search = page.locator(".search-select", has=page.locator("#id_provider"))
            search.locator("input[name=q]").press_sequentially(provider.name[:6], delay=30)
            page.locator("#id_provider option:checked:not([value=''])").wait_for(state="attached")

        shoot("dashboard", "/")
        shoot("value-chain", "/registry/value-chain/")
        shoot("provider-list", "/registry/providers/", full_page=False)  # 50 rows: first screen
        shoot("provider-detail", provider.get_absolute_url())
        shoot("arrangement-form", "/registry/arrangements/add/", prepare=choose_provider)
        shoot("audit-verify", "/audit/verify/", full_page=False)
        for name, path in risk_pages["internal"]:
            shoot(name, path, full_page=name not in LONG_PAGES)
        if contact is not None:
            page = browser.new_context(base_url=url, viewport={"width": WIDTH, "height": HEIGHT}
                                       ).new_page()
            page.goto("/login/")
            page.fill("#id_username", contact.username)
            page.fill("#id_password", password)
            with page.expect_navigation():
                page.click("button[type=submit]")
            shoot("portal-home", "/portal/")
            if open_request is not None:
                shoot("portal-request", f"/portal/requests/{open_request.pk}/")
            shoot("portal-documents", "/portal/documents/")
            for name, path in risk_pages["portal"]:
                shoot(name, path, full_page=False)  # a long questionnaire: its first screen
        browser.close()
    return problems


def _risk_and_diligence_pages(contact) -> dict[str, list[tuple[str, str]]]:
    """Risk and due-diligence pages worth a picture, where the demo has something to show."""
    from django.urls import reverse

    from tether.diligence.models import QuestionnaireResponse
    from tether.risk.models import ProviderScore

    internal = [("risk-heat-map", reverse("risk:heat_map")),
                ("risk-methodology", reverse("risk:methodology"))]
    riskiest = ProviderScore.objects.order_by("-residual_score").first()
    if riskiest is not None:
        internal.append(("risk-explain", reverse("risk:provider_explain",
                                                 args=[riskiest.provider_id])))
    internal += _dependence_pages()
    internal += _control_pages()
    internal += _reporting_pages()
    submitted = QuestionnaireResponse.objects.filter(status="submitted").first()
    if submitted is not None:
        internal.append(("questionnaire-review", submitted.get_absolute_url()))
    portal = []
    draft = QuestionnaireResponse.objects.filter(
        provider_id=contact.provider_id, status="draft").first() if contact else None
    if draft is not None:
        portal.append(("portal-questionnaire",
                       reverse("diligence:portal_response", args=[draft.pk])))
    return {"internal": internal, "portal": portal}


def _dependence_pages() -> list[tuple[str, str]]:
    """Concentration, what-if for the provider most depended on, exit readiness, a decision."""
    from django.db.models import Count
    from django.urls import reverse

    from tether.decisions.models import DecisionCase
    from tether.registry.models import Provider

    pages = [("concentration", reverse("dependence:concentration")),
             ("exit-readiness", reverse("continuity:readiness"))]
    hub = Provider.objects.annotate(n=Count("subcontracted_links")).order_by("-n").first()
    if hub is not None:
        pages.append(("what-if", f"{reverse('dependence:what_if')}?kind=subcontractor"
                                 f"&provider={hub.pk}"))
    case = DecisionCase.objects.exclude(simulation=None).order_by("pk").first()
    if case is not None:
        pages.append(("decision-case", case.get_absolute_url()))
    return pages


def _control_pages() -> list[tuple[str, str]]:
    """SLAs, clause gaps, scorecards, incidents and deadlines (issue 6's pages)."""
    from django.urls import reverse

    from tether.oversight.models import Incident
    from tether.performance.models import PeriodResult

    pages = [("performance-dashboard", reverse("performance:dashboard")),
             ("clause-gaps", reverse("contracts:gaps")),
             ("scorecards", reverse("reviews:scorecards")),
             ("deadlines-calendar", reverse("deadlines:calendar"))]
    breached = PeriodResult.objects.filter(outcome="breached").order_by(
        "-period_start", "attainment").first()
    if breached is not None:
        pages.append(("sla-detail", reverse("performance:servicelevel_detail",
                                            args=[breached.service_level_id])))
    incident = Incident.objects.filter(events__isnull=False).order_by("pk").first()
    if incident is not None:
        pages.append(("incident", incident.get_absolute_url()))
    return pages


def _reporting_pages() -> list[tuple[str, str]]:
    """The register of information's readiness, the EBA outsourcing register and a board
    report generated for the picture (issue 7's pages)."""
    from django.urls import reverse

    from tether.board.choices import ReportTrigger
    from tether.board.services import board_report_generate, board_report_request
    from tether.registry.models import Organisation

    pages = [("outsourcing-register", reverse("regulatory:outsourcing_register"))]
    entity = Organisation.objects.filter(dora_profile__isnull=False, lei__isnull=False).first()
    if entity is not None:
        pages.append(("dora-readiness", f"{reverse('regulatory:register')}?entity={entity.pk}"
                                        f"&reference_date=2025-12-31&scope=auto"))
    report = board_report_request(actor=None, trigger=ReportTrigger.SCHEDULE,
                                  source="screenshots", queue=False)
    board_report_generate(report.pk)
    pages.append(("board-report", report.get_absolute_url()))
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots",
                        help="Folder for the PNG files (default: docs/screenshots).")
    parser.add_argument("--keep", action="store_true", help="Keep the throwaway database.")
    args = parser.parse_args()

    parent = os.environ.get("TETHER_DATA_DIR") or None
    if parent:
        Path(parent).mkdir(parents=True, exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix="tether-screenshots-", dir=parent))
    started = time.perf_counter()
    stop = None
    try:
        url, admin, password, provider, stop = start_tether(data_dir)
        problems = take_screenshots(url, admin, password, provider, args.out.resolve())
    finally:
        if stop is not None:
            stop()
        if args.keep:
            print(f"Database kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    print(f"Done in {time.perf_counter() - started:.1f} s.")
    if problems:
        sys.exit("Pages that went wrong:\n  " + "\n  ".join(problems))


if __name__ == "__main__":
    main()
