"""E-mails leave the request for the task queue: a mail server that is down neither slows
nor fails the person's request, its messages are tried again later and sent once it is
back, a message refused on every try stays in the admin with its error, and two workers
never send one message twice."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from core.emails import RETRY_DELAYS, send_email
from tests.clusters.test_register import register
from tests.pages import follow, get_page

DELIVER = "core.emails.deliver_email"


class MailServerDown(EmailBackend):
    """A mail server that refuses every connection, and counts the tries."""

    tries = 0

    def send_messages(self, messages):
        MailServerDown.tries += 1
        raise ConnectionRefusedError(111, "Connection refused")


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def mail_server_down(settings):
    MailServerDown.tries = 0
    settings.EMAIL_BACKEND = "tests.core.test_email_queue.MailServerDown"
    return settings


@pytest.fixture
def run_worker(monkeypatch):
    """One worker, as `manage.py db_worker` runs, until no message is due. It would close
    its connection between tasks: here that is the test's, whose transaction must stay."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return work_until_done


def work_until_done():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def queued():
    return DBTaskResult.objects.filter(task_path=DELIVER).order_by("enqueued_at")


def test_a_registration_with_the_mail_server_down_answers_at_once_and_queues_the_message(
    anonymous, empty_directory, database_queue, mail_server_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = register(anonymous)

    assert sent.response.status_code == 302
    # The request did not even try the mail server: the worker will.
    assert MailServerDown.tries == 0
    (message,) = queued()
    assert message.status == TaskResultStatus.READY
    assert message.args_kwargs["args"][0] == ["camille@example.org"]


def test_a_refused_message_is_tried_again_later_and_sent_once_the_server_is_back(
    db, database_queue, mail_server_down, run_worker
):
    send_email(["camille@example.org"], "manage_link", {"cluster": None, "manage_url": "/x"})

    run_worker()

    assert MailServerDown.tries == 1
    first, retry = queued()
    assert first.status == TaskResultStatus.SUCCESSFUL
    assert "Connection refused" in first.return_value["error"]
    assert retry.status == TaskResultStatus.READY
    assert retry.run_after > timezone.now() + RETRY_DELAYS[0] - timedelta(seconds=30)
    run_worker()
    assert MailServerDown.tries == 1, "not tried again before its time"

    mail_server_down.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(timezone.now() + RETRY_DELAYS[0] + timedelta(seconds=1)):
        run_worker()

    assert [message.to for message in mail.outbox] == [["camille@example.org"]]
    retry.refresh_from_db()
    assert retry.status == TaskResultStatus.SUCCESSFUL


def test_after_the_last_try_the_message_is_shown_to_staff_with_its_error(
    editor, database_queue, mail_server_down, run_worker
):
    send_email(["camille@example.org"], "manage_link", {"cluster": None, "manage_url": "/x"})
    later = timezone.now()
    run_worker()
    for delay in RETRY_DELAYS:
        later += delay + timedelta(seconds=1)
        with time_machine.travel(later):
            run_worker()

    assert MailServerDown.tries == len(RETRY_DELAYS) + 1
    assert [task.status for task in queued()].count(TaskResultStatus.FAILED) == 1
    dashboard = get_page(editor, "/admin/")
    failed = follow(
        editor, dashboard, dashboard.soup.find("a", string="E-mails that could not be sent")
    )
    (row,) = failed.soup.select("#result_list tbody tr")
    task = follow(editor, failed, row.find("a"))
    assert "Connection refused" in task.text
    assert "camille@example.org" in task.text


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_message_once(database_queue, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    addresses = [f"contact{number}@example.org" for number in range(20)]
    for address in addresses:
        send_email([address], "manage_link", {"cluster": None, "manage_url": "/x"})
    start = threading.Barrier(2)

    def work(worker_id):
        worker = db_worker.Worker(
            queue_names=["default"], interval=0, batch=True, backend_name="default",
            startup_delay=False, max_tasks=None, worker_id=worker_id, excluded_queue_names=[],
        )  # fmt: skip
        start.wait()
        worker.run()
        connection.close()

    threads = [threading.Thread(target=work, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(address for message in mail.outbox for address in message.to) == sorted(addresses)
    assert {task.status for task in queued()} == {TaskResultStatus.SUCCESSFUL}
