"""How much slower the main pages are than a trivial view, served the same way.

Builds a throwaway database (SQLite in a temporary folder; with a PostgreSQL DATABASE_URL, a
new database on that server, dropped afterwards), loads the seed and the generated clusters,
serves the site with gunicorn on a loopback port and times each page against /healthz.

    .venv/bin/python -m tests.benchmark [--clusters 10000] [--requests 30]
"""

import argparse
import os
import secrets
import statistics
import tempfile
import time
from pathlib import Path

from tests.serving import READY as BASELINE
from tests.serving import free_port, get, manage, serve, throwaway_database


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=30, help="Timed requests per page.")
    parser.add_argument("--warm-up", type=int, default=3, help="Untimed requests per page.")
    options = parser.parse_args()

    with (
        tempfile.TemporaryDirectory(prefix="csei-bench-") as folder,
        throwaway_database(folder, "benchmark") as url,
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
        detail = prepare(environment, options.clusters)
        pages = [
            BASELINE,
            "/",
            "/clusters/",
            "/clusters/?q=social&country=FR",
            detail,
            "/themes/",
        ]
        port = free_port()
        log = Path(folder) / "gunicorn.log"
        with serve(environment, port, log):
            timings = measure(port, pages, options.warm_up, options.requests)
        report(timings, options.requests)


def prepare(environment, clusters):
    """Static files, schema, seed and demo clusters; returns the path of a typical cluster."""
    manage(environment, "collectstatic", "--no-input", "--verbosity", "0")
    manage(environment, "migrate", "--no-input", "--verbosity", "0")
    manage(environment, "generate_demo_data", "--clusters", str(clusters))
    # A cluster with a middling number of members, as most pages show.
    script = (
        "from django.db.models import Count; from clusters.models import Cluster; "
        "print(Cluster.objects.published().annotate(members=Count('memberships'))"
        ".filter(members=15).first().get_absolute_url())"
    )
    return manage(
        environment, "shell", "--verbosity", "0", "--command", script, capture=True
    ).strip()


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


if __name__ == "__main__":
    main()
