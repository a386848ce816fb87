"""The demo's due diligence: the default questionnaire, sent to seven providers.

Five providers have answered and been accepted (their scores feed their risk), one waits
for review, and the demo contact's own provider has a draft under way, so the portal shows
work in progress. Written through the app's services (audited, source "demo");
deterministic; nothing is written when a campaign already exists.
"""

import io
import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tether.core.models import User
from tether.core.roles import Role
from tether.diligence import campaign_services, template_services
from tether.diligence.campaign_selectors import questionnaire_of
from tether.diligence.choices import QuestionType
from tether.diligence.management.commands.load_questionnaire import DEFAULT_TEMPLATE
from tether.diligence.models import Campaign
from tether.diligence.scoring import GivenAnswer, QuestionRule, options_of
from tether.diligence.transfer import read_template
from tether.registry.choices import ArrangementStatus
from tether.registry.demo_data import PROVIDER_CONTACT
from tether.registry.models import Provider

SEED = 20_261_127
SOURCE = "demo"
# How carefully each answering provider answers: the chance of the best answer per question.
DILIGENCE = (0.95, 0.85, 0.7, 0.55, 0.9, 0.8)


@transaction.atomic
def diligence_demo_load() -> dict[str, int]:
    """Load and publish the default questionnaire and run a campaign; nothing if one exists."""
    manager = User.objects.filter(role=Role.VENDOR_MANAGER, is_active=True).first()
    reviewer = User.objects.filter(role=Role.SECURITY_OFFICER, is_active=True).first()
    contact = User.objects.filter(username=PROVIDER_CONTACT[0]).first()
    if Campaign.objects.exists() or None in (manager, reviewer, contact):
        return {}
    rng = random.Random(SEED)
    template = template_services.template_import(
        actor=reviewer, spec=read_template(DEFAULT_TEMPLATE), publish=True,
        reuse_identical=True, source=SOURCE).template
    others = list(Provider.objects.filter(arrangements__is_critical=True,
                                          arrangements__status=ArrangementStatus.ACTIVE)
                  .exclude(pk=contact.provider_id).distinct().order_by("name")[:len(DILIGENCE)])
    campaign = campaign_services.campaign_create(
        actor=manager, name="Annual due diligence 2026", template=template,
        due_date=timezone.localdate() + timedelta(days=21), source=SOURCE,
        message="Our yearly review of critical providers: please answer by the due date and "
                "attach the evidence asked for.",
        provider_ids=[contact.provider_id, *(p.pk for p in others)])
    questionnaire = questionnaire_of(template.pk)
    responses = {r.provider_id: r for r in campaign.responses.all()}
    accepted = 0
    for number, (provider, care) in enumerate(zip(others, DILIGENCE, strict=False)):
        answerer = _demo_contact(provider, number)
        response = _answer(responses[provider.pk], questionnaire, answerer, rng, care)
        response = campaign_services.response_submit(response, actor=answerer, source=SOURCE)
        if number < len(DILIGENCE) - 1:
            campaign_services.response_accept(response, actor=reviewer, source=SOURCE)
            accepted += 1
    _answer(responses[contact.provider_id], questionnaire, contact, rng, 0.9, share=0.5)
    return {"questionnaire questions": len(questionnaire.questions),
            "questionnaires sent": len(responses), "questionnaires accepted": accepted}


def _demo_contact(provider: Provider, number: int) -> User:
    """A contact for a provider without one: it answers on the provider's behalf in the demo.

    No password: nobody logs in as these people.
    """
    existing = provider.contacts.filter(is_active=True).first()
    if existing is not None:
        return existing
    user = User(username=f"demo.contact{number + 1}", first_name="Demo",
                last_name=f"Contact {number + 1}", role=Role.PROVIDER_CONTACT,
                provider=provider, email=f"contact{number + 1}@provider.example")
    user.set_unusable_password()
    user.save()
    return user


def _answer(response, questionnaire, contact, rng: random.Random, care: float,
            share: float = 1.0):
    """Answer the asked questions (the first `share` of them), with evidence where asked."""
    given: dict[str, GivenAnswer] = {}
    values, uploads = {}, []
    limit = int(len(questionnaire.questions) * share)
    for index, (question, rule) in enumerate(zip(questionnaire.questions, questionnaire.rules,
                                                 strict=True)):
        if index >= limit:
            break
        if rule.show_if is not None and not _shown(rule, given):
            continue
        if question.question_type == QuestionType.FILE or question.evidence_required:
            uploads.append(question)
        if question.question_type == QuestionType.FILE:
            given[rule.code] = GivenAnswer(value="file", has_evidence=True)
            continue
        value = _value(rule, rng, best=rng.random() < care)
        values[question.pk] = value
        given[rule.code] = GivenAnswer(value=value)
    response = campaign_services.answers_save(response, actor=contact, values=values,
                                              source=SOURCE)
    for question in uploads:
        campaign_services.answer_evidence_upload(
            response, actor=contact, question_id=question.pk, source=SOURCE,
            upload_name=f"{question.code.lower()}-evidence.pdf", data=_pdf(question.code),
            title=f"Evidence for {question.code}")
    return response


def _shown(rule: QuestionRule, given: dict[str, GivenAnswer]) -> bool:
    parent = given.get(rule.show_if)
    return parent is not None and any(
        str(parent.value).casefold() == str(value).casefold() for value in rule.show_if_values)


def _value(rule: QuestionRule, rng: random.Random, *, best: bool):
    kind = rule.question_type
    if kind in (QuestionType.YES_NO, QuestionType.CHOICE):
        options = sorted(options_of(rule), key=lambda o: -float(o.get("score", 0)))
        return options[0]["value"] if best or len(options) == 1 else rng.choice(options[1:])[
            "value"]
    if kind == QuestionType.NUMBER:
        bands = sorted(rule.bands, key=lambda b: -float(b.get("score", 0)))
        if not bands:
            return rng.randint(1, 50)
        band = bands[0] if best or len(bands) == 1 else rng.choice(bands[1:])
        low, high = band.get("min"), band.get("max")
        if low is not None and high is not None:
            return float((Decimal(str(low)) + Decimal(str(high))) / 2)
        return float(low) + 1 if low is not None else float(high) - 1
    if kind == QuestionType.DATE:
        return (timezone.localdate() - timedelta(days=rng.randint(30, 400))).isoformat()
    return ("Documented in our management system; owner named, reviewed yearly."
            if best else "In progress; a first version is planned for next quarter.")


def _pdf(title: str) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": f"Evidence {title}", "/Producer": "Tether demo"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
