"""The database router: anonymous reads from the replica, everything else from the
primary, a writer's next pages from the primary, and a replica that lags or is down never
an error."""

import pytest
from django.db import connections
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from core import replicas
from tests.pages import get_page, submit

CLUSTER = "/clusters/torino-social-impact/"


@pytest.fixture
def replica(db, settings, monkeypatch):
    """A second connection to the test database, as the replica: it sees what is committed
    (the seed), not what a test writes in its transaction, as a replica sees a write only
    once the primary has committed it."""
    settings.DATABASE_REPLICA_URL = "the test database"
    monkeypatch.setattr(replicas, "replica", replicas.ReplicaState())
    connect_replica(connections["default"].settings_dict)
    yield
    disconnect_replica()


def connect_replica(settings_dict):
    # Made in this thread only, where the test client runs the requests: Django's test
    # case allows a connection made so (it refuses connections to aliases it did not set up).
    backend = load_backend(settings_dict["ENGINE"])
    connections._connections.replica = backend.DatabaseWrapper(dict(settings_dict), "replica")


def disconnect_replica():
    connections["replica"].close()
    del connections._connections.replica


@pytest.fixture
def replica_down(replica):
    """The replica's address answers nothing."""
    disconnect_replica()
    primary = connections["default"].settings_dict
    if connections["default"].vendor == "postgresql":
        connect_replica({**primary, "PORT": closed_port()})
    else:
        connect_replica({**primary, "NAME": "/nonexistent/folder/replica.sqlite3"})


def closed_port():
    from tests.conftest import closed_port

    return str(closed_port())


def queries_of(client, url, **headers):
    """(queries on the primary, queries on the replica) of one request, and its answer."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = client.get(url, **headers)
    return len(primary), len(replica), response


def test_an_anonymous_visitor_reads_the_replica(anonymous, replica):
    primary, replica_queries, response = queries_of(anonymous, CLUSTER)

    assert response.status_code == 200
    assert primary == 0
    assert replica_queries > 0


def test_a_visitor_who_has_just_written_reads_their_change_from_the_primary(
    anonymous, replica, settings
):
    page = get_page(anonymous, f"{CLUSTER}suggest/")
    form = page.soup.find("form", method="post")

    sent = submit(
        anonymous,
        page,
        form,
        {"kind": "wrong", "field": "website", "proposed_value": "https://example.eu"},
    )
    assert sent.response.status_code == 302
    assert anonymous.cookies[replicas.PRIMARY_COOKIE]["max-age"] == (
        settings.PRIMARY_AFTER_WRITE_SECONDS
    )

    primary, replica_queries, response = queries_of(anonymous, CLUSTER)

    assert response.status_code == 200
    assert (primary > 0, replica_queries) == (True, 0)


def test_staff_read_the_primary(editor, replica):
    primary, replica_queries, response = queries_of(editor, CLUSTER)

    assert response.status_code == 200
    assert (primary > 0, replica_queries) == (True, 0)


def test_a_lagging_replica_sends_reads_to_the_primary(anonymous, replica, settings, monkeypatch):
    monkeypatch.setattr(replicas.ReplicaState, "lag", lambda state: 60.0)

    primary, replica_queries, response = queries_of(anonymous, CLUSTER)

    assert response.status_code == 200
    assert (primary > 0, replica_queries) == (True, 0)


def test_with_the_replica_down_reads_still_answer_from_the_primary(anonymous, replica_down):
    with CaptureQueriesContext(connections["default"]) as primary:
        response = anonymous.get(CLUSTER)

    assert response.status_code == 200
    assert len(primary) > 0


def test_a_replica_that_fails_during_a_request_has_it_answered_from_the_primary(anonymous, replica):
    failures = []

    def fail_once(execute, sql, params, many, context):
        if not failures:
            failures.append(sql)
            raise replicas.BACKEND_OUTAGES[0]("the replica went away")
        return execute(sql, params, many, context)

    replicas.replica.usable()
    with connections["replica"].execute_wrapper(fail_once):
        primary, _, response = queries_of(anonymous, CLUSTER)

    assert response.status_code == 200
    assert primary > 0
