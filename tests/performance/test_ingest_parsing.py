"""Reading measurements from JSON, CSV and XLSX: what is kept, what is rejected and why."""

import io
import zipfile
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
import xlsxwriter

from tests.factories import ArrangementFactory
from tests.performance.factories import ServiceLevelFactory
from tether.performance.ingest import (
    BatchProblem,
    json_shape_problems,
    parse_csv_text,
    parse_file,
    parse_json_rows,
)

pytestmark = pytest.mark.django_db

MARCH_1 = int(datetime(2026, 3, 1, tzinfo=UTC).timestamp())


@pytest.fixture
def level():
    arrangement = ArrangementFactory(reference="ARR-1")
    return ServiceLevelFactory(arrangement=arrangement, reference="PAY-AVAIL")


def xlsx(rows) -> io.BytesIO:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("data")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for number, row in enumerate(rows):
        for column, cell in enumerate(row):
            if isinstance(cell, datetime):
                sheet.write_datetime(number, column, cell, date_format)
            else:
                sheet.write(number, column, cell)
    workbook.close()
    buffer.seek(0)
    return buffer


def reasons(parsed) -> list[tuple[int, str]]:
    return [(r["row"], r["column"]) for r in parsed.rejections]


def test_json_rows_by_id_and_by_references_are_kept(level):
    parsed = parse_json_rows([
        {"level": level.pk, "at": "2026-03-01T00:00:00Z", "value": 99.9},
        {"arrangement": "ARR-1", "reference": "PAY-AVAIL", "at": "2026-03-01T02:00:00+01:00",
         "value": 98},
        {"level": level.pk, "at": "2026-03-02", "value": 97.5},
    ])
    assert parsed.received == 3 and parsed.accepted == 3 and parsed.rejected == 0
    assert parsed.level_ids.tolist() == [level.pk] * 3
    # +01:00 at 02:00 is 01:00 UTC; a date is midnight UTC.
    assert parsed.times.tolist() == [MARCH_1, MARCH_1 + 3600, MARCH_1 + 86400]
    assert parsed.values.tolist() == [99.9, 98.0, 97.5]
    assert parsed.provider_of_level == {level.pk: level.arrangement.provider_id}


@pytest.mark.parametrize(("row", "column", "words"), [
    ({"level": 999999, "at": "2026-03-01", "value": 1}, "level", "No service level"),
    ({"arrangement": "ARR-1", "reference": "NOPE", "at": "2026-03-01", "value": 1}, "level",
     "No service level"),
    ({"arrangement": "ARR-1", "at": "2026-03-01", "value": 1}, "level", "both"),
    ({"at": "2026-03-01", "value": 1}, "level", "Name the service level"),
    ({"level": "x", "at": "2026-03-01", "value": 1}, "level", "not a service level's id"),
    ({"level": "LEVEL", "at": "yesterday", "value": 1}, "at", "not a date"),
    ({"level": "LEVEL", "at": "2026-03-01T10:00:00", "value": 1}, "at", "no time zone"),
    ({"level": "LEVEL", "at": "", "value": 1}, "at", "missing"),
    ({"level": "LEVEL", "at": "2026-13-01", "value": 1}, "at", "not a date"),
    ({"level": "LEVEL", "at": "2026-03-01", "value": "abc"}, "value", "not a number"),
    ({"level": "LEVEL", "at": "2026-03-01", "value": None}, "value", "missing"),
    ({"level": "LEVEL", "at": "2026-03-01", "value": True}, "value", "not a number"),
    ({"level": "LEVEL", "at": "2026-03-01", "value": float("nan")}, "value", "finite"),
    ({"level": "LEVEL", "at": "2026-03-01", "value": float("inf")}, "value", "finite"),
])
def test_each_bad_row_is_rejected_with_its_column_and_reason(level, row, column, words):
    if row.get("level") == "LEVEL":
        row = {**row, "level": level.pk}
    good = {"level": level.pk, "at": "2026-03-05", "value": 1.0}
    parsed = parse_json_rows([good, row])
    assert parsed.accepted == 1 and parsed.rejected == 1
    assert parsed.rejections[0]["row"] == 2
    assert parsed.rejections[0]["column"] == column
    assert words in parsed.rejections[0]["error"]


def test_a_time_more_than_a_day_ahead_is_rejected_but_a_few_hours_ahead_is_kept(level):
    now = datetime.now(UTC)
    parsed = parse_json_rows([
        {"level": level.pk, "at": (now + timedelta(hours=3)).isoformat(), "value": 1},
        {"level": level.pk, "at": (now + timedelta(days=2)).isoformat(), "value": 1},
    ])
    assert parsed.accepted == 1
    assert parsed.rejections == [{"row": 2, "column": "at", "error": "The time is in the future."}]


def test_a_provider_scope_hides_other_providers_levels_behind_the_same_message(level):
    other = ServiceLevelFactory()
    parsed = parse_json_rows(
        [{"level": other.pk, "at": "2026-03-01", "value": 1},
         {"level": 10**9, "at": "2026-03-01", "value": 1},
         {"level": level.pk, "at": "2026-03-01", "value": 1}],
        provider_id=level.arrangement.provider_id)
    assert parsed.accepted == 1 and parsed.level_ids.tolist() == [level.pk]
    first, second = (r["error"] for r in parsed.rejections)
    assert first.replace(str(other.pk), "N") == second.replace(str(10**9), "N")
    assert "of your provider" in first


def test_a_row_failing_twice_counts_once_and_reports_both_columns(level):
    parsed = parse_json_rows([{"level": 10**9, "at": "never", "value": "x"}])
    assert parsed.rejected == 1
    assert reasons(parsed) == [(1, "level"), (1, "at"), (1, "value")]


def test_the_same_level_and_time_twice_keeps_the_last_value(level):
    parsed = parse_json_rows([
        {"level": level.pk, "at": "2026-03-01", "value": 1},
        {"level": level.pk, "at": "2026-03-01T00:00:00Z", "value": 2},
    ])
    assert parsed.accepted == 1 and parsed.values.tolist() == [2.0]


def test_json_shape_problems_name_the_item_and_field():
    assert json_shape_problems({"at": 1}) == ["The body must be a JSON array of measurements."]
    problems = json_shape_problems([
        {"level": 1, "at": "2026-03-01", "value": 1},
        "text", {"level": True, "at": 5, "value": "1", "extra": 1}, {"level": 1}])
    assert problems == [
        "Item 2: must be an object.",
        "Item 3: unknown field(s) extra.",
        "Item 3, level: must be an integer.",
        "Item 3, at: must be a string.",
        "Item 3, value: must be a number.",
        "Item 4: “at” is missing.",
        "Item 4: “value” is missing.",
    ]


def test_csv_with_loose_headers_decimal_commas_and_blank_lines(level):
    body = (b"Arrangement; Level ;AT;Value\n"
            b"ARR-1;PAY-AVAIL;2026-03-01;99,5\n"
            b";;;\n"
            b"ARR-1;PAY-AVAIL;2026-03-02T00:00:00Z;abc\n"
            b"ARR-1;PAY-AVAIL\n")
    parsed = parse_csv_text(body)
    assert parsed.received == 3 and parsed.accepted == 1
    assert parsed.values.tolist() == [99.5]
    assert parsed.rejections == [
        {"row": 4, "column": "value", "error": "“abc” is not a number."},
        {"row": 5, "column": "at", "error": "The time is missing."},
        {"row": 5, "column": "value", "error": "The value is missing."},
    ]


def test_xlsx_reads_date_cells_as_utc_and_numbers_as_numbers(level):
    # A workbook's cells hold no time zone: naive on purpose.
    six_am = datetime(2026, 3, 1, 6, 0, tzinfo=UTC).replace(tzinfo=None)
    workbook = xlsx([["arrangement", "level", "at", "value"],
                     ["ARR-1", "PAY-AVAIL", six_am, 99.5],
                     ["ARR-1", "PAY-AVAIL", "2026-03-02", "98"],
                     ["ARR-1", "PAY-AVAIL", six_am, True]])
    parsed = parse_file(workbook, filename="m.xlsx")
    assert parsed.accepted == 2
    assert parsed.times.tolist() == [MARCH_1 + 6 * 3600, MARCH_1 + 86400]
    assert parsed.values.tolist() == [99.5, 98.0]
    assert reasons(parsed) == [(4, "value")]


@pytest.mark.parametrize(("content", "name", "words"), [
    (b"", "m.csv", "empty"),
    (b"\x00\x01\x02\xff" * 100, "m.csv", "binary"),
    (b"%PDF-1.4 something", "m.csv", "binary"),
    (b"PK\x03\x04 not really a zip", "m.xlsx", "damaged"),
    (b"\xd0\xcf\x11\xe0 old excel", "m.xls", ".xls"),
    (b"when,value\n2026-03-01,1\n", "m.csv", "lacks the columns arrangement, level"),
    (b"arrangement,level,value\nA,B,1\n", "m.csv", "has no “at” column"),
    (b"\n\n   \n", "m.csv", "no header"),
    ("arrangement,level,at,value\nx,y,2026-03-01,1\n".encode("cp1252") + b"\xe9\n", "m.csv",
     "not UTF-8"),
])
def test_a_malformed_file_gets_one_clear_error(content, name, words):
    with pytest.raises(BatchProblem, match=words):
        parse_file(io.BytesIO(content), filename=name)


def test_a_workbook_without_the_columns_on_its_sheet_is_refused():
    with pytest.raises(BatchProblem, match="header row lacks"):
        parse_file(xlsx([["something", "else"], [1, 2]]), filename="m.xlsx")


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    with pytest.raises(BatchProblem, match="workbook"):
        parse_file(buffer, filename="m.xlsx")


def test_more_rows_than_the_limit_is_refused_whole(level, settings):
    settings.PERFORMANCE_MAX_ROWS = 3
    rows = [{"level": level.pk, "at": "2026-03-01", "value": 1}] * 4
    with pytest.raises(BatchProblem, match="more than 3 measurements"):
        parse_json_rows(rows)
    body = b"arrangement,level,at,value\n" + b"ARR-1,PAY-AVAIL,2026-03-01,1\n" * 4
    with pytest.raises(BatchProblem, match="split it"):
        parse_csv_text(body)


def test_only_the_first_thousand_rejections_are_kept_but_all_are_counted(level):
    rows = [{"level": level.pk, "at": f"bad {n}", "value": 1} for n in range(1500)]
    parsed = parse_json_rows(rows)
    assert parsed.rejected == 1500 and len(parsed.rejections) == 1000
    assert [r["row"] for r in parsed.rejections] == list(range(1, 1001))


def test_many_levels_are_resolved_in_one_query(django_assert_max_num_queries):
    arrangement = ArrangementFactory(reference="ARR-BIG")
    levels = [ServiceLevelFactory(arrangement=arrangement, reference=f"L{n}")
              for n in range(600)]
    rows = [{"arrangement": "ARR-BIG", "reference": f"L{n}", "at": "2026-03-01", "value": n}
            for n in range(600)]
    with django_assert_max_num_queries(1):
        parsed = parse_json_rows(rows)
    assert parsed.accepted == 600
    assert sorted(parsed.level_ids.tolist()) == sorted(level.pk for level in levels)
    assert np.all(parsed.values >= 0)


def test_dates_are_read_without_time_zone_surprises(level):
    parsed = parse_json_rows([{"level": level.pk, "at": "2026-02-28", "value": 1}])
    stored = datetime.fromtimestamp(int(parsed.times[0]), UTC)
    assert stored.date() == date(2026, 2, 28) and stored.hour == 0


def test_a_file_larger_than_the_import_limit_is_refused_before_reading(settings):
    settings.TETHER_IMPORT_MAX_BYTES = 1000
    body = b"arrangement,level,at,value\n" + b"ARR-1,PAY-AVAIL,2026-03-01,1\n" * 100
    with pytest.raises(BatchProblem, match="Tether imports files of up to"):
        parse_file(io.BytesIO(body), filename="m.csv")
