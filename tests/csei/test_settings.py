"""csei/settings.py: what the environment turns on and off, and the headers every page carries.

Settings are read once per process, so each variation runs Django in a subprocess.
"""

import io
import json
import os
import secrets
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.management import call_command
from django.templatetags.static import static

# Every variable csei/settings.py reads; the tests start from none of them set.
SETTINGS_VARIABLES = {
    "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "SITE_URL", "DATABASE_URL",
    "CACHE_URL", "WHITENOISE_USE_FINDERS", "EMAIL_URL", "EMAIL_BACKEND", "EMAIL_HOST",
    "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS",
    "DEFAULT_FROM_EMAIL", "ADMINS", "MAP_TILE_URL", "MAP_TILE_ATTRIBUTION",
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "LOG_LEVEL", "CLIENT_IP_HEADER",
    "SECURE_PROXY_SSL_HEADER",
}  # fmt: skip

# Reading settings needs no app loaded, which keeps each subprocess short.
PRINT_SETTINGS = """
import json, sys
from django.conf import settings
from django.templatetags.static import static
print(json.dumps({name: getattr(settings, name) for name in sys.argv[1:]}, default=str))
"""


def run(*arguments, **variables):
    """Run Python in the project with only these settings variables set."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name.removesuffix("_FILE") not in SETTINGS_VARIABLES
    }
    environment["DJANGO_SETTINGS_MODULE"] = "csei.settings"
    environment.update(variables)
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_with(names, **variables):
    """The values of the named settings when Django starts with these variables."""
    variables.setdefault("SECRET_KEY", "a-key-for-reading-settings")
    result = run("-c", PRINT_SETTINGS, *names, **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def production_secret_key():
    return secrets.token_urlsafe(50)


@pytest.mark.parametrize("debug", [None, "false", ""])
def test_without_debug_the_site_refuses_to_start_without_a_secret_key(debug):
    variables = {} if debug is None else {"DEBUG": debug}

    result = run("-c", "import django; django.setup()", **variables)

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr


def test_in_debug_the_site_starts_without_a_secret_key():
    values = settings_with(["DEBUG", "SECRET_KEY"], DEBUG="true", SECRET_KEY="")

    assert values["DEBUG"] is True
    assert values["SECRET_KEY"]


def test_a_secret_key_can_come_from_a_file(tmp_path):
    secret_file = tmp_path / "secret_key"
    secret_file.write_text("from-a-mounted-secret\n")

    values = settings_with(["SECRET_KEY"], SECRET_KEY="", SECRET_KEY_FILE=str(secret_file))

    assert values["SECRET_KEY"] == "from-a-mounted-secret"


def test_a_debug_value_that_is_neither_true_nor_false_is_an_error():
    result = run("-c", "import django; django.setup()", DEBUG="maybe", SECRET_KEY="x")

    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG must be true or false, not 'maybe'." in result.stderr


@pytest.mark.parametrize("cache_url", ["", "redis://127.0.0.1:6379/0"])
def test_the_production_variables_pass_the_deployment_checks(cache_url):
    """Those of the README's Production section, with Redis or the database as the cache."""
    result = run(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING",
        SECRET_KEY=production_secret_key(), ALLOWED_HOSTS="csei.example.org", DEBUG="false",
        SITE_URL="https://csei.example.org", CACHE_URL=cache_url,
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto", CLIENT_IP_HEADER="X-Real-IP",
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_checks_catch_a_weak_secret_key():
    result = run(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING",
        SECRET_KEY="short", ALLOWED_HOSTS="csei.example.org",
    )  # fmt: skip

    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_production_security_is_on_by_default():
    values = settings_with(
        [
            "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER",
            "X_FRAME_OPTIONS", "ALLOWED_HOSTS",
        ]
    )  # fmt: skip

    assert values == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 365 * 24 * 60 * 60,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": None,
        "X_FRAME_OPTIONS": "DENY",
        "ALLOWED_HOSTS": ["localhost", "127.0.0.1", "[::1]"],
    }


def test_a_proxy_is_trusted_to_say_https_only_through_the_header_configured():
    values = settings_with(["SECURE_PROXY_SSL_HEADER"], SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")

    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_without_a_proxy_configured_a_request_cannot_claim_https(anonymous, db, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = anonymous.get("/about/", HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/about/"


def test_behind_a_configured_proxy_its_https_header_is_trusted(anonymous, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    assert anonymous.get("/about/", HTTP_X_FORWARDED_PROTO="https").status_code == 200


def test_allowed_hosts_is_a_comma_separated_list():
    values = settings_with(["ALLOWED_HOSTS"], ALLOWED_HOSTS=" csei.example.org, ,www.example.org")

    assert values["ALLOWED_HOSTS"] == ["csei.example.org", "www.example.org"]


def test_without_a_database_url_the_database_is_a_sqlite_file_under_var():
    database = settings_with(["DATABASES"])["DATABASES"]["default"]

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(settings.BASE_DIR / "var" / "csei.sqlite3")


def test_a_database_url_chooses_postgresql_with_healthy_persistent_connections():
    database = settings_with(
        ["DATABASES"], DATABASE_URL="postgres://csei:secret@db.example.org:5433/directory"
    )["DATABASES"]["default"]

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == (
        "db.example.org",
        5433,
        "directory",
    )
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["CONN_MAX_AGE"] > 0


def test_the_cache_every_worker_shares_is_the_database_unless_a_cache_url_is_set():
    database = settings_with(["CACHES"])["CACHES"]["default"]
    redis = settings_with(["CACHES"], CACHE_URL="redis://127.0.0.1:6379/0")["CACHES"]["default"]

    assert (database["BACKEND"], database["LOCATION"]) == ("core.cache.DatabaseCache", "csei_cache")
    assert redis == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/0",
    }


def test_migrate_makes_the_cache_table_even_while_redis_is_the_cache(tmp_path):
    """So that the database cache works the day CACHE_URL is dropped, with no extra step."""
    database = {"DATABASE_URL": f"sqlite:///{tmp_path}/fresh.sqlite3"}
    # The cache tables are the csei app's: its migrations alone are enough to show it.
    migrate = run("manage.py", "migrate", "csei", "--no-input", CACHE_URL="redis://127.0.0.1:1/0",
                  SECRET_KEY="x", **database)  # fmt: skip
    assert migrate.returncode == 0, migrate.stderr

    use = run(
        "manage.py", "shell", "--no-imports", "-c",
        "from django.core.cache import cache; cache.set('k', 'v'); print(cache.get('k'))",
        SECRET_KEY="x", **database,
    )  # fmt: skip

    assert use.returncode == 0, use.stderr
    assert use.stdout == "v\n"


def test_email_goes_to_the_console_unless_an_email_url_is_set():
    names = ["EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER"]
    local = settings_with(names)
    smtp = settings_with(
        [*names, "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS"],
        EMAIL_URL="smtp+tls://mailer:p%40ss@mail.example.org:587",
    )

    assert local["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert smtp == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "p@ss",
        "EMAIL_USE_TLS": True,
    }


def test_a_map_tile_server_is_allowed_to_serve_images_and_nothing_else():
    policy = settings_with(
        ["CONTENT_SECURITY_POLICY"], MAP_TILE_URL="https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    )["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]

    assert "https://*.tiles.example.org" in policy["img-src"]
    assert "https://*.tiles.example.org" not in policy["script-src"] + policy["connect-src"]


def content_security_policy(response):
    header = response["Content-Security-Policy"]
    directives = {}
    for directive in header.split(";"):
        name, *sources = directive.split()
        directives[name] = sources
    return directives


@pytest.mark.parametrize(
    "url", ["/", "/clusters/", "/clusters/map/", "/about/", "/no-such-page/", "/api/clusters.json"]
)
def test_every_response_carries_a_strict_content_security_policy(anonymous, db, url):
    response = anonymous.get(url)
    policy = content_security_policy(response)

    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    for name, sources in policy.items():
        assert "'unsafe-inline'" not in sources, name
        assert "'unsafe-eval'" not in sources, name
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "geolocation=()" in response["Permissions-Policy"]
    assert "camera=()" in response["Permissions-Policy"]


def test_the_admin_allows_inline_styles_only_as_the_readme_says(administrator):
    policy = content_security_policy(administrator.get("/admin/"))

    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["script-src"] == ["'self'"]
    readme = (settings.BASE_DIR / "README.md").read_text()
    assert "Staff pages allow inline styles" in " ".join(readme.split())


@pytest.mark.parametrize(
    "url",
    [
        "/", "/clusters/", "/clusters/map/", "/clusters/figeacteurs/",
        "/clusters/figeacteurs/suggest/", "/clusters/register/", "/about/", "/privacy/",
        "/themes/", "/cases/",
    ],
)  # fmt: skip
def test_pages_have_no_inline_script_or_style_the_policy_would_block(anonymous, make_cluster, url):
    make_cluster(name="Figeacteurs")

    assert_nothing_inline(anonymous, url)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/", "/admin/clusters/cluster/", "/admin/clusters/cluster/add/",
        "/admin/clusters/cluster/?status__exact=pending", "/admin/themes/thematicarea/",
        "/admin/cases/casestudy/add/", "/admin/axes/accessattempt/",
    ],
)  # fmt: skip
def test_the_admin_pages_have_no_inline_script_or_style_either(administrator, url):
    assert_nothing_inline(administrator, url)


def test_the_sign_in_page_has_no_inline_script_or_style(anonymous, db):
    assert_nothing_inline(anonymous, "/admin/login/")


def assert_nothing_inline(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    page = BeautifulSoup(response.content, "html.parser")

    for script in page.find_all("script"):
        # JSON-LD is a data block, which browsers never run: the policy does not apply to it.
        if script.get("type") == "application/ld+json":
            continue
        assert script.get("src"), f"inline script on {url}"
    assert not page.find_all("style"), f"style element on {url}"
    for element in page.find_all(True):
        handlers = [name for name in element.attrs if name.startswith("on")]
        assert not handlers, f"{element.name} has {handlers} on {url}"
        assert "style" not in element.attrs, f"{element.name} has a style attribute on {url}"
        assert not element.get("href", "").startswith("javascript:")


@pytest.mark.parametrize("path", ["css/site.css", "img/favicon.svg"])
def test_static_files_carry_the_security_headers_too(anonymous, db, path):
    response = anonymous.get(static(path), secure=True)
    response.close()

    assert response.status_code == 200
    assert content_security_policy(response)["default-src"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "microphone=()" in response["Permissions-Policy"]


def test_the_system_checks_raise_no_warning_on_this_database(db):
    """Every manage.py command would print it, `make run` first of all."""
    call_command("check", "--database", "default", fail_level="WARNING", stdout=io.StringIO())
