"""The single permission primitive: `Model.objects.restrict(user, action)`."""

from django.db import models

from tether.core.roles import role_allows


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """Only the rows `user` may take `action` on, filtered in SQL.

        Internal roles are unconstrained within what their role allows. A provider
        contact sees only rows tied to their own provider, through the model's
        `provider_scope` lookup (a join, never a list of ids).
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        domain = self.model.permission_domain
        if user.is_internal:
            return self if role_allows(user.role, action, domain) else self.none()
        scope = getattr(self.model, "provider_scope", None)
        if scope is None or action != "view" or user.provider_id is None:
            return self.none()
        return self.filter(**{scope: user.provider_id})


class RestrictedManager(models.Manager.from_queryset(RestrictedQuerySet)):
    pass
