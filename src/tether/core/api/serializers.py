"""Base serializer: the model's own rules (clean, constraints) checked before any service runs."""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django_countries.serializers import CountryFieldMixin
from rest_framework import serializers


class TetherModelSerializer(CountryFieldMixin, serializers.ModelSerializer):
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
