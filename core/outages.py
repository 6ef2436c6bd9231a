"""A database or cache that does not answer: a 503 that says so, not a 500."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views import defaults
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# What a backend raises when it cannot be reached, drops the connection or times out. Other
# database errors (an integrity error, bad SQL) are faults in the code and stay 500s.
BACKEND_OUTAGES = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)

# A restart of PostgreSQL or Redis takes seconds; browsers and crawlers may come back sooner.
RETRY_AFTER_SECONDS = 30

logger = logging.getLogger(__name__)


def server_error(request):
    """The root URLconf's handler500: Django calls it for any exception a request raised, in a
    view or in a middleware (saving the session, say).

    An outage makes every request fail the same way, so it is logged in one line per
    request, without a traceback, and mailed to nobody. A form sent meanwhile gets the 503
    too, not a redirect: Back returns to the form as it was filled in.
    """
    error = sys.exception()
    if not isinstance(error, BACKEND_OUTAGES):
        return defaults.server_error(request)
    # One line even when the driver's message spans several.
    reason = " ".join(str(error).split())
    logger.error(
        "503 for %s %s: %s: %s", request.method, request.path, type(error).__name__, reason
    )
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    # Logged above: this stops Django logging (and mailing) it again with the traceback.
    response._has_been_logged = True
    return response
