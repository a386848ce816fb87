"""Shared fixtures: one user per role (two provider contacts), logged-in clients."""

import pytest
from django.core.cache import cache
from django.test import Client

from tests.accounts import force_login
from tests.factories import ProviderFactory, UserFactory
from tether.core.roles import INTERNAL_ROLES, Role


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is slow on purpose; tests/core/test_accounts_security.py checks that production
    # settings use it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _jobs_run_at_once(settings):
    """Background jobs run in the process that queues them (STYLE: tests run jobs eagerly);
    tests/core/test_jobs.py runs the real database worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and throttles start from zero in every test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def provider_a(db):
    return ProviderFactory(name="Alpha Outsourcing SA", country="FR")


@pytest.fixture
def provider_b(db):
    return ProviderFactory(name="Beta Cloud GmbH", country="DE")


@pytest.fixture
def users(db, provider_a, provider_b):
    """Every role, plus two contacts of two different providers."""
    people = {role: UserFactory(username=f"{role}-user", role=role) for role in INTERNAL_ROLES}
    people["contact_a"] = UserFactory(
        username="contact-a", role=Role.PROVIDER_CONTACT, provider=provider_a
    )
    people["contact_b"] = UserFactory(
        username="contact-b", role=Role.PROVIDER_CONTACT, provider=provider_b
    )
    return people


@pytest.fixture
def admin_user(users):
    return users[Role.ADMIN]


@pytest.fixture
def login():
    """A client logged in as the given user (administrators with their second factor)."""

    def make(user) -> Client:
        return force_login(Client(), user)

    return make


@pytest.fixture(autouse=True)
def _documents_in_temp_dir(settings, tmp_path):
    """Encrypted documents of a test go to its own folder, never the shared data dir."""
    settings.TETHER_DOCUMENTS_DIR = tmp_path / "documents"
