"""The validator of a DORA register of information package (EBA plain-csv).

    failures = validate_package("DUMMYLEI….zip")            # a zip: path, bytes or file
    failures = validate_tables(tables, parameters=params)    # what the builder will write
    if has_errors(failures): ...                             # errors block filing

Each check is a small function registered in `CHECKS` (code, layer, severity, source),
which docs/dora-validation.md and the tests enumerate. A check never raises on bad input;
should one fail unexpectedly, its failure is reported as check "T-INTERNAL".
"""

import logging
from datetime import UTC, date, datetime

from tether.regulatory.validation import business, keys, package, structure, values  # noqa: F401
from tether.regulatory.validation.model import CHECKS, ERROR, WARNING, Check, Failure, Package
from tether.regulatory.validation.reading import Source, read_tables, read_zip

__all__ = [
    "CHECKS", "ERROR", "WARNING", "Check", "Failure", "has_errors", "validate_package",
    "validate_tables",
]

logger = logging.getLogger(__name__)

LAYERS = ("package", "structure", "keys", "values", "business")
CHECKS.sort(key=lambda registered: LAYERS.index(registered.layer))  # stable: keeps file order


def validate_package(source: Source, *, file_name: str | None = None,
                     today: date | None = None) -> list[Failure]:
    """Validate a package zip given as a path, bytes or binary file.

    `file_name` is the zip's name when `source` is bytes or a file (the name checks 103–111
    read it); `today` defaults to the current UTC date (check 111).
    """
    today = today or datetime.now(UTC).date()
    try:
        package_data = read_zip(source, file_name=file_name, today=today)
    except Exception:  # reading is guarded case by case; this is the last resort
        logger.exception("DORA package could not be read")
        return [_internal("The package could not be read; please report this problem.")]
    return _run(package_data)


def validate_tables(tables: dict[str, list[dict[str, str]]], *,
                    parameters: dict[str, str] | None = None,
                    today: date | None = None) -> list[Failure]:
    """Validate tables in memory (template code → rows of column code → value as written).

    The checks on the zip's files are skipped; `parameters` (entityID, refPeriod, …) are
    checked when given.
    """
    today = today or datetime.now(UTC).date()
    try:
        package_data = read_tables(tables, parameters, today=today)
    except Exception:
        logger.exception("DORA tables could not be read")
        return [_internal("The tables could not be read; please report this problem.")]
    return _run(package_data)


def has_errors(failures: list[Failure]) -> bool:
    return any(failure.severity == ERROR for failure in failures)


def _run(package_data: Package) -> list[Failure]:
    failures: list[Failure] = []
    for registered in CHECKS:
        if registered.zip_only and not package_data.from_zip:
            continue
        if package_data.zip_error and registered.code != "T-ZIP":
            continue
        try:
            failures.extend(registered.run(registered, package_data))
        except Exception:  # a bug in one check must not hide the others' findings
            logger.exception("DORA validation check %s failed", registered.code)
            failures.append(_internal(f"Check {registered.code} could not run on this package; "
                                      "please report this problem."))
    return failures


def _internal(message: str) -> Failure:
    return Failure(check="T-INTERNAL", severity=ERROR, template=None, row=None, column=None,
                   message=message)
