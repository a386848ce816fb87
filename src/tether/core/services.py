"""Generic write services: save an object and its audit record in one transaction.

Domain services (`provider_create`, …) wrap these with their own rules.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction

from tether.core.audit import record_change, snapshot
from tether.core.models import AuditAction


class DeletionRefused(ValidationError):
    """A delete a business rule forbids (a built-in object, one that others still need).
    Pages show its message like any validation error; the API answers 409 Conflict."""


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


@dataclass(frozen=True)
class ModelServices:
    """The create, update and delete services of one model, as the UI and the API call them."""

    create: Callable
    update: Callable
    delete: Callable


def plain_services(model: type[models.Model]) -> ModelServices:
    """Services for a model with no rules beyond its fields' and its own validation."""

    def create(*, actor, data: dict, source: str = "web"):
        return object_create(model, actor=actor, data=data, source=source)

    def update(instance, *, actor, data: dict, source: str = "web"):
        return object_update(instance, actor=actor, data=data, source=source)

    def delete(instance, *, actor, source: str = "web"):
        object_delete(instance, actor=actor, source=source)

    name, label = model._meta.model_name, model._meta.verbose_name
    for verb, function in (("create", create), ("update", update), ("delete", delete)):
        function.__name__ = f"{name}_{verb}"
        function.__doc__ = f"{verb.capitalize()} a {label}."
    return ModelServices(create, update, delete)
