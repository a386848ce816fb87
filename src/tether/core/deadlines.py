"""Dated things someone must act on, gathered from every app through registered sources.

An app declares where its deadlines come from once, in its `ready()`:

    @deadline_source("notice", "Last day to give notice", model=Arrangement)
    def arrangement_notices(*, user, start, end):
        ...  # one query, restricted to `user` (None: unrestricted, for the reminder job)

`deadlines_between` asks every source (or some kinds) and returns one list sorted by day; the
upcoming page, the calendar, the iCalendar export and the reminder job all read it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Deadline:
    day: date
    kind: str  # "contract_end", "notice", "review_due", "document_expiry", "action_due", …
    label: str  # "Last day to give notice"
    title: str  # what it is about, e.g. "ARR-001 · Cloud hosting"
    url: str  # where to act
    key: str  # stable identity for de-duplicating reminders, e.g. "notice:arrangement:12"
    provider_id: int | None = None
    owner_id: int | None = None  # the user to remind; None: the domain's writers are reminded
    critical: bool = False


@dataclass(frozen=True)
class DeadlineSource:
    kind: str
    label: str
    function: Callable[..., Iterable[Deadline]]
    model: type | None = None

    def visible_to(self, user) -> bool:
        return user is None or self.model is None or user.can("view", self.model)


DEADLINE_SOURCES: dict[str, DeadlineSource] = {}


def deadline_source(kind: str, label: str, *, model: type | None = None):
    """Register fn(*, user, start, end) -> Iterable[Deadline] as the source of one kind.

    `user` None means unrestricted (the reminder job). `model` is the model whose view
    permission the user needs to see this kind at all; the function restricts rows itself.
    Registering a kind again replaces it (an app's ready() may run twice in tests).
    """

    def register(function: Callable[..., Iterable[Deadline]]):
        DEADLINE_SOURCES[kind] = DeadlineSource(kind, label, function, model)
        return function

    return register


def deadline_kinds() -> list[tuple[str, str]]:
    """(kind, label) of every registered source, for filters and forms."""
    return sorted(((s.kind, s.label) for s in DEADLINE_SOURCES.values()), key=lambda kl: kl[1])


def deadline_model(kind: str) -> type | None:
    source = DEADLINE_SOURCES.get(kind)
    return source.model if source else None


def deadlines_between(*, user, start: date, end: date, kinds=None) -> list[Deadline]:
    """Every deadline from `start` to `end` (both included) that `user` may see, by day."""
    if user is not None and not (getattr(user, "is_authenticated", False) and user.is_active):
        return []
    wanted = set(kinds) if kinds else None
    found: list[Deadline] = []
    for source in list(DEADLINE_SOURCES.values()):
        if wanted is not None and source.kind not in wanted:
            continue
        if not source.visible_to(user):
            continue
        found.extend(d for d in source.function(user=user, start=start, end=end)
                     if start <= d.day <= end)
    return sorted(found, key=lambda d: (d.day, not d.critical, d.kind, d.title, d.key))
