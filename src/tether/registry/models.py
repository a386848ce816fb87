"""The outsourcing register: value chain, providers, services, arrangements, subcontracting."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django_countries.fields import CountryField

from tether.core.models import TetherModel
from tether.registry.choices import (
    PRIMARY_AREAS,
    ActivityCategory,
    ArrangementStatus,
    ArrangementType,
    CloudDeploymentModel,
    CloudServiceModel,
    Confidentiality,
    DataInvolved,
    IdentifierScheme,
    OutsourcingType,
    PersonType,
    PorterArea,
    ProviderStatus,
    RenewalType,
    Sourcing,
    Substitutability,
)
from tether.registry.validators import validate_currency, validate_lei


class Organisation(TetherModel):
    """A legal entity of the company using Tether: it owns value chains and signs arrangements."""

    name = models.CharField(max_length=200, unique=True)
    lei = models.CharField(
        "LEI", max_length=20, unique=True, null=True, blank=True, validators=[validate_lei]
    )
    country = CountryField()
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Activity(TetherModel):
    """A step of an organisation's value chain (Porter), kept in-house or outsourced."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="activities"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(max_length=200)
    porter_area = models.CharField(max_length=32, choices=PorterArea.choices)
    category = models.CharField(max_length=16, choices=ActivityCategory.choices, editable=False)
    is_core_competency = models.BooleanField(
        "core competency", default=False,
        help_text="A capability that sets the company apart; normally kept in-house.",
    )
    sourcing = models.CharField(max_length=20, choices=Sourcing.choices, default=Sourcing.IN_HOUSE)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["organisation__name", "porter_area", "name"]
        verbose_name_plural = "activities"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="activity_unique_name_per_organisation",
                violation_error_message="This organisation already has an activity of that name.",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.category = (
            ActivityCategory.PRIMARY if self.porter_area in PRIMARY_AREAS
            else ActivityCategory.SUPPORT
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "porter_area" in update_fields:
            kwargs["update_fields"] = {*update_fields, "category"}
        super().save(*args, **kwargs)

    def clean(self):
        if self.parent_id is None:
            return
        if self.parent.organisation_id != self.organisation_id:
            raise ValidationError(
                {"parent": "The parent activity belongs to another organisation."}
            )
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError({"parent": "An activity cannot sit below itself."})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class Provider(TetherModel):
    """A third party the company outsources to, or one of their subcontractors."""

    name = models.CharField("legal name", max_length=250, db_index=True)
    lei = models.CharField(
        "LEI", max_length=20, unique=True, null=True, blank=True, validators=[validate_lei],
        help_text="Legal Entity Identifier, 20 characters (ISO 17442).",
    )
    country = CountryField("country of establishment")
    person_type = models.CharField(
        max_length=16, choices=PersonType.choices, default=PersonType.LEGAL_PERSON
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="subsidiaries",
        help_text="The provider's direct parent company, if it is in the register.",
    )
    ultimate_parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="group_members",
        editable=False, help_text="Top of the parent chain; kept up to date by Tether.",
    )
    outsourcing_type = models.CharField(max_length=16, choices=OutsourcingType.choices)
    status = models.CharField(
        max_length=16, choices=ProviderStatus.choices, default=ProviderStatus.ACTIVE
    )
    relationship_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="owned_providers", limit_choices_to={"provider__isnull": True},
    )
    annual_spend = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    spend_currency = models.CharField(
        max_length=3, default="EUR", validators=[validate_currency]
    )
    service_countries = CountryField(
        "countries where the service is performed", multiple=True, blank=True
    )
    data_storage_countries = CountryField(
        "countries where data is stored", multiple=True, blank=True
    )
    services = models.ManyToManyField(
        "Service", blank=True, related_name="providers",
        help_text="Services this provider delivers or can deliver.",
    )
    website = models.URLField(blank=True)
    registered_address = models.CharField(
        max_length=500, blank=True,
        help_text="The registered office, as in the company register (EBA GL §54(e)).")
    description = models.TextField(blank=True)

    provider_scope = "pk"

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "country"], name="provider_unique_name_per_country",
                violation_error_message="A provider of this name is already registered "
                "in this country.",
            ),
            models.CheckConstraint(
                name="provider_spend_not_negative",
                condition=Q(annual_spend__isnull=True) | Q(annual_spend__gte=0),
                violation_error_message="Annual spend cannot be negative.",
            ),
            models.CheckConstraint(
                name="provider_not_own_parent", condition=~Q(parent=models.F("pk")),
                violation_error_message="A provider cannot be its own parent.",
            ),
        ]
        indexes = [models.Index(fields=["ultimate_parent"], name="provider_group_idx")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.lei:
            self.lei = self.lei.strip().upper()
        if self.parent_id is not None and self.pk is not None:
            ancestor, seen = self.parent, set()
            while ancestor is not None and ancestor.pk not in seen:
                if ancestor.pk == self.pk:
                    raise ValidationError(
                        {"parent": "This parent would make the provider its own ancestor."}
                    )
                seen.add(ancestor.pk)
                ancestor = ancestor.parent


class ProviderIdentifier(TetherModel):
    """An identifier of a provider other than its LEI: national code, VAT, EUID, …"""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(max_length=16, choices=IdentifierScheme.choices)
    value = models.CharField(max_length=64)
    country = CountryField(blank=True)

    provider_scope = "provider"

    class Meta:
        ordering = ["scheme", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "value", "country"], name="identifier_unique_value",
                violation_error_message="Another provider already has this identifier.",
            )
        ]

    def __str__(self):
        return f"{self.get_scheme_display()} {self.value}"

    def get_absolute_url(self):
        return self.provider.get_absolute_url()


class Service(TetherModel):
    """A service or function that providers deliver and that supports value-chain activities."""

    name = models.CharField(max_length=200, unique=True)
    service_type = models.CharField(max_length=16, choices=OutsourcingType.choices)
    description = models.TextField(blank=True)
    activities = models.ManyToManyField(
        Activity, blank=True, related_name="services",
        help_text="The value-chain activities this service supports.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Arrangement(TetherModel):
    """A contract with a provider: what, for whom, how long, at what cost and risk."""

    reference = models.CharField(
        max_length=100, unique=True, help_text="Your contract reference; unique."
    )
    title = models.CharField(max_length=250, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="arrangements",
        help_text="The entity of yours that signed the contract.",
    )
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="arrangements")
    services = models.ManyToManyField(Service, blank=True, related_name="arrangements")
    arrangement_type = models.CharField(
        max_length=16, choices=ArrangementType.choices, default=ArrangementType.STANDALONE
    )
    overarching = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="subsequent",
        verbose_name="overarching arrangement",
    )
    status = models.CharField(
        max_length=16, choices=ArrangementStatus.choices, default=ArrangementStatus.ACTIVE
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    notice_period_entity_days = models.PositiveIntegerField(
        "our notice period (days)", default=90
    )
    notice_period_provider_days = models.PositiveIntegerField(
        "provider's notice period (days)", default=90
    )
    notice_deadline = models.DateField(
        null=True, blank=True, editable=False,
        help_text="Last day to give notice before the end date; derived.",
    )
    renewal_type = models.CharField(
        max_length=16, choices=RenewalType.choices, default=RenewalType.AUTOMATIC
    )
    annual_cost = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="EUR", validators=[validate_currency])
    governing_law_country = CountryField(blank=True)
    is_critical = models.BooleanField(
        "critical or important function", default=False,
        help_text="Supports a critical or important function (DORA Art. 3(22), EBA GL §29).",
    )
    criticality_reason = models.TextField(blank=True)
    substitutability = models.CharField(
        max_length=20, choices=Substitutability.choices, default=Substitutability.MEDIUM
    )
    data_involved = models.CharField(
        max_length=16, choices=DataInvolved.choices, default=DataInvolved.NONE
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="owned_arrangements", limit_choices_to={"provider__isnull": True},
    )
    approved_by = models.CharField(
        "approved by", max_length=200, blank=True,
        help_text="The person or decision-making body that approved the arrangement "
        "(EBA GL §55(d)).")
    supports_time_critical_operations = models.BooleanField(
        null=True, blank=True,
        help_text="Whether the function supports time-critical business operations "
        "(EBA GL §55(j)); empty until assessed.")
    cloud_service_model = models.CharField(
        max_length=8, choices=CloudServiceModel.choices, blank=True,
        help_text="For cloud outsourcing only (EBA GL §54(h)); empty otherwise.")
    cloud_deployment_model = models.CharField(
        max_length=12, choices=CloudDeploymentModel.choices, blank=True)
    nda_required_from = models.PositiveSmallIntegerField(
        "NDA required from", choices=Confidentiality.choices, null=True, blank=True,
        help_text="Documents of this confidentiality or higher reach the provider only once "
        "a signed NDA with them is on file.",
    )
    notes = models.TextField(blank=True, help_text="Internal; never shown to the provider.")

    provider_scope = "provider"

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                name="arrangement_ends_after_start",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                violation_error_message="The end date is before the start date.",
            ),
            models.CheckConstraint(
                name="arrangement_cost_not_negative",
                condition=Q(annual_cost__isnull=True) | Q(annual_cost__gte=0),
                violation_error_message="Annual cost cannot be negative.",
            ),
        ]
        indexes = [
            models.Index(fields=["end_date"], name="arrangement_end_idx"),
            models.Index(fields=["notice_deadline"], name="arrangement_notice_idx"),
            # Ordered like the list, so "active and critical" reads its first page in order.
            models.Index(fields=["status", "is_critical", "reference"],
                         name="arrangement_status_crit_idx"),
            # The dashboard: upcoming deadlines of active arrangements, and spend per currency
            # read from the index alone.
            models.Index(fields=["status", "notice_deadline"],
                         name="arrangement_status_notice_idx"),
            models.Index(fields=["status", "end_date"], name="arrangement_status_end_idx"),
            models.Index(fields=["status", "currency", "annual_cost"],
                         name="arrangement_spend_idx"),
        ]

    def __str__(self):
        return self.reference

    def save(self, *args, **kwargs):
        self.notice_deadline = compute_notice_deadline(
            self.end_date, self.notice_period_entity_days
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "notice_deadline"}
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.is_critical and not self.criticality_reason.strip():
            errors["criticality_reason"] = (
                "Say why this arrangement supports a critical or important function."
            )
        cloud_error = cloud_models_error(self.cloud_service_model, self.cloud_deployment_model)
        if cloud_error:
            errors[cloud_error[0]] = cloud_error[1]
        if self.arrangement_type == ArrangementType.SUBSEQUENT and self.overarching_id is None:
            errors["overarching"] = "A subsequent arrangement names its overarching arrangement."
        if self.overarching_id is not None:
            if self.overarching_id == self.pk:
                errors["overarching"] = "An arrangement cannot be its own overarching arrangement."
            elif self.overarching.arrangement_type != ArrangementType.OVERARCHING:
                errors["overarching"] = (
                    f"{self.overarching} is not an overarching arrangement."
                )
        if self.renewal_type == RenewalType.OPEN_ENDED and self.end_date is not None:
            errors["end_date"] = "An open-ended arrangement has no end date."
        notice_error = notice_period_error(self.end_date, self.notice_period_entity_days)
        if notice_error:
            errors["notice_period_entity_days"] = notice_error
        if errors:
            raise ValidationError(errors)


def compute_notice_deadline(end_date, notice_days):
    if end_date is None or notice_days is None:
        return None
    return end_date - timedelta(days=notice_days)


def cloud_models_error(service_model: str, deployment_model: str) -> tuple[str, str] | None:
    """(field, message) when only one of the cloud models is given: they come as a pair."""
    if bool(service_model) == bool(deployment_model):
        return None
    missing = "cloud_deployment_model" if service_model else "cloud_service_model"
    return missing, "Cloud outsourcing names both its service and deployment models."


def notice_period_error(end_date, notice_days) -> str | None:
    """Why the notice deadline cannot be computed, if it cannot (it would fall before year 1)."""
    try:
        compute_notice_deadline(end_date, notice_days)
    except OverflowError:
        return "This notice period is longer than the time since the year 1: check the days."
    except TypeError:
        pass  # not a date or not a number: the field's own check says so
    return None


class SubcontractingLink(TetherModel):
    """A provider subcontracting (part of) a service to another: one edge of the nth-party chain."""

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="subcontracting_links",
        help_text="The provider that subcontracts.",
    )
    subcontractor = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="subcontracted_links"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT,
        related_name="subcontracting_links",
    )
    arrangement = models.ForeignKey(
        Arrangement, null=True, blank=True, on_delete=models.CASCADE,
        related_name="subcontracting_links",
        help_text="The arrangement whose supply chain this link belongs to, if any.",
    )
    supports_critical_function = models.BooleanField(default=False)
    description = models.TextField(blank=True)

    provider_scope = "provider"

    class Meta:
        ordering = ["provider__name", "subcontractor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "subcontractor", "service"],
                name="subcontracting_unique_link",
                violation_error_message="This subcontracting link is already registered.",
            ),
            models.CheckConstraint(
                name="subcontracting_not_to_self", condition=~Q(provider=models.F("subcontractor")),
                violation_error_message="A provider cannot subcontract to itself.",
            ),
        ]

    def __str__(self):
        service = f" ({self.service})" if self.service_id else ""
        return f"{self.provider} → {self.subcontractor}{service}"
