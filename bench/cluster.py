"""The site as several machines, on this one, under load and through faults: `make cluster`.

Starts, each its own and on loopback ports only (never the machine's own services): a
PostgreSQL primary (port 55201) and a streaming replica of it (55202), made with
pg_basebackup; a Redis (26301) that keeps its data on disk, as one that restarts would; two
app servers (gunicorn, 8201 and 8202) reading anonymous pages from the replica through the
router; the task worker (`db_worker`); and HAProxy (8200) health-checking each app server's
/healthz. Then, with wrk loading the public pages through HAProxy, a visitor registering
clusters and a staff member editing one, it stops one app server, then the replica, then
Redis, restarting each, and reports for each step: requests answered, errors, 503s, p99, the
registrations acknowledged but not stored (must be 0), whether the staff member saw their
edit on their next request (must be yes) and, for Redis, whether the edit made while it was
down shows to every visitor once it is back (must be yes). Everything it started is stopped,
whatever happens; it exits non-zero if a "must" fails.

    .venv/bin/python -m bench.cluster [--seconds 8] [--clusters 1000]
"""

import argparse
import http.client
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

import psycopg
from bs4 import BeautifulSoup

from bench.fault import NAME_PREFIX, ThrowawayPostgres, Visitor, port_is_open
from bench.serving import ROOT, manage, site_environment, wrk_script
from tests.pages import form_fields

BALANCER_PORT = 8200
APP_PORTS = (8201, 8202)
PRIMARY_PORT = 55201
REPLICA_PORT = 55202
REDIS_PORT = 26301
WORKERS_PER_APP = 2
CLIENTS = 16
CLUSTER_PAGES = 6
STAFF = ("cluster-staff", secrets.token_urlsafe(16))
EDITED_SLUG = "torino-social-impact"
# The version's copy in Redis is believed this long (core.page_cache.VERSION_SECONDS), and
# a little more for the request in flight.
VERSION_SECONDS = 5

HAPROXY_CONFIG = """
global
    maxconn 512

defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    # A request refused by a server that has just stopped, or cut by it, is sent to the
    # other one; never a form (POST), which may have been received.
    option redispatch
    retries 3
    retry-on all-retryable-errors

frontend www
    bind 127.0.0.1:{balancer}
    # The load's visitors say who they are (each registration its own address); in
    # production this header is always set from the connection: `set-header X-Real-IP %[src]`.
    http-request set-header X-Real-IP %[src] unless {{ req.hdr(X-Real-IP) -m found }}
    default_backend app

backend app
    balance roundrobin
    http-request disable-l7-retry if METH_POST
    option httpchk GET /healthz
    http-check expect status 200
    default-server inter 500ms fall 2 rise 2
    server app1 127.0.0.1:{app1} check
    server app2 127.0.0.1:{app2} check
    # When every server fails its check at once, the fault is one they share (Redis): the
    # servers still answer pages without it, so they are used unchecked rather than none.
    server app1-unchecked 127.0.0.1:{app1} backup
    server app2-unchecked 127.0.0.1:{app2} backup
"""

# After the rotation over the paths (bench.serving.wrk_script): counts the 503s of each
# thread and writes one summary line.
WRK_SUMMARY = """
local threads = {}

setup = function(thread)
  table.insert(threads, thread)
end

init = function(args)
  next_path = math.random(#paths) - 1
  unavailable = 0
end

response = function(status, headers, body)
  if status == 503 then
    unavailable = unavailable + 1
  end
end

done = function(summary, latency, requests)
  local unavailable = 0
  for _, thread in ipairs(threads) do
    unavailable = unavailable + thread:get("unavailable")
  end
  local errors = summary.errors
  io.write(string.format(
    'SUMMARY {"requests": %d, "connect": %d, "read": %d, "write": %d, "status": %d, ' ..
    '"timeout": %d, "unavailable": %d, "p99": %d}\\n',
    summary.requests, errors.connect, errors.read, errors.write, errors.status,
    errors.timeout, unavailable, latency:percentile(99)))
end
"""


# What this tool sets beyond bench.serving.site_environment.
SITE_SETTINGS = {
    "CLIENT_IP_HEADER": "X-Real-IP",
    "TASK_QUEUE": "database",
    # The worker sends to nowhere; the queue says what it sent.
    "EMAIL_URL": "",
    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    "STAFF_EMAILS": "staff@example.org",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8, help="Of load in each step.")
    parser.add_argument("--clusters", type=int, default=1000, help="Generated, beside the seed.")
    options = parser.parse_args()
    for program in ("wrk", "haproxy", "redis-server"):
        if not shutil.which(program):
            sys.exit(f"{program} is not installed: `make cluster` installs it.")
    for port in (BALANCER_PORT, *APP_PORTS, PRIMARY_PORT, REPLICA_PORT, REDIS_PORT):
        if port_is_open(port):
            sys.exit(f"Something already listens on 127.0.0.1:{port}.")

    with tempfile.TemporaryDirectory(prefix="csei-cluster-") as folder, ExitStack() as stack:
        folder = Path(folder)
        print("Starting the primary, the replica and Redis")
        primary = ThrowawayPostgres(PRIMARY_PORT)
        stack.enter_context(primary.running())
        url = primary.create("csei")
        environment = site_environment(url, **SITE_SETTINGS)
        manage(environment, "collectstatic", "--no-input", "--verbosity", "0")
        manage(environment, "migrate", "--no-input", "--verbosity", "0")
        manage(environment, "load_seed", "--verbosity", "0")
        if options.clusters:
            manage(environment, "generate_demo_data", "--clusters", str(options.clusters))
        make_staff(environment)
        replica = Replica(REPLICA_PORT, primary)
        stack.enter_context(replica.running())
        redis = stack.enter_context(Redis(REDIS_PORT, folder))
        environment["CACHE_URL"] = f"redis://127.0.0.1:{REDIS_PORT}/0"
        environment["DATABASE_REPLICA_URL"] = replica.url("csei")

        print("Starting two app servers, the worker and HAProxy")
        apps = [AppServer(port, environment, folder) for port in APP_PORTS]
        for app in apps:
            stack.callback(app.stop)
            app.start()
        worker = stack.enter_context(background(worker_command(), environment, folder, "worker"))
        stack.enter_context(balancer(folder))
        wait_for(lambda: http_status(BALANCER_PORT, "/healthz") == 200, "HAProxy")

        run = ClusterRun(options.seconds, url)
        steps = [
            ("all running", None),
            ("app server 1 stopped", apps[0].stop),
            ("app server 1 back", apps[0].start),
            ("replica stopped", replica.stop),
            ("replica back", replica.start),
            ("Redis stopped", redis.stop),
            ("Redis back", redis.start),
        ]
        for name, fault in steps:
            run.step(name, fault)
        lost = run.lost_registrations()
        # The worker's last messages: a few seconds to send what the last step queued.
        time.sleep(3)
        mail = run.queue_counts()
        if worker.poll() is not None:
            print(f"The worker stopped:\n{(folder / 'worker.log').read_text()[-2000:]}")
    failed = report(run, lost, mail, options)
    sys.exit(1 if failed else 0)


def make_staff(environment):
    username, password = STAFF
    manage(
        {**environment, "DJANGO_SUPERUSER_PASSWORD": password},
        "createsuperuser", "--no-input", "--username", username, "--email", "s@example.org",
    )  # fmt: skip


class Replica(ThrowawayPostgres):
    """A streaming replica of `primary`, copied from it with pg_basebackup."""

    def __init__(self, port, primary):
        super().__init__(port)
        self.primary = primary

    @contextmanager
    def running(self):
        self.folder = Path(tempfile.mkdtemp(prefix="csei-cluster-replica-"))
        self.data = self.folder / "data"
        try:
            if os.geteuid() == 0:
                shutil.chown(self.folder, user="postgres", group="postgres")
            self.run("pg_basebackup", "--host", "127.0.0.1", "--port", self.primary.port,
                     "--username", "postgres", "--pgdata", self.data,
                     "--write-recovery-conf", "--wal-method", "stream")  # fmt: skip
            self.start()
            yield
        finally:
            self.stop()
            shutil.rmtree(self.folder)


class Redis:
    """A Redis of its own, appending every write to a file in `folder`: restarted, it has
    what it had, stale copies included."""

    def __init__(self, port, folder):
        self.port = port
        self.folder = folder / "redis"
        self.folder.mkdir()
        self.process = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        log = open(self.folder / "redis.log", "a")  # noqa: SIM115 - the server's, until it stops
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(self.folder), "--appendonly", "yes", "--appendfsync", "always",
             "--save", ""],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for(lambda: port_is_open(self.port), "Redis")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


class AppServer:
    """gunicorn on 127.0.0.1:`port`, in a process group of its own."""

    def __init__(self, port, environment, folder):
        self.port = port
        self.environment = environment
        self.log = folder / f"app-{port}.log"
        self.process = None

    def start(self):
        command = [
            sys.executable, "-m", "gunicorn", "csei.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(WORKERS_PER_APP),
            "--error-logfile", "-", "--log-level", "warning",
        ]  # fmt: skip
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.environment, stderr=log, start_new_session=True
            )
        wait_for(lambda: http_status(self.port, "/healthz") == 200, f"app server {self.port}")

    def stop(self):
        """As a service manager stops it: SIGTERM, then SIGKILL after ten seconds."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def worker_command():
    return [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--interval", "0.5",
            "--no-reload", "--no-startup-delay", "--verbosity", "0"]  # fmt: skip


@contextmanager
def background(command, environment, folder, name):
    with open(folder / f"{name}.log", "a") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=log, stderr=log, start_new_session=True
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@contextmanager
def balancer(folder):
    config = folder / "haproxy.cfg"
    config.write_text(
        HAPROXY_CONFIG.format(balancer=BALANCER_PORT, app1=APP_PORTS[0], app2=APP_PORTS[1])
    )
    with background(["haproxy", "-db", "-f", str(config)], os.environ, folder, "haproxy") as p:
        yield p


def wait_for(ready, what, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"{what} did not start within {seconds} seconds.")


def http_status(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def get_text(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


class Staff:
    """A staff member signed in through HAProxy, editing a cluster's short description in
    the admin as a person does, then reading its public page."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        login = f"{base()}/admin/login/?next=/admin/"
        page = self.page(login)
        fields = form_fields(page.find("form", id="login-form"))
        username, password = STAFF
        self.post(login, fields | {"username": [username], "password": [password]})
        self.change_url = None

    def page(self, url):
        with self.opener.open(url, timeout=20) as response:
            return BeautifulSoup(response.read(), "html.parser")

    def post(self, url, fields):
        data = urllib.parse.urlencode(fields, doseq=True).encode()
        request = urllib.request.Request(url, data=data, headers={"Referer": url})
        with self.opener.open(request, timeout=20) as response:
            return response.status

    def edit(self, text):
        """Save `text` as the cluster's short description; whether it was saved."""
        if self.change_url is None:
            found = self.page(f"{base()}/admin/clusters/cluster/?q={EDITED_SLUG}")
            link = found.select_one("#result_list tbody th a, #result_list tbody td a")
            self.change_url = urllib.parse.urljoin(f"{base()}/admin/", link["href"])
        form = self.page(self.change_url).find("form", id="cluster_form")
        fields = form_fields(form) | {"short_description": [text], "_save": ["Save"]}
        fields.pop("_addanother", None)
        fields.pop("_continue", None)
        try:
            self.post(self.change_url, fields)
        except OSError:
            return False
        return True

    def sees(self, text):
        try:
            with self.opener.open(f"{base()}/clusters/{EDITED_SLUG}/", timeout=20) as response:
                return text in response.read().decode()
        except OSError:
            return False


def base():
    return f"http://127.0.0.1:{BALANCER_PORT}"


class ClusterRun:
    """Runs the steps and keeps what each measured."""

    def __init__(self, seconds, database_url):
        self.seconds = seconds
        self.database_url = database_url
        self.results = []
        self.acknowledged = set()
        self.staff = Staff()
        self.redis_edit = None
        self.redis_edit_seen = False
        paths = ["/", "/clusters/", "/clusters/map/", "/api/clusters.geojson",
                 "/clusters/?country=FR", "/clusters/export.csv"]  # fmt: skip
        with psycopg.connect(database_url) as connection:
            slugs = connection.execute(
                "SELECT slug FROM clusters_cluster WHERE status = 'published' ORDER BY id LIMIT %s",
                [CLUSTER_PAGES],
            )
            paths += [f"/clusters/{slug}/" for (slug,) in slugs]
        self.script = Path(tempfile.mkstemp(prefix="csei-cluster-", suffix=".lua")[1])
        self.script.write_text(wrk_script(paths, WRK_SUMMARY))
        self.visitor = Visitor(BALANCER_PORT, 0)

    def step(self, name, fault):
        print(f"Step: {name}")
        load = subprocess.Popen(
            ["wrk", "--threads", "2", "--connections", str(CLIENTS), "--duration",
             f"{self.seconds:g}s", "--timeout", "10s", "--script", str(self.script), base()],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        stop = threading.Event()
        registered = []
        registering = threading.Thread(target=self.register, args=(stop, registered))
        registering.start()
        time.sleep(self.seconds / 4)
        if fault:
            fault()
        if name == "Redis back":
            self.redis_edit_seen = self.edit_made_without_redis_seen_by_everyone()
        text = f"Edited during the step {name}, {secrets.token_hex(4)}."
        saved = self.staff.edit(text)
        seen = saved and self.staff.sees(text)
        if name == "Redis stopped":
            self.redis_edit = text if saved else None
        output, _ = load.communicate()
        stop.set()
        registering.join()
        summary = json.loads(re.search(r"^SUMMARY (.*)$", output, re.MULTILINE).group(1))
        self.results.append((name, summary, len(registered), saved, seen))

    def register(self, stop, registered):
        while not stop.is_set():
            status, name = self.visitor.send("POST", "/clusters/register/")
            if status == 302:
                self.acknowledged.add(name)
                registered.append(name)
            time.sleep(0.2)

    def edit_made_without_redis_seen_by_everyone(self):
        """Whether the edit made while Redis was down shows, VERSION_SECONDS after it is
        back, to an anonymous visitor of each app server and of HAProxy (pages from the
        cache, which Redis kept on disk through its restart)."""
        if self.redis_edit is None:
            return False
        time.sleep(VERSION_SECONDS + 1)
        for port in (*APP_PORTS, BALANCER_PORT):
            status, page = get_text(port, f"/clusters/{EDITED_SLUG}/")
            if status != 200 or self.redis_edit not in page:
                return False
        return True

    def queue_counts(self):
        """{status: count} of the e-mails queued during the run."""
        with psycopg.connect(self.database_url) as connection:
            rows = connection.execute(
                "SELECT status, count(*) FROM django_tasks_database_dbtaskresult "
                "WHERE task_path = 'core.emails.deliver_email' GROUP BY status"
            )
            return dict(rows)

    def lost_registrations(self):
        with psycopg.connect(self.database_url) as connection:
            rows = connection.execute(
                "SELECT name FROM clusters_cluster WHERE name LIKE %s", [f"{NAME_PREFIX}%"]
            )
            stored = {name for (name,) in rows}
        return self.acknowledged - stored


def report(run, lost, mail, options):
    """Print the table; True if a "must" failed."""
    print(
        f"\nHAProxy, two app servers (gunicorn, {WORKERS_PER_APP} workers each), PostgreSQL "
        f"primary and streaming replica, Redis and the task worker; wrk with {CLIENTS} "
        f"connections, {options.seconds:g} s a step, the fault a quarter into it.\n"
    )
    print(
        f"{'step':<22} {'requests':>9} {'errors':>7} {'503':>5} {'p99 ms':>7} "
        f"{'registered':>10}  staff edit seen"
    )
    failed = bool(lost)
    for name, summary, registered, saved, seen in run.results:
        errors = sum(summary[key] for key in ("connect", "read", "write", "status", "timeout"))
        kinds = ", ".join(
            f"{key} {summary[key]}"
            for key in ("connect", "read", "write", "timeout", "status")
            if summary[key]
        )
        print(
            f"{name:<22} {summary['requests']:>9} {errors:>7} {summary['unavailable']:>5} "
            f"{summary['p99'] / 1000:>7.0f} {registered:>10}  "
            f"{'yes' if seen else 'NO' if saved else 'not saved'}"
            + (f"   errors: {kinds}" if kinds else "")
        )
        failed = failed or not seen
    print()
    print(f"registrations acknowledged but not stored: {len(lost)} of {len(run.acknowledged)}"
          "   (must be 0)")  # fmt: skip
    print(
        f"edit made while Redis was down shows to every visitor {VERSION_SECONDS + 1} s after "
        f"it is back: {'yes' if run.redis_edit_seen else 'NO'}   (must be yes)"
    )
    print(
        "e-mails queued by the registrations and edits: "
        + ", ".join(f"{status.lower()} {count}" for status, count in sorted(mail.items()))
    )
    return failed or not run.redis_edit_seen


if __name__ == "__main__":
    main()
