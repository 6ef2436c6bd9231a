"""Public pages and open data kept compressed in the cache until the directory changes.

A page is stored under its address (the query string normalised) and language, with the
directory's version, a token in the database that every write to what the pages show
replaces once its transaction is committed. The page and the cache's copy of the current
version are read together, in one query or one Redis round trip; a page of another version
is built again: the next visitor after a change gets a fresh page, at once, and nobody an
old one.
Only what every visitor sees alike is stored: anonymous GET requests, answered 200 with no
cookie set and not varying by cookie (a page with a form carries its visitor's CSRF token).

The cache is settings.CACHES["pages"]: its own table in the database, or Redis with
CACHE_URL. PAGE_CACHE_SECONDS = 0 turns it off (the benchmark measures the pages so).
"""

import gzip
import hashlib
import re
import time
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
from core.replicas import PRIMARY_COOKIE

VERSION_KEY = "directory-version"
# How long the cache's copy of the directory's version is believed: the longest a change
# made while the cache was down can go unseen once it is back.
VERSION_SECONDS = 5
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
    """The directory's version as the database holds it."""
    # Imported here: the apps' models import this module while the models are loading.
    from core.models import DirectoryVersion

    version = DirectoryVersion.objects.filter(pk=1).values_list("token", flat=True).first()
    if version is None:
        version = DirectoryVersion.objects.get_or_create(pk=1)[0].token
    return version


def copied_version():
    """The database's version, copied into the cache for VERSION_SECONDS."""
    version = directory_version()
    with suppress(*BACKEND_OUTAGES):
        pages().set(VERSION_KEY, (version, time.time() + VERSION_SECONDS), VERSION_SECONDS)
    return version


def current_version():
    """The directory's version: the cache's copy while it is fresh, else the database's."""
    with suppress(*BACKEND_OUTAGES):
        version = cached_version(pages().get_many([VERSION_KEY]))
        if version:
            return version
    return copied_version()


def cached_version(found):
    """The version in the cache, unless it is older than VERSION_SECONDS."""
    version, fresh_until = found.get(VERSION_KEY) or (None, 0)
    return version if fresh_until > time.time() else None


def directory_changed(**kwargs):
    """Give the directory a new version once the transaction that wrote to it commits.

    The receiver of the signals of every write that shows on a public page, and called by
    the code that writes in bulk. A transaction that writes many rows changes it once.
    The new version is written to the database, then the cache's copy dropped: with the
    cache down, the change shows anyway once its copy has expired, VERSION_SECONDS later.
    """
    pending = transaction.get_connection().run_on_commit
    if any(getattr(callback, "pending", False) for _, callback, _ in pending):
        return

    def new_version():
        from core.models import DirectoryVersion, new_token

        new_version.pending = False
        DirectoryVersion.objects.update_or_create(pk=1, defaults={"token": new_token()})
        pages().delete(VERSION_KEY)

    new_version.pending = True
    # Robust: the write is committed whatever the cache says; a cache that does not answer
    # is logged (and mailed).
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
                version = cached_version(found) or copied_version()
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
    # A visitor with a session may be staff (previews) or have a message waiting; one who
    # has just written reads the primary database, to see their change.
    return not {settings.SESSION_COOKIE_NAME, "messages", PRIMARY_COOKIE} & request.COOKIES.keys()


def page_key(request, parameters):
    query = sorted(
        (name, sorted(values)) for name, values in request.GET.lists() if name in parameters
    )
    # The language too: the address decides it, but a page with one address (the API, the
    # sitemaps) must not serve one language's text to another's visitors.
    language = translation.get_language()
    address = f"{language}:{request.get_host()}{request.path}?{urlencode(query, doseq=True)}"
    # And the secret key: pages carry addresses signed with it (the JSON API's page keys),
    # which a new key would refuse; with a new key the cache starts afresh.
    keyed = f"{settings.SECRET_KEY}\n{address}"
    return "page:" + hashlib.md5(keyed.encode(), usedforsecurity=False).hexdigest()


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
