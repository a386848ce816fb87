"""The OpenAPI schema's error answers, declared once for every endpoint.

drf-spectacular documents only the success answer of an operation. Clients (and the API
fuzz test, tests/api/test_fuzz.py) need the others too: which status codes an operation can
give and what the body looks like. They follow from what every endpoint has in common, so
they are derived here from the view rather than written on each one.
"""

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_array_type, build_basic_type, build_object_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """What every error other than invalid input answers (DRF's `{"detail": ...}`)."""

    detail = serializers.CharField()


class ConflictSerializer(ErrorSerializer):
    """A write the stored data does not allow: a duplicate, or a deletion of something used."""

    referenced_by = serializers.ListField(
        child=serializers.CharField(), required=False,
        help_text="Some of the objects that still refer to the one to delete.",
    )


class ValidationErrorSerializer(serializers.Serializer):
    """Invalid input: the messages per field (`non_field_errors` for the whole input).

    A field's messages are a list; a field with parts (a list or a nested object) has its
    messages under each part's index or name. Malformed input answers `{"detail": ...}`.
    """


class ValidationErrorExtension(OpenApiSerializerExtension):
    target_class = ValidationErrorSerializer

    def map_serializer(self, auto_schema, direction):
        nested = build_object_type(additionalProperties={})
        messages = build_array_type({"anyOf": [build_basic_type(OpenApiTypes.STR), nested]})
        schema = build_object_type(
            properties={"detail": build_basic_type(OpenApiTypes.STR)},
            additionalProperties={"anyOf": [messages, nested]},
        )
        schema["description"] = ValidationErrorSerializer.__doc__.split("\n")[0]
        return schema


ERRORS = {
    "400": (ValidationErrorSerializer, "The input is not valid (see the message per field)."),
    "401": (ErrorSerializer, "No valid credentials (API token or session) were given."),
    "403": (ErrorSerializer, "The user's role does not allow this."),
    "404": (ErrorSerializer, "No such object, or not one the user may see."),
    "409": (ConflictSerializer, "The change conflicts with stored data."),
    "415": (ErrorSerializer, "The body's media type is not one the operation accepts."),
    "429": (ErrorSerializer, "Too many requests; retry after the time in Retry-After."),
}


class TetherAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, plus the error answers an operation can give."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                serializer, description = ERRORS[code]
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(serializer, description=description), code,
                    media_types=["application/json"], direction=direction,
                )
        return responses

    def _error_codes(self) -> list[str]:
        codes = []
        has_body = self.method in ("POST", "PUT", "PATCH")
        has_query = any(p.get("in") == "query" for p in self._get_parameters())
        if has_body or has_query:
            codes.append("400")
        if self.view.get_permissions():
            codes += ["401", "403"]
        if "{" in self.path:
            codes.append("404")
        writes_model = getattr(self.view, "queryset", None) is not None
        if writes_model and (has_body or self.method == "DELETE"):
            codes.append("409")
        if has_body:
            codes.append("415")
        if self.view.get_throttles():
            codes.append("429")
        return codes

    def _get_filter_parameters(self):
        parameters = super()._get_filter_parameters()
        for parameter in parameters:
            # An empty filter value means "any" (the UI's filter forms send every field).
            if parameter["schema"].get("type") != "array":
                parameter["allowEmptyValue"] = True
        return parameters

    def get_auth(self):
        auths = super().get_auth()
        # A view without permission classes (the token endpoint) is open to everyone.
        if not self.view.get_permissions() and {} not in auths:
            auths.append({})
        return auths
