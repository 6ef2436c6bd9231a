"""Settings for the CSEI Directory.

Everything that differs between a laptop and production comes from the environment.
"""

import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    """A variable, or the contents of the file named by NAME_FILE (for container secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = env(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or run with DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Before the admin, so that the admin's forms get one field per language.
    "modeltranslation",
    "csei.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "csei.staticfiles.StaticFiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_countries",
    "django_filters",
    "django_ratelimit",
    "csp",
    "simple_history",
    "import_export",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "core",
    "csei",
    "clusters",
    "themes",
    "cases",
    "network",
    "alerts",
]

MIDDLEWARE = [
    # The headers first, so that static files get them too: an SVG opened on its own is a
    # document that could run scripts.
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Pages and data compressed, where no proxy in front does it (static files come
    # compressed from collectstatic; pages from the cache come compressed already).
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The address decides a public page's language; the admin follows the browser's.
    "core.locale.AddressLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Which database the view reads: the replica for anonymous reads, when there is one.
    "core.replicas.ReplicaReadsMiddleware",
    # Records who made each change (the signed-in staff member) in the edit history.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "csei.urls"
WSGI_APPLICATION = "csei.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csei.context_processors.site",
            ],
        },
    },
]

# No DATABASE_URL: a SQLite file under var/, so the site runs with nothing installed.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'csei.sqlite3'}",
        conn_max_age=600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # Readers go on while a transaction writes (write-ahead log), and a transaction
        # takes the write lock when it begins rather than midway, where it would fail at once
        # against another writer instead of waiting for it, up to `timeout` seconds.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 10,
    }
    # Tests' databases in files too, not in memory: the tests of requests that arrive at
    # once need SQLite's locks to wait, which an in-memory database shared between
    # threads does not do (it fails with "database table is locked").
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test.sqlite3")}
else:
    # A random read costs about what a sequential one does on an SSD: with PostgreSQL's
    # default (4) the planner reads the whole table for a search whose matches its indexes
    # find in half the time, at 100,000 clusters.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c random_page_cost=1.1")
# A streaming replica of the PostgreSQL primary, for anonymous public reads (core.replicas):
# a visitor reads the primary for PRIMARY_AFTER_WRITE_SECONDS after their own write, and
# everyone does while the replica is further behind than REPLICA_MAX_LAG_SECONDS or down.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL")
PRIMARY_AFTER_WRITE_SECONDS = int(env("PRIMARY_AFTER_WRITE_SECONDS", "10"))
REPLICA_MAX_LAG_SECONDS = float(env("REPLICA_MAX_LAG_SECONDS", "5"))
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=600, conn_health_checks=True
    )
    # A replica that does not answer is given up on quickly: the primary answers instead.
    DATABASES["replica"]["OPTIONS"] = {"connect_timeout": 2, "options": "-c random_page_cost=1.1"}
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.replicas.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The forms' rate limits count in this cache, so every worker must share it: Redis when
# CACHE_URL names one, else the database (its table comes with `migrate`).
CACHE_URL = env("CACHE_URL")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "pages",
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.DatabaseCache",
            "LOCATION": "csei_cache",
            # `incr` stores a count again with this timeout: it must outlast the longest
            # rate-limit window (an hour), or a slow sender's count would expire early.
            "TIMEOUT": 2 * 60 * 60,
            # Past this many rows the cache drops some; counts of an address must not go.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
        # Pages in a table of their own: the pages dropped when it is full are not counts.
        "pages": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "csei_page_cache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        },
    }
# How long a page stays in that cache (core.page_cache); a change to the directory replaces
# it before that. 0 turns the page cache off.
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", str(24 * 60 * 60)))
# The whole CSV and GeoJSON (without filters) are files built once per directory version
# (clusters.data_files); off, they are built for each request like the filtered ones.
DATA_FILES = env_bool("DATA_FILES", True)
# Downloads of the CSV export one address may make, in django-ratelimit's notation: each
# reads every cluster that matches, so a script looping on it is stopped. At most an hour.
EXPORT_RATE_LIMIT = env("EXPORT_RATE_LIMIT", "30/h")
if not re.fullmatch(r"[1-9][0-9]*/([1-9][0-9]*)?[sm]|[1-9][0-9]*/1?h", EXPORT_RATE_LIMIT):
    raise ImproperlyConfigured(
        f"EXPORT_RATE_LIMIT={EXPORT_RATE_LIMIT!r} is not a rate of at most an hour, such as "
        "30/h, 10/10m or 5/30s."
    )
# W001 says only that django_ratelimit's authors have not tried a backend (this one, or
# Django's own Redis one); E003, which names the caches it cannot count in (local memory,
# Django's database cache), stays on. models.W040 says, on SQLite, that the facet counts'
# covering index is an ordinary one there: its extra columns serve PostgreSQL only, by design.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001", "models.W040"]

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out sign-in is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Staff sign-in: after five failures in a row, that account cannot sign in from that address
# for half an hour. Counting the pair, not the address alone, keeps colleagues behind the
# same office address, and the account elsewhere, able to sign in.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.ratelimits.client_ip"
AXES_LOCKOUT_CALLABLE = "csei.views.signin_locked_out"
# Every sign-in, sign-out and failure is logged with the account and address it counts (a
# password never is); no start-up banner.
AXES_SENSITIVE_PARAMETERS = []
AXES_VERBOSE = False
# Staff sign in again after a working day.
SESSION_COOKIE_AGE = 8 * 60 * 60

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English at the unprefixed addresses, the others under /<code>/. Each language is named in
# itself, as the language switcher shows it. Adding one: a line here and its catalogue in
# locale/ (see the README).
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("it", "Italiano"),
    ("pl", "Polski"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The directory's own vocabulary (taxonomies, thematic areas, case studies) is data with one
# column per language (django-modeltranslation); English is the original and the fallback.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = tuple(code for code, _name in LANGUAGES)
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# Slugs come from the English name, whatever the staff member's language.
MODELTRANSLATION_PREPOPULATE_LANGUAGE = "en"
FORMAT_MODULE_PATH = ["csei.formats"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("leaflet", xstatic.pkg.leaflet.BASE_DIR),
    ("leaflet-markercluster", xstatic.pkg.leaflet_markercluster.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Tests and `make run` serve files straight from the finders; production serves the
# hashed, compressed copies made by collectstatic.
WHITENOISE_USE_FINDERS = DEBUG or env_bool("WHITENOISE_USE_FINDERS")
# Whether a static file is looked up when it is asked for rather than all of them read once
# when the process starts: for development, and for the tests, where each test's client
# starts its own middleware and reading the thousand files took 0.4 s a test.
WHITENOISE_AUTOREFRESH = DEBUG or env_bool("WHITENOISE_AUTOREFRESH")

EMAIL_URL = env("EMAIL_URL")
if EMAIL_URL:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    _email = urlsplit(EMAIL_URL)
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or 587
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_TLS = _email.scheme in ("smtp+tls", "submission")
    EMAIL_USE_SSL = _email.scheme == "smtps"
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    EMAIL_HOST = env("EMAIL_HOST", "localhost")
    EMAIL_PORT = int(env("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
# Work that reaches out of the process (e-mail, core.emails) goes through a task queue.
# "database": kept in the site's own database and run by `manage.py db_worker`, with
# retries, on any number of hosts; "immediate": run at once, in the request (no worker, no
# retries), which `make run` and the tests use.
TASK_QUEUE = env("TASK_QUEUE", "immediate" if DEBUG else "database")
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASK_QUEUE not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASK_QUEUE must be database or immediate, not {TASK_QUEUE!r}.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASK_QUEUE]}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "CSEI Directory <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Staff", address) for address in env_list("ADMINS")]
# GECES staff told of registrations, corrections, proposals, join requests and updates.
STAFF_EMAILS = env_list("STAFF_EMAILS")

# Map tiles come from a configurable server; with none set the map draws on a plain ground.
MAP_TILE_URL = env("MAP_TILE_URL")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION")

# The European Cluster Collaboration Platform, where the directory sends clusters to register;
# a cluster's profile there must be on its domain.
ECCP_URL = env("ECCP_URL", "https://www.clustercollaboration.eu").rstrip("/")
CLUSTER_LIST_PAGE_SIZE = 40

# The licence of the open data, stated by every export and on /data/: Creative Commons
# Attribution 4.0, which the European Commission adopted for reusing its documents.
DATA_LICENSE = env("DATA_LICENSE", "https://creativecommons.org/licenses/by/4.0/")
DATA_LICENSE_NAME = env("DATA_LICENSE_NAME", "Creative Commons Attribution 4.0 (CC BY 4.0)")
DATA_ATTRIBUTION = env("DATA_ATTRIBUTION", f"CSEI Directory, {SITE_URL}/")
# Who publishes the data, as the DCAT-AP catalogue names it.
DATA_PUBLISHER = env(
    "DATA_PUBLISHER", "GECES working group on social economy clusters (CSEI Directory)"
)
ORGANISATION_LIST_PAGE_SIZE = 40
# A registration with its 200 member rows of five fields (six with "remove" ticked) and
# every box of the form ticked sends some 1,300 fields: this takes it, and still bounds what
# a request makes Django read. A request past it gets the 400 page saying what to do.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Spreadsheet import needs the right to change entries; export, the right to see them.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True

# Behind a proxy the connection's address is the proxy's: CLIENT_IP_HEADER names the header
# in which it passes the visitor's (e.g. X-Real-IP). Rate limits and sign-in lockouts count
# per visitor address.
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER")
RATELIMIT_IP_META_KEY = "core.ratelimits.client_ip"

# Security: production values by default; `make run` (DEBUG) relaxes the ones that need HTTPS.
# Behind a TLS-terminating proxy, the header in which it says the request came over HTTPS,
# e.g. X-Forwarded-Proto. Unset without a proxy, or anyone could claim HTTPS with it.
_proxy_ssl_header = env("SECURE_PROXY_SSL_HEADER")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https") if _proxy_ssl_header else None
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# The preload flag only allows a submission to the browsers' preload list; it submits nothing.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# No page of the site uses the browser's sensors, camera, microphone, location or payments:
# none may, nor a page framed in it.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope",
        "magnetometer", "microphone", "midi", "payment", "usb", "xr-spatial-tracking",
    )
}  # fmt: skip
# A staff member who signs in from a link to elsewhere lands on the admin's first page.
LOGIN_REDIRECT_URL = "admin:index"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# /healthz is probed over plain HTTP by load balancers inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]


def _tile_source(url):
    """The CSP source of a tile URL template; `{s}` subdomains become a wildcard."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # No style attributes: Leaflet and the admin's scripts set styles through the CSSOM,
        # which this allows.
        "style-src": [SELF],
        "img-src": [SELF, "data:"] + ([_tile_source(MAP_TILE_URL)] if MAP_TILE_URL else []),
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}

DEFAULT_EXCEPTION_REPORTER_FILTER = "core.error_mail.ErrorMailFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "core.error_mail.ThrottledAdminEmailHandler",
        },
        "null": {"class": "logging.NullHandler"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's errors reach the console through the root logger, and ADMINS by mail.
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        # Scanners send bad Host headers all day: the 400 they get is the whole story.
        "django.security.DisallowedHost": {"handlers": ["null"], "propagate": False},
    },
}
