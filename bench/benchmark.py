"""`make bench`: how fast the public pages are at 10,000 and 100,000 clusters, measured
against a trivial view (/healthz) served the same way, so that the figures compare across
machines.

For each size, a PostgreSQL database on the server DATABASE_URL names (csei_bench_10k,
csei_bench_100k), kept between runs: migrated and reused when it holds that many generated
clusters, made with generate_demo_data otherwise. The site is served as in production:
gunicorn with two workers, DEBUG off, on a loopback port; once with the page cache off
(PAGE_CACHE_SECONDS=0) and once on (a day, in the database's cache table, warmed first).
wrk keeps CONNECTIONS connections busy on each group of pages in turn for --seconds (longer
for a slow page), each group right after /healthz, for --rounds rounds. SQL queries are
counted by running a sample of each group's addresses once through Django's test client;
bytes are read as a browser gets them, gzip-compressed; the full CSV export is timed once,
to its first byte and to its last.

Figures go to var/bench/results.json and, as a table with the targets, var/bench/results.md.

    .venv/bin/python -m bench.benchmark [--sizes 10000 100000] [--seconds 5] [--rounds 2]
    .venv/bin/python -m bench.benchmark --quick    # 10,000 clusters, 3 seconds a group
    .venv/bin/python -m bench.benchmark --quick --groups list embed changes   # some groups
"""

import argparse
import http.client
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

from bench.serving import READY, ROOT, manage, serve, site_environment, wrk_script

OUTPUT = ROOT / "var" / "bench"
# Two connections a worker, so that no worker waits for wrk between requests.
WORKERS = 2
CONNECTIONS = 4
# A slower answer counts as an error; a run lasts a minute at most.
TIMEOUT_SECONDS = 60
LONGEST_RUN = 60
FILTER_COMBINATIONS = 200
CLUSTER_PAGES = 50
# Organisation pages of the mix: spread over the table, and those in the most clusters.
ORGANISATION_PAGES = 20
LARGEST_ORGANISATIONS = 5
# Addresses of each group run through the test client to count their queries.
QUERY_SAMPLE = 10
SEARCHES = [
    "social", "green", "cooperative hub", "lyon", "energy", "circular network", "torino sociel",
    "university", "bruxelles", "repair cafe", "zzzz nothing matches",
]  # fmt: skip
# A 100,000-cluster export is tens of megabytes; the timed mix downloads a country's
# clusters of one model, the full export is timed apart (first byte and whole).
EXPORT_FILTERS = [
    {"country": country, "model": model}
    for country in ("FR", "DE", "PL", "SE", "LU")
    for model in ("ptce", "social_economy_cluster", "other")
]
MODES = {"uncached": "0", "cached": str(24 * 60 * 60)}
# Page FAR_PAGE of the JSON API, FAR_PAGE_SIZE clusters a page: it exists at 10,000 clusters.
FAR_PAGE = 1000
FAR_PAGE_SIZE = 10
# Pages of the changes API (its usual 100 changes each): from the start of the log, from its
# middle and from a page before its end, reached by the cursors a mirror would hold.
CHANGES_PLACES = (0, 0.5, 0.99)
# Part of France, as a site of a French network would frame it.
EMBED_BOX = "-1.5,43,7.5,48"

# (group, mode, what, limit): shares of /healthz's requests per second at 10,000 clusters
# ("share", at least), compressed sizes ("kilobytes", at most), and the growth of the median
# time from 10,000 to 100,000 clusters ("growth", at most).
TARGETS = [
    *(
        (group, mode, "share", limit)
        for group in ("list", "search", "filters")
        for mode, limit in (("uncached", 0.02 if group == "search" else 0.03), ("cached", 0.40))
    ),
    *(
        (group, mode, "share", limit)
        for group in ("organisations", "statistics", "feed")
        for mode, limit in (("uncached", 0.03), ("cached", 0.40))
    ),
    ("cluster", "uncached", "share", 0.10),
    ("organisation", "uncached", "share", 0.10),
    ("home", "uncached", "share", 0.05),
    ("home", "cached", "share", 0.40),
    # The ways in from other sites and programs: each at least the list's share.
    *(
        (group, mode, "share_of", "list")
        for group in ("feed", "theme_feed", "embed", "changes")
        for mode in MODES
    ),
    # In French as in English.
    ("list_fr", "uncached", "share", 0.03),
    ("list_fr", "cached", "share", 0.40),
    ("cluster_fr", "uncached", "share", 0.10),
    ("map", "any", "kilobytes", 100),
    ("geojson", "any", "kilobytes", 300),
    ("geojson", "cached", "share", 0.20),
    # Page 1,000 of the JSON API, reached by its key, against page 1, at each size.
    ("json_far", "uncached", "ratio", 1.3),
    *(
        (group, mode, "growth", 1.5 if group == "search" else 1.3)
        for group in (
            "home",
            "list",
            "search",
            "filters",
            "cluster",
            "map",
            "geojson",
            "grid",
            "organisations",
            "organisation",
            "statistics",
            "feed",
            "theme_feed",
            "embed",
            "changes",
            "list_fr",
            "cluster_fr",
        )
        for mode in MODES
    ),
]

# wrk runs this after the rotation over the group's addresses (bench.serving.wrk_script):
# gzip accepted as browsers do, then a summary as one JSON line.
WRK_SCRIPT = """
wrk.headers["Accept-Encoding"] = "gzip"

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'SUMMARY {"requests": %d, "seconds": %f, "errors": %d, "p50": %d, "p99": %d}\\n',
    summary.requests, summary.duration / 1e6,
    errors.connect + errors.read + errors.write + errors.status + errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


# What this tool sets beyond bench.serving.site_environment.
SITE_SETTINGS = {
    # The mix downloads the export hundreds of times from one address.
    "EXPORT_RATE_LIMIT": "100000/h",
    # No worker runs beside the benchmark's server: the whole downloads are built by the
    # first request of the directory's version, as a worker would build them once,
    # rather than never (then each download would be built for its request).
    "TASK_QUEUE": "immediate",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seconds", type=int, default=5, help="Of load, per group and round.")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--port", type=int, default=18100, help="Loopback, 18100-18199.")
    parser.add_argument(
        "--databases",
        default="csei_bench",
        help="The prefix of the kept databases' names (csei_bench_10k and so on).",
    )
    parser.add_argument(
        "--quick", action="store_true", help="10,000 clusters, 3 seconds a group, one round."
    )
    parser.add_argument(
        "--groups", nargs="+", help="Only these groups of pages (and /healthz), to check them."
    )
    options = parser.parse_args()
    if options.quick:
        options.sizes, options.seconds, options.rounds = [10_000], 3, 1
    wrk = shutil.which("wrk")
    if not wrk:
        sys.exit("wrk is not installed: `make bench` installs it (apt-get install wrk).")
    server = os.environ.get("DATABASE_URL", "") or "postgres://postgres@127.0.0.1:5432/"
    if not server.startswith(("postgres://", "postgresql://")):
        sys.exit("The benchmark needs PostgreSQL: DATABASE_URL must name its server.")

    started = time.monotonic()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    environment = site_environment(server, **SITE_SETTINGS)
    manage(environment, "collectstatic", "--no-input", "--verbosity", "0")
    results = {
        "settings": {
            "workers": WORKERS, "connections": CONNECTIONS, "seconds": options.seconds,
            "rounds": options.rounds, "cpus": os.cpu_count(),
        },
        "sizes": {},
    }  # fmt: skip
    for size in options.sizes:
        environment["DATABASE_URL"] = bench_database(server, size, options.databases)
        results["sizes"][str(size)] = bench_size(wrk, environment, options)
        results["minutes"] = round((time.monotonic() - started) / 60, 1)
        # After each size: a run cut short keeps what it measured.
        (OUTPUT / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    table = report(results)
    (OUTPUT / "results.md").write_text(table)
    print("\n" + table)
    print(f"Written to {OUTPUT / 'results.json'} and {OUTPUT / 'results.md'}.")


def bench_database(server, size, prefix="csei_bench"):
    """The URL of <prefix>_<size>, holding `size` generated clusters: kept from an
    earlier run and migrated when it is complete (generate_demo_data writes all or
    nothing), made otherwise."""
    import psycopg

    parts = urlsplit(server)
    name = f"{prefix}_{size // 1000}k" if size % 1000 == 0 else f"{prefix}_{size}"
    url = urlunsplit(parts._replace(path=f"/{name}"))
    environment = site_environment(url, **SITE_SETTINGS)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            manage(environment, "migrate", "--no-input", "--verbosity", "0")
            if generated_clusters(environment) == size:
                print(f"Reusing {name}: it holds {size:,} generated clusters.")
                return url
            print(f"{name} does not hold {size:,} generated clusters: made again.")
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    manage(environment, "migrate", "--no-input", "--verbosity", "0")
    print(f"Generating {size:,} clusters in {name}:")
    manage(environment, "generate_demo_data", "--clusters", str(size))
    return url


def generated_clusters(environment):
    script = (
        "from clusters.demo import DEMO_NOTE; "
        "from clusters.models import Cluster; "
        "print(Cluster.objects.filter(staff_notes=DEMO_NOTE).count())"
    )
    output = manage(environment, "shell", "--verbosity", "0", "--command", script, capture=True)
    return int(output.strip())


def bench_size(wrk, environment, options):
    with tempfile.TemporaryDirectory(prefix="csei-bench-") as folder:
        groups = url_mix(environment, Path(folder))
        if options.groups:
            unknown = set(options.groups) - set(groups)
            if unknown:
                sys.exit(f"No such group: {', '.join(sorted(unknown))}.")
            groups = {
                group: paths
                for group, paths in groups.items()
                if group == READY or group in options.groups
            }
        result = {
            "groups": {group: len(paths) for group, paths in groups.items()},
            "queries": count_queries(environment, groups, Path(folder)),
            "modes": {},
        }
        log = OUTPUT / "gunicorn.log"
        for mode, seconds in MODES.items():
            print(f"Serving with the page cache {'off' if seconds == '0' else 'on'} ({mode}).")
            with serve({**environment, "PAGE_CACHE_SECONDS": seconds}, options.port, log, WORKERS):
                if mode == "cached":
                    # Every address once: the cache warmed, each status and size read.
                    result["pages"] = {
                        group: fetch_all(options.port, paths) for group, paths in groups.items()
                    }
                elif not options.groups:
                    result["export"] = time_export(options.port)
                if not options.groups:
                    result.setdefault("first_marker_s", {})[mode] = time_to_first_marker(
                        options.port
                    )
                result["modes"][mode] = run_rounds(wrk, options, groups, Path(folder))
    return result


def time_to_first_marker(port, loads=3):
    """Seconds from asking for /clusters/map/ to its first marker drawn, in headless Chromium
    with a fresh profile each time: the median of `loads`, or None without Chromium."""
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        print("No /usr/bin/chromium: the time to the first map marker is not measured.")
        return None
    from playwright.sync_api import sync_playwright

    seconds = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for _ in range(loads):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{port}/clusters/map/", wait_until="commit")
            # A marker is a cluster, or a count of clusters in a cell of the grid.
            page.wait_for_selector(".map-marker, .map-count", timeout=60_000)
            seconds.append(page.evaluate("performance.now()") / 1000)
            context.close()
        browser.close()
    return round(statistics.median(seconds), 2)


def url_mix(environment, folder):
    """The fixed addresses of each group of pages, built from the database's values."""
    values_file = folder / "values.json"
    manage(
        {**environment, "BENCH_FILE": str(values_file)},
        "shell", "--verbosity", "0", "--command",
        "from bench.benchmark import write_values; write_values()",
    )  # fmt: skip
    values = json.loads(values_file.read_text())
    rng = random.Random(10)
    filters = []
    while len(filters) < FILTER_COMBINATIONS:
        chosen = rng.sample(sorted(values["filters"]), rng.randint(1, 3))
        query = sorted(
            (name, value)
            for name in chosen
            for value in rng.sample(values["filters"][name], 1 + (rng.random() < 0.2))
        )
        if rng.random() < 0.2:
            query.append(("sort", rng.choice(["name", "-updated", "country"])))
        address = "/clusters/?" + urlencode(query)
        if address not in filters:
            filters.append(address)
    return {
        READY: [READY],
        "home": ["/"],
        "list": ["/clusters/", "/clusters/?page=2", "/clusters/?page=50",
                 "/clusters/?sort=-updated"],
        "search": [f"/clusters/?{urlencode({'q': words})}" for words in SEARCHES]
        + ["/clusters/?q=social&country=FR", "/clusters/?q=green&model=ptce"],
        "filters": filters,
        "cluster": [f"/clusters/{slug}/" for slug in values["slugs"]],
        "map": ["/clusters/map/", "/clusters/map/?country=FR", "/clusters/map/?model=ptce"],
        "geojson": ["/api/clusters.geojson"],
        # What the map page asks for above GRID_ABOVE clusters: Europe, then closer.
        "grid": [
            "/api/clusters/grid.geojson?zoom=4&bbox=-25,34,45,72",
            "/api/clusters/grid.geojson?zoom=6&bbox=-5,42,9,51",
            "/api/clusters/grid.geojson?zoom=10&bbox=2.2,48.7,2.5,49",
        ],
        "json": ["/api/clusters.json", "/api/clusters.json?page=2", "/api/clusters.json?page=40",
                 "/api/clusters.json?country=DE&page=3", "/api/clusters.json?page_size=1000"],
        "json_first": [f"/api/clusters.json?page_size={FAR_PAGE_SIZE}"],
        "json_far": [values["far_page"]],
        "export": [f"/clusters/export.csv?{urlencode(query)}" for query in EXPORT_FILTERS],
        "themes": ["/themes/"],
        "organisations": ["/organisations/", "/organisations/?page=2",
                          "/organisations/?type=local_authority&sort=-clusters",
                          "/organisations/?country=FR&clusters=2", "/organisations/?q=paris",
                          "/organisations/?country=PL&q=terra"],
        "organisation": [f"/organisations/{slug}/" for slug in values["organisations"]],
        "statistics": ["/statistics/", "/statistics/?country=PL",
                       "/statistics/?field=local-food-and-sustainable-agriculture",
                       "/statistics/?model=ptce&eccp=no", "/statistics/?q=green"],
        # Atom feeds of new clusters, with the list's filters and a search.
        "feed": ["/clusters/feed.atom", "/clusters/feed.atom?country=FR",
                 "/clusters/feed.atom?model=ptce&country=DE", "/clusters/feed.atom?q=green"],
        # Each thematic area's feed: its clusters by the day they joined it.
        "theme_feed": [f"/themes/{slug}/feed.atom" for slug in values["filters"]["theme"]],
        # The list made to be framed by other sites, with filters and a box.
        "embed": ["/embed/list/", "/embed/list/?country=FR", f"/embed/list/?bbox={EMBED_BOX}",
                  f"/embed/list/?bbox={EMBED_BOX}&page=2",
                  f"/embed/list/?theme={values['filters']['theme'][0]}&country=DE"],
        "changes": values["changes"],
        # The list and cluster pages under /fr/: the words translated, the same queries.
        "list_fr": ["/fr/clusters/", "/fr/clusters/?page=2", "/fr/clusters/?country=FR",
                    "/fr/clusters/?sort=-updated"],
        "cluster_fr": [f"/fr/clusters/{slug}/" for slug in values["slugs"]],
    }  # fmt: skip


def organisation_slugs():
    """Public organisations spread over the table, and those in the most clusters."""
    from clusters.models import Organisation

    public = Organisation.objects.public()
    slugs = list(public.order_by("pk").values_list("slug", flat=True))
    spread = slugs[:: max(1, len(slugs) // ORGANISATION_PAGES)][:ORGANISATION_PAGES]
    largest = public.order_by("-published_cluster_count").values_list("slug", flat=True)
    return spread + list(largest[:LARGEST_ORGANISATIONS])


def write_values():
    """In `manage.py shell`: the filters' values in the database, and cluster addresses."""
    from clusters.filters import ClusterFilter
    from clusters.models import Cluster, Organisation

    published = Cluster.objects.published()
    terms = ClusterFilter.linked_terms()
    slugs = list(published.order_by("pk").values_list("slug", flat=True))
    values = {
        "filters": {
            "country": sorted(set(published.values_list("country", flat=True)) - {""}),
            "model": Cluster.Model.values,
            "legal_structure": Cluster.LegalStructure.values,
            "field": [slug for _, slug, _ in terms["field"]],
            "theme": [slug for _, slug, _ in terms["theme"]],
            "member_type": Organisation.Type.values,
            "eccp": Cluster.EccpRegistration.values,
            "activity": ["active", "unknown", "inactive"],
            "precision": Cluster.MapPrecision.values,
        },
        # Spread over the whole table, old rows and new.
        "slugs": slugs[:: max(1, len(slugs) // CLUSTER_PAGES)][:CLUSTER_PAGES],
        # Members of one cluster and of many alike.
        "organisations": organisation_slugs(),
        "far_page": far_page(),
        "changes": changes_pages(),
    }
    Path(os.environ["BENCH_FILE"]).write_text(json.dumps(values))


def far_page():
    """The address of page FAR_PAGE of the JSON API by its key, as a client following the
    pages' `next` addresses reaches it: the `next` of the page before, asked by number."""
    from django.test import Client

    before = Client().get(
        "/api/clusters.json",
        {"page_size": FAR_PAGE_SIZE, "page": FAR_PAGE - 1},
        headers={"host": "127.0.0.1"},
    )
    address = urlsplit(before.json()["next"])
    return f"{address.path}?{address.query}"


def changes_pages():
    """Pages of the changes API at CHANGES_PLACES of its log, by the cursors of the change
    before each (as a mirror that read that far holds them)."""
    from clusters.models import ClusterChange

    positions = list(
        ClusterChange.objects.latest_of_each_cluster()
        .order_by("transaction", "id")
        .values_list("transaction", "id")
    )
    pages = []
    for place in CHANGES_PLACES:
        index = int(place * len(positions)) - 1
        pages.append(
            "/api/changes.json"
            + (f"?since={positions[index][0]}-{positions[index][1]}" if index >= 0 else "")
        )
    return pages


def count_queries(environment, groups, folder):
    """SQL queries per request, median of the first QUERY_SAMPLE addresses of each group,
    as the site runs them with the page cache off."""
    sample = {group: paths[:QUERY_SAMPLE] for group, paths in groups.items()}
    file = folder / "queries.json"
    file.write_text(json.dumps(sample))
    manage(
        {**environment, "BENCH_FILE": str(file), "PAGE_CACHE_SECONDS": "0",
         "ALLOWED_HOSTS": "127.0.0.1,testserver"},
        "shell", "--verbosity", "0", "--command",
        "from bench.benchmark import write_query_counts; write_query_counts()",
    )  # fmt: skip
    return json.loads(file.read_text())


def write_query_counts():
    """In `manage.py shell`: replace each group's addresses in BENCH_FILE by the median
    number of queries a request for them runs."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    file = Path(os.environ["BENCH_FILE"])
    counts = {}
    client = Client()
    for group, paths in json.loads(file.read_text()).items():
        queries = []
        for path in paths:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
                # A streamed answer runs its queries as it is read.
                b"".join(getattr(response, "streaming_content", []))
            queries.append(len(captured))
        counts[group] = statistics.median(queries)
    file.write_text(json.dumps(counts))


def fetch_all(port, paths):
    """Fetch each address once, gzip accepted: the statuses and the median size sent."""
    statuses, sizes = set(), []
    for path in paths:
        status, size = get(port, path)
        statuses.add(status)
        sizes.append(size)
    return {"statuses": sorted(statuses), "kilobytes": round(statistics.median(sizes) / 1024, 1)}


def get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
        response = connection.getresponse()
        return response.status, len(response.read())
    finally:
        connection.close()


def time_export(port):
    """The full CSV export, gzip accepted: the time to its first byte and to its last, or
    to the moment the answer broke off (gunicorn ends a worker busy for more than its
    timeout, 30 seconds, even mid-stream). Once the file of the directory's version is
    built: a worker builds it after each change, and visitors get the previous file until it
    is ready; asked first, the benchmark's queue would build it within the request."""
    get(port, "/clusters/export.csv")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    size, complete, first_byte = 0, True, None
    try:
        started = time.perf_counter()
        connection.request("GET", "/clusters/export.csv", headers={"Accept-Encoding": "gzip"})
        response = connection.getresponse()
        size = len(response.read(1))
        first_byte = time.perf_counter() - started
        while chunk := response.read1(65536):
            size += len(chunk)
    except (http.client.IncompleteRead, ConnectionError):
        complete = False
    finally:
        whole = time.perf_counter() - started
        connection.close()
    return {
        "status": response.status,
        "complete": complete,
        "first_byte_ms": None if first_byte is None else round(first_byte * 1000),
        "whole_s": round(whole, 1),
        "kilobytes": round(size / 1024),
    }


def run_rounds(wrk, options, groups, folder):
    """Each group under load in turn, after /healthz, for each round; requests per second
    over all rounds, the median of the rounds' p50 and the highest of their p99."""
    seconds = {group: run_seconds(options, paths[0]) for group, paths in groups.items()}
    runs = {group: [] for group in groups}
    for round_number in range(options.rounds):
        for group, paths in groups.items():
            if group != READY:
                runs[READY].append(run_wrk(wrk, options, [READY], seconds[READY], folder))
                settle(runs[READY][-1])
            runs[group].append(run_wrk(wrk, options, paths, seconds[group], folder))
            settle(runs[group][-1])
            print(f"  round {round_number + 1}, {group}: {runs[group][-1]}")
    return {group: summary(done) for group, done in runs.items()}


def run_seconds(options, path):
    """--seconds, or long enough for a few answers of a slow page (one a worker would
    otherwise finish after wrk stops counting), up to LONGEST_RUN."""
    started = time.perf_counter()
    get(options.port, path)
    return max(options.seconds, min(LONGEST_RUN, math.ceil(4 * (time.perf_counter() - started))))


def settle(run):
    """Wait for the answers wrk stopped waiting for: the workers finish the requests still
    open or queued when it stops, which would otherwise slow the next run (a 100,000-point
    GeoJSON kept /healthz waiting seconds). At most CONNECTIONS of them, two a worker."""
    slowest = run["p99"] / 1e6 if run["requests"] else run["seconds"]
    time.sleep(min(LONGEST_RUN, slowest * CONNECTIONS / WORKERS))


def summary(runs):
    answered = [run for run in runs if run["requests"]]
    return {
        "rps": round(sum(run["requests"] for run in runs) / sum(run["seconds"] for run in runs), 1),
        # None when no request was answered in time.
        "p50_ms": round(statistics.median(run["p50"] for run in answered) / 1000, 1)
        if answered
        else None,
        "p99_ms": round(max(run["p99"] for run in answered) / 1000, 1) if answered else None,
        "errors": sum(run["errors"] for run in runs),
        "seconds": round(sum(run["seconds"] for run in runs)),
    }


def run_wrk(wrk, options, paths, seconds, folder):
    script = folder / "mix.lua"
    script.write_text(wrk_script(paths, WRK_SCRIPT))
    command = [
        wrk, "--threads", "1", "--connections", str(CONNECTIONS),
        "--duration", f"{seconds}s", "--timeout", f"{TIMEOUT_SECONDS}s",
        "--script", str(script), f"http://127.0.0.1:{options.port}",
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("SUMMARY "))
    return json.loads(line.removeprefix("SUMMARY "))


def report(results):
    """The figures as a markdown table, then the targets, met or missed."""
    sizes = list(results["sizes"])
    settings = results["settings"]
    lines = [
        f"# make bench: {', '.join(f'{int(size):,}' for size in sizes)} clusters",
        "",
        f"gunicorn with {settings['workers']} workers, wrk with {settings['connections']} "
        f"connections, {settings['seconds']} s a group and round (up to {LONGEST_RUN} s for a "
        f"slow page), rounds: {settings['rounds']}, "
        f"{settings['cpus']} CPUs; {results['minutes']} minutes in all. Share: requests per "
        f"second as a share of {READY}'s in the same run. KB: gzip-compressed, the median of "
        "the group's addresses; statuses: those they answered when the cache was warmed. "
        "Growth: p50 at 100,000 clusters over p50 at 10,000.",
        "",
        "| group | addresses | mode | clusters | share | req/s | p50 ms | p99 ms | queries "
        "| KB | statuses | errors | growth |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for group in results["sizes"][sizes[0]]["groups"]:
        for mode in MODES:
            for size in sizes:
                figures = results["sizes"][size]
                row = figures["modes"][mode][group]
                lines.append(
                    f"| {group} | {figures['groups'][group]} | {mode} | {int(size):,} "
                    f"| {share(results, size, mode, group):.1%} | {row['rps']} "
                    f"| {missing(row['p50_ms'])} | {missing(row['p99_ms'])} "
                    f"| {figures['queries'][group]:g} "
                    f"| {figures['pages'][group]['kilobytes']} "
                    f"| {' '.join(map(str, figures['pages'][group]['statuses']))} "
                    f"| {row['errors']} | {growth_text(results, mode, group, size)} |"
                )
    measured = [size for size in sizes if "export" in results["sizes"][size]]
    lines += ["", "Full CSV export (not cached), gzip:", ""] if measured else []
    for size in measured:
        export = results["sizes"][size]["export"]
        lines.append(
            f"- {int(size):,} clusters: status {export['status']}, first byte after "
            f"{export['first_byte_ms']} ms, "
            + (
                f"whole in {export['whole_s']} s, "
                if export["complete"]
                else f"**broken off** after {export['whole_s']} s, "
            )
            + f"{export['kilobytes']:,} KB"
        )
    measured = [size for size in sizes if "first_marker_s" in results["sizes"][size]]
    if measured:
        lines += ["", "The map in headless Chromium, first marker drawn (median of three loads):"]
        lines.append("")
    for size in measured:
        marker = results["sizes"][size]["first_marker_s"]
        lines.append(
            f"- {int(size):,} clusters: "
            + ", ".join(f"{missing(marker.get(mode))} s {mode}" for mode in MODES)
        )
    lines += ["", "| target | figure | |", "| --- | --- | --- |"]
    for group, mode, what, limit in TARGETS:
        figure = target_figure(results, group, mode, what)
        if figure is None:
            continue
        if what == "share_of":
            limit = target_figure(results, limit, mode, "share")
            if limit is None:
                continue
        met = figure >= limit if what in ("share", "share_of") else figure <= limit
        text = {
            "share": f"{group} {mode}, 10,000 clusters: share ≥ {limit:.0%} | {figure:.1%}",
            "share_of": f"{group} {mode}, 10,000 clusters: share ≥ the list's, {limit:.1%} "
            f"| {figure:.1%}",
            "kilobytes": f"{group}, 10,000 clusters: ≤ {limit} KB | {figure} KB",
            "growth": f"{group} {mode}: p50 growth ≤ {limit}× | {figure:.2f}×",
            "ratio": f"JSON API page {FAR_PAGE:,} by key over page 1, p50 at each size: "
            f"≤ {limit}× | {figure:.2f}×",
        }[what]
        lines.append(f"| {text} | {'met' if met else '**missed**'} |")
    return "\n".join(lines) + "\n"


def missing(figure):
    return "—" if figure is None else figure


def share(results, size, mode, group):
    load = results["sizes"][size]["modes"][mode]
    return load[group]["rps"] / load[READY]["rps"]


def growth(results, mode, group):
    if not {"10000", "100000"} <= set(results["sizes"]):
        return None
    small, large = (
        results["sizes"][size]["modes"][mode][group]["p50_ms"] for size in ("10000", "100000")
    )
    return large / small if small and large else None


def growth_text(results, mode, group, size):
    figure = growth(results, mode, group)
    return f"{figure:.2f}×" if figure is not None and size == "100000" else ""


def target_figure(results, group, mode, what):
    """The figure a target is about; None where the run did not measure it."""
    measured = next(iter(results["sizes"].values()))["groups"]
    if group not in measured or (what == "ratio" and "json_first" not in measured):
        return None
    if what == "growth":
        return growth(results, mode, group)
    if what == "ratio":
        # The worst of the sizes measured.
        ratios = [
            figures["modes"][mode][group]["p50_ms"] / figures["modes"][mode]["json_first"]["p50_ms"]
            for figures in results["sizes"].values()
            if figures["modes"][mode][group]["p50_ms"]
            and figures["modes"][mode]["json_first"]["p50_ms"]
        ]
        return max(ratios, default=None)
    if "10000" not in results["sizes"]:
        return None
    if what in ("share", "share_of"):
        return share(results, "10000", mode, group)
    return results["sizes"]["10000"]["pages"][group]["kilobytes"]


if __name__ == "__main__":
    main()
