"""Checks on each table's shape: its header and the number of cells of each row."""

from tether.regulatory.definitions import TEMPLATES
from tether.regulatory.validation.model import check

SECONDARY = "secondary"
OWN = "own"


@check("T-TEMPLATE", layer="structure", source=OWN, verified=True,
       title="Tables are given only for the 15 DORA templates")
def known_templates(check, package):
    for template in package.tables:
        if template not in TEMPLATES:
            yield package.failure(
                check, None, None, None,
                f"“{template}” is not a DORA template code (B_01.01 … B_99.01).")


@check("801", layer="structure", source=SECONDARY,
       title="Header cells are column codes of the template (cXXXX), none empty")
def header_known(check, package):
    for template, header in package.headers.items():
        if template not in TEMPLATES:
            continue
        known = set(TEMPLATES[template].column_codes)
        for position, cell in enumerate(header, start=1):
            if not cell:
                yield package.failure(check, template, None, None,
                                      f"Header cell {position} is empty.")
            elif cell not in known:
                yield package.failure(
                    check, template, None, cell,
                    f"“{cell}” (header cell {position}) is not a column of {template}; its "
                    f"columns are {', '.join(sorted(known))}.")


@check("802", layer="structure", source=SECONDARY, title="No column appears twice in a header")
def header_unique(check, package):
    for template, header in package.headers.items():
        seen = set()
        for cell in header:
            if cell in seen and cell:
                yield package.failure(check, template, None, cell,
                                      f"Column {cell} appears more than once in the header.")
            seen.add(cell)


@check("T-KEY-COLUMNS", layer="structure", source=OWN, verified=True,
       title="A table's header holds all its primary-key columns")
def header_has_key(check, package):
    for template, header in package.headers.items():
        if template not in TEMPLATES or not (header or package.rows(template)):
            continue
        for column in TEMPLATES[template].key:
            if column not in header:
                yield package.failure(
                    check, template, None, column,
                    f"The key column {column} ({TEMPLATES[template].column(column).label}) is "
                    "missing from the header.")


@check("809", layer="structure", source=SECONDARY,
       title="Every row has as many cells as the header")
def row_width(check, package):
    for template, number, cells, width in package.ragged_rows:
        row = package.rows(template)[number - 1]
        yield package.failure(check, template, number, None,
                              f"The row has {cells} cells; the header has {width}.", row)
