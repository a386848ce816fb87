"""The register of information's cards on the register's pages.

DORA's fields only appear where they matter: an organisation's page offers a DORA profile; an
arrangement's page shows its ICT services and their assessment only when the entity that
signed it is a financial entity within the register's scope. Each card costs a query or two.
"""

from django.db.models import Subquery
from django.urls import reverse

from tether.core.views.generic import Panel, add_link, contribute_panels
from tether.regulatory import tables
from tether.regulatory.models import ArrangementProfile, EntityProfile, IctService

ROWS = 10


@contribute_panels("registry.organisation", order=20)
def organisation_panels(request, organisation) -> list[Panel]:
    user = request.user
    if not user.can("view", EntityProfile):
        return []
    profile = (EntityProfile.objects.filter(organisation=organisation)
               .select_related("parent").first())
    return [Panel("Register of information (DORA)", template="regulatory/panels/entity.html",
                  context={
                      "profile": profile,
                      "edit_url": (reverse("regulatory:entityprofile_edit", args=[profile.pk])
                                   if profile and user.can("change", EntityProfile) else None),
                      "add_url": None if profile else add_link(
                          request, EntityProfile, "regulatory:entityprofile_add",
                          organisation=organisation.pk),
                      "functions_url": (f"{reverse('regulatory:function_list')}"
                                        f"?organisation={organisation.pk}"),
                      "branches_url": (f"{reverse('regulatory:branch_list')}"
                                       f"?head_office={organisation.pk}"),
                  })]


@contribute_panels("registry.arrangement", order=45)
def arrangement_panels(request, arrangement) -> list[Panel]:
    user = request.user
    if not user.can("view", IctService):
        return []
    scope = (EntityProfile.objects.filter(organisation_id=arrangement.organisation_id,
                                          in_scope=True)
             .annotate(assessment=Subquery(ArrangementProfile.objects.filter(
                 arrangement=arrangement).values("pk")[:1]))
             .values("assessment").first())
    if scope is None:
        return []
    services = list(IctService.objects.filter(arrangement=arrangement)
                    .select_related("function", "organisation")[:ROWS + 1])
    assessment = scope["assessment"]
    return [Panel("Register of information (DORA)", template="regulatory/panels/arrangement.html",
                  more_url=f"{reverse('regulatory:ictservice_list')}?arrangement={arrangement.pk}",
                  context={
                      "table": tables.IctServiceTable(services[:ROWS], orderable=False,
                                                      exclude=("arrangement", "provider")),
                      "has_services": bool(services),
                      "add_url": add_link(request, IctService, "regulatory:ictservice_add",
                                          arrangement=arrangement.pk,
                                          organisation=arrangement.organisation_id),
                      "assessment_url": (
                          reverse("regulatory:arrangementprofile_detail", args=[assessment])
                          if assessment else add_link(
                              request, ArrangementProfile, "regulatory:arrangementprofile_add",
                              arrangement=arrangement.pk)),
                      "assessed": assessment is not None,
                  })]
