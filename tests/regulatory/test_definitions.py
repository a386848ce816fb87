"""The template definitions the package builder and the validator share."""

from datetime import UTC, date, datetime

import pytest

from tether.regulatory import codelists
from tether.regulatory.definitions import (
    FOREIGN_KEYS,
    KINDS,
    MODULE_CODE,
    MODULE_URL,
    PACKAGE_NAME_PATTERN,
    REPORT_JSON,
    TEMPLATES,
    entity_id,
    package_name,
    parameters,
)

SAMPLE_NAME = "DUMMYLEI123456789012.CON_FR_DORA010100_DORA_2024-12-31_20241210113351223"


def test_the_fifteen_templates_in_official_order():
    assert list(TEMPLATES) == [
        "B_01.01", "B_01.02", "B_01.03", "B_02.01", "B_02.02", "B_02.03", "B_03.01", "B_03.02",
        "B_03.03", "B_04.01", "B_05.01", "B_05.02", "B_06.01", "B_07.01", "B_99.01",
    ]
    assert TEMPLATES["B_02.02"].file_name == "b_02.02.csv"
    assert TEMPLATES["B_02.02"].title == "Contractual arrangements – Specific information"
    assert sum(len(template.columns) for template in TEMPLATES.values()) == 120


def test_columns_are_in_ascending_code_order_with_their_datapoints():
    for template in TEMPLATES.values():
        codes = [column.code for column in template.columns]
        assert codes == sorted(codes)
        for column in template.columns:
            assert column.datapoint == f"{template.code}.{column.code[1:]}"
    assert TEMPLATES["B_03.03"].column_codes == ("c0010", "c0020", "c0031")


@pytest.mark.parametrize(("template", "key"), [
    ("B_01.01", ("c0010",)),
    ("B_01.03", ("c0010", "c0020")),
    ("B_02.02", ("c0010", "c0020", "c0030", "c0050", "c0060", "c0130", "c0150", "c0160")),
    ("B_04.01", ("c0010", "c0020", "c0040")),
    ("B_05.02", ("c0010", "c0020", "c0030", "c0050", "c0060")),
    ("B_06.01", ("c0010", "c0040")),
    ("B_07.01", ("c0010", "c0020", "c0040")),
    ("B_99.01", ()),
])
def test_primary_keys(template, key):
    assert TEMPLATES[template].key == key
    assert all(TEMPLATES[template].column(code).is_key for code in key)


@pytest.mark.parametrize(("template", "column", "kind"), [
    ("B_02.01", "c0050", "monetary"),
    ("B_05.01", "c0100", "monetary"),
    ("B_01.02", "c0110", "monetary"),
    ("B_02.02", "c0100", "integer"),
    ("B_02.02", "c0110", "integer"),
    ("B_06.01", "c0080", "integer"),
    ("B_06.01", "c0090", "integer"),
    ("B_05.02", "c0050", "integer"),
    ("B_01.02", "c0090", "date"),
    ("B_02.02", "c0070", "date"),
    ("B_07.01", "c0070", "date"),
    ("B_01.01", "c0010", "lei"),
    ("B_01.02", "c0060", "lei"),
    ("B_06.01", "c0040", "lei"),
    ("B_05.01", "c0010", "identifier"),
    ("B_02.02", "c0130", "country"),
    ("B_01.02", "c0100", "currency"),
    ("B_02.02", "c0060", "code"),
    ("B_03.03", "c0031", "boolean"),
    ("B_01.01", "c0050", "text"),
    ("B_99.01", "c0010", "text"),
])
def test_column_kinds(template, column, kind):
    assert TEMPLATES[template].column(column).kind == kind


def test_every_column_has_a_known_kind_and_every_code_column_a_code_list():
    for template in TEMPLATES.values():
        for column in template.columns:
            assert column.kind in KINDS
            if column.kind == "code":
                assert codelists.codes(column.code_list), column.datapoint
                assert column.domain.startswith("eba_")
            else:
                assert column.code_list is None


@pytest.mark.parametrize(("datapoint", "list_id"), [
    ("B_02.02.0060", codelists.ICT_SERVICE_TYPE),
    ("B_07.01.0050", codelists.SUBSTITUTABILITY),
    ("B_05.01.0020", codelists.IDENTIFIER_TYPE),
    ("B_01.01.0040", codelists.ENTITY_TYPE),
    ("B_07.01.0110", codelists.ALTERNATIVES_IDENTIFIED),
])
def test_code_columns_point_at_their_list(datapoint, list_id):
    template, _, number = datapoint.rpartition(".")
    column = TEMPLATES[template].column(f"c{number}")
    assert column.code_list == list_id


def test_the_register_keeper_cannot_be_a_non_financial_entity():
    column = TEMPLATES["B_01.01"].column("c0040")
    assert column.excluded_codes == codelists.NON_FINANCIAL_ENTITY_TYPES
    assert TEMPLATES["B_01.02"].column("c0040").excluded_codes == frozenset()


def test_identifier_columns_name_their_type_column():
    assert TEMPLATES["B_05.01"].column("c0110").type_column == "c0120"
    assert TEMPLATES["B_02.02"].column("c0030").type_column == "c0040"
    for template in TEMPLATES.values():
        for column in template.columns:
            if column.kind == "identifier":
                assert template.column(column.type_column).code_list == codelists.IDENTIFIER_TYPE


def test_mandatory_reads_the_not_null_rules():
    assert TEMPLATES["B_02.01"].column("c0050").mandatory
    assert not TEMPLATES["B_02.02"].column("c0090").mandatory


def test_foreign_keys_r1_to_r22_join_existing_columns():
    assert [link.name for link in FOREIGN_KEYS] == [f"R{n}" for n in range(1, 23)]
    for link in FOREIGN_KEYS:
        assert len(link.child_columns) == len(link.parent_columns)
        for column in link.child_columns:
            TEMPLATES[link.child].column(column)
        for column in link.parent_columns:
            TEMPLATES[link.parent].column(column)
    r7 = FOREIGN_KEYS[6]
    assert (r7.child, r7.child_columns, r7.parent, r7.parent_columns) == (
        "B_02.02", ("c0020", "c0050"), "B_06.01", ("c0040", "c0010"))
    assert FOREIGN_KEYS[12].description.endswith("(overarching)")


def test_package_name_reproduces_the_eba_sample():
    created = datetime(2024, 12, 10, 11, 33, 51, 223000, tzinfo=UTC)
    name = package_name("dummylei123456789012", True, "fr", date(2024, 12, 31), created)
    assert name == SAMPLE_NAME
    assert PACKAGE_NAME_PATTERN.match(name)["module"] == MODULE_CODE
    individual = package_name("DUMMYLEI123456789012", False, "LU", date(2025, 3, 31), created)
    assert individual.startswith("DUMMYLEI123456789012.IND_LU_DORA010100_DORA_2025-03-31_")


def test_parameters_and_report_json_as_in_the_sample():
    assert entity_id("DUMMYLEI123456789012", True) == "rs:DUMMYLEI123456789012.CON"
    assert parameters("DUMMYLEI123456789012", True, date(2024, 12, 31)) == {
        "entityID": "rs:DUMMYLEI123456789012.CON",
        "refPeriod": "2024-12-31",
        "baseCurrency": "iso4217:EUR",
        "decimalsInteger": "0",
        "decimalsMonetary": "-3",
    }
    assert REPORT_JSON["documentInfo"]["extends"] == [MODULE_URL]
    assert MODULE_URL == "http://www.eba.europa.eu/eu/fr/xbrl/crr/fws/dora/4.0/mod/dora.json"
