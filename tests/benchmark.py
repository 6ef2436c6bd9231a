"""How much slower the main pages are than a trivial view, served the same way.

Builds a throwaway database (SQLite in a temporary folder; with a PostgreSQL DATABASE_URL, a
new database on that server, dropped afterwards), loads the seed and the generated clusters,
serves the site with gunicorn on a loopback port and times each page against /healthz.
Then it weighs the map's GeoJSON and, with Chromium, times the map page to its first marker.

    .venv/bin/python tests/benchmark.py [--clusters 10000] [--requests 30]
    .venv/bin/python tests/benchmark.py --database postgres://.../csei_100k --requests 5

--database reuses a database filled before (it is only migrated), as 100,000 clusters take
a quarter of an hour to generate.
"""

import argparse
import gzip
import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "/healthz"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=30, help="Timed requests per page.")
    parser.add_argument("--warm-up", type=int, default=3, help="Untimed requests per page.")
    parser.add_argument("--database", help="A database URL with clusters in it already.")
    options = parser.parse_args()

    with (
        tempfile.TemporaryDirectory(prefix="csei-bench-") as folder,
        database(folder, options.database) as url,
    ):
        environment = {
            **os.environ,
            "DATABASE_URL": url,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "LOG_LEVEL": "WARNING",
        }
        detail = prepare(environment, None if options.database else options.clusters)
        pages = [
            BASELINE,
            "/",
            "/clusters/",
            "/clusters/?q=social&country=FR",
            detail,
            "/themes/",
            "/clusters/map/",
            "/api/clusters.geojson",
            "/api/clusters/grid.geojson?zoom=4&bbox=-30,30,40,70",
        ]
        port = free_port()
        log = Path(folder) / "gunicorn.log"
        with serve(environment, port, log):
            timings = measure(port, pages, options.warm_up, options.requests)
            report(timings, options.requests)
            report_map(port)


@contextmanager
def database(folder, existing=None):
    """A database URL that exists for the length of the benchmark only, or `existing`."""
    if existing:
        yield existing
        return
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{folder}/benchmark.sqlite3"
        return
    import psycopg

    parts = urlsplit(configured)
    name = f"csei_benchmark_{os.getpid()}"
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(environment, clusters):
    """Static files, schema, seed and demo clusters (none when `clusters` is None); returns
    the path of a typical cluster."""
    manage = [sys.executable, "manage.py"]
    steps = [
        ["collectstatic", "--no-input", "--verbosity", "0"],
        ["migrate", "--no-input", "--verbosity", "0"],
    ]
    if clusters is not None:
        steps.append(["generate_demo_data", "--clusters", str(clusters)])
    for step in steps:
        subprocess.run(manage + step, cwd=ROOT, env=environment, check=True)
    # A cluster with a middling number of members, as most pages show.
    script = (
        "from django.db.models import Count; from clusters.models import Cluster; "
        "print(Cluster.objects.published().annotate(members=Count('memberships'))"
        ".filter(members=15).first().get_absolute_url())"
    )
    result = subprocess.run(
        manage + ["shell", "--verbosity", "0", "--command", script],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serve(environment, port, log):
    """gunicorn with one worker, so that requests are timed one at a time."""
    command = [
        sys.executable, "-m", "gunicorn", "csei.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", "1",
        "--error-logfile", str(log), "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=environment)
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
            sys.exit(f"gunicorn stopped at start:\n{log.read_text()}")
        try:
            if get(port, BASELINE) == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit("gunicorn did not answer /healthz with 200 within 30 seconds.")


def get(port, path):
    return fetch(port, path)[0]


def fetch(port, path):
    """(status, body as sent) of a GET that accepts gzip, as browsers do."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def measure(port, pages, warm_up, requests):
    """Seconds per request for each page; pages take turns so that drift hits all alike."""
    for page in pages:
        for _ in range(warm_up):
            get(port, page)
    timings = {page: [] for page in pages}
    statuses = {page: set() for page in pages}
    for _ in range(requests):
        for page in pages:
            started = time.perf_counter()
            statuses[page].add(get(port, page))
            timings[page].append(time.perf_counter() - started)
    return {page: (timings[page], statuses[page]) for page in pages}


def report(timings, requests):
    baseline = statistics.median(timings[BASELINE][0])
    print(f"\nMedian of {requests} requests per page, one gunicorn worker on 127.0.0.1:\n")
    print(f"{'page':<45} {'median ms':>10} {'p90 ms':>8} {'× ' + BASELINE:>11}  status")
    for page, (seconds, statuses) in timings.items():
        median = statistics.median(seconds)
        p90 = statistics.quantiles(seconds, n=10)[-1]
        status = ", ".join(str(code) for code in sorted(statuses))
        print(
            f"{page:<45} {median * 1000:>10.1f} {p90 * 1000:>8.1f} "
            f"{median / baseline:>11.1f}  {status}"
        )


def report_map(port):
    status, sent = fetch(port, "/api/clusters.geojson")
    compressed = sent[:2] == b"\x1f\x8b"
    plain = gzip.decompress(sent) if compressed else sent
    features = plain.count(b'"type":"Feature"')
    print(
        f"\n/api/clusters.geojson (status {status}): {features:,} features, "
        f"{len(plain) / 1024:,.0f} KB, sent {len(sent) / 1024:,.0f} KB "
        f"{'gzipped' if compressed else 'as it is'}."
    )
    timings = time_to_markers(port)
    if timings:
        print(
            "/clusters/map/ in headless Chromium, each time a fresh profile: first marker after "
            + ", ".join(
                f"{markers:.2f} s (page {page:.2f} s"
                + (f", grid of the view {view:.2f} s)" if view else ")")
                for markers, page, view in timings
            )
            + "."
        )


def time_to_markers(port, runs=3):
    """[(seconds to the first marker, to the page's HTML, to the grid of the view or None)]
    from the start of each load of /clusters/map/; the first run finds the server's map cache
    cold. None without Chromium."""
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        print("No /usr/bin/chromium: the time to the first marker is not measured.")
        return None
    from playwright.sync_api import sync_playwright

    timings = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{port}/clusters/map/", wait_until="commit")
            page.wait_for_selector(".map-marker, .map-count", timeout=60_000)
            markers, html = page.evaluate(
                "() => [performance.now(), "
                "performance.getEntriesByType('navigation')[0].responseEnd]"
            )
            # Above GRID_ABOVE the first markers are a coarse grid of the world; the grid of
            # the view framed from it comes next.
            page.wait_for_load_state("networkidle")
            view = page.evaluate(
                "() => performance.getEntriesByType('resource')"
                ".filter((entry) => entry.name.includes('bbox='))"
                ".map((entry) => entry.responseEnd).pop() || null"
            )
            timings.append((markers / 1000, html / 1000, view and view / 1000))
            context.close()
        browser.close()
    return timings


if __name__ == "__main__":
    main()
