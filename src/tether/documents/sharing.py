"""What a provider may see of the company's documents: shared ones, NDA rules applied in SQL."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Min, Q
from django.utils import timezone

from tether.documents.models import Document, DocumentKind


def nda_on_file(provider_id: int, today: date | None = None) -> bool:
    """A signed NDA with this provider, in force today (signed_on is set by internal users only)."""
    today = today or timezone.localdate()
    return Document.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
        Q(valid_from__isnull=True) | Q(valid_from__lte=today),
        provider_id=provider_id, kind=DocumentKind.NDA, signed_on__lte=today,
    ).exists()


def _held_back(provider_id: int) -> Q | None:
    """Documents an NDA must unlock: at or above the level their arrangement asks for.

    A document tied to the provider but to no single arrangement follows the strictest level
    among that provider's arrangements.
    """
    from tether.registry.models import Arrangement

    levels = dict(
        Arrangement.objects.filter(provider_id=provider_id, nda_required_from__isnull=False)
        .values_list("pk", "nda_required_from")
    )
    if not levels:
        return None
    condition = Q(arrangement__isnull=True,
                  confidentiality__gte=Arrangement.objects.filter(pk__in=levels).aggregate(
                      level=Min("nda_required_from"))["level"])
    by_level: dict[int, list[int]] = {}
    for arrangement_id, level in levels.items():
        by_level.setdefault(level, []).append(arrangement_id)
    for level, arrangement_ids in by_level.items():
        condition |= Q(arrangement_id__in=arrangement_ids, confidentiality__gte=level)
    # The NDA to be signed must itself reach the provider.
    return condition & ~Q(kind=DocumentKind.NDA)


@dataclass(frozen=True)
class Sharing:
    """What a provider may see today, the NDA rule worked out once (two queries at most)."""

    provider_id: int
    held_back: Q | None  # None: nothing is held back (no rule, or a signed NDA on file)

    def documents(self):
        """Documents the provider's contacts may list and download."""
        documents = Document.objects.filter(provider_id=self.provider_id,
                                            shared_with_provider=True)
        return documents if self.held_back is None else documents.exclude(self.held_back)

    def awaiting_nda(self) -> int:
        """How many shared documents the provider will see once a signed NDA is on file."""
        if self.held_back is None:
            return 0
        return Document.objects.filter(self.held_back, provider_id=self.provider_id,
                                       shared_with_provider=True).count()


def sharing_for(provider_id: int, today: date | None = None) -> Sharing:
    held_back = _held_back(provider_id)
    if held_back is not None and nda_on_file(provider_id, today):
        held_back = None
    return Sharing(provider_id, held_back)


def shared_documents(provider_id: int, today: date | None = None):
    """Documents a provider's contacts may list and download today."""
    return sharing_for(provider_id, today).documents()


def documents_awaiting_nda(provider_id: int, today: date | None = None) -> int:
    """How many shared documents the provider will see once a signed NDA is on file."""
    return sharing_for(provider_id, today).awaiting_nda()
