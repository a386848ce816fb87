"""The register of information built from Tether's data: rows, scope, supply chains, and the
package that passes the validator (issue 7)."""

import csv
import io
import zipfile
from datetime import date

import pytest

from tests.continuity.factories import ExitPlanFactory
from tests.factories import (
    ArrangementFactory,
    OrganisationFactory,
    ProviderFactory,
    ProviderIdentifierFactory,
    SubcontractingLinkFactory,
    valid_lei,
)
from tests.regulatory.factories import (
    ArrangementProfileFactory,
    BranchFactory,
    EntityProfileFactory,
    FunctionFactory,
    IctServiceFactory,
)
from tether.regulatory import definitions, roi
from tether.regulatory.packaging import write_package
from tether.regulatory.validation import ERROR, validate_package, validate_tables

pytestmark = pytest.mark.django_db
REFERENCE = date(2025, 12, 31)
TODAY = date(2026, 1, 15)


@pytest.fixture
def bank():
    return EntityProfileFactory(organisation__country="FR").organisation


def service(bank, **arrangement) -> object:
    return IctServiceFactory(arrangement=ArrangementFactory(organisation=bank, **arrangement),
                             organisation=bank)


def errors(register):
    return [f for f in validate_tables(register.tables, parameters=register.parameters,
                                       today=TODAY) if f.severity == ERROR]


def test_an_arrangement_fills_every_template_it_concerns(bank):
    used = service(bank, reference="NB-001", annual_cost=50000)
    register = roi.build_register(bank.lei, REFERENCE)
    tables = register.tables
    provider = used.arrangement.provider
    assert tables["B_01.01"] == [{
        "c0010": bank.lei, "c0020": bank.name, "c0030": "eba_GA:FR", "c0040": "eba_CT:x12",
        "c0050": "ECB", "c0060": "2025-12-31"}]
    # The ultimate parent names itself as its parent; "not deleted" is 9999-12-31.
    assert tables["B_01.02"][0]["c0060"] == bank.lei
    assert tables["B_01.02"][0]["c0090"] == "9999-12-31"
    assert tables["B_02.01"] == [{"c0010": "NB-001", "c0020": "eba_CO:x1", "c0030": "",
                                  "c0040": "eba_CU:EUR", "c0050": "50000.00"}]
    row = tables["B_02.02"][0]
    assert (row["c0030"], row["c0040"]) == (provider.lei, "eba_qCO:qx2000")
    assert (row["c0050"], row["c0060"]) == (used.function.identifier, "eba_TA:S19")
    assert (row["c0140"], row["c0150"], row["c0160"]) == ("eba_BT:x28", "eba_GA:IE", "eba_GA:DE")
    assert tables["B_03.02"] == [{"c0010": "NB-001", "c0020": provider.lei,
                                  "c0030": "eba_qCO:qx2000"}]
    assert tables["B_04.01"] == [{"c0010": "NB-001", "c0020": bank.lei, "c0030": "eba_ZZ:x839",
                                  "c0040": ""}]
    assert tables["B_05.01"][0]["c0100"] == "50000.00"
    assert tables["B_05.02"][0]["c0050"] == "1"
    assert tables["B_06.01"][0]["c0010"] == used.function.identifier
    assert tables["B_07.01"][0]["c0080"] == "eba_BT:x29"  # no exit plan
    assert len(tables["B_99.01"]) == 1
    assert errors(register) == []


def test_each_row_says_which_object_to_open(bank):
    used = service(bank)
    register = roi.build_register(bank.lei, REFERENCE)
    assert register.url_of("B_02.02", 1) == f"/regulatory/ict-services/{used.pk}/edit/"
    assert register.url_of("B_02.01", 1) == f"/registry/arrangements/{used.arrangement_id}/edit/"
    assert register.url_of("B_07.01", 1) == \
        f"/regulatory/arrangement-assessments/add/?arrangement={used.arrangement_id}"
    assert register.url_of("B_02.01", 2) == ""
    assert len(register.sources["B_05.01"]) == len(register.tables["B_05.01"])


def test_the_package_has_the_eba_layout_and_passes_validation(bank):
    service(bank)
    register = roi.build_register(bank.lei, REFERENCE)
    package = write_package(register)
    assert definitions.PACKAGE_NAME_PATTERN.fullmatch(package.name.removesuffix(".zip"))
    assert package.name.startswith(f"{bank.lei}.IND_FR_DORA010100_DORA_2025-12-31_")
    archive = zipfile.ZipFile(io.BytesIO(package.content))
    root = package.name.removesuffix(".zip")
    names = set(archive.namelist())
    for template in definitions.TEMPLATES.values():
        text = archive.read(f"{root}/reports/{template.file_name}").decode("utf-8")
        header = next(csv.reader(io.StringIO(text)))
        assert header == [column.code for column in template.columns]
    assert f"{root}/META-INF/reportPackage.json" in names
    indicators = archive.read(f"{root}/reports/FilingIndicators.csv").decode().splitlines()
    assert indicators[0] == "templateID,reported" and len(indicators) == 16
    assert [f for f in validate_package(package.content, file_name=package.name, today=TODAY)
            if f.severity == ERROR] == []


def test_scope_takes_the_groups_entities_in_force_arrangements_only(bank):
    sister = EntityProfileFactory(hierarchy="eba_RP:x56", parent=bank).organisation
    outsider = OrganisationFactory(lei=valid_lei())  # no DORA profile: not in the register
    kept = service(bank, reference="IN-FORCE")
    service(sister, reference="SISTER")
    service(bank, reference="ENDED-2024", end_date=date(2024, 6, 30))
    service(bank, reference="STARTS-2026", start_date=date(2026, 2, 1))
    IctServiceFactory(arrangement=ArrangementFactory(organisation=outsider),
                      organisation=outsider)
    terminated = service(bank, reference="ENDED-2025", end_date=date(2025, 3, 31))
    ArrangementProfileFactory(arrangement=terminated.arrangement, termination_reason="eba_CO:x4")
    group = roi.build_register(bank.lei, REFERENCE)
    assert group.consolidated
    assert group.parameters["entityID"] == f"rs:{bank.lei}.CON"
    assert [r["c0010"] for r in group.tables["B_02.01"]] == ["ENDED-2025", "IN-FORCE", "SISTER"]
    ended = next(r for r in group.tables["B_02.02"] if r["c0010"] == "ENDED-2025")
    assert (ended["c0080"], ended["c0090"]) == ("2025-03-31", "eba_CO:x4")
    sister_row = next(r for r in group.tables["B_01.02"] if r["c0010"] == sister.lei)
    assert (sister_row["c0050"], sister_row["c0060"]) == ("eba_RP:x56", bank.lei)
    alone = roi.build_register(bank.lei, REFERENCE, consolidated=False)
    assert [r["c0010"] for r in alone.tables["B_01.02"]] == [bank.lei]
    assert "SISTER" not in {r["c0010"] for r in alone.tables["B_02.01"]}
    assert kept.arrangement.reference in {r["c0010"] for r in alone.tables["B_02.01"]}


def test_supply_chain_ranks_follow_subcontracting_and_parents_are_listed(bank):
    used = service(bank)
    direct = used.arrangement.provider
    group_parent = ProviderFactory()
    sub = ProviderFactory(parent=group_parent)
    sub.ultimate_parent = group_parent
    sub.save()
    sub_sub = ProviderFactory(lei=None)
    ProviderIdentifierFactory(provider=sub_sub, scheme="euid", value="DEHRB424242", country="DE")
    SubcontractingLinkFactory(provider=direct, subcontractor=sub, arrangement=used.arrangement)
    SubcontractingLinkFactory(provider=sub, subcontractor=sub_sub)
    # A link of another arrangement of the same provider is not this arrangement's chain.
    SubcontractingLinkFactory(provider=direct, subcontractor=ProviderFactory(),
                              arrangement=ArrangementFactory(provider=direct))
    register = roi.build_register(bank.lei, REFERENCE)
    chain = [(r["c0050"], r["c0030"], r["c0060"]) for r in register.tables["B_05.02"]]
    assert chain == [("1", direct.lei, ""), ("2", sub.lei, direct.lei),
                     ("3", "DEHRB424242", sub.lei)]
    listed = {r["c0010"]: r for r in register.tables["B_05.01"]}
    assert set(listed) == {direct.lei, sub.lei, "DEHRB424242", group_parent.lei}
    assert listed[sub.lei]["c0110"] == group_parent.lei
    assert listed["DEHRB424242"]["c0020"] == "eba_qCO:qx2002"
    assert errors(register) == []


def test_a_cycle_in_subcontracting_does_not_loop(bank):
    used = service(bank)
    direct, other = used.arrangement.provider, ProviderFactory()
    SubcontractingLinkFactory(provider=direct, subcontractor=other)
    SubcontractingLinkFactory(provider=other, subcontractor=direct)
    ranks = [r["c0050"] for r in roi.build_register(bank.lei, REFERENCE).tables["B_05.02"]]
    assert ranks == ["1", "2", "3"]


def test_assessment_reads_exit_plans_audits_and_the_dora_profile(bank, users):
    from tests.oversight.factories import AuditFactory

    used = service(bank, substitutability="not_substitutable")
    arrangement = used.arrangement
    alternative = ProviderFactory()
    ExitPlanFactory(arrangement=arrangement, alternative_provider=alternative)
    AuditFactory(provider=arrangement.provider, started_on=date(2025, 4, 1),
                 completed_on=date(2025, 5, 2))
    ArrangementProfileFactory(arrangement=arrangement, not_substitutable_reason="eba_ZZ:x963")
    row = roi.build_register(bank.lei, REFERENCE).tables["B_07.01"][0]
    assert row["c0050"] == "eba_ZZ:x959" and row["c0060"] == "eba_ZZ:x963"
    assert (row["c0070"], row["c0080"]) == ("2025-05-02", "eba_BT:x28")
    assert (row["c0110"], row["c0120"]) == ("eba_BT:x28", alternative.lei)


def test_branches_and_their_users(bank):
    branch = BranchFactory(head_office=bank, code="NB-AT", country="AT")
    used = service(bank)
    used.branch = branch
    used.save()
    register = roi.build_register(bank.lei, REFERENCE)
    assert register.tables["B_01.03"] == [{"c0010": "NB-AT", "c0020": bank.lei,
                                           "c0030": branch.name, "c0040": "eba_GA:AT"}]
    assert register.tables["B_04.01"][0]["c0030"] == "eba_ZZ:x838"
    assert register.tables["B_04.01"][0]["c0040"] == "NB-AT"


def test_what_cannot_be_filed_is_named(bank):
    no_identifier = ProviderFactory(lei=None)
    service(bank, provider=no_identifier)
    FunctionFactory(organisation=bank, licenced_activity="")
    register = roi.build_register(bank.lei, REFERENCE)
    found = errors(register)
    assert register.tables["B_05.01"][0]["c0010"] == f"TETHER-{no_identifier.pk}"
    named = [f for f in found if f.template == "B_05.01" and f.column == "c0020"]
    assert named and "no type of code" in named[0].message
    assert register.url_of("B_05.01", named[0].row) == \
        f"/registry/providers/{no_identifier.pk}/edit/"


def test_no_register_without_an_entity_or_its_profile():
    with pytest.raises(roi.RegisterError, match="No organisation has the LEI"):
        roi.build_register("5493001KJTIIGC8Y1R12", REFERENCE)
    plain = OrganisationFactory(lei=valid_lei())
    with pytest.raises(roi.RegisterError, match="no DORA profile"):
        roi.build_register(plain.lei, REFERENCE)


def test_building_costs_the_same_queries_for_many_arrangements(bank, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    service(bank)
    with CaptureQueriesContext(connection) as few:
        roi.build_register(bank.lei, REFERENCE)
    for _ in range(15):
        service(bank)
    with CaptureQueriesContext(connection) as many:
        roi.build_register(bank.lei, REFERENCE)
    assert len(many) == len(few)


def test_a_framework_contract_is_reported_with_the_contracts_under_it(bank):
    framework = ArrangementFactory(organisation=bank, reference="FW-1",
                                   arrangement_type="overarching", end_date=date(2024, 12, 31))
    service(bank, reference="CALL-1", arrangement_type="subsequent", overarching=framework,
            provider=framework.provider)
    register = roi.build_register(bank.lei, REFERENCE)
    assert [(r["c0010"], r["c0020"], r["c0030"]) for r in register.tables["B_02.01"]] == [
        ("CALL-1", "eba_CO:x3", "FW-1"), ("FW-1", "eba_CO:x2", "")]
    assert [r["c0010"] for r in register.tables["B_02.02"]] == ["CALL-1"]
    assert errors(register) == []
    assert not [f for f in validate_tables(register.tables, parameters=register.parameters,
                                           today=TODAY)
                if f.check in ("R13", "B-ARRANGEMENT-USED")]
