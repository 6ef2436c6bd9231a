"""A read replica of PostgreSQL for anonymous public reads (settings.DATABASE_REPLICA_URL).

Reads go to the replica only when all of these hold: the request is a GET or HEAD from a
visitor without a session (staff always read the primary), who has not written anything in
the last PRIMARY_AFTER_WRITE_SECONDS (a write sets a cookie that says until when: their
next pages show their own change at once), and the replica answered within the last second
with a lag below REPLICA_MAX_LAG_SECONDS. Everything else, and every write, goes to the
primary ("default"). A replica that stops answering in the middle of a request has the
request answered again from the primary: a reader sees a slower page, never an error.
"""

import logging
import threading
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

from core.outages import BACKEND_OUTAGES

PRIMARY = "default"
REPLICA = "replica"
# Set on the answer to a write, read on the next requests: until when they read the primary.
PRIMARY_COOKIE = "read_primary_until"
# How often each process asks the replica for its lag.
PROBE_SECONDS = 1.0

reads_from = ContextVar("reads_from", default=PRIMARY)
logger = logging.getLogger(__name__)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        # The database cache's counts and pages are read where they are written.
        if model._meta.app_label == "django_cache":
            return PRIMARY
        return reads_from.get()

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, first, second, **hints):
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == PRIMARY


class ReplicaReadsMiddleware:
    """Chooses the database each request reads (above), and remembers a visitor's writes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        database = REPLICA if reads_replica(request) and replica.usable() else PRIMARY
        token = reads_from.set(database)
        try:
            response = self.get_response(request)
        finally:
            reads_from.reset(token)
        if has_replica() and request.method not in ("GET", "HEAD", "OPTIONS"):
            until = int(time.time()) + settings.PRIMARY_AFTER_WRITE_SECONDS
            response.set_cookie(
                PRIMARY_COOKIE,
                str(until),
                max_age=settings.PRIMARY_AFTER_WRITE_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_exception(self, request, exception):
        """A read from the replica that failed is read again from the primary."""
        if reads_from.get() != REPLICA or not isinstance(exception, BACKEND_OUTAGES):
            return None
        replica.failed(exception)
        reads_from.set(PRIMARY)
        return self.get_response(request)


def has_replica():
    return bool(settings.DATABASE_REPLICA_URL)


def reads_replica(request):
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    try:
        return int(request.COOKIES.get(PRIMARY_COOKIE, "0")) < time.time()
    except ValueError:
        return True


class ReplicaState:
    """Whether the replica may be read, as this process last found it (asked at most once
    every PROBE_SECONDS, by one thread while the others go by the last answer)."""

    # Zero when the replica has replayed all it received; else how long ago the last
    # transaction it replayed was committed on the primary.
    LAG_QUERY = """
        SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
        ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.checked_at = float("-inf")
        self.is_usable = False

    def usable(self):
        if not has_replica():
            return False
        if time.monotonic() - self.checked_at >= PROBE_SECONDS and self.lock.acquire(False):
            try:
                self.is_usable = self.lag() <= settings.REPLICA_MAX_LAG_SECONDS
            except BACKEND_OUTAGES as error:
                self.failed(error)
            finally:
                self.checked_at = time.monotonic()
                self.lock.release()
        return self.is_usable

    def lag(self):
        """Seconds behind the primary."""
        connection = connections[REPLICA]
        connection.close_if_unusable_or_obsolete()
        if connection.vendor != "postgresql":
            # A copy of the primary's database made for tests: never behind.
            connection.ensure_connection()
            return 0.0
        with connection.cursor() as cursor:
            cursor.execute(self.LAG_QUERY)
            return float(cursor.fetchone()[0])

    def failed(self, error):
        if self.is_usable:
            logger.error("The replica does not answer; reading the primary (%s)", error)
        self.is_usable = False
        self.checked_at = time.monotonic()
        connections[REPLICA].close()


replica = ReplicaState()
