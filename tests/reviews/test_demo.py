"""The demo's reviews: most active arrangements reviewed, some overdue, some feedback shared
with the demo's provider contact; loading it again writes nothing."""

import pytest
from django.utils import timezone

from tether.core.models import AuditEntry, User
from tether.core.roles import Role
from tether.registry.demo import demo_load
from tether.registry.demo_data import PROVIDER_CONTACT
from tether.reviews import selectors
from tether.reviews.demo import reviews_demo_load
from tether.reviews.models import Review

pytestmark = pytest.mark.django_db


def test_demo_reviews_are_loaded_once_with_some_overdue():
    demo_load()
    counts = reviews_demo_load()
    assert counts["reviews"] == Review.objects.count() > 10
    assert AuditEntry.objects.filter(source="demo", content_type__model="review").count() \
        == counts["reviews"]
    manager = User.objects.filter(role=Role.VENDOR_MANAGER).first()
    due = selectors.reviews_due(user=manager)
    today = timezone.localdate()
    overdue = due.filter(review_due__lt=today).count()
    assert 0 < overdue < due.count()
    contact = User.objects.get(username=PROVIDER_CONTACT[0])
    assert selectors.shared_feedback(contact.provider_id).exists()
    assert Review.objects.filter(overall_rating__isnull=False).count() > 10

    assert reviews_demo_load() == {}
    assert Review.objects.count() == counts["reviews"]
