"""Questionnaire reminders: contacts who have not submitted, as the due date nears and once
it has passed. Each response is reminded once per window (`reminded_on` says when)."""

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.template.loader import render_to_string

from tether.diligence.campaign_services import contact_emails, portal_link
from tether.diligence.choices import EDITABLE_BY_PROVIDER, CampaignStatus
from tether.diligence.models import Campaign, QuestionnaireResponse


def reminder_window_start(campaign: Campaign, today: date) -> date | None:
    """When the window `today` falls in began: the reminder window before the due date, or
    the day after it (overdue); None before the first window opens."""
    if today > campaign.due_date:
        return campaign.due_date + timedelta(days=1)
    start = campaign.due_date - timedelta(days=campaign.remind_days_before)
    return start if start <= today else None


def responses_due_for_reminder(today: date) -> list[QuestionnaireResponse]:
    """Responses still with the provider, in a window they have not been reminded in yet."""
    condition = Q(pk__in=[])
    for campaign in Campaign.objects.filter(status=CampaignStatus.OPEN).only(
            "pk", "due_date", "remind_days_before"):
        start = reminder_window_start(campaign, today)
        if start is not None:
            condition |= Q(campaign=campaign) & (Q(reminded_on__isnull=True)
                                                 | Q(reminded_on__lt=start))
    return list(QuestionnaireResponse.objects.filter(condition, status__in=EDITABLE_BY_PROVIDER)
                .select_related("campaign", "provider").order_by("pk"))


def send_questionnaire_reminders(today: date, base_url: str = "") -> int:
    """E-mail the contacts of each response due a reminder; returns how many were sent."""
    due = responses_due_for_reminder(today)
    emails = contact_emails({response.provider_id for response in due})
    messages, reminded = [], []
    for response in due:
        recipients = emails.get(response.provider_id)
        if not recipients:
            continue
        campaign = response.campaign
        overdue = today > campaign.due_date
        body = render_to_string("diligence/email/reminder.txt", {
            "response": response, "campaign": campaign, "overdue": overdue,
            "days_left": (campaign.due_date - today).days,
            "link": portal_link(response, base_url)})
        subject = (f"Overdue since {campaign.due_date:%d %b %Y}: {campaign.name}" if overdue
                   else f"Reminder, due {campaign.due_date:%d %b %Y}: {campaign.name}")
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, recipients))
        reminded.append(response.pk)
    if messages:
        send_mass_mail(messages, fail_silently=False)
        QuestionnaireResponse.objects.filter(pk__in=reminded).update(reminded_on=today)
    return len(messages)
