"""Writes to questionnaire templates: drafts are edited; published ones are copied or retired.

A published template is what campaigns send, so it never changes under the answers given to
it: every edit below refuses anything but a draft, and a change to a published questionnaire
starts with `template_new_version`. Each service is one transaction that also writes its
audit records (in bulk where it writes many rows).
"""

import copy
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from tether.core.audit import BulkChange, record_bulk, record_change, snapshot
from tether.core.models import AuditAction
from tether.core.services import ModelServices, object_create, object_delete, object_update
from tether.diligence.choices import SCORED_BY_OPTIONS, QuestionType, TemplateStatus
from tether.diligence.models import Question, QuestionnaireTemplate, Section
from tether.diligence.transfer.document import (
    QuestionSpec,
    TemplateSpec,
    bands_json,
    bands_of,
    check_spec,
    json_number,
    model_field,
    options_json,
    options_of,
    question_problems,
    spec_of,
)
from tether.diligence.transfer.notation import number

TEMPLATE_FIELDS = ("name", "description")
SECTION_FIELDS = ("title", "description", "risk_category")
QUESTION_FIELDS = ("section", "code", "text", "help_text", "question_type", "weight",
                   "required", "options", "bands", "evidence_required", "evidence_hint",
                   "show_if_question", "show_if_values")


def _require_draft(template: QuestionnaireTemplate) -> None:
    if template.status != TemplateStatus.DRAFT:
        raise ValidationError(
            f"“{template}” is {template.get_status_display().split(' (')[0].lower()}: it can "
            "no longer be changed, so that answers given to it keep their meaning. Make a new "
            "version to change it."
        )


def _locked(template: QuestionnaireTemplate) -> QuestionnaireTemplate:
    """The template as stored now, locked until the transaction ends (state changes race)."""
    return QuestionnaireTemplate.objects.select_for_update().get(pk=template.pk)


def _only(data: dict, names: tuple[str, ...]) -> dict:
    return {name: value for name, value in data.items() if name in names}


def _check_name(name: str, *, template: QuestionnaireTemplate | None = None) -> None:
    others = QuestionnaireTemplate.objects.filter(name__iexact=(name or "").strip())
    if template is not None:
        others = others.exclude(name__iexact=template.name)
    if others.exists():
        raise ValidationError({"name": "A questionnaire of this name exists: make a new "
                                       "version of it, or choose another name."})


def _new_template(data: dict, *, actor, source: str) -> QuestionnaireTemplate:
    """Create a template row; a version taken meanwhile by another request is a clear error."""
    try:
        with transaction.atomic():
            return object_create(QuestionnaireTemplate, actor=actor, source=source, data=data)
    except IntegrityError:
        raise ValidationError(f"Version {data['version']} of “{data['name']}” was just created "
                              "by someone else: reload and try again.") from None


def _created(instances) -> list[BulkChange]:
    return [BulkChange(i.pk, str(i), AuditAction.CREATE, None, snapshot(i)) for i in instances]


def _deleted(instances) -> list[BulkChange]:
    return [BulkChange(i.pk, str(i), AuditAction.DELETE, snapshot(i), None) for i in instances]


# Templates


@transaction.atomic
def template_create(*, actor, data: dict, source: str = "web") -> QuestionnaireTemplate:
    """Start a new questionnaire, as a draft."""
    data = _only(data, TEMPLATE_FIELDS)
    _check_name(data.get("name", ""))
    return _new_template({**data, "status": TemplateStatus.DRAFT, "version": 1}, actor=actor,
                         source=source)


@transaction.atomic
def template_update(template: QuestionnaireTemplate, *, actor, data: dict,
                    source: str = "web") -> QuestionnaireTemplate:
    """Rename or describe a draft questionnaire."""
    _require_draft(_locked(template))
    data = _only(data, TEMPLATE_FIELDS)
    if "name" in data:
        _check_name(data["name"], template=template)
    return object_update(template, actor=actor, data=data, source=source)


@transaction.atomic
def template_delete(template: QuestionnaireTemplate, *, actor, source: str = "web") -> None:
    """Delete a draft questionnaire with its sections and questions."""
    _require_draft(_locked(template))
    sections = list(template.sections.all())
    questions = list(Question.objects.filter(section__template=template))
    record_bulk(actor=actor, model=Question, changes=_deleted(questions), source=source)
    record_bulk(actor=actor, model=Section, changes=_deleted(sections), source=source)
    object_delete(template, actor=actor, source=source)


TEMPLATE = ModelServices(template_create, template_update, template_delete)


@transaction.atomic
def template_publish(template: QuestionnaireTemplate, *, actor,
                     source: str = "web") -> QuestionnaireTemplate:
    """Publish a sound draft, so campaigns can send it; earlier published versions retire."""
    stored = _locked(template)
    if stored.status != TemplateStatus.DRAFT:
        raise ValidationError(f"Only a draft can be published; “{stored}” is {stored.status}.")
    problems = check_spec(spec_of(stored))
    if problems:
        raise ValidationError([str(problem) for problem in problems])
    for earlier in QuestionnaireTemplate.objects.select_for_update().filter(
            name=stored.name, status=TemplateStatus.PUBLISHED).exclude(pk=stored.pk):
        _set_status(earlier, TemplateStatus.RETIRED, actor=actor, source=source)
    return _set_status(stored, TemplateStatus.PUBLISHED, actor=actor, source=source,
                       caller=template)


@transaction.atomic
def template_retire(template: QuestionnaireTemplate, *, actor,
                    source: str = "web") -> QuestionnaireTemplate:
    """Stop a published questionnaire from being sent again; campaigns under way go on."""
    stored = _locked(template)
    if stored.status == TemplateStatus.DRAFT:
        raise ValidationError("A draft is deleted, not retired.")
    if stored.status == TemplateStatus.RETIRED:
        raise ValidationError(f"“{stored}” is already retired.")
    return _set_status(stored, TemplateStatus.RETIRED, actor=actor, source=source,
                       caller=template)


def _set_status(template, status, *, actor, source, caller=None) -> QuestionnaireTemplate:
    """Change the status of a locked template; the caller's copy of it follows."""
    before = snapshot(template)
    template.status = status
    template.save(update_fields=["status", "last_updated"])
    record_change(actor=actor, instance=template, action=AuditAction.UPDATE, before=before,
                  source=source)
    if caller is not None and caller is not template:
        caller.status, caller.last_updated = template.status, template.last_updated
        return caller
    return template


def _draft_of(name: str) -> QuestionnaireTemplate | None:
    return QuestionnaireTemplate.objects.filter(name=name, status=TemplateStatus.DRAFT).first()


def _next_version(name: str) -> int:
    latest = QuestionnaireTemplate.objects.filter(name=name).aggregate(Max("version"))
    return (latest["version__max"] or 0) + 1


@transaction.atomic
def template_new_version(template: QuestionnaireTemplate, *, actor,
                         source: str = "web") -> QuestionnaireTemplate:
    """Copy a published or retired questionnaire into a new draft version, to change it."""
    template = _locked(template)
    if template.status == TemplateStatus.DRAFT:
        raise ValidationError(f"“{template}” is a draft: change it directly.")
    draft = _draft_of(template.name)
    if draft is not None:
        raise ValidationError(f"{draft} is already a draft of this questionnaire: change that "
                              "one, or delete it first.")
    new = _new_template({
        "name": template.name, "description": template.description,
        "version": _next_version(template.name), "status": TemplateStatus.DRAFT,
    }, actor=actor, source=source)
    _build(new, spec_of(template), actor=actor, source=source)
    return new


@dataclass(frozen=True)
class ImportOutcome:
    template: QuestionnaireTemplate
    created: bool  # False: an identical version was already there (reuse_identical)


@transaction.atomic
def template_import(*, actor, spec: TemplateSpec, publish: bool = False,
                    reuse_identical: bool = False, source: str = "import") -> ImportOutcome:
    """Create a draft from a checked file: a new questionnaire, or the next version of one.

    With `reuse_identical`, a version with the same content is returned instead of a copy
    (what makes loading the default questionnaire twice harmless).
    """
    problems = check_spec(spec)
    if problems:
        raise ValidationError([str(problem) for problem in problems])
    existing = list(QuestionnaireTemplate.objects.filter(name__iexact=spec.name)
                    .order_by("-version"))
    if reuse_identical:
        for template in existing:
            if spec_of(template) == spec:
                if publish and template.status == TemplateStatus.DRAFT:
                    template_publish(template, actor=actor, source=source)
                return ImportOutcome(template, created=False)
    name = existing[0].name if existing else spec.name
    draft = _draft_of(name)
    if draft is not None:
        raise ValidationError(f"{draft} is a draft of this questionnaire: publish or delete it "
                              "before importing a new version, or import under another name.")
    template = _new_template({
        "name": name, "description": spec.description, "version": _next_version(name),
        "status": TemplateStatus.DRAFT,
    }, actor=actor, source=source)
    _build(template, spec, actor=actor, source=source)
    if publish:
        template = template_publish(template, actor=actor, source=source)
    return ImportOutcome(template, created=True)


def _build(template: QuestionnaireTemplate, spec: TemplateSpec, *, actor, source) -> None:
    """Write a spec's sections and questions into an empty template, set-based."""
    sections = Section.objects.bulk_create([
        Section(template=template, position=position, title=item.title,
                description=item.description, risk_category=item.risk_category)
        for position, item in enumerate(spec.sections)
    ])
    questions, specs = [], []
    for section, item in zip(sections, spec.sections, strict=True):
        for position, question in enumerate(item.questions):
            questions.append(_question_of(question, section, position))
            specs.append(question)
    questions = Question.objects.bulk_create(questions)
    by_code = {question.code.casefold(): question for question in questions}
    dependants = []
    for question, item in zip(questions, specs, strict=True):
        if item.show_if_question:
            question.show_if_question = by_code[item.show_if_question.casefold()]
            dependants.append(question)
    Question.objects.bulk_update(dependants, ["show_if_question"])
    record_bulk(actor=actor, model=Section, changes=_created(sections), source=source)
    record_bulk(actor=actor, model=Question, changes=_created(questions), source=source)


def _question_of(item: QuestionSpec, section: Section, position: int) -> Question:
    return Question(
        section=section, position=position, code=item.code, text=item.text,
        help_text=item.help_text, question_type=item.question_type, weight=item.weight,
        required=item.required, options=options_json(item.options),
        bands=bands_json(item.bands), evidence_required=item.evidence_required,
        evidence_hint=item.evidence_hint, show_if_values=list(item.show_if_values),
    )


# Sections


def _next_position(queryset) -> int:
    latest = queryset.aggregate(Max("position"))["position__max"]
    return 0 if latest is None else latest + 1


@transaction.atomic
def section_create(*, actor, template: QuestionnaireTemplate, data: dict,
                   source: str = "web") -> Section:
    """Add a section at the end of a draft questionnaire."""
    _require_draft(_locked(template))
    data = _only(data, SECTION_FIELDS)
    return object_create(Section, actor=actor, source=source, data={
        **data, "template": template, "position": _next_position(template.sections.all()),
    })


@transaction.atomic
def section_update(section: Section, *, actor, data: dict, source: str = "web") -> Section:
    """Retitle or describe a section of a draft."""
    _require_draft(_locked(section.template))
    return object_update(section, actor=actor, data=_only(data, SECTION_FIELDS), source=source)


@transaction.atomic
def section_delete(section: Section, *, actor, source: str = "web") -> None:
    """Delete a section of a draft with its questions, unless questions elsewhere depend on
    them."""
    _require_draft(_locked(section.template))
    questions = list(section.questions.all())
    outside = Question.objects.filter(show_if_question__in=questions).exclude(section=section)
    _refuse_dependants(outside, "questions of this section")
    record_bulk(actor=actor, model=Question, changes=_deleted(questions), source=source)
    object_delete(section, actor=actor, source=source)


def _refuse_dependants(dependants, what: str) -> None:
    codes = sorted(dependants.values_list("code", flat=True))
    if codes:
        raise ValidationError(f"{', '.join(codes)} {'is' if len(codes) == 1 else 'are'} asked "
                              f"depending on the {what}: change "
                              f"{'its' if len(codes) == 1 else 'their'} condition first.")


def _move(item, siblings, offset: int, *, actor, source) -> None:
    """Move an item up (-1) or down (+1) among its siblings, renumbering them 0, 1, 2…"""
    ordered = list(siblings.order_by("position", "id"))
    index = next(i for i, sibling in enumerate(ordered) if sibling.pk == item.pk)
    target = min(max(index + offset, 0), len(ordered) - 1)
    ordered.insert(target, ordered.pop(index))
    changes, changed = [], []
    for position, sibling in enumerate(ordered):
        if sibling.position != position:
            changes.append(BulkChange(sibling.pk, str(sibling), AuditAction.UPDATE,
                                      {"position": sibling.position}, {"position": position}))
            sibling.position = position
            changed.append(sibling)
    type(item).objects.bulk_update(changed, ["position"])
    record_bulk(actor=actor, model=type(item), changes=changes, source=source)


@transaction.atomic
def section_move(section: Section, *, actor, offset: int, source: str = "web") -> None:
    """Move a section of a draft up or down."""
    _require_draft(_locked(section.template))
    _move(section, section.template.sections.all(), offset, actor=actor, source=source)


# Questions


def _question_errors(question: Question) -> dict[str, list[str]]:
    """What is wrong with a question about to be saved, by model field."""
    errors: dict[str, list[str]] = {}
    try:
        question.full_clean(validate_unique=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        return errors
    spec = QuestionSpec(
        code=question.code, text=question.text, question_type=question.question_type,
        help_text=question.help_text, weight=question.weight, required=question.required,
        options=options_of(question.options), bands=bands_of(question.bands),
        evidence_required=question.evidence_required, evidence_hint=question.evidence_hint,
        show_if_question=question.show_if_question.code if question.show_if_question else "",
        show_if_values=tuple(question.show_if_values or ()),
    )
    for name, message in question_problems(spec):
        errors.setdefault(model_field(name), []).append(message)
    template_id = question.section.template_id
    same_code = Question.objects.filter(section__template_id=template_id,
                                        code__iexact=question.code)
    if question.pk:
        same_code = same_code.exclude(pk=question.pk)
    if question.code and same_code.exists():
        errors.setdefault("code", []).append(f"The code {question.code} is already used in "
                                             "this questionnaire.")
    parent = question.show_if_question
    if parent is not None and "show_if_question" not in errors:
        errors.update(_condition_errors(question, parent))
    return errors


def _condition_errors(question: Question, parent: Question) -> dict[str, list[str]]:
    if question.pk and parent.pk == question.pk:
        return {"show_if_question": ["A question cannot depend on itself."]}
    if parent.section.template_id != question.section.template_id:
        return {"show_if_question": ["The question it depends on is in another template."]}
    if parent.question_type in SCORED_BY_OPTIONS:
        answers = ({"yes", "no"} if parent.question_type == QuestionType.YES_NO
                   else {str(o.get("value", "")).casefold() for o in parent.options or []})
        unknown = [v for v in question.show_if_values or [] if str(v).casefold() not in answers]
        if unknown:
            return {"show_if_values": [f"“{'; '.join(map(str, unknown))}” is not an answer to "
                                       f"{parent.code}; its answers are: "
                                       f"{'; '.join(sorted(answers))}."]}
    return {}


def _plain(raw):
    """A number as JSON stores it; anything else as given, for the checks to name."""
    value = number(raw)
    return json_number(value) if value is not None else raw


def _normalised(data: dict) -> dict:
    """Options and bands as stored, with plain JSON numbers (an API's Decimals do not
    serialise), values trimmed; a question without a condition keeps no condition values."""
    data = dict(data)
    if isinstance(data.get("options"), list):
        data["options"] = [
            {"value": str(item.get("value", "")).strip(),
             "label": str(item.get("label") or "").strip(), "score": _plain(item.get("score"))}
            if isinstance(item, dict) else item for item in data["options"]]
    if isinstance(data.get("bands"), list):
        data["bands"] = [
            {key: _plain(item[key]) for key in ("min", "max", "score")
             if item.get(key) not in (None, "")} if isinstance(item, dict) else item
            for item in data["bands"]]
    if isinstance(data.get("show_if_values"), list):
        data["show_if_values"] = [str(value).strip() for value in data["show_if_values"]]
    if "show_if_question" in data and data["show_if_question"] is None:
        data["show_if_values"] = []
    return data


def _save_question(question: Question | None, section: Section, data: dict, *, actor,
                   source: str) -> Question:
    data = _normalised(data)
    candidate = copy.copy(question) if question is not None else Question(section=section)
    for name, value in data.items():
        setattr(candidate, name, value)
    if candidate.section.template_id != section.template_id:
        raise ValidationError({"section": "Choose a section of the same questionnaire."})
    errors = _question_errors(candidate)
    if errors:
        raise ValidationError(errors)
    if question is None:
        return object_create(Question, actor=actor, source=source, data={
            **data, "section": section,
            "position": _next_position(Question.objects.filter(section=section)),
        })
    if "section" in data and data["section"].pk != question.section_id:
        data["position"] = _next_position(Question.objects.filter(section=data["section"]))
    return object_update(question, actor=actor, data=data, source=source)


def _valid_scores(data: dict) -> None:
    """Refuse options and bands whose shape the model's checks cannot read."""
    for name in ("options", "bands"):
        items = data.get(name)
        if items is not None and (not isinstance(items, list)
                                  or not all(isinstance(item, dict) for item in items)):
            raise ValidationError({name: f"{name.capitalize()} must be a list of objects."})


@transaction.atomic
def question_create(*, actor, section: Section, data: dict, source: str = "web") -> Question:
    """Add a question at the end of a section of a draft."""
    _require_draft(_locked(section.template))
    data = _only(data, QUESTION_FIELDS)
    _valid_scores(data)
    return _save_question(None, data.get("section") or section, data, actor=actor,
                          source=source)


@transaction.atomic
def question_update(question: Question, *, actor, data: dict, source: str = "web") -> Question:
    """Change a question of a draft."""
    _require_draft(_locked(question.section.template))
    data = _only(data, QUESTION_FIELDS)
    _valid_scores(data)
    return _save_question(question, question.section, data, actor=actor, source=source)


@transaction.atomic
def question_delete(question: Question, *, actor, source: str = "web") -> None:
    """Delete a question of a draft, unless other questions depend on it."""
    _require_draft(_locked(question.section.template))
    _refuse_dependants(question.dependants.all(), f"answer to {question.code}")
    object_delete(question, actor=actor, source=source)


@transaction.atomic
def question_move(question: Question, *, actor, offset: int, source: str = "web") -> None:
    """Move a question of a draft up or down within its section."""
    _require_draft(_locked(question.section.template))
    _move(question, Question.objects.filter(section=question.section_id), offset, actor=actor,
          source=source)


def _section_services():
    def create(*, actor, data: dict, source: str = "web"):
        return section_create(actor=actor, template=data["template"], data=data,
                              source=source)

    return ModelServices(create, section_update, section_delete)


def _question_services():
    def create(*, actor, data: dict, source: str = "web"):
        return question_create(actor=actor, section=data["section"], data=data, source=source)

    return ModelServices(create, question_update, question_delete)


# For the API and generic views: create takes the parent in `data`.
SECTION = _section_services()
QUESTION = _question_services()
