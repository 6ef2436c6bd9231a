import io

import pytest
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.core.management import call_command

from clusters.models import Cluster


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits count in the cache; each test starts with none used."""
    cache.clear()


@pytest.fixture
def seed(db):
    """The GECES mapping, loaded as `make run` loads it."""
    call_command("load_seed", stdout=io.StringIO())


@pytest.fixture
def anonymous(client):
    return client


@pytest.fixture
def editor(db, client):
    """A GECES staff member who curates entries but does not manage accounts."""
    user = User.objects.create_user(
        "editor", "editor@example.org", "editor-password", is_staff=True
    )
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["clusters", "themes", "cases"])
    )
    client.force_login(user)
    return client


@pytest.fixture
def administrator(db, client):
    user = User.objects.create_superuser("admin", "admin@example.org", "admin-password")
    client.force_login(user)
    return client


@pytest.fixture
def make_cluster(db):
    """A published cluster with sensible defaults; override any field."""

    def make(**fields):
        fields.setdefault("name", f"Cluster {Cluster.objects.count() + 1}")
        fields.setdefault("status", Cluster.Status.PUBLISHED)
        fields.setdefault("country", "FR")
        return Cluster.objects.create(**fields)

    return make
