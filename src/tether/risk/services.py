"""Writes of the risk app: each one transaction with its audit record."""

from django.db import transaction
from django.db.models import Max

from tether.core.audit import record_change
from tether.core.models import AuditAction, Job
from tether.core.services import ModelServices, object_create, object_delete, object_update
from tether.risk import engine
from tether.risk.methodology import DEFAULT_CATEGORIES, DEFAULT_CONFIG, MethodologyConfig
from tether.risk.models import Control, Methodology, Risk, RiskCategory


@transaction.atomic
def methodology_install_default(*, actor=None) -> Methodology:
    """Install the seeds' categories and the default methodology, if there is none yet."""
    for position, (code, name, description) in enumerate(DEFAULT_CATEGORIES):
        category, created = RiskCategory.objects.get_or_create(
            code=code, defaults={"name": name, "description": description,
                                 "position": position})
        if created:
            record_change(actor=actor, instance=category, action=AuditAction.CREATE,
                          before=None, source="setup")
    current = Methodology.objects.select_for_update().filter(is_current=True).first()
    if current is not None:
        return current
    methodology = Methodology.objects.create(
        version=1, name="Tether default methodology", config=DEFAULT_CONFIG, is_current=True,
        change_note="Installed with Tether: the seeds' categories, a 5×5 matrix.",
    )
    record_change(actor=actor, instance=methodology, action=AuditAction.CREATE, before=None,
                  source="setup")
    return methodology


def methodology_publish(*, actor, config: dict, name: str, change_note: str,
                        source: str = "web") -> tuple[Methodology, Job]:
    """Make a new methodology version current and queue the rescoring of everything."""
    from tether.risk.tasks import rescore_enqueue

    MethodologyConfig.parse(config)
    with transaction.atomic():
        previous = Methodology.objects.select_for_update().filter(is_current=True).first()
        version = (Methodology.objects.aggregate(top=Max("version"))["top"] or 0) + 1
        if previous is not None:
            Methodology.objects.filter(pk=previous.pk).update(is_current=False)
        methodology = Methodology.objects.create(
            version=version, name=name, config=config, is_current=True,
            change_note=change_note, created_by=actor,
        )
        record_change(actor=actor, instance=methodology, action=AuditAction.CREATE,
                      before=None, source=source)
        job = rescore_enqueue(actor=actor, methodology=methodology, trigger="methodology")
    return methodology, job


def _provider_ids_of(risk: Risk) -> list[int]:
    """The provider whose score the risk feeds, as stored (not as a form may have changed it)."""
    stored = Risk.objects.filter(pk=risk.pk).values_list(
        "provider_id", "arrangement__provider_id").first()
    if stored is None:
        return []
    return [pk for pk in stored if pk][:1]


def _rerate_and_announce(risk: Risk) -> None:
    """A risk's ratings follow at once; its provider's score after commit."""
    from tether.core.signals import announce_provider_evidence

    config = MethodologyConfig(engine.methodology_current().config)
    engine.risks_rerate(config, [risk.pk])
    risk.refresh_from_db()
    announce_provider_evidence(_provider_ids_of(risk), "risk register")


@transaction.atomic
def risk_create(*, actor, data: dict, source: str = "web") -> Risk:
    """Register a risk, rate it and rescore its provider."""
    risk = object_create(Risk, actor=actor, data=data, source=source)
    _rerate_and_announce(risk)
    return risk


@transaction.atomic
def risk_update(risk: Risk, *, actor, data: dict, source: str = "web") -> Risk:
    """Change a risk, rate it again and rescore its provider (and the former one)."""
    from tether.core.signals import announce_provider_evidence

    former = _provider_ids_of(risk)
    risk = object_update(risk, actor=actor, data=data, source=source)
    _rerate_and_announce(risk)
    announce_provider_evidence(former, "risk register")
    return risk


@transaction.atomic
def risk_delete(risk: Risk, *, actor, source: str = "web") -> None:
    """Remove a risk from the register and rescore its provider."""
    from tether.core.signals import announce_provider_evidence

    former = _provider_ids_of(risk)
    object_delete(risk, actor=actor, source=source)
    announce_provider_evidence(former, "risk register")


RISK = ModelServices(risk_create, risk_update, risk_delete)


@transaction.atomic
def control_create(*, actor, data: dict, source: str = "web") -> Control:
    """Add a control to a risk; an implemented one lowers the risk's residual rating."""
    control = object_create(Control, actor=actor, data=data, source=source)
    _rerate_and_announce(control.risk)
    return control


@transaction.atomic
def control_update(control: Control, *, actor, data: dict, source: str = "web") -> Control:
    """Change a control and rate its risk again."""
    control = object_update(control, actor=actor, data=data, source=source)
    _rerate_and_announce(control.risk)
    return control


@transaction.atomic
def control_delete(control: Control, *, actor, source: str = "web") -> None:
    """Remove a control and rate its risk again."""
    risk = control.risk
    object_delete(control, actor=actor, source=source)
    _rerate_and_announce(risk)


CONTROL = ModelServices(control_create, control_update, control_delete)
