"""64 clients for 60 seconds on the pages most visited, while staff import a spreadsheet of
a thousand clusters: `make load`.

Builds a throwaway database (as the benchmark does: SQLite in a temporary folder, or a new
database on the PostgreSQL server DATABASE_URL names), loads the seed and, if asked,
generated clusters, serves the site with gunicorn as the README's production section does
(three workers) on a loopback port, and points wrk at the list, the map, the GeoJSON and
cluster pages in turn. Meanwhile a staff member signs in and imports a file of `--import`
new clusters (1,000), each with members and taxonomies, previewing it and confirming it as
in the admin. It reports the requests, the errors (connection errors, timeouts and answers
other than 2xx or 3xx: must be 0), the latency percentiles and how long the import's two
steps took, and exits non-zero if a request failed or the import neither completed nor was
refused at once with its limit.

    .venv/bin/python -m bench.load [--clients 64] [--seconds 60] [--clusters 0] [--import 1000]
"""

import argparse
import http.cookiejar
import json
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from bench.serving import (
    free_port,
    manage,
    serve,
    site_environment,
    throwaway_database,
    wrk_script,
)

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
    parser.add_argument(
        "--import", dest="rows", type=int, default=1000, help="Rows of the file staff import."
    )
    options = parser.parse_args()

    wrk = shutil.which("wrk")
    if not wrk:
        sys.exit("wrk is not installed: `make load` installs it (apt-get install wrk).")
    with (
        tempfile.TemporaryDirectory(prefix="csei-load-") as folder,
        throwaway_database(folder, "load") as url,
    ):
        environment = site_environment(url)
        paths = prepare(environment, options.clusters)
        password = secrets.token_urlsafe(16)
        manage(
            {**environment, "DJANGO_SUPERUSER_PASSWORD": password},
            *("createsuperuser", "--no-input", "--username", "load", "--email", "load@example.org"),
        )
        script = Path(folder) / "paths.lua"
        script.write_text(wrk_script(paths, SCRIPT))
        port = free_port()
        log = Path(folder) / "site.log"
        print(f"{options.clients} clients for {options.seconds} s on {len(paths)} pages:")
        for path in paths:
            print(f"  {path}")
        spreadsheet = import_file(options.rows)
        with serve(environment, port, log, workers=WORKERS):
            importing = {}
            staff = threading.Thread(
                target=import_while_loaded, args=(port, password, spreadsheet, importing)
            )
            # The import starts once the load is on.
            staff.start()
            summary = run_wrk(wrk, script, port, options)
            staff.join()
        failed = report(summary, options)
        failed = report_import(importing, options) or failed
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


def import_file(rows):
    """A CSV of `rows` new clusters, with two taxonomy terms and three members each."""
    models = ["ptce", "social_economy_cluster", "cooperative_group", "territorial_partnership"]
    countries = ["FR", "IT", "ES", "PL", "DE", "BE", "PT", "FI"]
    lines = ["name,country,city,model,fields_of_activity,members"]
    for number in range(rows):
        members = "\n".join(
            f"Load member {number}-{n} | {kind}"
            for n, kind in enumerate(["social_economy_enterprise", "local_authority", "other"])
        )
        lines.append(
            f"Imported cluster {number:05d},{countries[number % 8]},Town {number % 97},"
            f'{models[number % 4]},ecology; education,"{members}"'
        )
    return ("\n".join(lines) + "\n").encode()


def import_while_loaded(port, password, spreadsheet, importing):
    """Sign in, preview `spreadsheet` and confirm it, as staff do in the admin; record in
    `importing` each step's time and outcome."""
    time.sleep(5)
    site = f"http://127.0.0.1:{port}"
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def token():
        return next(cookie.value for cookie in jar if cookie.name == "csrftoken")

    def post(path, fields, files=None):
        boundary = secrets.token_hex(12)
        body = b""
        for name, value in {"csrfmiddlewaretoken": token(), **fields}.items():
            body += (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            ).encode()
        for name, (filename, content) in (files or {}).items():
            body += (
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'
                ).encode()
                + content
                + b"\r\n"
            )
        body += f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(
            site + path,
            data=body,
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Referer": site + path,
            },
        )
        started = time.monotonic()
        try:
            with browser.open(request, timeout=120) as response:
                return response.status, response.read().decode(), time.monotonic() - started
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), time.monotonic() - started

    try:
        browser.open(site + "/admin/login/", timeout=60).read()
        post("/admin/login/?next=/admin/", {"username": "load", "password": password})
        browser.open(site + "/admin/clusters/cluster/import/", timeout=60).read()
        status, page, seconds = post(
            "/admin/clusters/cluster/import/",
            {"format": "0", "resource": "0"},
            {"import_file": ("clusters.csv", spreadsheet)},
        )
        importing["preview"] = (status, seconds)
        confirmation = re.search(r'name="token" value="([0-9a-f]+)"', page)
        if confirmation is None:
            refusal = re.search(r'<ul class="errorlist[^>]*>(.*?)</ul>', page, re.S)
            importing["refused"] = re.sub(r"<[^>]+>", " ", refusal.group(1)) if refusal else page
            return
        status, page, seconds = post(
            "/admin/clusters/cluster/process_import/", {"token": confirmation.group(1)}
        )
        importing["confirm"] = (status, seconds)
        said = re.search(r"Import saved: [^<]*", page)
        importing["result"] = said.group(0) if said else page[-2000:]
    except (OSError, StopIteration) as problem:
        importing["failed"] = repr(problem)


def report_import(importing, options):
    """Print how the import went; True if it neither completed nor was refused at once."""
    print(f"\nimport of {options.rows:,} rows while under load:")
    for step in ("preview", "confirm"):
        if step in importing:
            status, seconds = importing[step]
            print(f"  {step}: {status} in {seconds:.1f} s")
    if "refused" in importing:
        said = " ".join(importing["refused"].split())
        print(f"  refused: {said}")
        return importing["preview"][1] > 5
    if "result" in importing:
        print(f"  {importing['result']}")
        return not importing["result"].startswith("Import saved")
    print(f"  failed: {importing.get('failed', 'no answer')}")
    return True


if __name__ == "__main__":
    main()
