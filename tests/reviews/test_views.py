"""The reviews pages by role: lists, forms, reviews due, scorecards, exports, panels, the
dashboard card, and the portal's feedback page for provider contacts."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from tests.factories import ArrangementFactory, ProviderFactory
from tests.performance.factories import ServiceLevelFactory
from tests.reviews.factories import period_results, review_for
from tether.core.models import AuditEntry
from tether.core.roles import INTERNAL_ROLES, Role
from tether.reviews.models import Review

pytestmark = pytest.mark.django_db
WRITERS = (Role.ADMIN, Role.VENDOR_MANAGER)
PAGES = ("/reviews/", "/reviews/due/", "/reviews/scorecards/", "/reviews/cadences/")
MAX_QUERIES = 15


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(response) -> list[list]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    return workbook.get_sheet_by_index(0).to_python()


@pytest.fixture
def portfolio(users, provider_a, provider_b):
    """An overdue arrangement of provider A (reviewed 14 months ago, feedback shared), one of
    provider B never reviewed, started last month (due in 11 months), and one reviewed
    internally only."""
    manager = users[Role.VENDOR_MANAGER]
    today = timezone.localdate()
    overdue = ArrangementFactory(provider=provider_a, reference="ARR-LATE",
                                 start_date=date(2020, 1, 1))
    fresh = ArrangementFactory(provider=provider_b, reference="ARR-FRESH",
                               start_date=today - timedelta(days=31))
    internal = ArrangementFactory(provider=provider_a, reference="ARR-QUIET",
                                  start_date=date(2020, 1, 1))
    held = today - timedelta(days=430)
    shared = review_for(overdue, actor=manager, held_on=held, period_from=held - timedelta(90),
                        period_to=held, quality_rating=2, feedback="Shared with Alpha.",
                        feedback_shared_on=held, summary="Internal view of Alpha.")
    quiet = review_for(internal, actor=manager, held_on=today - timedelta(days=10),
                       period_from=today - timedelta(100), period_to=today - timedelta(10),
                       quality_rating=5, feedback="Not shared yet.")
    other_shared = review_for(ArrangementFactory(provider=provider_b), actor=manager,
                              held_on=today - timedelta(days=5),
                              period_from=today - timedelta(90), period_to=today - timedelta(5),
                              feedback="Shared with Beta.", feedback_shared_on=today)
    return {"overdue": overdue, "fresh": fresh, "shared": shared, "quiet": quiet,
            "other_shared": other_shared}


@pytest.mark.parametrize("role", sorted(INTERNAL_ROLES))
def test_every_internal_role_reads_and_only_writers_write(role, users, login, portfolio):
    client = login(users[role])
    for page in PAGES:
        assert client.get(page).status_code == 200, page
    assert client.get(portfolio["shared"].get_absolute_url()).status_code == 200
    provider = portfolio["overdue"].provider
    assert client.get(f"/reviews/scorecards/{provider.pk}/").status_code == 200
    expected = 200 if role in WRITERS else 403
    assert client.get("/reviews/add/").status_code == expected
    assert client.get(f"/reviews/{portfolio['shared'].pk}/edit/").status_code == expected


@pytest.mark.parametrize("contact", ["contact_a", "contact_b"])
def test_contacts_get_no_internal_page(contact, users, login, portfolio):
    client = login(users[contact])
    for page in (*PAGES, "/reviews/add/", portfolio["shared"].get_absolute_url(),
                 f"/reviews/scorecards/{portfolio['overdue'].provider_id}/",
                 "/reviews/due/?format=csv", "/reviews/scorecards/?format=csv"):
        assert client.get(page).status_code == 403, page


def test_a_review_is_recorded_through_the_form_and_audited(users, login, portfolio):
    client = login(users[Role.VENDOR_MANAGER])
    arrangement = portfolio["fresh"]
    response = client.post("/reviews/add/", {
        "arrangement": arrangement.pk, "period_from": "2026-01-01", "period_to": "2026-06-30",
        "held_on": "2026-07-10", "quality_rating": "4", "delivery_rating": "3",
        "decision": "continue_with_improvement_plan", "feedback": "Better reports, please.",
        "feedback_shared_on": "2026-07-12"})
    assert response.status_code == 302
    review = Review.objects.get(arrangement=arrangement)
    assert str(review.overall_rating) == "3.50"
    assert review.next_review_due == date(2027, 7, 10)
    assert AuditEntry.objects.filter(object_id=str(review.pk), action="create").exists()


def test_the_form_refuses_sharing_empty_feedback_and_backwards_periods(users, login,
                                                                       portfolio):
    client = login(users[Role.VENDOR_MANAGER])
    response = client.post("/reviews/add/", {
        "arrangement": portfolio["fresh"].pk, "period_from": "2026-06-30",
        "period_to": "2026-01-01", "held_on": "2026-07-10", "decision": "continue",
        "feedback": " ", "feedback_shared_on": "2026-07-12", "quality_rating": "9"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"period_to", "feedback_shared_on", "quality_rating"}
    assert not Review.objects.filter(arrangement=portfolio["fresh"]).exists()


def test_reviews_due_lists_overdue_first_and_filters(users, login, portfolio):
    client = login(users[Role.EXECUTIVE])
    response = client.get("/reviews/due/")
    records = response.context["table"].records
    assert records[0].reference == "ARR-LATE" and records[0].overdue
    body = response.content.decode()
    assert "Overdue" in body
    only = client.get("/reviews/due/?overdue=true").context["table"].records
    assert [r.reference for r in only] == ["ARR-LATE"]
    never = client.get("/reviews/due/?never_reviewed=true").context["table"].records
    assert "ARR-FRESH" in [r.reference for r in never]
    assert client.get("/reviews/due/?overdue=perhaps").context["table"].records == []


def test_reviews_due_exports_with_its_filters(users, login, portfolio):
    client = login(users[Role.AUDITOR])
    rows = csv_rows(client.get("/reviews/due/?format=csv&overdue=true"))
    header, *data = rows
    assert header[:2] == ["reference", "title"] and "next_review_due" in header
    assert [row[0] for row in data] == ["ARR-LATE"]
    assert data[0][header.index("overdue")] == "yes"
    rows = xlsx_rows(client.get("/reviews/due/?format=xlsx"))
    assert len(rows) == 1 + 3 + 1  # header, the portfolio's three, the other shared one's
    assert client.get("/reviews/due/?format=pdf").status_code == 404


def test_review_list_exports(users, login, portfolio):
    response = login(users[Role.RISK_OFFICER]).get("/reviews/export/?format=csv")
    header, *data = csv_rows(response)
    assert "overall_rating" in header and len(data) == 3


def test_scorecard_ranking_and_its_export(users, login, portfolio):
    provider = portfolio["overdue"].provider
    level = ServiceLevelFactory(arrangement=portfolio["overdue"], kind="sla")
    first = timezone.localdate().replace(day=1) - timedelta(days=40)
    period_results(level, [(first.replace(day=1), "met", 100.0)])
    client = login(users[Role.EXECUTIVE])
    response = client.get("/reviews/scorecards/")
    assert response.status_code == 200
    assert response.context["table"].records[0].name == provider.name
    header, *data = csv_rows(client.get("/reviews/scorecards/?format=csv"))
    assert header[:3] == ["rank", "provider", "score"]
    assert data[0][1] == provider.name and float(data[0][2]) > 0
    assert len(xlsx_rows(client.get("/reviews/scorecards/?format=xlsx"))) == 1 + len(data)
    searched = client.get("/reviews/scorecards/?q=Beta").context["table"].records
    assert [r.name for r in searched] == ["Beta Cloud GmbH"]
    assert client.get("/reviews/scorecards/?q=%00Beta&sort=nonsense&page=x").status_code == 200
    page = client.get(f"/reviews/scorecards/{provider.pk}/")
    assert b"<svg" in page.content and b"SLA periods met" in page.content


def test_scorecard_of_an_unknown_provider_is_404(users, login):
    assert login(users[Role.EXECUTIVE]).get("/reviews/scorecards/999999/").status_code == 404


def test_panels_on_the_provider_and_arrangement_pages(users, login, portfolio,
                                                      django_assert_max_num_queries):
    client = login(users[Role.EXECUTIVE])
    arrangement = portfolio["overdue"]
    with django_assert_max_num_queries(60):
        body = client.get(arrangement.get_absolute_url()).content.decode()
    assert "Periodic reviews" in body and "Overdue" in body and "reviews-sparkline" in body
    body = client.get(arrangement.provider.get_absolute_url()).content.decode()
    assert "Scorecard" in body and 'data-testid="score"' in body


def test_the_dashboard_counts_overdue_reviews(users, login, portfolio):
    body = login(users[Role.EXECUTIVE]).get("/").content.decode()
    assert 'data-testid="reviews-overdue">1<' in body


def test_list_pages_stay_within_the_query_budget(users, login, portfolio,
                                                 django_assert_max_num_queries):
    client = login(users[Role.AUDITOR])
    for page in PAGES:
        with django_assert_max_num_queries(MAX_QUERIES):
            assert client.get(page).status_code == 200


@pytest.mark.parametrize(("contact", "mine", "theirs"), [
    ("contact_a", "Shared with Alpha.", "Shared with Beta."),
    ("contact_b", "Shared with Beta.", "Shared with Alpha.")])
def test_a_contact_sees_only_the_shared_feedback_of_their_provider(contact, mine, theirs,
                                                                   users, login, portfolio):
    body = login(users[contact]).get("/portal/review-feedback/").content.decode()
    assert mine in body
    assert theirs not in body
    assert "Not shared yet." not in body  # a review of theirs whose feedback is not shared
    assert "Internal view of Alpha." not in body  # the summary stays internal


def test_internal_users_see_the_feedback_page_only_in_preview(users, login, portfolio,
                                                              provider_a):
    from tether.portal.access import PREVIEW_SESSION_KEY

    client = login(users[Role.AUDITOR])
    assert client.get("/portal/review-feedback/").status_code == 403
    session = client.session
    session[PREVIEW_SESSION_KEY] = provider_a.pk
    session.save()
    body = client.get("/portal/review-feedback/").content.decode()
    assert "Shared with Alpha." in body and "Shared with Beta." not in body


def test_the_portal_home_card_names_the_latest_shared_feedback(users, portfolio, provider_b):
    from tether.portal.access import PortalViewer
    from tether.reviews.contributions import portal_home_context

    context = portal_home_context(PortalViewer(provider=provider_b, preview=False))
    assert context["latest"] == portfolio["other_shared"]
    assert portal_home_context(PortalViewer(provider=ProviderFactory(), preview=False)) == {
        "latest": None}
