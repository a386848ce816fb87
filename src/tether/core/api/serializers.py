"""Base serializer: JSON types as the schema declares them, and the model's own rules (clean,
constraints) checked before any service runs."""

import copy
import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django_countries.serializers import CountryFieldMixin
from rest_framework import serializers

JSON_TYPE_NAMES = {bool: "boolean", int: "integer", float: "number", str: "string",
                   list: "array", dict: "object", type(None): "null"}
# What the schema's `format: date` and a decimal's pattern admit; DRF takes more ("20250101",
# "1e3", " 5 ").
DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
DECIMAL = re.compile(r"-?\d*(?:\.\d*)?", re.ASCII)


def json_types(field) -> tuple[type, ...] | None:
    """The JSON types the schema declares for a field's input; None where it takes several."""
    if isinstance(field, serializers.BooleanField):
        return (bool,)
    if isinstance(field, serializers.MultipleChoiceField | serializers.ListField
                  | serializers.ManyRelatedField):
        return (list,)
    if isinstance(field, serializers.ChoiceField):
        kinds = {type(choice) for choice in field.choices}
        return (int,) if kinds == {int} else (str,) if kinds == {str} else None
    if isinstance(field, serializers.IntegerField | serializers.PrimaryKeyRelatedField):
        return (int,)
    if isinstance(field, serializers.FloatField):
        return (int, float)
    if isinstance(field, serializers.CharField | serializers.DecimalField
                  | serializers.DateField):
        return (str,)  # amounts as text, as the schema says: a JSON number may lose cents
    return None


def json_input_error(field, value) -> str | None:
    """What is wrong with a JSON value the field's schema does not admit, though DRF would
    convert it (`"description": 0` to "0", `"is_critical": "yes"` to True, `"provider": 1.5`
    to provider 1): a client must not learn that its mistakes are accepted."""
    if value is None:
        return None  # the field's own allow_null rule answers
    expected = json_types(field)
    if expected is None:
        return None
    if isinstance(value, bool) and bool not in expected or not isinstance(value, expected):
        return (f"Incorrect type: expected {' or '.join(JSON_TYPE_NAMES[t] for t in expected)}, "
                f"received {JSON_TYPE_NAMES.get(type(value), type(value).__name__)}.")
    if isinstance(field, serializers.DecimalField) and not DECIMAL.fullmatch(value):
        return "A valid number is required, written with digits and a decimal point."
    if isinstance(field, serializers.DateField) and not DATE.fullmatch(value):
        return "Date has wrong format. Use this format instead: YYYY-MM-DD."
    max_length = getattr(field, "max_length", None)
    if isinstance(value, str) and max_length is not None and len(value) > max_length:
        # DRF trims spaces first; the schema's maxLength counts what is sent.
        return f"Ensure this field has no more than {max_length} characters."
    child = getattr(field, "child", None) or getattr(field, "child_relation", None)
    if child is not None and isinstance(value, list):
        return next(filter(None, (json_input_error(child, item) for item in value)), None)
    return None


class StrictJSONInput:
    """A serializer mixin: JSON input must have the types and forms the schema names. (Form
    input is text throughout; DRF's conversions are what it needs.)"""

    def to_internal_value(self, data):
        if isinstance(data, Mapping) and not hasattr(data, "getlist"):
            errors = {}
            for name, field in self.fields.items():
                if not field.read_only and name in data:
                    message = json_input_error(field, data[name])
                    if message:
                        errors[name] = [message]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class QueryParameters(serializers.Serializer):
    """A query string's parameters. One given empty (`?format=`) is refused, not read as
    "use the default": a client that sends a parameter means a value by it."""

    def to_internal_value(self, data):
        empty = {name: ["This parameter may not be empty."] for name in self.fields
                 if hasattr(data, "getlist") and any(v == "" for v in data.getlist(name))}
        if empty:
            raise serializers.ValidationError(empty)
        return super().to_internal_value(data)


class StrictSerializer(StrictJSONInput, serializers.Serializer):
    """An input serializer (an action's body) whose JSON values must have the schema's types."""


class TetherModelSerializer(StrictJSONInput, CountryFieldMixin, serializers.ModelSerializer):
    display = serializers.SerializerMethodField()

    def get_display(self, obj) -> str:
        return str(obj)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        for name, value in attrs.items():
            # An empty optional identifier means "none"; stored as "" it would collide with
            # every other empty one under the unique constraint.
            if value == "" and getattr(model._meta.get_field(name), "null", False):
                attrs[name] = None
        m2m = {f.name for f in model._meta.many_to_many}
        # A copy, so a failed validation leaves the instance the view holds untouched.
        candidate = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            if name not in m2m:
                setattr(candidate, name, value)
        try:
            candidate.full_clean(exclude=[*m2m, *self._read_only_names()])
        except DjangoValidationError as error:
            raise serializers.ValidationError(
                error.message_dict if hasattr(error, "error_dict") else error.messages
            ) from None
        return attrs

    def _read_only_names(self) -> list[str]:
        return [name for name, field in self.fields.items() if field.read_only]
