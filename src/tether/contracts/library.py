"""The clause library file (`data/clauses.yaml`): read and checked here, with no database, so
the data migration, the loader and the tests share one reading of it.

Every problem is named with the clause's position and code, and nothing is loaded from a
file that has one.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

LIBRARY_PATH = Path(__file__).resolve().parent / "data" / "clauses.yaml"
CODE = re.compile(r"[A-Z][A-Z0-9_]{1,39}")
APPLIES_TO = ("all", "critical")
MAX_TITLE = 200
MAX_SOURCE = 120


class LibraryError(ValueError):
    """A clause library file that cannot be loaded; `problems` lists what is wrong."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ClauseSpec:
    code: str
    title: str
    requirement: str
    applies_to: str
    sources: tuple[str, ...]
    position: int


def read_library(path: Path = LIBRARY_PATH) -> list[ClauseSpec]:
    """The clauses of a library file, in order; LibraryError if anything is wrong with it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise LibraryError([f"{path.name} cannot be read: {error}"]) from None
    return parse_library(text, name=path.name)


def parse_library(text: str, *, name: str = "clauses.yaml") -> list[ClauseSpec]:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise LibraryError([f"{name} is not valid YAML: {error}"]) from None
    if not isinstance(document, dict) or not isinstance(document.get("clauses"), list):
        raise LibraryError([f"{name} needs a list under `clauses:`."])
    problems, specs, seen = [], [], set()
    for index, entry in enumerate(document["clauses"], start=1):
        where = f"{name}, clause {index}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: each clause is a mapping of code, title, requirement, "
                            "applies_to and sources.")
            continue
        code = entry.get("code")
        if isinstance(code, str):
            where = f"{where} ({code})"
        spec_problems = _check_entry(entry, seen)
        problems.extend(f"{where}: {problem}" for problem in spec_problems)
        if spec_problems:
            continue
        seen.add(code)
        specs.append(ClauseSpec(code=code, title=entry["title"].strip(),
                                requirement=entry["requirement"].strip(),
                                applies_to=entry["applies_to"],
                                sources=tuple(s.strip() for s in entry["sources"]),
                                position=index * 10))
    if problems:
        raise LibraryError(problems)
    return specs


def _check_entry(entry: dict, seen: set) -> list[str]:
    problems = []
    code = entry.get("code")
    if not isinstance(code, str) or not CODE.fullmatch(code):
        problems.append("the code must be 2 to 40 capital letters, digits or underscores, "
                        "starting with a letter.")
    elif code in seen:
        problems.append("this code is used twice.")
    for field, limit in (("title", MAX_TITLE), ("requirement", None)):
        value = entry.get(field)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"`{field}` must be text.")
        elif limit and len(value.strip()) > limit:
            problems.append(f"`{field}` is longer than {limit} characters.")
    if entry.get("applies_to") not in APPLIES_TO:
        problems.append("`applies_to` must be `all` or `critical`.")
    sources = entry.get("sources")
    if not isinstance(sources, list) or not sources or not all(
            isinstance(s, str) and s.strip() and len(s) <= MAX_SOURCE for s in sources):
        problems.append(f"`sources` must be a list of citations (text of at most "
                        f"{MAX_SOURCE} characters each).")
    unknown = set(entry) - {"code", "title", "requirement", "applies_to", "sources"}
    if unknown:
        problems.append(f"unknown field(s): {', '.join(sorted(map(str, unknown)))}.")
    return problems
