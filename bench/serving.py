"""Serve the site with gunicorn on a loopback port, for the benchmark, `make fault` and
`make load`: a throwaway database, the management commands, the server, a request."""

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
READY = "/healthz"

# wrk's Lua for asking for a list of paths in turn; each tool adds its own summary (`done`).
WRK_ROTATION = """
local paths = {PATHS}
local next_path = 0

request = function()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end
"""


def site_environment(database_url, **settings):
    """The site's environment as production sets it, served over plain HTTP on the loopback
    (no HTTPS redirect, cookies not marked secure), with a fresh secret key and `settings`
    on top (strings, by name)."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SESSION_COOKIE_SECURE": "false",
        "LOG_LEVEL": "WARNING",
        **settings,
    }


def wrk_script(paths, rest):
    """A wrk script that asks for `paths` in turn, followed by the Lua in `rest`."""
    listed = "{" + ", ".join(json.dumps(path) for path in paths) + "}"
    return WRK_ROTATION.replace("{PATHS}", listed) + rest


@contextmanager
def throwaway_database(folder, purpose):
    """A database URL that exists for the length of the run only: SQLite in `folder`, or,
    when DATABASE_URL names a PostgreSQL server, a new database there named after the
    configured one, dropped afterwards."""
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{folder}/{purpose}.sqlite3"
        return
    import psycopg

    parts = urlsplit(configured)
    name = f"{parts.path.strip('/') or 'csei'}_{purpose}_{os.getpid()}"
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(environment, *arguments, capture=False):
    """Run a management command of the project with these environment variables."""
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serve(environment, port, log, workers=1):
    """gunicorn on 127.0.0.1:`port`, its log and the site's in `log`, until the block ends."""
    command = [
        sys.executable, "-m", "gunicorn", "csei.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--error-logfile", "-", "--log-level", "warning",
    ]  # fmt: skip
    with open(log, "a") as log_file:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stderr=log_file)
    try:
        wait_until_ready(process, port, log)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_ready(process, port, log):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn stopped at start:\n{Path(log).read_text()}")
        try:
            if get(port, READY) == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"gunicorn did not answer {READY} with 200 within 30 seconds.")


def get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()
