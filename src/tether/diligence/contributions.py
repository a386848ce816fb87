"""What diligence adds to the apps below it, which know nothing of it: a "Questionnaires"
panel on provider pages, and a questionnaires section in the provider portal."""

from tether.core.views.generic import contribute_panels
from tether.diligence.campaign_selectors import OPEN_STATUSES, portal_responses
from tether.diligence.choices import CampaignStatus
from tether.portal.sections import PortalSection, contribute_portal_section


def portal_home_context(viewer) -> dict:
    """The provider's questionnaires still to answer, soonest due first (one query)."""
    responses = portal_responses(viewer.provider).filter(
        status__in=OPEN_STATUSES, campaign__status=CampaignStatus.OPEN)
    return {"open": list(responses[:10])}


def register() -> None:
    from tether.diligence.campaign_views import provider_panels

    contribute_panels("registry.provider")(provider_panels)
    contribute_portal_section(PortalSection(
        label="Questionnaires", url_name="diligence:portal_questionnaire_list",
        home_template="diligence/portal_home_section.html", home_context=portal_home_context,
    ))
