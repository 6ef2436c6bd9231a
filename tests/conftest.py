import io
import os
import socket
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import TestCase, override_settings
from hypothesis import settings as hypothesis_settings

from clusters.models import Cluster
from core import per_version, ratelimits

# The property tests (tests/properties/test_fuzz_*.py) try a few examples each in `make test`, which
# must stay within three minutes a database (a registration sent back with its errors takes
# a good part of a second), and a thousand in `make fuzz` (HYPOTHESIS_PROFILE=fuzz).
# Derandomized: every run on every machine tries the same examples, so a failure in CI is one
# anyone reproduces by running the same command, and `make test` never fails on an example
# found by chance; with it there is no database of past failures to keep. No deadline: a
# page's time depends on the machine's load.
hypothesis_settings.register_profile(
    "default", max_examples=10, deadline=None, derandomize=True, database=None
)
hypothesis_settings.register_profile(
    "fuzz", hypothesis_settings.get_profile("default"), max_examples=1000
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_collection_modifyitems(config, items):
    """Browser tests and the other tests that commit last: their transactional database is
    emptied after each of them, which would take the seed away from the tests that read it."""
    items.sort(key=lambda item: "browser" in item.path.parts or commits(item))


def commits(item):
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Each test database starts with the GECES mapping, loaded once.

    Most tests read it; every test runs in a transaction that is rolled back, so the seed is
    the same for each, and so is the cache (a table in the same database): no rate limit has
    been used. Tests of an empty directory ask for `empty_directory`.
    """
    with django_db_blocker.unblock():
        call_command("load_seed", stdout=io.StringIO())


@pytest.fixture
def seed(db):
    """The GECES mapping, as `make run` loads it (already there: this names the need)."""


@pytest.fixture
def empty_directory(db):
    """No clusters, case studies or organisations, for this test only; the taxonomies and
    thematic areas of the seed stay."""
    from cases.models import CaseStudy
    from clusters.models import Organisation

    # Emptying is not an edit worth a history: without one it is ten times faster. The
    # directory's new version is given as on commit, so that summaries of it are kept again.
    with (
        override_settings(SIMPLE_HISTORY_ENABLED=False),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        for model in (CaseStudy, Cluster, Organisation):
            model.objects.all().delete()


@pytest.fixture(autouse=True)
def _summaries_of_this_test_only():
    """A test's data is rolled back without giving the directory a new version: what the
    test's requests summarised goes with it."""
    yield
    per_version.forget()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def anonymous(client):
    return client


def staff_member(username, role=None):
    user = User.objects.create_user(
        username, f"{username}@example.org", f"{username}-password", is_staff=True
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def editor(db, client):
    """A GECES editor: curates and moderates entries, deletes nothing, manages no account."""
    client.force_login(staff_member("editor", "GECES editor"))
    return client


@pytest.fixture
def administrator(db, client):
    """A GECES administrator: an editor who may also delete and manage staff accounts."""
    client.force_login(staff_member("administrator", "GECES administrator"))
    return client


@pytest.fixture
def staff_without_a_role(db, client):
    client.force_login(staff_member("newcomer"))
    return client


@pytest.fixture
def make_cluster(db):
    """A published cluster with sensible defaults; override any field."""

    def make(**fields):
        fields.setdefault("name", f"Test cluster {Cluster.objects.count() + 1}")
        fields.setdefault("status", Cluster.Status.PUBLISHED)
        fields.setdefault("country", "FR")
        return Cluster.objects.create(**fields)

    return make


@pytest.fixture
def redis_url():
    """The address of a Redis server for the tests that need a real one: TEST_REDIS_URL
    (.ci/run starts a throwaway server and names it there), else Redis's usual local port.
    Without one those tests are skipped, unless REQUIRE_REDIS is set, as in CI."""
    url = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"
    address = urlsplit(url)
    try:
        socket.create_connection((address.hostname, address.port or 6379), timeout=0.5).close()
    except OSError:
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail(f"no Redis answers at {url}, and REQUIRE_REDIS is set")
        pytest.skip(f"no Redis answers at {url}")
    return url


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_down(settings, monkeypatch):
    """A Redis cache that refuses connections, as a stopped server does."""
    settings.CACHE_URL = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CACHES = {
        name: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.CACHE_URL,
        }
        for name in ("default", "pages")
    }
    # Rate limits log the first failure of the cache they see: this test's is the first.
    monkeypatch.setattr(ratelimits._CacheState, "down", False)
