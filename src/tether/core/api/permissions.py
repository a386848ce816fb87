"""The API's role check, applied once to every endpoint."""

from rest_framework.permissions import BasePermission

ACTION_BY_METHOD = {
    "GET": "view", "HEAD": "view", "OPTIONS": "view",
    "POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete",
}


class RolePermission(BasePermission):
    """Authenticated internal users whose role allows the method's action on the view's model."""

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated or not user.is_internal:
            return False
        model = getattr(view, "permission_model", None)
        if model is None:
            queryset = getattr(view, "queryset", None)
            model = queryset.model if queryset is not None else None
        if model is None:
            # Views without a model (schema, docs) only need an internal user.
            return True
        return user.can(ACTION_BY_METHOD.get(request.method, "change"), model)
