"""Factories for clause requirements and clause checks."""

import factory

from tests.factories import ArrangementFactory
from tether.contracts.models import ArrangementClause, ClauseRequirement


class ClauseRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClauseRequirement

    code = factory.Sequence(lambda n: f"OWN_CLAUSE_{n}")
    title = factory.Sequence(lambda n: f"Own clause {n}")
    requirement = "What our own policy asks for."
    sources = "Company policy §3"
    applies_to = "all"
    position = 5000


class ArrangementClauseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArrangementClause

    arrangement = factory.SubFactory(ArrangementFactory)
    requirement = factory.LazyFunction(
        lambda: ClauseRequirement.objects.get(code="SERVICE_DESCRIPTION"))
    status = "present"
    location = "MSA §2"


def contracts_objects(arrangement) -> dict:
    """One object of every contracts model, on the arrangement given: what the authorization
    matrix and the API fuzz test need to name existing ids. The requirement is a company's
    own (built-in ones cannot be deleted)."""
    requirement = ClauseRequirementFactory()
    return {
        ClauseRequirement: requirement,
        ArrangementClause: ArrangementClauseFactory(arrangement=arrangement,
                                                    requirement=requirement),
    }
