"""The e-mails the directory sends: a text part and the same words as HTML.

Each e-mail is one template under templates/emails/: its first line is the subject, the
rest the body. A failed send is logged rather than raised: it comes after the data it
reports on is saved, and the visitor must not see an error for it.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def send_email(to, template, context, headers=None):
    """Send templates/emails/<template>.txt to the addresses in `to`, with `headers` added.
    Returns whether the mail server took it."""
    context = {"site_url": settings.SITE_URL, **context}
    subject, _, body = render_to_string(f"emails/{template}.txt", context).partition("\n")
    body = body.strip() + "\n"
    message = EmailMultiAlternatives(" ".join(subject.split()), body, to=list(to), headers=headers)
    message.attach_alternative(
        render_to_string("emails/layout.html", {"body": body, **context}), "text/html"
    )
    try:
        message.send()
    except (OSError, smtplib.SMTPException):
        logger.exception("The e-mail %s to %s could not be sent.", template, ", ".join(to))
        return False
    return True


def notify_staff(template, context):
    """Tell the staff named by STAFF_EMAILS, if any."""
    if settings.STAFF_EMAILS:
        send_email(settings.STAFF_EMAILS, template, context)


def tell_sender_and_staff(address, sender_template, staff_template, context):
    """Once the transaction that saved what a person sent commits: acknowledge it to them
    (when they gave an address) and tell the staff."""

    def send():
        if address:
            send_email([address], sender_template, context)
        notify_staff(staff_template, context)

    transaction.on_commit(send)
