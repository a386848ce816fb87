"""Every URL × every role: what may be seen is seen, everything else is refused.

The URL list comes from the URL configuration itself, so an endpoint added without a
known permission rule makes `test_every_endpoint_has_a_known_permission_rule` fail.
"""

import re
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.accounts import force_login
from tests.board.factories import board_objects
from tests.cases import CASES
from tests.continuity.factories import continuity_objects
from tests.contracts.factories import contracts_objects
from tests.decisions.factories import decision_objects
from tests.diligence.factories import QuestionFactory, ResponseFactory
from tests.factories import InformationRequestFactory, make_document, valid_lei
from tests.oversight.factories import oversight_objects
from tests.performance.factories import performance_objects
from tests.regulatory.factories import regulatory_objects
from tests.reviews.factories import reviews_objects
from tests.risk.factories import risk_objects
from tether.core.models import AuditEntry, Job, User
from tether.core.roles import INTERNAL_ROLES, Role, role_allows
from tether.core.views.generic import ObjectEditView, ViewSetMixin
from tether.diligence.choices import TemplateStatus
from tether.diligence.models import (
    Campaign,
    Question,
    QuestionnaireResponse,
    QuestionnaireTemplate,
    Section,
)
from tether.documents.models import Document
from tether.portal.models import InformationRequest, Invitation
from tether.registry.models import Activity, Arrangement, Organisation, Provider, SubcontractingLink
from tether.regulatory.models import EntityProfile, RegisterExport

pytestmark = pytest.mark.django_db

# A calendar subscription is authenticated by the token in its address (tests/deadlines).
PUBLIC = {"deadlines_feed", "login", "login_code", "logout", "healthz", "api-token",
          "password_reset", "password_reset_done", "password_reset_confirm",
          "password_reset_complete"}
# Every logged-in user's own account pages, provider contacts included.
OWN_ACCOUNT = {"account_security", "two_factor_setup", "password_change",
               "password_change_done"}
# Pages that any internal user may open (no model behind them): the dashboard reads
# arrangements; the API docs need an authenticated internal user.
MODEL_OF_PAGE = {"home": (Arrangement, "view"), "import": (Provider, "add"),
                 "value_chain": (Activity, "view"), "value_chain_of": (Activity, "view"),
                 "export": (Provider, "view"), "user_security": (User, "change"),
                 "schedule_list": (Job, "view"), "readiness": (RegisterExport, "view")}
# Pages every internal user has, about their own things or everyone's deadlines (each source
# filters by what the user may see): upcoming deadlines, notifications.
INTERNAL_ANY = {"upcoming", "calendar", "ics", "subscription", "deadline-list", "notification_list",
                "notification_read_all", "notification_preferences", "notification-list",
                "notification-read-all"}
# Someone's own notification: the matrix's object is never the viewer's, so 404 inside.
OWN_NOTIFICATION = {"notification_read", "notification-detail", "notification-read"}
# Pages whose <pk> names another model's object than the one whose permission they check:
# an arrangement's clause checklist is about clause checks, addressed by the arrangement.
URL_OBJECT = {"checklist": Arrangement}
# Pages that answer only once told what to answer about.
EXAMPLE_QUERY = {"what_if_export": "?kind=country&country=DE",
                 "dependence-what-if": "?kind=country&country=DE",
                 "readiness": "?organisation={entity}&reference_date=2025-12-31"}
DOCS = {"schema", "swagger-ui", "redoc", "api-root"}
ROLES = [*sorted(INTERNAL_ROLES), "contact_a", "contact_b"]


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def endpoints():
    """(route, name, model, action) for every URL, skipping DRF's format-suffix twins."""
    found = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if "format" in route:
            continue
        name = pattern.name
        view_class = getattr(pattern.callback, "view_class", None)
        initkwargs = getattr(pattern.callback, "view_initkwargs", {})
        drf_cls = getattr(pattern.callback, "cls", None)
        actions = getattr(pattern.callback, "actions", None)
        if route.replace("^", "").startswith(("portal/", "api/diligence/portal/",
                                                       "api/oversight/portal/")):
            # The provider portal has its own matrix (tests/portal/test_portal_authorization.py,
            # tests/diligence/test_portal_answers.py for its API): its pages answer by the
            # viewer's provider, not by role.
            found.append((route, name, None, "portal"))
        elif route.startswith("invite/"):
            found.append((route, name, None, "public"))
        elif name in PUBLIC or name in DOCS:
            found.append((route, name, None, "public" if name in PUBLIC else "docs"))
        elif name in OWN_ACCOUNT:
            found.append((route, name, None, "own_account"))
        elif name in MODEL_OF_PAGE:
            found.append((route, name, *MODEL_OF_PAGE[name]))
        elif name in INTERNAL_ANY:
            found.append((route, name, None, "internal"))
        elif name in OWN_NOTIFICATION:
            found.append((route, name, None, "own_notification"))
        elif view_class and issubclass(view_class, ViewSetMixin):
            viewset = initkwargs["viewset"]
            action = view_class.action
            if issubclass(view_class, ObjectEditView):
                action = "change" if "<int:pk>" in route else "add"
            found.append((route, name, viewset.model, action))
        elif drf_cls is not None and actions is not None:
            # A POST-only action (publish, send) is a write: RolePermission asks for "add".
            kind = "api" if "get" in actions else "add"
            found.append((route, name, drf_cls.queryset.model, kind))
        else:
            found.append((route, name, None, "unknown"))
    return found


def concrete(route: str, obj) -> str:
    path = "/" + route.replace("^", "").replace("$", "")
    path = re.sub(r"<int:pk>|\(\?P<pk>[^)]+\)", str(obj.pk) if obj else "1", path)
    path = path.replace("<str:entity>", "providers")
    path = path.replace("<int:organisation_id>", str(Organisation.objects.first().pk))
    path = path.replace("<int:provider_id>", str(Provider.objects.first().pk))
    return path


def test_every_endpoint_has_a_known_permission_rule():
    unknown = [(route, name) for route, name, _m, kind in endpoints() if kind == "unknown"]
    assert unknown == [], f"endpoints without a permission rule in this matrix: {unknown}"


@pytest.fixture
def objects(users, provider_a, provider_b):
    """One object of every model, owned by provider B where a model has an owner."""
    made = {case.model: case.factory() for case in CASES}
    made[Provider] = provider_b
    made[Arrangement] = CASES[5].factory(provider=provider_b)
    made[SubcontractingLink] = CASES[6].factory(provider=provider_b)
    made[User] = users[Role.EXECUTIVE]
    made[Job] = Job.objects.create(kind="risk.rescore", title="Rescore all providers")
    made[AuditEntry] = AuditEntry.objects.create(
        action="create", content_type_id=1, object_id="1", object_repr="x"
    )
    made[Document] = make_document(actor=users[Role.VENDOR_MANAGER], attached_to=provider_b,
                                   shared_with_provider=True)
    made[InformationRequest] = InformationRequestFactory(provider=provider_b)
    made[QuestionnaireResponse] = ResponseFactory(provider=provider_b)
    made[Campaign] = made[QuestionnaireResponse].campaign
    # A draft with one question: every editing page opens, and publishing it works.
    made[Question] = QuestionFactory(section__template__status=TemplateStatus.DRAFT)
    made[Section] = made[Question].section
    made[QuestionnaireTemplate] = made[Section].template
    made.update(risk_objects(provider_b, made[Arrangement]))
    made.update(continuity_objects(made[Arrangement]))
    made.update(performance_objects(made[Arrangement]))
    made.update(reviews_objects(made[Arrangement]))
    made.update(oversight_objects(provider_b, made[Arrangement]))
    made.update(contracts_objects(made[Arrangement]))
    made.update(decision_objects(provider_b))
    made.update(board_objects())
    made.update(regulatory_objects(made[Arrangement]))
    Organisation.objects.filter(pk=made[EntityProfile].organisation_id).update(lei=valid_lei())
    made[Invitation] = Invitation.objects.create(
        provider=provider_b, email="new@beta.example", token_hash="0" * 64,
        expires_at=timezone.now() + timedelta(days=1))
    return made


def client_for(user, api=False):
    if api:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client
    return force_login(APIClient(), user)


def expected_ok(role, name, model, action) -> bool:
    if action == "own_account":
        return True
    if role not in INTERNAL_ROLES:
        return False
    if action in ("docs", "internal"):
        return True
    if action == "own_notification":
        return False
    if name.endswith("_history") and not role_allows(role, "view", "audit"):
        return False
    return role_allows(role, "view" if action == "api" else action, model.permission_domain)


@pytest.mark.parametrize("role", ROLES)
def test_role_sees_exactly_what_it_may(role, users, objects):
    user = users[role]
    failures = []
    for route, name, model, action in endpoints():
        if action in ("public", "portal") or name == "logout":
            continue
        query = EXAMPLE_QUERY.get(name, "").format(entity=objects[EntityProfile].organisation_id)
        url = concrete(route, objects.get(URL_OBJECT.get(name, model))) + query
        browser_page = name in ("swagger-ui", "redoc") or not route.startswith("api/")
        client = client_for(user, api=not browser_page)
        response = client.get(url)
        if response.status_code == 405:
            # A POST-only action (accept an answer, withdraw an invitation): its role check
            # comes first, so only a permitted user gets this far; the POST must then work.
            response = client.post(url)
        if route == "" and role not in INTERNAL_ROLES:
            # The dashboard sends a provider's contact to their portal, nowhere else.
            if response.status_code != 302 or response["Location"] != "/portal/":
                failures.append((url, response.status_code, "redirect to /portal/"))
            continue
        allowed = expected_ok(role, name, model, action)
        # A POST-only action sent without its input: a redirect with a message (pages) or a
        # 400 (API) shows the role check let the user through.
        ok = response.status_code == 200 or (response.status_code in (302, 400) and
                                             response.request["REQUEST_METHOD"] == "POST")
        if allowed != ok or (not ok and response.status_code not in (403, 404)):
            failures.append((url, response.status_code, "allowed" if allowed else "denied"))
    assert failures == []


def test_anonymous_is_sent_to_login_or_refused(db, objects):
    client = APIClient()
    for route, name, model, action in endpoints():
        if action == "public":
            continue
        url = concrete(route, objects.get(URL_OBJECT.get(name, model)))
        response = client.get(url)
        if route.startswith("api/") and name not in ("swagger-ui", "redoc"):
            assert response.status_code in (401, 403), url
        else:
            assert response.status_code == 302 and "/login/" in response["Location"], url


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.AUDITOR, "contact_a", "contact_b"])
def test_roles_without_write_rights_cannot_change_anything(role, users, objects):
    user = users[role]
    for case in CASES:
        obj = objects[case.model]
        api = client_for(user, api=True)
        assert api.delete(f"/api/registry/{case.api_path}/{obj.pk}/").status_code in (403, 404)
        ui = client_for(user)
        response = ui.post(f"/registry/{case.url_prefix}/{obj.pk}/delete/")
        assert response.status_code in (403, 404)
        assert case.model.objects.filter(pk=obj.pk).exists()


def test_provider_contacts_scope_is_their_own_provider_only(users, objects, provider_a):
    own_arrangement = CASES[5].factory(provider=provider_a)
    contact_a = users["contact_a"]
    assert list(Provider.objects.restrict(contact_a)) == [provider_a]
    assert list(Arrangement.objects.restrict(contact_a)) == [own_arrangement]
    assert not SubcontractingLink.objects.restrict(contact_a).exists()
    assert not Provider.objects.restrict(contact_a, "change").exists()
    assert list(Provider.objects.restrict(users["contact_b"])) == [objects[Provider]]


def test_restrict_filters_in_sql_not_with_id_lists(users):
    sql = str(Arrangement.objects.restrict(users["contact_a"]).query)
    assert "provider_id" in sql and " IN (" not in sql


def test_inactive_user_sees_nothing(users, objects):
    user = users[Role.ADMIN]
    user.is_active = False
    user.save()
    assert not Provider.objects.restrict(user).exists()
