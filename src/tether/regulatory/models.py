"""What the DORA register of information needs beyond the register itself.

The register already knows organisations, providers, arrangements, subcontracting, exit plans
and audits; the templates of Implementing Regulation (EU) 2024/2956 read those. What exists
for DORA only lives here, beside the object it describes:

- `EntityProfile`: an organisation as a financial entity (type, place in the group, competent
  authority, total assets) and whether it is within the register's scope (B_01.01, B_01.02);
- `Branch` (B_01.03);
- `Function`: the functions the entities perform and their criticality assessment (B_06.01);
- `IctService`: which entity uses which ICT service of an arrangement, for which function,
  where it is provided and where its data lies (B_02.02, B_04.01);
- `ArrangementProfile`: an ICT arrangement's termination reason and the assessment of its
  services (B_02.02.0090, B_07.01).

Coded values are stored as the EBA codes they are filed as (see `codelists`).
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django_countries.fields import CountryField

from tether.core.models import TetherModel
from tether.registry.choices import OutsourcingType
from tether.registry.validators import validate_currency
from tether.regulatory import codelists


class DoraModel(TetherModel):
    """The register-of-information data: the compliance officer's and the vendor manager's."""

    permission_domain = "reporting"

    class Meta:
        abstract = True


# The providers whose arrangements are ICT services in DORA's sense (Art. 3(21)).
ICT_OUTSOURCING_TYPES = (OutsourcingType.ICT_SERVICE, OutsourcingType.ITO)


def _coded(list_id: str, verbose_name: str, *, exclude=frozenset(), **kwargs):
    return models.CharField(verbose_name, max_length=16, blank=True,
                            choices=codelists.choices(list_id, exclude=exclude), **kwargs)


class EntityProfile(DoraModel):
    """An organisation as a financial entity in the register of information."""

    organisation = models.OneToOneField("registry.Organisation", on_delete=models.CASCADE,
                                        related_name="dora_profile")
    in_scope = models.BooleanField(
        "within the register's scope", default=True,
        help_text="Listed in B_01.02: the entities whose ICT arrangements the register holds.")
    entity_type = _coded(codelists.ENTITY_TYPE, "type of entity")
    hierarchy = _coded(codelists.HIERARCHY, "hierarchy within the group")
    parent = models.ForeignKey(
        "registry.Organisation", null=True, blank=True, on_delete=models.PROTECT,
        related_name="dora_subsidiaries", verbose_name="direct parent undertaking",
        help_text="Its LEI is reported; the parent must be in the register too.")
    competent_authority = models.CharField(
        max_length=120, blank=True, help_text="e.g. ECB, BaFin, ACPR, Banca d'Italia.")
    total_assets = models.DecimalField(
        "value of total assets", max_digits=20, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)])
    total_assets_currency = models.CharField(
        max_length=3, default="EUR", validators=[validate_currency])
    integrated_on = models.DateField(
        "date of integration in the register", null=True, blank=True)
    deleted_on = models.DateField("date of deletion from the register", null=True, blank=True)
    definitions = models.JSONField(
        default=dict, blank=True,
        help_text="B_99.01: how this entity defines the levels it reports (by column code).")

    class Meta:
        ordering = ["organisation__name"]

    def __str__(self):
        return f"{self.organisation} (DORA profile)"

    def clean(self):
        if self.parent_id and self.parent_id == self.organisation_id:
            raise ValidationError({"parent": "An entity is not its own parent."})
        if self.integrated_on and self.deleted_on and self.deleted_on < self.integrated_on:
            raise ValidationError(
                {"deleted_on": "The entity leaves the register after it joined it."})

    def get_absolute_url(self):
        return self.organisation.get_absolute_url()


class Branch(DoraModel):
    """A branch of a financial entity, outside its home country (B_01.03)."""

    head_office = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE,
                                    related_name="branches")
    code = models.CharField("identification code", max_length=60,
                            help_text="The code identifying the branch (unique per entity).")
    name = models.CharField(max_length=200)
    country = CountryField()

    class Meta:
        ordering = ["head_office__name", "code"]
        verbose_name_plural = "branches"
        constraints = [models.UniqueConstraint(
            fields=["head_office", "code"], name="branch_unique_code",
            violation_error_message="This entity already has a branch with this code.")]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Function(DoraModel):
    """A function of an entity, with the assessment of whether it is critical or important."""

    organisation = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT,
                                     related_name="functions", verbose_name="financial entity")
    identifier = models.CharField(
        "function identifier", max_length=60,
        help_text="Your identifier of the function (unique per entity), e.g. F-PAY-01.")
    name = models.CharField("function name", max_length=250)
    activity = models.ForeignKey(
        "registry.Activity", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="functions", verbose_name="value-chain activity",
        help_text="Where this function sits in the value chain, if mapped.")
    licenced_activity = _coded(codelists.LICENCED_ACTIVITY, "licenced activity")
    criticality = _coded(codelists.CRITICALITY, "critical or important",
                         default=codelists.NOT_ASSESSED)
    criticality_reasons = models.TextField("reasons for criticality or importance", blank=True)
    assessed_on = models.DateField("last criticality assessment", null=True, blank=True)
    rto_hours = models.PositiveIntegerField(
        "recovery time objective (hours)", null=True, blank=True,
        validators=[MaxValueValidator(100_000)])
    rpo_hours = models.PositiveIntegerField(
        "recovery point objective (hours)", null=True, blank=True,
        validators=[MaxValueValidator(100_000)])
    discontinuing_impact = _coded(codelists.DISCONTINUING_IMPACT,
                                  "impact of discontinuing the function")

    class Meta:
        ordering = ["organisation__name", "identifier"]
        constraints = [models.UniqueConstraint(
            fields=["organisation", "identifier"], name="function_unique_identifier",
            violation_error_message="This entity already has a function with this identifier.")]

    def __str__(self):
        return f"{self.identifier} {self.name}"


class IctService(DoraModel):
    """One ICT service an entity receives under an arrangement, for one function.

    A row of B_02.02 (and, through its entity and branch, of B_04.01).
    """

    arrangement = models.ForeignKey("registry.Arrangement", on_delete=models.CASCADE,
                                    related_name="ict_services")
    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.PROTECT, related_name="ict_services_used",
        verbose_name="entity making use of the service")
    branch = models.ForeignKey(Branch, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="ict_services_used",
                               help_text="If a branch of the entity uses it.")
    function = models.ForeignKey(Function, on_delete=models.PROTECT, related_name="ict_services")
    service_type = models.CharField("type of ICT service", max_length=16,
                                    choices=codelists.choices(codelists.ICT_SERVICE_TYPE))
    provision_country = CountryField("country where the service is provided")
    stores_data = models.BooleanField("the provider stores data", default=False)
    storage_country = CountryField("location of data at rest", blank=True)
    processing_country = CountryField("location of data processing", blank=True)
    data_sensitivity = _coded(codelists.DATA_SENSITIVENESS, "sensitiveness of the data")
    reliance = _coded(codelists.RELIANCE, "level of reliance")

    provider_scope = "arrangement__provider"

    class Meta:
        ordering = ["arrangement__reference", "function__identifier", "service_type"]
        verbose_name = "ICT service"
        constraints = [models.UniqueConstraint(
            fields=["arrangement", "organisation", "function", "service_type",
                    "provision_country", "storage_country", "processing_country"],
            name="ict_service_unique_row",
            violation_error_message="This arrangement already lists this service for this "
                                    "entity, function and locations.")]

    def __str__(self):
        return f"{self.arrangement} · {self.get_service_type_display()} · {self.function}"

    def clean(self):
        errors = {}
        # R7 joins B_02.02 to B_06.01 on (entity, function): the function must be the user's.
        if self.function_id and self.organisation_id and \
                self.function.organisation_id != self.organisation_id:
            errors["function"] = "Choose a function of the entity that uses the service."
        if self.branch_id and self.organisation_id and \
                self.branch.head_office_id != self.organisation_id:
            errors["branch"] = "Choose a branch of the entity that uses the service."
        if self.stores_data and not self.storage_country:
            errors["storage_country"] = "Say where the data is stored."
        if not self.stores_data and self.storage_country:
            errors["storage_country"] = "Leave empty when the provider stores no data."
        if errors:
            raise ValidationError(errors)


class ArrangementProfile(DoraModel):
    """What DORA asks of an ICT arrangement beyond the contract's own fields (B_07.01)."""

    arrangement = models.OneToOneField("registry.Arrangement", on_delete=models.CASCADE,
                                       related_name="dora_profile")
    termination_reason = _coded(codelists.TERMINATION_REASON,
                                "reason of termination or ending")
    not_substitutable_reason = _coded(
        codelists.NOT_SUBSTITUTABLE_REASON, "reason the provider is hard to substitute",
        help_text="Required when the provider is not or hardly substitutable.")
    reintegration = _coded(codelists.REINTEGRATION, "possibility of reintegration")
    discontinuing_impact = _coded(codelists.DISCONTINUING_IMPACT,
                                  "impact of discontinuing the services")
    alternatives_note = models.CharField(
        "alternative providers identified", max_length=250, blank=True,
        help_text="Alternatives beyond those in the exit plan (names or identifiers).")

    provider_scope = "arrangement__provider"

    class Meta:
        ordering = ["arrangement__reference"]

    def __str__(self):
        return f"{self.arrangement} (DORA assessment)"

    def get_absolute_url(self):
        return self.arrangement.get_absolute_url()


class ProviderProfile(DoraModel):
    """A provider's name in the Latin alphabet, when its legal name is written otherwise."""

    provider = models.OneToOneField("registry.Provider", on_delete=models.CASCADE,
                                    related_name="dora_profile")
    latin_name = models.CharField("name in Latin alphabet", max_length=250)

    provider_scope = "provider"

    class Meta:
        ordering = ["latin_name"]

    def __str__(self):
        return self.latin_name

    def get_absolute_url(self):
        return self.provider.get_absolute_url()


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class RegisterExport(DoraModel):
    """One EBA reporting package of the register of information, with its validation."""

    organisation = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT,
                                     related_name="register_exports",
                                     verbose_name="entity maintaining the register")
    reference_date = models.DateField()
    consolidated = models.BooleanField(
        default=True, help_text="The group's in-scope entities (CON), or this entity alone (IND).")
    status = models.CharField(max_length=16, choices=ExportStatus.choices,
                              default=ExportStatus.QUEUED)
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    requested_by = models.ForeignKey("core.User", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    file_name = models.CharField(max_length=200, blank=True)
    rows = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"Register of information {self.reference_date} ({self.organisation})"

    @property
    def ready_to_file(self) -> bool:
        return self.status == ExportStatus.DONE and self.errors == 0


class ExportArtefact(models.Model):
    """The zip and the failures of an export: kept beside it, out of its audit snapshots
    (a package is megabytes). Reached only through its export, which carries the permission."""

    export = models.OneToOneField(RegisterExport, on_delete=models.CASCADE, primary_key=True,
                                  related_name="artefact")
    content = models.BinaryField()
    # The failures (capped) with the address of the object to fix, as the results page shows.
    failures = models.JSONField(default=list)

    def __str__(self):
        return f"Package of {self.export}"
