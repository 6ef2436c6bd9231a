"""64 clients for 60 seconds on the pages most visited: `make load`.

Builds a throwaway database (as the benchmark does: SQLite in a temporary folder, or a new
database on the PostgreSQL server DATABASE_URL names), loads the seed and, if asked,
generated clusters, serves the site with gunicorn as the README's production section does
(three workers) on a loopback port, and points wrk at the list, the map, the GeoJSON and
cluster pages in turn. It reports the requests, the errors (connection errors, timeouts
and answers other than 2xx or 3xx: must be 0) and the latency percentiles, and exits
non-zero if there was any error.

    .venv/bin/python -m bench.load [--clients 64] [--seconds 60] [--clusters 0]
"""

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.serving import free_port, manage, serve, throwaway_database, wrk_script

WORKERS = 3
CLUSTER_PAGES = 8
# Each request waits this long at most; slower ones count as errors (timeouts).
TIMEOUT_SECONDS = 10

# wrk runs this after the rotation over the paths (bench.serving.wrk_script), in each of its
# threads: each starts at a random path, and ends with a summary as one JSON line.
SCRIPT = """
init = function(args)
  next_path = math.random(#paths) - 1
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'SUMMARY {"requests": %d, "seconds": %f, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50": %d, "p90": %d, "p99": %d, "max": %d}\\n',
    summary.requests, summary.duration / 1e6, errors.connect, errors.read, errors.write,
    errors.status, errors.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=64, help="Open connections.")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clusters", type=int, default=0, help="Generated, beside the seed.")
    options = parser.parse_args()

    wrk = shutil.which("wrk")
    if not wrk:
        sys.exit("wrk is not installed: `make load` installs it (apt-get install wrk).")
    with (
        tempfile.TemporaryDirectory(prefix="csei-load-") as folder,
        throwaway_database(folder, "load") as url,
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
        paths = prepare(environment, options.clusters)
        script = Path(folder) / "paths.lua"
        script.write_text(wrk_script(paths, SCRIPT))
        port = free_port()
        log = Path(folder) / "site.log"
        print(f"{options.clients} clients for {options.seconds} s on {len(paths)} pages:")
        for path in paths:
            print(f"  {path}")
        with serve(environment, port, log, workers=WORKERS):
            summary = run_wrk(wrk, script, port, options)
        failed = report(summary, options)
        if failed:
            print(f"\nThe site's log:\n{log.read_text()[-3000:]}")
    sys.exit(1 if failed else 0)


def prepare(environment, clusters):
    """Static files, schema, seed and generated clusters; returns the paths to load."""
    manage(environment, "collectstatic", "--no-input", "--verbosity", "0")
    manage(environment, "migrate", "--no-input", "--verbosity", "0")
    manage(environment, "load_seed", "--verbosity", "0")
    if clusters:
        manage(environment, "generate_demo_data", "--clusters", str(clusters))
    script = (
        "from clusters.models import Cluster; "
        f"print(*Cluster.objects.published().order_by('?')[:{CLUSTER_PAGES}]"
        ".values_list('slug', flat=True))"
    )
    slugs = manage(environment, "shell", "--verbosity", "0", "--command", script, capture=True)
    return [
        "/clusters/",
        "/clusters/?country=FR&sort=-updated",
        "/clusters/map/",
        "/api/clusters.geojson",
        *(f"/clusters/{slug}/" for slug in slugs.split()),
    ]


def run_wrk(wrk, script, port, options):
    command = [
        wrk, "--threads", "2", "--connections", str(options.clients),
        "--duration", f"{options.seconds}s", "--timeout", f"{TIMEOUT_SECONDS}s",
        "--script", str(script), f"http://127.0.0.1:{port}",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    line = next(line for line in result.stdout.splitlines() if line.startswith("SUMMARY "))
    return json.loads(line.removeprefix("SUMMARY "))


def report(summary, options):
    """Print the figures; True if any request failed."""
    errors = {name: summary[name] for name in ("connect", "read", "write", "timeout", "status")}
    total = sum(errors.values())
    print(
        f"\nwrk, {options.clients} connections for {summary['seconds']:.0f} s against gunicorn "
        f"with {WORKERS} workers on 127.0.0.1:\n"
    )
    print(f"requests:  {summary['requests']}  ({summary['requests'] / summary['seconds']:.1f}/s)")
    print(
        "latency:   "
        + "  ".join(f"{name} {summary[name] / 1000:.0f} ms" for name in ("p50", "p90", "p99"))
        + f"  max {summary['max'] / 1000:.0f} ms"
    )
    print(
        f"errors:    {total}   (must be 0: "
        + ", ".join(f"{name} {count}" for name, count in errors.items())
        + "; status counts answers other than 2xx or 3xx)"
    )
    return total > 0


if __name__ == "__main__":
    main()
