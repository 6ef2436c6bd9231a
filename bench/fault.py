"""Stop the database under load and see what visitors get: `make fault`.

Starts a throwaway PostgreSQL of its own (initdb into a temporary folder, listening on
127.0.0.1:25432 only: never the server the machine runs), migrates it, loads the seed and
serves the site with gunicorn on a loopback port. A few clients then view pages and send
registrations for a bounded time while that PostgreSQL is stopped, as a crash would stop it,
for five seconds and started again. It reports the requests answered 503 during the outage,
those that failed after it (must be 0) and the registrations acknowledged but not stored
(must be 0), and exits non-zero unless both are 0.

    .venv/bin/python -m bench.fault [--port 25432] [--outage 5]
"""

import argparse
import glob
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from bs4 import BeautifulSoup

from bench.serving import free_port, manage, serve, site_environment
from tests.pages import form_fields

CLIENTS = 4
WORKERS = 2
# Each client's requests in a phase, at most: the loop is bounded in count as well as time.
MAX_REQUESTS_PER_PHASE = 400
REQUEST_TIMEOUT = 10
PAGES = ["/", "/clusters/", "/clusters/map/", "/api/clusters.geojson", "/healthz"]
NAME_PREFIX = "Fault test cluster"


# What this tool sets beyond bench.serving.site_environment.
SITE_SETTINGS = {
    # Each registration says it comes from its own visitor, as a proxy would, so the
    # forms' rate limit (per address) lets them all through.
    "CLIENT_IP_HEADER": "X-Real-IP",
    "CACHE_URL": "",
    # The confirmations the registrations send go nowhere.
    "EMAIL_URL": "",
    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # Below the range the system picks outgoing ports from (32768 and up on Linux): a port
    # there can be held for a minute by a connection that just ended.
    parser.add_argument("--port", type=int, default=25432, help="The throwaway PostgreSQL's.")
    parser.add_argument("--outage", type=float, default=5.0, help="Seconds without a database.")
    parser.add_argument("--before", type=float, default=3.0, help="Seconds of load before.")
    parser.add_argument("--after", type=float, default=5.0, help="Seconds of load after.")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="csei-fault-") as folder:
        database = ThrowawayPostgres(options.port)
        with database.running():
            url = database.create("csei_fault")
            environment = site_environment(url, **SITE_SETTINGS)
            print(f"Preparing the site on a throwaway PostgreSQL at 127.0.0.1:{options.port}")
            manage(environment, "collectstatic", "--no-input", "--verbosity", "0")
            manage(environment, "migrate", "--no-input", "--verbosity", "0")
            manage(environment, "load_seed", "--verbosity", "0")
            port = free_port()
            log = Path(folder) / "site.log"
            with serve(environment, port, log, workers=WORKERS):
                visitors = [Visitor(port, number) for number in range(CLIENTS)]
                results = {"before": run_phase(visitors, options.before)}
                database.stop()
                results["during"] = run_phase(visitors, options.outage)
                database.start()
                results["after"] = run_phase(visitors, options.after)
            stored = database.stored_names(url)
        failed = report(results, stored, log.read_text(), options)
    sys.exit(1 if failed else 0)


class ThrowawayPostgres:
    """A PostgreSQL server of its own in a temporary folder, on 127.0.0.1:`port`, run as the
    `postgres` user when this runs as root (PostgreSQL refuses to run as root)."""

    def __init__(self, port):
        self.port = port
        self.binaries = postgres_binaries()

    @contextmanager
    def running(self):
        """Made, started, and at the end stopped and removed, whatever happens between."""
        if port_is_open(self.port):
            sys.exit(f"Something already listens on 127.0.0.1:{self.port}: choose --port.")
        self.folder = Path(tempfile.mkdtemp(prefix="csei-fault-postgres-"))
        self.data = self.folder / "data"
        try:
            if os.geteuid() == 0:
                shutil.chown(self.folder, user="postgres", group="postgres")
            self.run("initdb", "--pgdata", self.data, "--username", "postgres",
                     "--auth", "trust", "--encoding", "UTF8", "--no-sync")  # fmt: skip
            self.start()
            yield
        finally:
            self.stop()
            shutil.rmtree(self.folder)

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self.run("pg_ctl", "start", "--pgdata", self.data, "--wait", "--options", options,
                 "--log", self.folder / "postgres.log")  # fmt: skip

    def stop(self):
        """Stop at once, as a crash would: no checkpoint, connections cut."""
        if (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "stop", "--pgdata", self.data, "--mode", "immediate", "--wait")

    def run(self, program, *arguments):
        command = [str(self.binaries / program), *map(str, arguments)]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    def create(self, name):
        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def url(self, name):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def stored_names(self, url):
        with psycopg.connect(url) as connection:
            rows = connection.execute(
                "SELECT name FROM clusters_cluster WHERE name LIKE %s", [f"{NAME_PREFIX}%"]
            )
            return {name for (name,) in rows}


def postgres_binaries():
    """The folder of initdb and pg_ctl: on the PATH, else Debian's newest PostgreSQL."""
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parts[-3]),
    )
    if not found:
        sys.exit("No initdb found: install PostgreSQL's server (apt-get install postgresql).")
    return Path(found[-1]).parent


def port_is_open(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


class Visitor:
    """One client: views the pages in turn and, every few, sends a registration."""

    def __init__(self, port, number):
        self.port = port
        self.number = number
        self.sent = 0
        self.cookie, self.form = self.registration_form()

    def registration_form(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        connection.request("GET", "/clusters/register/")
        response = connection.getresponse()
        page = BeautifulSoup(response.read(), "html.parser")
        cookie = response.getheader("Set-Cookie").split(";")[0]
        connection.close()
        return cookie, form_fields(page.find("form", method="post"))

    def requests(self):
        """An endless round of page views and registrations."""
        while True:
            for path in PAGES:
                yield "GET", path
            yield "POST", "/clusters/register/"

    def send(self, method, path):
        """The status of one request, or the name of the error that stopped it; for a
        registration also the name sent."""
        name = None
        body = None
        headers = {}
        if method == "POST":
            self.sent += 1
            name = f"{NAME_PREFIX} {self.number}-{self.sent}"
            body = urlencode(self.registration(name), doseq=True)
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": self.cookie,
                # A distinct visitor for each registration (198.18.0.0/15 is for tests).
                "X-Real-IP": f"198.18.{self.number}.{self.sent % 256}",
            }
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            return response.status, name
        except OSError as error:
            return type(error).__name__, name
        finally:
            connection.close()

    def registration(self, name):
        return self.form | {
            "name": [name],
            "short_description": ["Registered while the database was being stopped."],
            "country": ["FR"],
            "city": ["Cahors"],
            "model": ["ptce"],
            "submitter_name": ["Fault Test"],
            "submitter_email": ["fault@example.org"],
            "consent": ["on"],
            "members-0-name": ["Mairie de Cahors"],
            "members-0-type": ["local_authority"],
            "members-1-name": [f"Cooperative {name}"],
            "members-1-type": ["social_economy_enterprise"],
        }


def run_phase(visitors, seconds):
    """Every visitor sends requests for `seconds` (or its cap); returns what each got:
    [(method, status, registration name)]."""
    deadline = time.monotonic() + seconds
    outcomes = []
    lock = threading.Lock()

    def visit(visitor):
        requests = visitor.requests()
        for _ in range(MAX_REQUESTS_PER_PHASE):
            if time.monotonic() >= deadline:
                return
            method, path = next(requests)
            status, name = visitor.send(method, path)
            with lock:
                outcomes.append((method, status, name))

    threads = [threading.Thread(target=visit, args=(visitor,)) for visitor in visitors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def succeeded(status):
    return isinstance(status, int) and status < 400


def report(results, stored, site_log, options):
    """Print the figures; True if any request failed after the outage or a registration
    was acknowledged and lost."""
    acknowledged = {
        name
        for outcomes in results.values()
        for method, status, name in outcomes
        if method == "POST" and status == 302
    }
    lost = acknowledged - stored
    print(
        f"\nPostgreSQL stopped (immediate mode) for {options.outage:g} s under {CLIENTS} "
        f"clients; gunicorn with {WORKERS} workers on 127.0.0.1.\n"
    )
    print(f"{'phase':<8} {'requests':>9} {'succeeded':>10} {'503':>6} {'other':>6}  registered")
    for phase, outcomes in results.items():
        statuses = Counter(status for _, status, _ in outcomes)
        ok = sum(count for status, count in statuses.items() if succeeded(status))
        other = {
            status: count
            for status, count in statuses.items()
            if not succeeded(status) and status != 503
        }
        registered = sum(1 for method, status, _ in outcomes if method == "POST" and status == 302)
        print(
            f"{phase:<8} {len(outcomes):>9} {ok:>10} {statuses[503]:>6} "
            f"{sum(other.values()):>6}  {registered}" + (f"   other: {other}" if other else "")
        )
    during = Counter(status for _, status, _ in results["during"])
    failed_after = [status for _, status, _ in results["after"] if not succeeded(status)]
    outage_lines = re.findall(r"^503 for .*$", site_log, flags=re.MULTILINE)
    tracebacks = site_log.count("Traceback")
    print()
    print(f"answered 503 during the outage:      {during[503]} of {during.total()}")
    print(f"failed after the database was back:  {len(failed_after)}   (must be 0)")
    print(f"acknowledged registrations lost:     {len(lost)} of {len(acknowledged)}   (must be 0)")
    print(f"site log: {len(outage_lines)} one-line 503 entries, {tracebacks} tracebacks")
    if outage_lines:
        print(f"  e.g. {outage_lines[0]}")
    return bool(failed_after or lost)


if __name__ == "__main__":
    main()
