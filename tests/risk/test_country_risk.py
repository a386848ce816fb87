"""Country risk ratings: imported from the user's file, edited, exported, applied to providers."""

import io

import pytest
import xlsxwriter
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from tests.factories import ArrangementFactory, ProviderFactory
from tests.risk.factories import CountryRiskFactory
from tether.core.models import AuditEntry
from tether.core.roles import Role
from tether.risk.country_transfer import country_risks_import
from tether.risk.models import CountryRisk, ProviderScore

pytestmark = pytest.mark.django_db

GOOD = (
    "country,political,economic,legal,source,as_of\n"
    "FR,2,2,1,Our 2025 review,2025-03-31\n"
    "Germany,1,2,1,Our 2025 review,2025-03-31\n"
    "in,3,3,4,,\n"
)


def upload(text: str | bytes, name: str = "ratings.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return SimpleUploadedFile(name, data)


def do_import(content, name="ratings.csv", actor=None):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return country_risks_import(actor=actor, file=io.BytesIO(data), filename=name)


def audit_count() -> int:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(CountryRisk)).count()


def test_good_file_creates_ratings_by_code_or_name_audited_in_bulk(users):
    result = do_import(GOOD, actor=users[Role.RISK_OFFICER])
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    ratings = {r.country.code: r for r in CountryRisk.objects.all()}
    assert set(ratings) == {"FR", "DE", "IN"}
    assert (ratings["IN"].political, ratings["IN"].legal, ratings["IN"].source) == (3, 4, "")
    assert str(ratings["FR"].as_of) == "2025-03-31"
    entries = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(
        CountryRisk))
    assert entries.count() == 3
    assert {e.actor_name for e in entries} == {"risk_officer-user"}
    assert {e.after["country"] for e in entries} == {"FR", "DE", "IN"}


def test_reimport_updates_what_changed_and_leaves_the_rest(users):
    do_import(GOOD)
    changed = GOOD.replace("in,3,3,4,,", "in,4,3,4,,")
    result = do_import(changed)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert CountryRisk.objects.get(country="IN").political == 4
    update = AuditEntry.objects.get(action="update")
    assert (update.before["political"], update.after["political"]) == (3, 4)


@pytest.mark.parametrize("content, row, column, words", [
    ("country,political,economic,legal\nAtlantis,1,1,1\n", 2, "country",
     "“Atlantis” is not a country"),
    ("country,political,economic,legal\nFR,7,1,1\n", 2, "political", "7 is out of range"),
    ("country,political,economic,legal\nFR,2,high,1\n", 2, "economic",
     "“high” is not a number"),
    ("country,political,economic,legal\nFR,2,2.5,1\n", 2, "economic", "not a whole number"),
    ("country,political,economic,legal\nFR,2,2,\n", 2, "legal", "This cell is empty"),
    ("country,political,economic,legal,as_of\nFR,2,2,2,31/03/2025\n", 2, "as_of",
     "ambiguous"),
    ("country,political,economic\nFR,2,2\n", 1, None, "Missing column(s): legal"),
    ("country,political,economic,legal,colour\nFR,2,2,2,red\n", 1, "colour",
     "Unknown column “colour”"),
    ("country,political,economic,legal\nFR,2,2,2\nFrance,3,3,3\n", 3, "country",
     "already on row 2"),
    ("", None, None, "The file is empty"),
    ("country,political,economic,legal\n", None, None, "no rows of ratings"),
    ("country,political,economic,legal\nFR,2,2,2\nCôte d'Ivoire,1,1,1\n".encode("cp1252"), 3,
     None, "not UTF-8"),
])
def test_malformed_file_is_refused_with_row_and_column_and_nothing_written(content, row, column,
                                                                           words):
    CountryRiskFactory(country="FR", political=1)
    before = audit_count()
    result = do_import(content)
    assert not result.ok
    assert any(error.row == row and error.column == column and words in error.message
               for error in result.errors), result.errors
    assert CountryRisk.objects.get().political == 1  # nothing written
    assert audit_count() == before


def test_every_problem_is_listed_at_once():
    result = do_import("country,political,economic,legal\nAtlantis,7,x,1\nFR,1,1,9\n")
    where = sorted((error.row, error.column) for error in result.errors)
    assert where == [(2, "country"), (2, "economic"), (2, "political"), (3, "legal")]
    assert str(result.errors[0]).startswith("Row 2, column ")
    assert not CountryRisk.objects.exists()


def test_xlsx_file_imports_numbers_and_dates_as_excel_stores_them():
    from datetime import date

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    sheet = workbook.add_worksheet()
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for column, header in enumerate(["Country", "Political", "Economic", "Legal", "As of"]):
        sheet.write(0, column, header)
    sheet.write_row(1, 0, ["Poland", 2, 2.0, 3])
    sheet.write_datetime(1, 4, date(2025, 6, 30), day)
    workbook.close()
    result = do_import(buffer.getvalue(), name="ratings.xlsx")
    assert result.ok, result.errors
    rating = CountryRisk.objects.get()
    assert (rating.country.code, rating.economic, str(rating.as_of)) == ("PL", 2, "2025-06-30")


def test_export_imports_again_unchanged(users, login):
    do_import(GOOD)
    client = login(users[Role.AUDITOR])
    response = client.get("/risk/countries/export/", {"format": "csv"})
    exported = b"".join(response.streaming_content)
    assert exported.decode("utf-8-sig").splitlines()[0] == (
        "country,political,economic,legal,source,as_of,notes")
    result = do_import(exported)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    response = client.get("/risk/countries/export/", {"format": "xlsx"})
    assert do_import(b"".join(response.streaming_content), name="x.xlsx").unchanged == 3


def test_import_page_for_risk_writers_only(users, login):
    for role in (Role.EXECUTIVE, Role.AUDITOR, Role.VENDOR_MANAGER):
        client = login(users[role])
        assert client.get("/risk/countries/import/").status_code == 403
        response = client.post("/risk/countries/import/", {"file": upload(GOOD)})
        assert response.status_code == 403
    assert not CountryRisk.objects.exists()


def test_import_page_shows_the_errors_or_the_counts(users, login):
    client = login(users[Role.RISK_OFFICER])
    response = client.post("/risk/countries/import/",
                           {"file": upload("country,political,economic,legal\nFR,7,1,1\n")})
    page = response.content.decode()
    assert "Nothing was imported" in page and "7 is out of range" in page
    response = client.post("/risk/countries/import/", {"file": upload(GOOD)})
    assert "3 created, 0 updated, 0 unchanged" in response.content.decode()


def test_changed_ratings_rescore_the_providers_of_those_countries(
        users, login, django_capture_on_commit_callbacks):
    served_in_india = ProviderFactory(country="FR", service_countries="IN")
    elsewhere = ProviderFactory(country="BR")
    ArrangementFactory(provider=served_in_india)
    ArrangementFactory(provider=elsewhere)
    client = login(users[Role.RISK_OFFICER])
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/risk/countries/import/", {"file": upload(
            "country,political,economic,legal\nIN,5,5,5\n")})
    score = ProviderScore.objects.get(provider=served_in_india)
    location = next(i for i in score.explanation["inputs"] if i["input"] == "location")
    assert location["value"] == 100.0 and "IN" in location["detail"]
    assert not ProviderScore.objects.filter(provider=elsewhere).exists()


def test_country_rating_edited_in_the_form(users, login):
    rating = CountryRiskFactory(country="FR")
    client = login(users[Role.RISK_OFFICER])
    response = client.post(f"/risk/countries/{rating.pk}/edit/", {
        "country": "FR", "political": 4, "economic": 2, "legal": 2, "source": "Desk review"})
    assert response.status_code == 302
    rating.refresh_from_db()
    assert (rating.political, rating.source) == (4, "Desk review")
    response = client.post(f"/risk/countries/{rating.pk}/edit/", {
        "country": "FR", "political": 6, "economic": 2, "legal": 2})
    assert response.status_code == 200 and "political" in response.context["form"].errors
    page = client.get(f"/risk/countries/{rating.pk}/").content.decode()
    assert "Providers established, serving or storing data here" in page


def test_import_command_reports_errors_and_counts(tmp_path, capsys):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text("country,political,economic,legal\nFR,9,1,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_country_risk", str(bad))
    assert "Row 2, column political: 9 is out of range" in capsys.readouterr().err
    assert not CountryRisk.objects.exists()
    call_command("import_country_risk", str(good))
    assert "3 created" in capsys.readouterr().out
    assert CountryRisk.objects.count() == 3
    assert AuditEntry.objects.filter(source="cli").count() == 3
