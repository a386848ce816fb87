"""Inviting provider contacts and exchanging information requests with them."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from tether.core.audit import record_change, snapshot
from tether.core.models import AuditAction, User
from tether.core.roles import Role
from tether.core.security import secret_digest
from tether.core.services import ModelServices, object_create, object_delete, object_update
from tether.portal.models import OPEN_FOR_PROVIDER, InformationRequest, Invitation, RequestStatus

INVITATION_LIFETIME = timedelta(hours=72)


def invitation_send(*, actor, provider, email: str, first_name: str = "", last_name: str = "",
                    accept_url, source: str = "web") -> Invitation:
    """Create an invitation and e-mail its link; `accept_url(token)` builds the absolute link."""
    email = User.objects.normalize_email(email).strip()
    if User.objects.filter(email__iexact=email, is_active=True).exists():
        raise ValidationError({"email": "A user with this e-mail address already exists."})
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            provider=provider, email=email, first_name=first_name, last_name=last_name,
            token_hash=secret_digest(token), expires_at=timezone.now() + INVITATION_LIFETIME,
            invited_by=actor,
        )
        record_change(actor=actor, instance=invitation, action=AuditAction.CREATE, before=None,
                      source=source)
    context = {"invitation": invitation, "link": accept_url(token),
               "hours": int(INVITATION_LIFETIME.total_seconds() // 3600)}
    send_mail(
        subject=f"Invitation to {provider.name}'s space in Tether",
        message=render_to_string("portal/email/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[email],
    )
    return invitation


def invitation_for_token(token: str) -> Invitation:
    """The pending invitation behind a link, or a ValidationError saying why it can't be used."""
    invitation = (Invitation.objects.select_related("provider")
                  .filter(token_hash=secret_digest(token)).first())
    if invitation is None:
        raise ValidationError("This invitation link is not valid.")
    state = invitation.state
    if state != "pending":
        raise ValidationError(f"This invitation link has {state_text(state)}.")
    return invitation


def state_text(state: str) -> str:
    return {"accepted": "already been used", "revoked": "been withdrawn",
            "expired": "expired; ask for a new one"}[state]


def invitation_accept(token: str, *, username: str, password: str) -> User:
    """Create the contact's account from a pending invitation; the token then stops working."""
    with transaction.atomic():
        invitation = invitation_for_token(token)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.state != "pending":
            raise ValidationError(f"This invitation link has {state_text(invitation.state)}.")
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": "This user name is taken."})
        user = User(username=username, email=invitation.email,
                    first_name=invitation.first_name, last_name=invitation.last_name,
                    role=Role.PROVIDER_CONTACT, provider=invitation.provider)
        validate_password(password, user)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        record_change(actor=user, instance=user, action=AuditAction.CREATE, before=None,
                      source="portal")
        before = snapshot(invitation)
        invitation.accepted_at = timezone.now()
        invitation.user = user
        invitation.save(update_fields=["accepted_at", "user", "last_updated"])
        record_change(actor=user, instance=invitation, action=AuditAction.UPDATE,
                      before=before, source="portal")
    return user


def invitation_revoke(invitation: Invitation, *, actor, source: str = "web") -> Invitation:
    if invitation.state != "pending":
        raise ValidationError(f"Only a pending invitation can be withdrawn; this one is "
                              f"{invitation.state}.")
    return object_update(invitation, actor=actor, data={"revoked_at": timezone.now()},
                         source=source)


def request_create(*, actor, data: dict, source: str = "web") -> InformationRequest:
    arrangement = data.get("arrangement")
    if arrangement is not None and arrangement.provider_id != data["provider"].pk:
        raise ValidationError({"arrangement": "This arrangement is with another provider."})
    return object_create(InformationRequest, actor=actor,
                         data={**data, "requested_by": actor}, source=source)


def request_update(request_obj: InformationRequest, *, actor, data: dict,
                   source: str = "web") -> InformationRequest:
    arrangement = data.get("arrangement", request_obj.arrangement)
    provider = data.get("provider", request_obj.provider)
    if arrangement is not None and arrangement.provider_id != provider.pk:
        raise ValidationError({"arrangement": "This arrangement is with another provider."})
    return object_update(request_obj, actor=actor, data=data, source=source)


def request_delete(request_obj: InformationRequest, *, actor, source: str = "web") -> None:
    if request_obj.answered_at is not None:
        raise ValidationError("An answered request is part of the record: withdraw it instead.")
    object_delete(request_obj, actor=actor, source=source)


REQUEST = ModelServices(create=request_create, update=request_update, delete=request_delete)


def request_answer(request_obj: InformationRequest, *, actor, answer: str) -> InformationRequest:
    """A provider contact's answer; only to their own provider's open requests."""
    if actor.is_internal or actor.provider_id != request_obj.provider_id:
        raise PermissionDenied("Only the provider's own contacts answer its requests.")
    if request_obj.status not in OPEN_FOR_PROVIDER:
        raise ValidationError("This request is not open for answers.")
    if not answer.strip():
        raise ValidationError({"answer": "Write an answer."})
    return object_update(request_obj, actor=actor, source="portal", data={
        "answer": answer.strip(), "answered_by": actor, "answered_at": timezone.now(),
        "status": RequestStatus.ANSWERED,
    })


def request_review(request_obj: InformationRequest, *, actor, accept: bool) -> InformationRequest:
    """The company accepts an answer or sends the request back to the provider."""
    if request_obj.status != RequestStatus.ANSWERED:
        raise ValidationError("Only an answered request can be accepted or reopened.")
    status = RequestStatus.ACCEPTED if accept else RequestStatus.REOPENED
    return object_update(request_obj, actor=actor, data={"status": status})
