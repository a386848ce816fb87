from django.db import models


class ExitStrategy(models.TextChoices):
    ALTERNATIVE_PROVIDER = "alternative_provider", "Move to an alternative provider"
    IN_HOUSE = "in_house", "Bring back in-house (reintegration)"
    MIXED = "mixed", "Partly in-house, partly another provider"
    DISCONTINUE = "discontinue", "Stop the service"


class PlanTestKind(models.TextChoices):
    TABLETOP = "tabletop", "Tabletop walk-through"
    SIMULATION = "simulation", "Simulation"
    LIVE = "live", "Live switch-over"


class PlanTestResult(models.TextChoices):
    PASSED = "passed", "Passed"
    PARTIAL = "partial", "Partly passed"
    FAILED = "failed", "Failed"


class CapabilityKind(models.TextChoices):
    SKILLS = "skills", "Skills"
    PEOPLE = "people", "People"
    KNOWLEDGE = "knowledge", "Knowledge and documentation"
    TOOLING = "tooling", "Tools and infrastructure"
    PROCESS = "process", "Processes"


class CapabilityLevel(models.IntegerChoices):
    NONE = 0, "None left"
    BASIC = 1, "Basic: could oversee, not do"
    PARTIAL = 2, "Partial: could take back part of the work"
    FULL = 3, "Full: could take the work back"


class AlternativeKind(models.TextChoices):
    CONTRACTED = "contracted", "A provider already under contract"
    IN_HOUSE = "in_house", "In-house fallback"
    MARKET = "market", "A provider on the market"
