"""How often one visitor may send the public forms (ten accepted sends an hour per form)
and download the CSV export (settings.EXPORT_RATE_LIMIT).

Only sends that are accepted (and bots caught by the honeypot) count: a form returned to a
person with errors to correct costs them nothing. A send is counted and checked in one
step, the cache's atomic increment, and accepted only if its own count is within the limit:
however many arrive at once, on however many workers and hosts, the tenth is the last.
Counts live in the cache every app server shares (Redis with CACHE_URL, else the
database). When that cache does not answer, the forms work without a limit: turning every
visitor away because a counter is out of reach would be worse than a few sends too many.
"""

import ipaddress
import logging

from django.conf import settings
from django_ratelimit.core import get_usage

from core.outages import BACKEND_OUTAGES

FORM_RATE_LIMIT = "10/h"
RATE_LIMITED_MESSAGE = (
    "You have sent this form many times in the last hour. Nothing was saved; please try "
    "again later."
)
# Where every address is unknown (a proxy on a Unix socket, with no header configured).
UNKNOWN_ADDRESS = "0.0.0.0"

logger = logging.getLogger(__name__)


def limit_reached(request, form_name):
    usage = _usage(request, form_name, FORM_RATE_LIMIT, increment=False)
    return usage is not None and usage["count"] >= usage["limit"]


def count_send(request, form_name):
    """Count a send; False when it is past the limit (it is counted all the same)."""
    usage = _usage(request, form_name, FORM_RATE_LIMIT, increment=True)
    return usage is None or usage["count"] <= usage["limit"]


def count_export(request):
    """Count a download of the CSV export; False when the address has had its share."""
    usage = _usage(request, "export", settings.EXPORT_RATE_LIMIT, increment=True)
    return usage is None or usage["count"] <= usage["limit"]


def client_ip(request):
    """The visitor's address (for django-axes' sign-in lockouts too): the configured proxy
    header's, else the connection's.

    The header is read only when CLIENT_IP_HEADER names it, since anyone can send it to a
    server with no proxy in front. A missing or malformed header (empty, a list, garbage)
    falls back to the connection's address rather than failing the request.
    """
    candidates = [request.META.get("REMOTE_ADDR", "")]
    if settings.CLIENT_IP_HEADER:
        candidates.insert(0, request.headers.get(settings.CLIENT_IP_HEADER, ""))
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate.strip()))
        except ValueError:
            continue
    return UNKNOWN_ADDRESS


class _CacheState:
    """Whether this process last found the cache down, so that an outage is logged once."""

    down = False


def _usage(request, group, rate, increment):
    """django_ratelimit's count of the group's uses from this address, or None while the
    cache does not answer. The first failure is logged, and the first success after it."""
    try:
        usage = get_usage(request, group=group, key="ip", rate=rate, increment=increment)
    except BACKEND_OUTAGES as error:
        if not _CacheState.down:
            logger.error(
                "The cache does not answer: forms and exports are not rate-limited (%s)", error
            )
            _CacheState.down = True
        return None
    if _CacheState.down:
        logger.warning("The cache answers again: forms and exports are rate-limited")
        _CacheState.down = False
    return usage
