"""Exporting the register with the import's own columns, so an exported file imports unchanged.

Rows stream from the database in chunks and go straight to the file: CSV in UTF-8 with a BOM
(so Excel reads accents right), XLSX through xlsxwriter's constant-memory mode. Text that a
spreadsheet would run as a formula is prefixed with a quote; the import removes it again.
"""

import codecs
import csv
import io
from collections import defaultdict
from datetime import date
from decimal import Decimal

import xlsxwriter

from tether.core.spreadsheet import escape_formula
from tether.registry.transfer import cells
from tether.registry.transfer.columns import MANY, Column, Entity, entity_named
from tether.registry.transfer.writing import BATCH, chunks

ORDERING = {
    "organisations": ("name",),
    "activities": ("organisation__name", "name"),
    "services": ("name",),
    "providers": ("name", "country"),
    "arrangements": ("reference",),
    "subcontracting": ("provider__name", "subcontractor__name", "service__name"),
}
STREAM_CHUNK = 2000
CSV_FLUSH_CHARS = 64 * 1024


def export_rows(*, user, entity: str, fmt: str, out) -> int:
    """Write the objects of `entity` that `user` may see (all if None) to a binary file."""
    spec = entity_named(entity)
    manager = spec.model.objects
    queryset = manager.all() if user is None else manager.restrict(user, "view")
    rows = _rows(spec, queryset.order_by(*ORDERING[spec.name]))
    if fmt == "csv":
        return _write_csv(spec, rows, out)
    if fmt == "xlsx":
        return _write_xlsx(spec, rows, out)
    raise ValueError(f"“{fmt}” is not a format Tether exports: use csv or xlsx.")


def _rows(spec: Entity, queryset):
    """Each object's cells in column order, parents before the rows that refer to them."""
    plain = [column for column in spec.columns if column.kind != MANY]
    many = [column for column in spec.columns if column.kind == MANY]
    paths = ["id", *(column.export_source for column in plain)]
    position = {column.header: index for index, column in enumerate(plain, start=1)}
    for batch in _batches(spec, queryset, paths):
        labels = {column.header: _many_labels(spec.model, column, [row[0] for row in batch])
                  for column in many}
        for row in batch:
            yield [labels[column.header].get(row[0], "") if column.kind == MANY
                   else row[position[column.header]] for column in spec.columns]


def _batches(spec: Entity, queryset, paths: list[str]):
    """Lists of value tuples; when rows refer to rows of the same kind, parents come first."""
    stream = queryset.values_list(*paths).iterator(chunk_size=STREAM_CHUNK)
    if spec.self_reference is None:
        yield from _chunked(stream)
        return
    parents = list(queryset.values_list("id", spec.self_reference))
    depth = _depths(dict(parents))
    if not any(depth.values()):
        yield from _chunked(stream)
        return
    # A stable sort keeps the natural order within each depth.
    order = sorted((pk for pk, _ in parents), key=depth.__getitem__)
    for ids in chunks(order, BATCH):
        found = {row[0]: row for row in queryset.filter(id__in=ids).values_list(*paths)}
        yield [found[pk] for pk in ids if pk in found]


def _chunked(stream):
    """Lists of BATCH rows from a stream of rows."""
    batch = []
    for row in stream:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _depths(parent_of: dict) -> dict:
    """How many exported ancestors each object has (a parent outside the export counts as none)."""
    depth: dict = {}
    for start in parent_of:
        chain, node = [], start
        while node in parent_of and node not in depth and node not in chain:
            chain.append(node)
            node = parent_of[node]
        base = depth.get(node, -1) if node in parent_of else -1
        for offset, pk in enumerate(reversed(chain), start=1):
            depth[pk] = base + offset
    return depth


def _many_labels(model, column: Column, ids: list) -> dict:
    """“; ”-joined names of each object's many-to-many targets, for one batch of objects."""
    m2m_field = model._meta.get_field(column.field)
    through = m2m_field.remote_field.through
    source = f"{m2m_field.m2m_field_name()}_id"
    labels = defaultdict(list)
    for pk, *parts in (through.objects.filter(**{f"{source}__in": ids})
                       .order_by(*column.source).values_list(source, *column.source)):
        labels[pk].append(" / ".join(parts))
    return {pk: "; ".join(names) for pk, names in labels.items()}


def _text_cell(column: Column, value) -> str:
    """How a column's value reads as text."""
    if column.convert is cells.countries:
        return "; ".join(value.split(",")) if value else ""
    return escape_formula(value)


def _write_csv(spec: Entity, rows, out) -> int:
    """CSV with a UTF-8 BOM and Excel's quoting, written in 64 KB pieces."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    out.write(codecs.BOM_UTF8)
    writer.writerow([column.header for column in spec.columns])
    count = 0
    for row in rows:
        count += 1
        writer.writerow([_csv_cell(column, value)
                         for column, value in zip(spec.columns, row, strict=True)])
        if buffer.tell() > CSV_FLUSH_CHARS:
            out.write(buffer.getvalue().encode("utf-8"))
            buffer.seek(0)
            buffer.truncate()
    out.write(buffer.getvalue().encode("utf-8"))
    return count


def _csv_cell(column: Column, value) -> str:
    """How a value reads in a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return _text_cell(column, value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)  # numbers stay numbers: Decimal("1234.50") → 1234.50


def _write_xlsx(spec: Entity, rows, out) -> int:
    """An XLSX workbook of one sheet, written row by row in xlsxwriter's constant-memory mode."""
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet(spec.name)
    header = workbook.add_format({"bold": True})
    formats = {date: workbook.add_format({"num_format": "yyyy-mm-dd"}),
               Decimal: workbook.add_format({"num_format": "#,##0.00"})}
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, len(spec.columns) - 1, 18)
    for index, column in enumerate(spec.columns):
        sheet.write_string(0, index, column.header, header)
    count = 0
    for count, row in enumerate(rows, start=1):
        for index, (column, value) in enumerate(zip(spec.columns, row, strict=True)):
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                sheet.write_boolean(count, index, value)
            elif isinstance(value, str):
                sheet.write_string(count, index, _text_cell(column, value))
            elif isinstance(value, date):
                sheet.write_datetime(count, index, value, formats[date])
            elif isinstance(value, Decimal):
                sheet.write_number(count, index, float(value), formats[Decimal])
            else:
                sheet.write_number(count, index, value)
    workbook.close()
    return count
