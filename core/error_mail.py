"""Error mail to ADMINS that helps: what failed and where, a few times, without people's data."""

import re
import time
import traceback

from django.utils.log import AdminEmailHandler
from django.views.debug import SafeExceptionReporterFilter


class ErrorMailFilter(SafeExceptionReporterFilter):
    """What error reports leave out, beyond Django's secrets-looking settings and headers.

    Every POST value (the public forms carry names and addresses, the admin's the
    submitters'); the visitor's address, browser and referrer; and the *_URL settings,
    which may hold passwords (EMAIL_URL, CACHE_URL). The names stay, so a report still says
    which fields were sent.
    """

    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE"  # Django's own list
        "|URL|REMOTE|_IP|FORWARDED|USER_AGENT|REFERER",
        flags=re.IGNORECASE,
    )

    def get_post_parameters(self, request):
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        return dict.fromkeys(request.POST, self.cleansed_substitute)


class ThrottledAdminEmailHandler(AdminEmailHandler):
    """Mails each kind of error at most once every ten minutes from each worker process.

    The kind is where the exception was raised (or, without one, the message's wording): a
    bug that every request meets sends a mail per worker, not one per request.
    """

    interval = 10 * 60

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.last_sent = {}

    def emit(self, record):
        kind = self.kind(record)
        now = time.monotonic()
        if kind in self.last_sent and now - self.last_sent[kind] < self.interval:
            return
        self.last_sent[kind] = now
        super().emit(record)

    @staticmethod
    def kind(record):
        if record.exc_info and record.exc_info[2]:
            raised_at = traceback.extract_tb(record.exc_info[2])[-1]
            return (record.exc_info[0], raised_at.filename, raised_at.lineno)
        return (record.name, record.msg)
