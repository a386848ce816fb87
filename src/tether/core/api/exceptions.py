"""API errors as JSON objects with a clear message; database rule violations become 4xx, not
500s; and JSON for API addresses no route matches."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.db.models import ProtectedError
from django.http import JsonResponse
from django.views import defaults
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from tether.core.services import DeletionRefused


def exception_handler(exc, context):
    if isinstance(exc, DeletionRefused):
        return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, ProtectedError):
        names = sorted({str(obj) for obj in exc.protected_objects})[:10]
        return Response(
            {"detail": "This object is still referenced and cannot be deleted.",
             "referenced_by": names},
            status=status.HTTP_409_CONFLICT,
        )
    elif isinstance(exc, IntegrityError):
        return Response(
            {"detail": "The change conflicts with existing data (a duplicate or a broken link)."},
            status=status.HTTP_409_CONFLICT,
        )
    elif isinstance(exc, DataError):
        # Validation should have caught it; if not, it is still the input's fault.
        return Response(
            {"detail": "A value cannot be stored: too long, too large, or with a character "
                       "the database refuses."},
            status=status.HTTP_400_BAD_REQUEST,
        )
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        # `raise ValidationError("...")` outside a serializer answers a bare list; every error
        # body is an object (see core.api.schema).
        response.data = {api_settings.NON_FIELD_ERRORS_KEY: response.data}
    return response


def not_found(request, exception):
    """Django's 404 page, or for an API address no route matches, DRF's JSON answer."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """Django's 500 page, or JSON for API clients."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": "Server error."}, status=500)
    return defaults.server_error(request)
