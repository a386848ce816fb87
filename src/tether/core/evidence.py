"""Residual-score inputs contributed by apps above risk in the import order.

The risk app scores a provider's residual risk from weighted inputs, each 0–100 (higher is
riskier). Its own inputs (inherent, open risks, questionnaire, location) it computes itself;
SLA performance and oversight (findings, incidents) live in apps that risk must not import.
Those apps register an input here, in their AppConfig.ready(); risk reads the registry. An app
that changes the data behind its input announces it with
`core.signals.announce_provider_evidence`, and risk rescores those providers.
"""

from collections.abc import Callable
from dataclasses import dataclass

# provider ids (None: every provider) → {provider id: (value 0–100, why)}
InputFunction = Callable[[list[int] | None], dict[int, tuple[float, str]]]


@dataclass(frozen=True)
class ResidualInput:
    name: str
    label: str
    compute: InputFunction
    # What a provider without any data behind the input scores, and how that reads.
    absent: tuple[float, str]


CONTRIBUTED_INPUTS: dict[str, ResidualInput] = {}


def residual_input(name: str, label: str, *, absent: tuple[float, str]):
    """Register `function(provider_ids) -> {provider id: (value, detail)}` as a residual input
    whose weight the methodology sets under `name`."""

    def register(function: InputFunction) -> InputFunction:
        CONTRIBUTED_INPUTS[name] = ResidualInput(name, label, function, absent)
        return function

    return register
