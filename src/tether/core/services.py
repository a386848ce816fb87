"""Generic write services: save an object and its audit record in one transaction.

Domain services (`provider_create`, …) wrap these with their own rules.
"""

from django.db import models, transaction

from tether.core.audit import record_change, snapshot
from tether.core.models import AuditAction


def _assign(instance: models.Model, data: dict) -> dict:
    """Set plain fields on the instance; return the many-to-many values to set after saving."""
    m2m_names = {f.name for f in instance._meta.many_to_many}
    many = {}
    for name, value in data.items():
        if name in m2m_names:
            many[name] = value
        else:
            setattr(instance, name, value)
    return many


@transaction.atomic
def object_create(model: type[models.Model], *, actor, data: dict, source: str = "web"):
    """Create an object of `model` from validated data, with its audit record."""
    instance = model()
    many = _assign(instance, data)
    instance.save()
    for name, value in many.items():
        getattr(instance, name).set(value)
    record_change(actor=actor, instance=instance, action=AuditAction.CREATE, before=None,
                  source=source)
    return instance


@transaction.atomic
def object_update(instance: models.Model, *, actor, data: dict, source: str = "web"):
    """Update an object from validated data, recording the values before and after."""
    before = snapshot(type(instance).objects.get(pk=instance.pk))
    many = _assign(instance, data)
    changed = [name for name in data if name not in many]
    if changed and any(f.name == "last_updated" for f in instance._meta.concrete_fields):
        changed.append("last_updated")
    instance.save(update_fields=changed or None)
    for name, value in many.items():
        getattr(instance, name).set(value)
    record_change(actor=actor, instance=instance, action=AuditAction.UPDATE, before=before,
                  source=source)
    return instance


@transaction.atomic
def object_delete(instance: models.Model, *, actor, source: str = "web") -> None:
    """Delete an object, keeping its last values in the audit trail."""
    before = snapshot(instance)
    pk = instance.pk
    instance.delete()
    instance.pk = pk
    record_change(actor=actor, instance=instance, action=AuditAction.DELETE, before=before,
                  source=source)
