"""What the reviews app adds to the apps below it, which know nothing of it: cards on the
provider and arrangement pages, a home-dashboard card, "review due" deadlines and a section
of the provider portal. Each card costs a query or a few."""

from django.urls import reverse

from tether.core.deadlines import Deadline, deadline_source
from tether.core.views.generic import Panel, add_link, contribute_dashboard, contribute_panels
from tether.registry.models import Arrangement
from tether.reviews import scorecard_selectors, selectors
from tether.reviews.charts import ratings_sparkline_svg
from tether.reviews.models import Review


@contribute_panels("registry.provider", order=25)
def provider_panels(request, provider) -> list[Panel]:
    if not request.user.can("view", Review):
        return []
    card = scorecard_selectors.provider_scorecard(provider)
    return [Panel("Scorecard", template="reviews/panels/provider_scorecard.html", context={
        "card": card, "url": reverse("reviews:provider_scorecard", args=[provider.pk])})]


@contribute_panels("registry.arrangement", order=35)
def arrangement_panels(request, arrangement) -> list[Panel]:
    user = request.user
    if not user.can("view", Review):
        return []
    reviews = selectors.arrangement_reviews(user=user, arrangement=arrangement)
    row = selectors.with_review_due(Arrangement.objects.filter(pk=arrangement.pk)).values(
        "review_due", "overdue", "cadence_months").first()
    points = [(f"{r.held_on:%Y-%m-%d}", float(r.overall_rating))
              for r in reversed(reviews) if r.overall_rating is not None]
    return [Panel("Periodic reviews", template="reviews/panels/arrangement_reviews.html",
                  total=len(reviews) if reviews else None,
                  more_url=f"{reverse('reviews:review_list')}?arrangement={arrangement.pk}",
                  context={
                      "last": reviews[0] if reviews else None,
                      "due": row["review_due"] if row else None,
                      "overdue": bool(row and row["overdue"]
                                      and arrangement.status in selectors.LIVE_STATUSES),
                      "cadence": row["cadence_months"] if row else None,
                      "points": points, "sparkline": ratings_sparkline_svg(points),
                      "add_url": add_link(request, Review, "reviews:review_add",
                                          arrangement=arrangement.pk)})]


@contribute_dashboard(order=40)
def dashboard_cards(request) -> list[Panel]:
    user = request.user
    if not user.can("view", Review):
        return []
    return [Panel("Reviews overdue", template="reviews/panels/dashboard_overdue.html",
                  context={"overdue": selectors.overdue_count(user=user),
                           "url": f"{reverse('reviews:due')}?overdue=true"})]


@deadline_source("review_due", "Periodic review due", model=Review)
def review_deadlines(*, user, start, end):
    """The next review of each active arrangement due from `start` to `end` (one query)."""
    arrangements = (Arrangement.objects.filter(status__in=selectors.LIVE_STATUSES)
                    if user is None else Arrangement.objects.restrict(user).filter(
                        status__in=selectors.LIVE_STATUSES))
    rows = selectors.with_review_due(arrangements).filter(
        review_due__gte=start, review_due__lte=end).values_list(
        "pk", "reference", "title", "provider_id", "owner_id", "is_critical", "review_due")
    for pk, reference, title, provider_id, owner_id, critical, due in rows.iterator(2000):
        yield Deadline(
            day=due, kind="review_due", label="Periodic review due",
            title=f"{reference} · {title}" if title else reference,
            url=f"{reverse('reviews:review_add')}?arrangement={pk}",
            key=f"review_due:arrangement:{pk}:{due:%Y-%m-%d}", provider_id=provider_id,
            owner_id=owner_id, critical=critical)


def portal_home_context(viewer) -> dict:
    return {"latest": selectors.shared_feedback(viewer.provider.pk).first()}


def register_portal_section() -> None:
    """The portal's "Review feedback" section; needs `tether.reviews.portal_urls` included."""
    from tether.portal.sections import PortalSection, contribute_portal_section

    contribute_portal_section(PortalSection(
        label="Review feedback", url_name="reviews_portal:feedback",
        home_template="reviews/portal/home_section.html", home_context=portal_home_context))
