"""Who is looking at the portal, and as which provider.

A provider's contact always sees their own provider. An internal user may preview the portal
"as seen by" a provider, read-only, to check what is shared; nobody else gets in.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from tether.portal.sections import portal_navigation
from tether.registry.models import Provider

PREVIEW_SESSION_KEY = "portal_preview_provider"


@dataclass(frozen=True)
class PortalViewer:
    provider: Provider
    preview: bool  # an internal user looking as the provider: nothing may be changed

    @property
    def can_act(self) -> bool:
        return not self.preview


def portal_viewer(request) -> PortalViewer:
    user = request.user
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    if not user.is_internal:
        if user.provider_id is None:
            raise PermissionDenied
        return PortalViewer(provider=user.provider, preview=False)
    provider_id = request.session.get(PREVIEW_SESSION_KEY)
    provider = Provider.objects.restrict(user, "view").filter(pk=provider_id).first() \
        if provider_id else None
    if provider is None:
        raise PermissionDenied("Choose a provider to preview its portal.")
    return PortalViewer(provider=provider, preview=True)


class PortalMixin:
    """Resolves the viewer before any portal view runs; `write` views refuse previews."""

    writes = False

    def dispatch(self, request, *args, **kwargs):
        self.viewer = portal_viewer(request)
        if self.writes and request.method not in ("GET", "HEAD") and not self.viewer.can_act:
            raise PermissionDenied("A preview of the portal is read-only.")
        return super().dispatch(request, *args, **kwargs)

    def portal_context(self, **extra) -> dict:
        return {"viewer": self.viewer, "provider": self.viewer.provider,
                "portal_sections": portal_navigation(), **extra}
