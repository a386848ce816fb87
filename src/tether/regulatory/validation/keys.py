"""Primary keys (805, 806) and the links R1–R22 between templates (807)."""

from dataclasses import replace

from tether.regulatory.definitions import FOREIGN_KEYS, TEMPLATES
from tether.regulatory.validation.model import check

SECONDARY = "secondary"

# Key columns that only identify something in some rows: the branch of an entity that is not
# a branch (B_04.01), the recipient of the direct provider's services, rank 1 (B_05.02).
# Elsewhere they are keys like the others. (Our reading of the ITS instructions: docs/dora.md.)
OPTIONAL_KEYS = {
    ("B_04.01", "c0040"): lambda row: row.get("c0030") == "eba_ZZ:x839",
    ("B_05.02", "c0060"): lambda row: row.get("c0050") == "1",
}


@check("805", layer="keys", source=SECONDARY,
       title="Primary-key columns are never empty (report “not applicable” instead)")
def key_not_empty(check, package):
    for code, template in TEMPLATES.items():
        rows = package.rows(code)
        for column in template.key:
            may_be_empty = OPTIONAL_KEYS.get((code, column))
            for number, value in enumerate(package.values(code, (column,)), start=1):
                if not value and not (may_be_empty and may_be_empty(rows[number - 1])):
                    yield package.failure(
                        check, code, number, column,
                        f"The key column {column} ({template.column(column).label}) is empty.",
                        rows[number - 1])


@check("806", layer="keys", source=SECONDARY, title="No two rows of a table share a primary key")
def key_unique(check, package):
    for code, template in TEMPLATES.items():
        if not template.key:
            continue
        rows = package.rows(code)
        first_row: dict = {}
        for number, key in enumerate(package.values(code, template.key), start=1):
            if key in first_row:
                shown = key if isinstance(key, str) else ", ".join(key)
                yield package.failure(
                    check, code, number, None,
                    f"Duplicate key {shown} (columns {', '.join(template.key)}): "
                    f"row {first_row[key]} has the same.", rows[number - 1])
            else:
                first_row[key] = number


@check("807", layer="keys", source=SECONDARY,
       title="Links R1–R22: a child's values exist in its parent table (failures name the link)")
def links_resolve(check, package):
    for link in FOREIGN_KEYS:
        parent_values = set(package.values(link.parent, link.parent_columns))
        columns = ", ".join(link.child_columns)
        parent_columns = ", ".join(link.parent_columns)
        single = len(link.child_columns) == 1
        rows = package.rows(link.child)
        for number, values in enumerate(package.values(link.child, link.child_columns), 1):
            # Empty values are for 805 (keys) or allowed (optional links: overarching arrangement).
            if (values if single else all(values)) and values not in parent_values:
                shown = values if single else " + ".join(values)
                failure = package.failure(
                    check, link.child, number, link.child_columns[0],
                    f"{link.name}: {shown} ({columns}) is not in {link.parent} "
                    f"({parent_columns}) — {link.description}.", rows[number - 1])
                yield _named(failure, link.name)


def _named(failure, link_name):
    """807 failures carry the link's name (R1–R22) as their check, so callers can group them."""
    return replace(failure, check=link_name)
