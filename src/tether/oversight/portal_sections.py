"""The oversight section of the provider portal: a navigation link and a home-page card with
the provider's open findings and active incidents."""

from tether.oversight import selectors
from tether.oversight.choices import ACTIVE_INCIDENT_STATUSES
from tether.portal.sections import PortalSection, contribute_portal_section

HOME_ROWS = 10


def portal_home_context(viewer) -> dict:
    """The provider's open findings, soonest due first, and its active incidents."""
    provider = viewer.provider
    return {
        "findings": list(selectors.findings_of_provider(provider)
                         .filter(selectors.open_findings_q())
                         .order_by("due_date", "pk")[:HOME_ROWS]),
        "incidents": list(selectors.incidents_of_provider(provider)
                          .filter(status__in=ACTIVE_INCIDENT_STATUSES)[:HOME_ROWS]),
    }


def register_portal_section() -> None:
    contribute_portal_section(PortalSection(
        label="Findings and incidents", url_name="oversight_portal:finding_list",
        home_template="oversight/portal/home_section.html", home_context=portal_home_context,
    ))
