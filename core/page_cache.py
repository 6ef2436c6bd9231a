"""Public pages and open data kept compressed in the cache until the directory changes.

A page is stored under its address (the query string normalised) and language, with the directory's
version, a token that every write to what the pages show replaces once its transaction is
committed. The page and the current version are read together, in one query or one Redis
round trip; a page of another version is built again: the next visitor after a change gets
a fresh page, at once, and nobody an old one.
Only what every visitor sees alike is stored: anonymous GET requests, answered 200 with no
cookie set and not varying by cookie (a page with a form carries its visitor's CSRF token).

The cache is settings.CACHES["pages"]: its own table in the database, or Redis with
CACHE_URL. PAGE_CACHE_SECONDS = 0 turns it off (the benchmark measures the pages so).
"""

import gzip
import hashlib
import re
import uuid
from contextlib import suppress
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from core.outages import BACKEND_OUTAGES

VERSION_KEY = "directory-version"
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# Headers a stored page keeps; the middleware adds the rest (security, CSP) on every answer.
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")


@dataclass(frozen=True)
class StoredPage:
    version: str
    body: bytes  # compressed
    etag: str
    headers: tuple


def pages():
    return caches["pages"]


def directory_version():
    version = pages().get(VERSION_KEY)
    if version is None:
        pages().add(VERSION_KEY, uuid.uuid4().hex, None)
        version = pages().get(VERSION_KEY)
    return version


def directory_changed(**kwargs):
    """Give the directory a new version once the transaction that wrote to it commits.

    The receiver of the signals of every write that shows on a public page, and called by
    the code that writes in bulk. A transaction that writes many rows changes it once.
    """
    pending = transaction.get_connection().run_on_commit
    if any(getattr(callback, "pending", False) for _, callback, _ in pending):
        return

    def new_version():
        new_version.pending = False
        pages().set(VERSION_KEY, uuid.uuid4().hex, None)

    new_version.pending = True
    # Robust: the write is committed whatever the cache says; a cache that does not answer
    # is logged (and mailed), and its pages expire after PAGE_CACHE_SECONDS.
    transaction.on_commit(new_version, robust=True)


def cached_page(parameters=()):
    """Keep the view's answer in the cache, keyed by the address and the directory version.

    `parameters` names the query parameters that change the answer; the others are left out
    of the key, so that a link with tracking parameters finds the same page.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not settings.PAGE_CACHE_SECONDS or not cacheable(request):
                return view(request, *args, **kwargs)
            key = page_key(request, parameters)
            try:
                found = pages().get_many([VERSION_KEY, key])
                version = found.get(VERSION_KEY) or directory_version()
            except BACKEND_OUTAGES:
                # Without the cache the page is only slower; the database decides the rest.
                return view(request, *args, **kwargs)
            stored = found.get(key)
            if stored is None or stored.version != version:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render"):
                    response.render()
                if not storable(response):
                    return response
                stored = store(response, version)
                with suppress(*BACKEND_OUTAGES):
                    pages().set(key, stored, settings.PAGE_CACHE_SECONDS)
            return answer(request, stored)

        return wrapper

    return decorator


def cacheable(request):
    if request.method not in ("GET", "HEAD"):
        return False
    # A visitor with a session may be staff (previews) or have a message waiting.
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES


def page_key(request, parameters):
    query = sorted(
        (name, sorted(values)) for name, values in request.GET.lists() if name in parameters
    )
    # The language too: the address decides it, but a page with one address (the API, the
    # sitemaps) must not serve one language's text to another's visitors.
    language = translation.get_language()
    address = f"{language}:{request.get_host()}{request.path}?{urlencode(query, doseq=True)}"
    return "page:" + hashlib.md5(address.encode(), usedforsecurity=False).hexdigest()


def storable(response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "Cookie" not in response.get("Vary", "")
        and "private" not in response.get("Cache-Control", "")
    )


def store(response, version):
    body = response.content
    return StoredPage(
        version=version,
        body=gzip.compress(body, mtime=0),
        # Weak: the compressed and the plain bodies are the same document.
        etag=f'W/"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"',
        headers=tuple((name, response[name]) for name in KEPT_HEADERS if name in response),
    )


def answer(request, stored):
    """The stored page: "not modified" to a browser that has it, compressed to one that
    accepts it."""
    response = get_conditional_response(request, etag=stored.etag)
    if response is None:
        if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
            response = HttpResponse(stored.body)
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(gzip.decompress(stored.body))
        for name, value in stored.headers:
            response[name] = value
    response["ETag"] = stored.etag
    patch_vary_headers(response, ["Accept-Encoding"])
    # Browsers ask again each time, and are answered "not modified" until a change.
    patch_cache_control(response, public=True, no_cache=True)
    return response


# What the public pages show: a write to any of these, or to their many-to-many links,
# gives the directory a new version. Correction suggestions and join requests show on no
# public page until staff act on them, which writes here.
SHOWN_MODELS = [
    "clusters.Cluster",
    "clusters.Organisation",
    "clusters.Membership",
    "clusters.SlugRedirect",
    "clusters.FieldOfActivity",
    "clusters.MemberService",
    "clusters.InnovationType",
    "themes.ThematicArea",
    "cases.CaseStudy",
    "cases.CaseStudyLink",
]


def connect_signals():
    for label in SHOWN_MODELS:
        model = apps.get_model(label)
        uid = f"directory_changed:{label}"
        post_save.connect(directory_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(directory_changed, sender=model, dispatch_uid=uid)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                directory_changed,
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}.{field.name}",
            )
