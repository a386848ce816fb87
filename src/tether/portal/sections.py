"""Sections that apps above the portal add to it (questionnaires, say), without the portal
importing them: a link in the portal's navigation and, optionally, a card on its home page."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class PortalSection:
    label: str
    url_name: str
    # The home page card: a template, rendered with `home_context(viewer)` as `section`.
    home_template: str = ""
    home_context: Callable | None = None


PORTAL_SECTIONS: list[PortalSection] = []


def contribute_portal_section(section: PortalSection) -> PortalSection:
    """Declare a section of the portal; called once, from the contributing app's ready()."""
    if all(known.url_name != section.url_name for known in PORTAL_SECTIONS):
        PORTAL_SECTIONS.append(section)
    return section


def portal_navigation() -> list[tuple[str, str]]:
    return [(section.label, reverse(section.url_name)) for section in PORTAL_SECTIONS]


def home_cards(viewer) -> list[tuple[str, dict]]:
    """(template, context) of each contributed card on the portal's home page."""
    return [(section.home_template, section.home_context(viewer) if section.home_context else {})
            for section in PORTAL_SECTIONS if section.home_template]
