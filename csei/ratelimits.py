"""How often one visitor may send the public forms: ten accepted sends an hour per form.

Only sends that are accepted (and bots caught by the honeypot) count: a form returned to a
person with errors to correct costs them nothing. Counts live in the cache (CACHE_URL), so
that every app server sees the same ones.
"""

from django_ratelimit.core import get_usage

FORM_RATE_LIMIT = "10/h"
RATE_LIMITED_MESSAGE = (
    "You have sent this form many times in the last hour. Nothing was saved; please try "
    "again later."
)


def limit_reached(request, form_name):
    usage = get_usage(request, group=form_name, key="ip", rate=FORM_RATE_LIMIT, method="POST")
    return usage is not None and usage["count"] >= usage["limit"]


def count_send(request, form_name):
    get_usage(
        request, group=form_name, key="ip", rate=FORM_RATE_LIMIT, method="POST", increment=True
    )
