"""The e-mails the directory sends: a text part and the same words as HTML.

Each e-mail is one template under templates/emails/: its first line is the subject, the
rest the body. It is rendered in the request and handed to the task queue (settings.TASKS):
a slow or failing mail server never slows or fails the person's request. With the database
queue a worker (`manage.py db_worker`) sends it, trying again after 1, 5, 30 and 120 minutes;
a message still refused after that stays in the admin's "Task results", failed, with the
mail server's error. With the immediate queue (`make run`, the tests) it is sent at once and
a failure is only logged.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import TaskResultStatus, task

logger = logging.getLogger(__name__)

# The waits before each new try of a message the mail server refused.
RETRY_DELAYS = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(minutes=120),
]


class MailNotSent(Exception):
    """The mail server refused a message for the last time."""


def send_email(to, template, context, headers=None, language=None):
    """Queue templates/emails/<template>.txt for the addresses in `to`, with `headers`
    added, written in `language` (by default the active one). Returns whether the message is
    on its way: queued, or with the immediate queue, taken by the mail server."""
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language or translation.get_language()):
        subject, _, body = render_to_string(f"emails/{template}.txt", context).partition("\n")
        body = body.strip() + "\n"
        html = render_to_string("emails/layout.html", {"body": body, **context})
    result = deliver_email.enqueue(list(to), " ".join(subject.split()), body, html, headers)
    return result.status != TaskResultStatus.FAILED


@task()
def deliver_email(to, subject, body, html, headers=None, attempt=1):
    """Send one message; when the server refuses it, queue the next try, or after the last
    one fail, so that the task keeps the error for staff to read."""
    message = EmailMultiAlternatives(subject, body, to=to, headers=headers)
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except (OSError, smtplib.SMTPException) as error:
        retries = deliver_email.get_backend().supports_defer
        if not retries or attempt > len(RETRY_DELAYS):
            addresses = ", ".join(to)
            logger.error("The e-mail %r to %s could not be sent: %s", subject, addresses, error)
            raise MailNotSent(f"Try {attempt} of {subject!r} to {addresses}: {error}") from error
        next_try = timezone.now() + RETRY_DELAYS[attempt - 1]
        deliver_email.using(run_after=next_try).enqueue(
            to, subject, body, html, headers, attempt + 1
        )
        return {"error": str(error), "next_try": next_try.isoformat()}
    return {"sent_to": to}


def notify_staff(template, context):
    """Tell the staff named by STAFF_EMAILS, if any, in the site's first language, whatever
    the language of the page that made the change."""
    if settings.STAFF_EMAILS:
        send_email(settings.STAFF_EMAILS, template, context, language=settings.LANGUAGE_CODE)


def tell_sender_and_staff(address, sender_template, staff_template, context):
    """Once the transaction that saved what a person sent commits: acknowledge it to them
    (when they gave an address), in the language of the page they used, and tell the staff."""
    language = translation.get_language()

    def send():
        if address:
            send_email([address], sender_template, context, language=language)
        notify_staff(staff_template, context)

    transaction.on_commit(send)
