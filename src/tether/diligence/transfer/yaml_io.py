"""Questionnaires as YAML: one document, read safely and strictly, written to be edited by hand.

Reading never constructs arbitrary objects (safe loading only) and refuses what a
questionnaire has no use for but an attacker does: anchors and aliases (the "billion laughs"
expansion), custom tags, several documents, very deep nesting, very many nodes. Unknown keys
are errors too, so a misspelt `evidence_requried` is not silently ignored.
"""

from decimal import Decimal

import yaml

from tether.diligence.transfer import fields
from tether.diligence.transfer.document import (
    MAX_LENGTH,
    Problem,
    QuestionSpec,
    SectionSpec,
    TemplateFileError,
    TemplateSpec,
    json_number,
)
from tether.diligence.transfer.notation import (
    Band,
    NotationError,
    Option,
    parse_bands,
    parse_options,
    parse_values,
)

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_EVENTS = 200_000
MAX_DEPTH = 12
# The tags of plain data; anything else (!!python/object, !!binary, custom tags) is refused.
ALLOWED_TAGS = frozenset({"!", "?", *(f"tag:yaml.org,2002:{name}" for name in
                                      ("str", "int", "float", "bool", "null", "seq", "map"))})
TEMPLATE_KEYS = ("name", "description", "sections")
SECTION_KEYS = ("title", "description", "risk_category", "questions")
QUESTION_KEYS = ("code", "text", "help_text", "type", "weight", "required", "options", "bands",
                 "evidence_required", "evidence_hint", "show_if")
OPTION_KEYS = ("value", "label", "score")
BAND_KEYS = ("min", "max", "score")
SHOW_IF_KEYS = ("question", "values")
HEADER = """\
# A Tether questionnaire. Question types: yes_no, choice, number, text, date, file.
# Scores are from 0 to 1; a question earns weight x score. Bands: min included, max excluded.
# show_if asks a question only when an earlier question's answer is one of the values.
"""


class Mapping(dict):
    """A YAML mapping with the line of each key (1-based)."""

    def __init__(self, line: int):
        super().__init__()
        self.line = line
        self.lines: dict = {}


class Sequence(list):
    """A YAML sequence with the line of each item."""

    def __init__(self, line: int):
        super().__init__()
        self.line = line
        self.lines: list[int] = []


def _problem_at(error: yaml.YAMLError) -> Problem:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    what = getattr(error, "problem", None) or str(error)
    context, start = getattr(error, "context", None), getattr(error, "context_mark", None)
    if context and start is not None and start is not mark:
        what = f"{what} {context} started on line {start.line + 1}"
    place = f"Line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    return Problem(place, f"This is not valid YAML ({what}). Check the indentation and the "
                          "quotes around this line.")


def _check_events(text: str) -> None:
    """Refuse aliases, anchors, custom tags, several documents, deep or huge documents."""
    problems = []
    depth = documents = 0
    try:
        for count, event in enumerate(yaml.parse(text, Loader=Loader), start=1):
            line = event.start_mark.line + 1 if event.start_mark else None
            where = f"Line {line}" if line else ""
            if count > MAX_EVENTS:
                raise TemplateFileError([Problem("", "The file holds more values than any "
                                                     "questionnaire; split it.")])
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    problems.append(Problem(where, "The file holds several YAML documents "
                                                   "(separated by ---): put one questionnaire "
                                                   "in a file."))
            elif isinstance(event, yaml.AliasEvent):
                problems.append(Problem(where, f"Aliases (*{event.anchor}) are not allowed in "
                                               "a questionnaire: write the value out."))
            elif isinstance(event, yaml.NodeEvent):
                if event.anchor:
                    problems.append(Problem(where, f"Anchors (&{event.anchor}) are not allowed "
                                                   "in a questionnaire: write values out."))
                tag = getattr(event, "tag", None)
                if tag and tag not in ALLOWED_TAGS:
                    problems.append(Problem(where, f"The tag {tag} is not allowed in a "
                                                   "questionnaire: remove it."))
                if isinstance(event, yaml.CollectionStartEvent):
                    depth += 1
                    if depth > MAX_DEPTH:
                        raise TemplateFileError([Problem(where, "The file nests deeper than "
                                                                "a questionnaire does.")])
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            if len(problems) >= 20:
                break
    except yaml.YAMLError as error:
        problems.append(_problem_at(error))
    if problems:
        raise TemplateFileError(problems)


def _compose(text: str):
    try:
        return yaml.compose(text, Loader=Loader)
    except yaml.YAMLError as error:
        raise TemplateFileError([_problem_at(error)]) from None


def _located(node, constructor, problems: list[Problem]):
    """The node's value, mappings and sequences keeping the line of each entry."""
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        mapping = Mapping(line)
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(f"Line {key_line}", "A key must be a plain word, not "
                                                            "a list or a mapping."))
                continue
            key = fields.text_of(constructor.construct_object(key_node))
            if key in mapping:
                problems.append(Problem(f"Line {key_line}", f"“{key}” is given twice here; "
                                                            "keep one."))
                continue
            mapping[key] = _located(value_node, constructor, problems)
            mapping.lines[key] = key_line
        return mapping
    if isinstance(node, yaml.SequenceNode):
        sequence = Sequence(line)
        for item in node.value:
            sequence.append(_located(item, constructor, problems))
            sequence.lines.append(item.start_mark.line + 1)
        return sequence
    try:
        return constructor.construct_object(node)
    except yaml.YAMLError as error:
        problems.append(_problem_at(error))
        return None


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        message = "The file is not UTF-8 text: save it as UTF-8 and import it again."
        raise TemplateFileError([Problem(f"Line {line}", message)]) from None
    if "\x00" in text:
        raise TemplateFileError([Problem("", "This is not a YAML file: it contains binary "
                                             "data.")])
    return text


def read_yaml(data: bytes) -> TemplateSpec:
    """The questionnaire a YAML file describes; TemplateFileError lists all its problems."""
    text = _decode(data)
    if not text.strip():
        raise TemplateFileError([Problem("", "The file is empty.")])
    _check_events(text)
    node = _compose(text)
    if node is None:
        raise TemplateFileError([Problem("", "The file is empty: it holds only comments.")])
    problems: list[Problem] = []
    root = _located(node, Loader(""), problems)
    reader = _Reader(problems)
    spec = reader.template(root)
    if spec is not None and not problems:
        from tether.diligence.transfer.document import check_spec

        problems.extend(check_spec(spec))
    if problems:
        raise TemplateFileError(problems)
    return spec


class _Reader:
    """Walks the located YAML values into a TemplateSpec, noting every problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems

    def add(self, line: int | None, name: str, message: str) -> None:
        place = ", ".join(part for part in (f"Line {line}" if line else "", name) if part)
        self.problems.append(Problem(place, message))

    def mapping(self, value, line: int, what: str, keys: tuple[str, ...]) -> Mapping | None:
        if not isinstance(value, Mapping):
            found = "a list" if isinstance(value, list) else (
                "nothing" if value is None else f"“{fields.text_of(value)}”")
            self.add(line, "", f"Expected {what} (keys: {', '.join(keys)}); found {found}.")
            return None
        for key in value:
            if key not in keys:
                self.add(value.lines[key], key, f"“{key}” is not a key of {what}: use "
                                                f"{', '.join(keys)}.")
        return value

    def sequence(self, mapping: Mapping, key: str, what: str) -> Sequence | None:
        value = mapping.get(key)
        if value is None:
            return None
        if not isinstance(value, Sequence):
            self.add(mapping.lines[key], key, f"Expected a list of {what} here.")
            return None
        return value

    def read(self, mapping: Mapping, key: str, convert, fallback=None, *, label: str = "",
             **kwargs):
        """A converted value of the mapping, or `fallback` after noting the problem."""
        try:
            return convert(mapping.get(key), **kwargs)
        except fields.FieldError as error:
            self.add(mapping.lines.get(key, mapping.line), label or key, str(error))
            return fallback

    def template(self, root) -> TemplateSpec | None:
        mapping = self.mapping(root, getattr(root, "line", 1), "a questionnaire",
                               TEMPLATE_KEYS)
        if mapping is None:
            return None
        spec = TemplateSpec(
            name=self.read(mapping, "name", fields.text, "", max_length=MAX_LENGTH["name"]),
            description=self.read(mapping, "description", fields.text, ""),
            places={"": f"Line {mapping.line}"},
        )
        if "sections" not in mapping:
            self.add(mapping.line, "sections", "The questionnaire has no sections: add "
                                               "“sections:” with its questions.")
        sections = self.sequence(mapping, "sections", "sections") or []
        for item, line in _entries(sections):
            section = self.section(item, line)
            if section is not None:
                spec.sections.append(section)
        return spec

    def section(self, item, line: int) -> SectionSpec | None:
        mapping = self.mapping(item, line, "a section", SECTION_KEYS)
        if mapping is None:
            return None
        section = SectionSpec(
            title=self.read(mapping, "title", fields.text, "", max_length=MAX_LENGTH["title"],
                            required="Give the section a title."),
            description=self.read(mapping, "description", fields.text, ""),
            risk_category=self.read(mapping, "risk_category", fields.risk_category, ""),
            places={"": f"Line {line}", "title": f"Line {mapping.lines.get('title', line)}, "
                                                 "title"},
        )
        questions = self.sequence(mapping, "questions", "questions") or []
        for question_item, question_line in _entries(questions):
            question = self.question(question_item, question_line)
            if question is not None:
                section.questions.append(question)
        return section

    def question(self, item, line: int) -> QuestionSpec | None:
        mapping = self.mapping(item, line, "a question", QUESTION_KEYS)
        if mapping is None:
            return None
        places = {"": f"Line {line}"}
        for key in QUESTION_KEYS:
            places[key] = f"Line {mapping.lines.get(key, line)}, {key}"
        show_if = self.show_if(mapping)
        places["show_if_question"] = places["show_if_values"] = places["show_if"]
        if show_if is not None and isinstance(mapping.get("show_if"), Mapping):
            inner = mapping["show_if"]
            for key, name in (("question", "show_if_question"), ("values", "show_if_values")):
                places[name] = f"Line {inner.lines.get(key, inner.line)}, show_if {key}"
        return QuestionSpec(
            code=self.read(mapping, "code", fields.text, "",
                           required="Give the question a code, e.g. FIN-3."),
            text=self.read(mapping, "text", fields.text, "",
                           required="The question has no text."),
            question_type=self.read(mapping, "type", fields.question_type, "?"),
            help_text=self.read(mapping, "help_text", fields.text, ""),
            weight=self.read(mapping, "weight", fields.decimal, Decimal(1),
                             default=Decimal(1)),
            required=self.read(mapping, "required", fields.yes_no, True, default=True),
            options=self.options(mapping),
            bands=self.bands(mapping),
            evidence_required=self.read(mapping, "evidence_required", fields.yes_no, False,
                                        default=False),
            evidence_hint=self.read(mapping, "evidence_hint", fields.text, ""),
            show_if_question=show_if[0] if show_if else "",
            show_if_values=show_if[1] if show_if else (),
            places=places,
        )

    def options(self, mapping: Mapping) -> tuple[Option, ...]:
        raw = mapping.get("options")
        line = mapping.lines.get("options")
        if raw is None:
            return ()
        if isinstance(raw, str):
            try:
                return tuple(parse_options(raw))
            except NotationError as error:
                self.add(line, "options", str(error))
                return ()
        if not isinstance(raw, Sequence):
            self.add(line, "options", "Expected a list of options (value, label, score), "
                                      "or the text yes=1; no=0.")
            return ()
        options = []
        for item, item_line in _entries(raw):
            option = self.mapping(item, item_line, "an option", OPTION_KEYS)
            if option is None:
                continue
            value = self.read(option, "value", fields.text, "", label="options",
                              required="The option has no value.")
            label = self.read(option, "label", fields.text, "", label="options")
            score = self.read(option, "score", _score, None, label="options")
            if value and score is not None:
                options.append(Option(value, label, score))
        return tuple(options)

    def bands(self, mapping: Mapping) -> tuple[Band, ...]:
        raw = mapping.get("bands")
        line = mapping.lines.get("bands")
        if raw is None:
            return ()
        if isinstance(raw, str):
            try:
                return tuple(parse_bands(raw))
            except NotationError as error:
                self.add(line, "bands", str(error))
                return ()
        if not isinstance(raw, Sequence):
            self.add(line, "bands", "Expected a list of bands (min, max, score), or the text "
                                    "0-10=0.5; 10-=1.")
            return ()
        bands = []
        for item, item_line in _entries(raw):
            band = self.mapping(item, item_line, "a band", BAND_KEYS)
            if band is None:
                continue
            low = self.read(band, "min", _bound, False, label="bands")
            high = self.read(band, "max", _bound, False, label="bands")
            score = self.read(band, "score", _score, None, label="bands")
            if low is not False and high is not False and score is not None:
                if low is not None and high is not None and low >= high:
                    self.add(item_line, "bands", f"The band from {low} to {high} is empty: min "
                                                 "must be below max.")
                    continue
                bands.append(Band(low, high, score))
        return tuple(bands)

    def show_if(self, mapping: Mapping) -> tuple[str, tuple[str, ...]] | None:
        raw = mapping.get("show_if")
        if raw is None:
            return None
        condition = self.mapping(raw, mapping.lines["show_if"], "a condition", SHOW_IF_KEYS)
        if condition is None:
            return None
        code = self.read(condition, "question", fields.text, "",
                         required="Name the earlier question, by its code.")
        values = condition.get("values")
        if isinstance(values, Sequence):
            answers = []
            for value, line in _entries(values):
                try:
                    answers.append(fields.text(value, required="An empty answer is listed."))
                except fields.FieldError as error:
                    self.add(line, "show_if values", str(error))
            return code, tuple(answers)
        if values is None:
            self.add(condition.line, "show_if values", "List the answers that show this "
                                                       "question, e.g. values: [yes].")
            return code, ()
        try:
            return code, tuple(parse_values(fields.text(values)))
        except fields.FieldError as error:
            self.add(condition.lines["values"], "show_if values", str(error))
            return code, ()


def _entries(sequence):
    """(item, line) of a located sequence; nothing for anything else."""
    if isinstance(sequence, Sequence):
        yield from zip(sequence, sequence.lines, strict=True)


def _score(raw):
    value = fields.decimal(raw, default=None)
    if value is None:
        raise fields.FieldError("Give a score from 0 to 1.")
    if not Decimal(0) <= value <= Decimal(1):
        raise fields.FieldError(f"The score is {value}; a score is from 0 to 1.")
    return value


def _bound(raw):
    return fields.decimal(raw, default=None)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """Never writes anchors; long and multi-line text as literal blocks."""

    def ignore_aliases(self, data):
        return True


class Flow(dict):
    """A mapping written on one line: {value: yes, label: Yes, score: 1}."""


def _represent_text(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_flow(dumper, value: Flow):
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=True)


_Dumper.add_representer(str, _represent_text)
_Dumper.add_representer(Flow, _represent_flow)


def write_yaml(spec: TemplateSpec, out) -> None:
    """Write the questionnaire as one YAML document, leaving out values at their default."""
    document = {"name": spec.name}
    if spec.description:
        document["description"] = spec.description
    document["sections"] = [_section_yaml(section) for section in spec.sections]
    text = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)
    out.write((HEADER + text).encode("utf-8"))


def _section_yaml(section: SectionSpec) -> dict:
    item = {"title": section.title}
    if section.description:
        item["description"] = section.description
    if section.risk_category:
        item["risk_category"] = section.risk_category
    item["questions"] = [_question_yaml(question) for question in section.questions]
    return item


def _question_yaml(question: QuestionSpec) -> dict:
    item = {"code": question.code, "text": question.text}
    if question.help_text:
        item["help_text"] = question.help_text
    item["type"] = question.question_type
    item["weight"] = json_number(question.weight)
    if not question.required:
        item["required"] = False
    if question.options:
        item["options"] = [Flow({"value": o.value, **({"label": o.label} if o.label else {}),
                                 "score": json_number(o.score)}) for o in question.options]
    if question.bands:
        item["bands"] = [Flow({**({"min": json_number(b.min)} if b.min is not None else {}),
                               **({"max": json_number(b.max)} if b.max is not None else {}),
                               "score": json_number(b.score)}) for b in question.bands]
    if question.evidence_required:
        item["evidence_required"] = True
    if question.evidence_hint:
        item["evidence_hint"] = question.evidence_hint
    if question.show_if_question:
        item["show_if"] = Flow({"question": question.show_if_question,
                                "values": list(question.show_if_values)})
    return item
