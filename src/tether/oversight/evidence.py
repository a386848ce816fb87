"""Open findings and recent incidents as an input of providers' residual risk scores
(see core.evidence). Points add up per provider and are capped at 100."""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from tether.core.evidence import residual_input
from tether.oversight.choices import FindingStatus, Severity
from tether.oversight.models import Finding, Incident

OPEN_FINDING_POINTS = {Severity.LOW: 5, Severity.MEDIUM: 10, Severity.HIGH: 25,
                       Severity.CRITICAL: 50}
INCIDENT_POINTS = {Severity.LOW: 5, Severity.MEDIUM: 10, Severity.HIGH: 20,
                   Severity.CRITICAL: 30}
MAJOR_INCIDENT_POINTS = 40
INCIDENT_WINDOW = timedelta(days=365)


@residual_input("oversight", "Open findings and incidents of the last 12 months",
                absent=(0.0, "No open finding, no incident in the last 12 months"))
def findings_and_incidents(provider_ids) -> dict[int, tuple[float, str]]:
    findings = Finding.objects.exclude(status=FindingStatus.CLOSED)
    incidents = Incident.objects.filter(detected_at__gte=timezone.now() - INCIDENT_WINDOW)
    if provider_ids is not None:
        findings = findings.filter(provider_id__in=provider_ids)
        incidents = incidents.filter(provider_id__in=provider_ids)
    points: dict[int, float] = defaultdict(float)
    finding_counts: dict[int, int] = defaultdict(int)
    incident_counts: dict[int, int] = defaultdict(int)
    major_counts: dict[int, int] = defaultdict(int)
    for row in findings.values("provider_id", "severity").annotate(n=Count("pk")).order_by():
        points[row["provider_id"]] += OPEN_FINDING_POINTS.get(row["severity"], 0) * row["n"]
        finding_counts[row["provider_id"]] += row["n"]
    for row in incidents.values("provider_id", "severity", "is_major").annotate(
            n=Count("pk")).order_by():
        each = MAJOR_INCIDENT_POINTS if row["is_major"] else INCIDENT_POINTS.get(
            row["severity"], 0)
        points[row["provider_id"]] += each * row["n"]
        incident_counts[row["provider_id"]] += row["n"]
        major_counts[row["provider_id"]] += row["n"] if row["is_major"] else 0
    return {provider: (min(100.0, value), _detail(finding_counts[provider],
                                                   incident_counts[provider],
                                                   major_counts[provider]))
            for provider, value in points.items()}


def _detail(findings: int, incidents: int, major: int) -> str:
    parts = [f"{findings} open finding{'s' if findings != 1 else ''}",
             f"{incidents} incident{'s' if incidents != 1 else ''} in 12 months"
             + (f" ({major} major)" if major else "")]
    return ", ".join(parts)
