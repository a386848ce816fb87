"""CSV/XLSX downloads of every dependence table (written by core.exports)."""


from django.http import FileResponse

from tether.core.exports import write_spreadsheet
from tether.core.views.exports import spreadsheet_download
from tether.dependence.concentration import DIMENSIONS, MEASURES, Concentration
from tether.dependence.graph import SupplyGraph, provider_names
from tether.dependence.whatif import WhatIf, affected_rows

TABLES = ("concentration", "exposure", "spof", "chains", "what_if")


def download(fmt: str, name: str, sheet: str, headers, rows) -> FileResponse:
    return spreadsheet_download(fmt, name, lambda out: write_spreadsheet(
        fmt=fmt, out=out, sheet=sheet, headers=headers, rows=rows))


def concentration_download(fmt: str, figure: Concentration) -> FileResponse:
    headers = ("dimension", "measure", "currency", "key", "name", "value", "share_percent",
               "above_single_share_threshold", "hhi_of_all")
    rows = ((DIMENSIONS[figure.dimension], MEASURES[figure.measure], figure.currency or "",
             share.key, share.label, round(share.value, 2), round(share.share, 4),
             share.flagged, figure.hhi) for share in figure.shares)
    return download(fmt, f"concentration-{figure.dimension}-{figure.measure}",
                    "concentration", headers, rows)


def graph_download(fmt: str, table: str, graph: SupplyGraph) -> FileResponse:
    if table == "chains":
        chains = graph.longest_chains(limit=100)
        names = provider_names({pk for chain in chains for pk in chain})
        headers = ("rank", "length", "chain_ids", "chain")
        rows = ((rank, len(chain), " > ".join(map(str, chain)),
                 " > ".join(names.get(pk, str(pk)) for pk in chain))
                for rank, chain in enumerate(chains, start=1))
        return download(fmt, "longest-chains", "longest chains", headers, rows)
    exposures = (graph.single_points_of_failure() if table == "spof" else
                 sorted(graph.exposures().values(), key=lambda e: (-e.spend, e.provider_id)))
    names = provider_names(e.provider_id for e in exposures)
    headers = ("provider_id", "provider", "critical_arrangements", "arrangements",
               f"spend_{graph.currency}", "depending_providers", "direct_arrangements")
    rows = ((e.provider_id, names.get(e.provider_id, ""), e.critical, e.arrangements,
             round(e.spend, 2), e.depending_providers,
             graph.direct.get(e.provider_id, (0, 0, 0))[2]) for e in exposures)
    name = "single-points-of-failure" if table == "spof" else "indirect-exposure"
    return download(fmt, name, name.replace("-", " "), headers, rows)


def what_if_download(fmt: str, answer: WhatIf) -> FileResponse:
    headers = ("arrangement_id", "reference", "title", "provider_id", "provider", "critical",
               "annual_cost", "currency", "dependence", "path", "services", "exit_plan")
    service_names = {s["id"]: s["name"] for s in answer.services}
    rows = ((row.id, row.reference, row.title, row.provider_id, row.provider_name,
             row.is_critical, row.annual_cost, row.currency,
             "direct" if row.direct else "through subcontracting", " > ".join(path),
             "; ".join(service_names.get(pk, str(pk)) for pk in row.service_ids),
             row.exit_plan) for row, path in affected_rows(answer, exit_plans=True))
    return download(fmt, "what-if", "what if", headers, rows)
