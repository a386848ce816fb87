"""The import and export pages in the web UI."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import ProviderFactory, valid_lei
from tether.core.models import AuditEntry
from tether.core.roles import Role
from tether.registry.models import Provider

pytestmark = pytest.mark.django_db


def upload(text: str, name="providers.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


def test_import_page_imports_a_good_file_and_audits_it(users, login):
    client = login(users[Role.VENDOR_MANAGER])
    lei = valid_lei()
    body = f"name,lei,country,outsourcing_type\nUploaded Ltd,{lei},GB,bpo\n"
    response = client.post("/registry/import/", {"entity": "providers", "file": upload(body)})
    assert response.status_code == 200
    assert "1 created" in response.content.decode()
    provider = Provider.objects.get(lei=lei)
    assert AuditEntry.objects.filter(object_id=str(provider.pk), source="web-import").exists()


def test_import_page_lists_bad_rows_and_writes_nothing(users, login):
    client = login(users[Role.VENDOR_MANAGER])
    before = Provider.objects.count()
    body = ("name,lei,country,outsourcing_type\n"
            f"Good Ltd,{valid_lei()},GB,bpo\n"
            "Bad Ltd,5493001KJTIIGC8Y1R13,GB,bpo\n")
    page = client.post("/registry/import/", {"entity": "providers",
                                             "file": upload(body)}).content.decode()
    assert "Nothing was imported" in page
    assert "check digits are wrong" in page and "<td>3</td>" in page
    assert Provider.objects.count() == before


def test_import_page_is_refused_to_read_only_roles(users, login):
    client = login(users[Role.EXECUTIVE])
    assert client.get("/registry/import/").status_code == 403
    response = client.post("/registry/import/", {"entity": "providers",
                                                 "file": upload("name\nX\n")})
    assert response.status_code == 403


def test_oversized_upload_is_refused_with_the_limit(users, login, settings):
    settings.TETHER_IMPORT_MAX_BYTES = 100
    client = login(users[Role.VENDOR_MANAGER])
    before = Provider.objects.count()
    body = "name,country,outsourcing_type\n" + "A Ltd,GB,bpo\n" * 50
    page = client.post("/registry/import/", {"entity": "providers",
                                             "file": upload(body)}).content.decode()
    assert "the limit is" in page
    assert Provider.objects.count() == before


def test_export_downloads_csv_safe_against_formulas(users, login):
    ProviderFactory(name="=HYPERLINK(\"http://evil\")", country="GB")
    response = login(users[Role.AUDITOR]).get("/registry/export/providers/", {"format": "csv"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    names = {row["name"] for row in rows}
    assert "'=HYPERLINK(\"http://evil\")" in names


def test_export_of_unknown_entity_or_format_is_404(users, login):
    client = login(users[Role.AUDITOR])
    assert client.get("/registry/export/secrets/").status_code == 404
    assert client.get("/registry/export/providers/", {"format": "exe"}).status_code == 404
