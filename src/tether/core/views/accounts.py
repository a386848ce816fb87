"""User accounts and the audit trail, as generic pages."""

import django_filters
from django import forms
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from tether.core.audit import record_change
from tether.core.filtersets import SearchFilterSet
from tether.core.forms import TetherModelForm
from tether.core.models import AuditAction, AuditEntry, User
from tether.core.roles import Role
from tether.core.services import ModelServices, object_delete, object_update
from tether.core.tables import Column, Table
from tether.core.views.generic import ObjectViewSet
from tether.core.widgets import SearchSelect


@transaction.atomic
def user_create(*, actor, data: dict, source: str = "web") -> User:
    """Create a user account; the password is stored hashed and never in the audit trail."""
    password = data.pop("password", None)
    user = User(**data)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    record_change(actor=actor, instance=user, action=AuditAction.CREATE, before=None,
                  source=source)
    return user


def user_update(user: User, *, actor, data: dict, source: str = "web") -> User:
    """Change a user's details or role."""
    data.pop("password", None)
    return object_update(user, actor=actor, data=data, source=source)


def user_delete(user: User, *, actor, source: str = "web") -> None:
    """Delete a user account; their past changes keep their name in the audit trail."""
    object_delete(user, actor=actor, source=source)


class UserForm(TetherModelForm):
    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False), required=False,
        help_text="Only when creating the account. Leave empty to let the user set it by reset.",
    )

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "role", "provider",
                  "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["password"]
        self.fields["provider"].widget = SearchSelect(
            "registry:provider_choices", attrs={"class": "form-select"}
        )
        self.fields["provider"].widget.choices = self.fields["provider"].choices

    def clean_password(self):
        password = self.cleaned_data.get("password")
        if password:
            validate_password(password)
        return password

    def clean(self):
        cleaned = super().clean()
        role, provider = cleaned.get("role"), cleaned.get("provider")
        if role == Role.PROVIDER_CONTACT and provider is None:
            self.add_error("provider", "A provider contact needs the provider they work for.")
        if role and role != Role.PROVIDER_CONTACT and provider is not None:
            self.add_error("provider", "Only provider contacts are tied to a provider.")
        return cleaned

    def service_data(self) -> dict:
        data = super().service_data()
        if self.cleaned_data.get("password"):
            data["password"] = self.cleaned_data["password"]
        return data


class UserFilterSet(SearchFilterSet):
    search_fields = ("username", "first_name", "last_name", "email")

    class Meta:
        model = User
        fields = ["role", "is_active"]


class UserTable(Table):
    username = Column(link=True)
    provider = Column(link=True)

    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "email", "role", "provider",
                  "is_active", "last_login")


class UserViews(ObjectViewSet):
    model = User
    url_prefix = "users/"
    filterset_class = UserFilterSet
    table_class = UserTable
    form_class = UserForm
    detail_template = "tether/user_detail.html"
    detail_fields = ["username", "first_name", "last_name", "email", "role", "provider",
                     "is_active", "last_login", "date_joined"]
    services = ModelServices(user_create, user_update, user_delete)
    choices_search_field = "username"


class AuditEntryFilterSet(SearchFilterSet):
    search_fields = ("object_repr", "actor_name")
    action = django_filters.ChoiceFilter(choices=AuditAction.choices)
    timestamp = django_filters.DateFromToRangeFilter(label="Between")

    class Meta:
        model = AuditEntry
        fields = ["action", "content_type", "source"]


class AuditEntryTable(Table):
    timestamp = Column(link=True)
    content_type = Column(label="Type", order_by="content_type__model")

    class Meta:
        model = AuditEntry
        fields = ("timestamp", "actor_name", "action", "content_type", "object_repr", "source")


class AuditEntryViews(ObjectViewSet):
    model = AuditEntry
    url_prefix = "audit/"
    pages = ("list", "detail")
    filterset_class = AuditEntryFilterSet
    table_class = AuditEntryTable
    detail_template = "tether/auditentry_detail.html"
    detail_fields = ["sequence", "timestamp", "actor_name", "action", "content_type",
                     "object_id", "object_repr", "source", "previous_hash", "entry_hash"]

    @classmethod
    def base_queryset(cls):
        return AuditEntry.objects.select_related("content_type")

