"""Questionnaire templates over the API: nested reads, writes through the services, actions,
import and export."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.diligence.factories import QuestionFactory, security_questionnaire
from tether.core.models import AuditEntry
from tether.core.roles import Role
from tether.diligence.choices import TemplateStatus
from tether.diligence.models import Question, QuestionnaireTemplate, Section
from tether.diligence.transfer import read_template

pytestmark = pytest.mark.django_db

BASE = "/api/diligence/templates/"


def api_client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api(users):
    return api_client(users[Role.SECURITY_OFFICER])


@pytest.fixture
def published(db):
    return security_questionnaire(name="Security baseline")["GOV-1"].section.template


def upload(data: bytes, name: str):
    file = io.BytesIO(data)
    file.name = name
    return file


def test_a_template_reads_with_its_sections_and_questions_in_order(api, published):
    # Other templates: the list reads them at a fixed number of queries.
    QuestionFactory.create_batch(3, section__template__status=TemplateStatus.DRAFT)
    with CaptureQueriesContext(connection) as queries:
        body = api.get(BASE).json()
    assert len(queries) <= 8
    [item] = [t for t in body["results"] if t["id"] == published.pk]
    assert [s["title"] for s in item["sections"]] == ["Governance", "Resilience"]
    questions = item["sections"][1]["questions"]
    assert [q["code"] for q in questions] == ["RES-1", "RES-2", "RES-3", "RES-4"]
    assert questions[2]["bands"][1] == {"min": 3.0, "max": 10.0, "score": 0.5}
    assert questions[1]["show_if_question"] == questions[0]["id"]
    assert questions[1]["show_if_values"] == ["yes"]
    detail = api.get(f"{BASE}{published.pk}/").json()
    assert detail["status"] == "published" and detail["version"] == 1
    assert api.get(BASE, {"status": "draft"}).json()["count"] == 3
    assert api.get(BASE, {"name": "baseline"}).json()["count"] == 1


def test_a_questionnaire_is_built_and_published_through_the_api(api):
    response = api.post(BASE, {"name": "API built", "status": "published"}, format="json")
    assert response.status_code == 201, response.json()
    template = response.json()
    assert (template["status"], template["version"]) == ("draft", 1)
    section = api.post(f"{BASE}sections/", {"template": template["id"], "title": "Basics",
                                            "risk_category": "financial"}, format="json")
    assert section.status_code == 201, section.json()
    question = {"section": section.json()["id"], "code": "B-1", "text": "Choose",
                "question_type": "choice", "weight": "2.50",
                "options": [{"value": "a", "label": "A", "score": 1},
                            {"value": "b", "score": 0.25}]}
    response = api.post(f"{BASE}questions/", question, format="json")
    assert response.status_code == 201, response.json()
    stored = Question.objects.get(code="B-1")
    assert stored.options == [{"value": "a", "label": "A", "score": 1},
                              {"value": "b", "label": "", "score": 0.25}]
    response = api.post(f"{BASE}{template['id']}/publish/")
    assert response.status_code == 200 and response.json()["status"] == "published"
    sources = set(AuditEntry.objects.values_list("source", flat=True))
    assert sources == {"api"}


def test_invalid_questions_are_refused_with_field_messages(api):
    question = QuestionFactory(section__template__status=TemplateStatus.DRAFT)
    url = f"{BASE}questions/{question.pk}/"
    response = api.patch(url, {"options": [{"value": "yes", "score": 2}]}, format="json")
    assert response.status_code == 400
    assert response.json()["options"] == {"0": {"score": ["Ensure this value is less than or "
                                                          "equal to 1."]}}
    response = api.patch(url, {"options": [{"value": "maybe", "score": 1},
                                           {"value": "no", "score": "0"}]}, format="json")
    assert response.json() == {"options": {"1": {"score": ["Incorrect type: expected integer "
                                                           "or number, received string."]}}}
    response = api.patch(url, {"options": [{"value": "maybe", "score": 1},
                                           {"value": "no", "score": 0}]}, format="json")
    assert "exactly the answers yes and no" in response.json()["options"][0]
    other = QuestionFactory()
    response = api.patch(url, {"show_if_question": other.pk, "show_if_values": ["yes"]},
                         format="json")
    assert response.status_code == 400 and "show_if_question" in response.json()


def test_a_published_template_is_not_changed_or_deleted(api, published):
    response = api.patch(f"{BASE}{published.pk}/", {"name": "Renamed"}, format="json")
    assert response.status_code == 400
    assert "it can no longer be changed" in response.json()["non_field_errors"][0]
    response = api.delete(f"{BASE}{published.pk}/")
    assert response.status_code == 409
    assert "it can no longer be changed" in response.json()["detail"]
    question = Question.objects.filter(section__template=published).first()
    assert api.delete(f"{BASE}questions/{question.pk}/").status_code == 409


def test_new_version_and_retire(api, published):
    response = api.post(f"{BASE}{published.pk}/new-version/")
    assert response.status_code == 201
    copy = response.json()
    assert (copy["version"], copy["status"]) == (2, "draft")
    assert sum(len(s["questions"]) for s in copy["sections"]) == 6
    response = api.post(f"{BASE}{published.pk}/new-version/")
    assert response.status_code == 400
    assert "already a draft" in response.json()["non_field_errors"][0]
    assert api.post(f"{BASE}{published.pk}/retire/").json()["status"] == "retired"


@pytest.mark.parametrize("fmt", ["yaml", "csv", "xlsx"])
def test_export_and_import_round_trip(api, published, fmt):
    response = api.get(f"{BASE}{published.pk}/export/", {"format": fmt})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'security-baseline-v1.{fmt}"')
    response = api.post(f"{BASE}import/", {"file": upload(response.content, f"s.{fmt}"),
                                           "name": "Imported"}, format="multipart")
    assert response.status_code == 201, response.json()
    imported = QuestionnaireTemplate.objects.get(name="Imported")
    assert response.json()["id"] == imported.pk
    assert Question.objects.filter(section__template=imported).count() == 6


def test_an_export_format_must_be_known(api, published):
    response = api.get(f"{BASE}{published.pk}/export/", {"format": "pdf"})
    assert response.status_code == 400
    assert response.json() == {"format": ["\"pdf\" is not a valid choice."]}


def test_import_lists_every_problem_of_the_file_and_writes_nothing(api):
    data = b"section,code,text,type,weight\nS,,?,yes_no,abc\n"
    response = api.post(f"{BASE}import/", {"file": upload(data, "bad.csv")}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"file": ["Row 2, column code: give the question a code, e.g. "
                                        "FIN-3.",
                                        "Row 2, column weight: “abc” is not a number."]}
    response = api.post(f"{BASE}import/", {"file": upload(b"a: &x 1\n", "q"),
                                           "format": "yaml"}, format="multipart")
    assert response.json()["file"][0].startswith("Line 1: anchors (&x) are not allowed")
    assert not QuestionnaireTemplate.objects.exists() and not Section.objects.exists()


def test_import_publishes_when_asked(api):
    yaml = (b"name: Quick\nsections:\n- title: S\n  questions:\n"
            b"  - {code: Q-1, text: Fine?, type: yes_no}\n")
    response = api.post(f"{BASE}import/", {"file": upload(yaml, "quick.yml"), "publish": "true"},
                        format="multipart")
    assert response.json()["status"] == "published"
    assert read_template(io.BytesIO(yaml), filename="q.yaml").questions[0].code == "Q-1"


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.AUDITOR])
def test_read_only_roles_read_but_cannot_write(users, role, published):
    client = api_client(users[role])
    draft = QuestionFactory(section__template__status=TemplateStatus.DRAFT)
    assert client.get(f"{BASE}{published.pk}/").status_code == 200
    assert client.get(f"{BASE}{published.pk}/export/").status_code == 200
    writes = [
        client.post(BASE, {"name": "Mine"}, format="json"),
        client.patch(f"{BASE}{draft.section.template_id}/", {"name": "X"}, format="json"),
        client.delete(f"{BASE}{draft.section.template_id}/"),
        client.post(f"{BASE}{draft.section.template_id}/publish/"),
        client.post(f"{BASE}{published.pk}/new-version/"),
        client.post(f"{BASE}{published.pk}/retire/"),
        client.post(f"{BASE}import/", {"file": upload(b"name: x\n", "x.yaml")},
                    format="multipart"),
        client.post(f"{BASE}sections/", {"template": draft.section.template_id,
                                         "title": "S"}, format="json"),
        client.delete(f"{BASE}questions/{draft.pk}/"),
    ]
    assert [response.status_code for response in writes] == [403] * len(writes)
    assert QuestionnaireTemplate.objects.get(pk=published.pk).status == TemplateStatus.PUBLISHED
