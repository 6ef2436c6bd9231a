"""A database or cache that does not answer: a 503 that says so, not a 500."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# What a backend raises when it cannot be reached, drops the connection or times out. Other
# database errors (an integrity error, bad SQL) are faults in the code and stay 500s.
BACKEND_OUTAGES = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)

# A restart of PostgreSQL or Redis takes seconds; browsers and crawlers may come back sooner.
RETRY_AFTER_SECONDS = 30

logger = logging.getLogger(__name__)


class BackendOutageMiddleware:
    """Answer 503 with Retry-After when a view meets a backend outage.

    An outage makes every request fail the same way, so each one is logged in one line,
    without a traceback, and mailed to nobody. A form sent meanwhile gets the 503 too, not a
    redirect: Back returns to the form as it was filled in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, BACKEND_OUTAGES):
            return None
        # One line even when the driver's message spans several.
        reason = " ".join(str(exception).split())
        logger.error(
            "503 for %s %s: %s: %s", request.method, request.path, type(exception).__name__, reason
        )
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        add_never_cache_headers(response)
        # Logged above; this stops Django logging (and mailing) the response again.
        response._has_been_logged = True
        return response
