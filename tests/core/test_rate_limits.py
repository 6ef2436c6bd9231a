"""The forms' rate limits: whose sends they count, where they count them, and what happens
when that cache does not answer."""

import logging
import threading
from datetime import UTC, timedelta

import pytest
from django.core import checks
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from clusters.models import Cluster
from tests.clusters.test_register import register

URL = "/clusters/register/"
LIMIT = 10
# A send that counts against the limit and saves nothing: a bot's, caught by the honeypot.
BOT = {"homepage": "https://spam.example"}


def send_until_limited(client, **headers):
    for _ in range(LIMIT):
        assert client.post(URL, BOT, **headers).status_code == 302


@pytest.fixture
def behind_a_proxy(settings):
    settings.CLIENT_IP_HEADER = "X-Real-IP"


@pytest.mark.parametrize("header", [None, "", "garbage", "1.2.3.4, 5.6.7.8"])
def test_a_missing_or_malformed_proxy_header_counts_the_connection_address(
    anonymous, db, behind_a_proxy, header
):
    headers = {} if header is None else {"HTTP_X_REAL_IP": header}

    send_until_limited(anonymous, **headers)

    assert anonymous.post(URL, BOT).status_code == 429
    assert anonymous.post(URL, BOT, HTTP_X_REAL_IP="192.0.2.7").status_code == 302


def test_an_ipv6_visitor_behind_a_proxy_is_counted(anonymous, db, behind_a_proxy):
    send_until_limited(anonymous, HTTP_X_REAL_IP=" 2001:db8::1 ")

    assert anonymous.post(URL, BOT, HTTP_X_REAL_IP="2001:db8::2").status_code == 429
    assert anonymous.post(URL, BOT).status_code == 302


def test_without_a_proxy_a_forged_header_does_not_escape_the_limit(anonymous, db):
    for number in range(LIMIT):
        anonymous.post(URL, BOT, HTTP_X_REAL_IP=f"192.0.2.{number}")

    assert anonymous.post(URL, BOT, HTTP_X_REAL_IP="198.51.100.1").status_code == 429


def test_a_count_outlives_the_hour_it_counts(anonymous, db):
    anonymous.post(URL, BOT)
    anonymous.post(URL, BOT)

    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM csei_cache")
        (expires,) = cursor.fetchone()
    if timezone.is_naive(expires):
        expires = expires.replace(tzinfo=UTC)
    assert expires > timezone.now() + timedelta(hours=1)


def cache_check_ids():
    """What `manage.py check` reports about the caches."""
    return [
        message.id
        for message in checks.run_checks(tags=[checks.Tags.caches])
        if not message.is_silenced()
    ]


def test_the_shared_cache_passes_django_ratelimits_checks(db):
    assert cache_check_ids() == []


def test_django_ratelimit_refuses_a_cache_each_worker_keeps_to_itself(db, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    assert cache_check_ids() == ["django_ratelimit.E003"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite runs one writer at a time anyway"
)
def test_workers_counting_at_the_same_moment_lose_no_count(transactional_db):
    key = "concurrent-count"
    cache.add(key, 0)
    threads, per_thread = 4, 25

    def count():
        for _ in range(per_thread):
            cache.incr(key)
        connection.close()

    workers = [threading.Thread(target=count) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    try:
        assert cache.get(key) == threads * per_thread
    finally:
        cache.delete(key)


def test_with_the_cache_down_the_form_still_saves_and_says_so_once_in_the_log(
    anonymous, empty_directory, redis_down, caplog
):
    first = register(anonymous)
    second = register(anonymous, name="Second cluster")

    assert (first.response.status_code, second.response.status_code) == (302, 302)
    assert Cluster.objects.count() == 2
    lines = [record for record in caplog.records if record.name == "core.ratelimits"]
    assert [record.levelno for record in lines] == [logging.ERROR]
    assert "not rate-limited" in lines[0].getMessage()


def test_with_the_cache_down_healthz_answers_503(anonymous, db, redis_down):
    response = anonymous.get("/healthz")

    assert response.status_code == 503
    assert response.content == b"unavailable: cache\n"


def test_when_the_cache_answers_again_the_limit_holds_again(
    anonymous, db, redis_down, settings, caplog
):
    anonymous.post(URL, BOT)
    settings.CACHES = {"default": {"BACKEND": "core.cache.DatabaseCache", "LOCATION": "csei_cache"}}

    send_until_limited(anonymous)

    assert anonymous.post(URL, BOT).status_code == 429
    lines = [record.getMessage() for record in caplog.records if record.name == "core.ratelimits"]
    assert lines[-1] == "The cache answers again: forms and exports are rate-limited"
