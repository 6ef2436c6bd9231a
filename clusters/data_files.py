"""The whole open data as files: the CSV, the JSON and the GeoJSON of every published
cluster, each built once per directory version, in the task queue, and kept compressed in the
database (core.DataFile), where every app server finds it.

A download without filters is answered from its file, in the time it takes to read it: no
request reads a hundred thousand clusters. After a change, the first download starts the
build of the new file and, until it is ready, visitors get the previous one, dated by its
Last-Modified header. Filtered downloads are built for their request (the CSV and JSON
streamed, the GeoJSON of more clusters than the map asks for too).
DATA_FILES = False answers every download for its request, as before the files.
"""

import gzip
import hashlib
import json
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django_tasks import task

from clusters.listing import PARAMETERS
from core.downloads import stored_file
from core.models import DataFile
from core.page_cache import current_version

# A build not finished in this time is taken to have died with its worker: another starts.
BUILD_TIMEOUT = timedelta(minutes=10)


def csv_body():
    from clusters.exports import csv_lines

    return "".join(csv_lines(site_request()))


def json_body():
    from clusters.exports import json_lines

    return "".join(json_lines(site_request()))


def geojson_body():
    from clusters.map_data import all_points

    return json.dumps(all_points(site_request()), separators=(",", ":"), ensure_ascii=False)


# name: (how its body is made, its content type, its headers)
FILES = {
    "clusters.csv": (
        csv_body,
        "text/csv; charset=utf-8",
        [("Content-Disposition", 'attachment; filename="csei-clusters.csv"')],
    ),
    "clusters.json": (
        json_body,
        "application/json",
        [("Content-Disposition", 'attachment; filename="csei-clusters.json"')],
    ),
    "clusters.geojson": (geojson_body, "application/geo+json", []),
}


def is_whole(request):
    """Whether the request asks for every cluster: no filter given a value."""
    return settings.DATA_FILES and not any(
        value for name in PARAMETERS for value in request.GET.getlist(name)
    )


def whole_file(request, name):
    """The answer from the file `name` as built for the current version, or the previous
    one while that is being built; None when there has never been one (the caller answers
    the request itself)."""
    version = current_version()
    stored = DataFile.objects.filter(name=name).first()
    if (stored is None or stored.version != version) and start_build(name, version):
        # With the immediate queue (development, tests) the file is built by now.
        stored = DataFile.objects.filter(name=name).first()
    if stored is None or not stored.version:
        return None
    _, content_type, headers = FILES[name]
    return stored_file(
        request,
        compressed=bytes(stored.body),
        digest=stored.digest,
        built_at=stored.built_at,
        content_type=content_type,
        headers=headers,
    )


def start_build(name, version):
    """Queue the build of `name` for `version`, unless one has been started (on any host)
    and is not overdue; True when this call queued it."""
    now = timezone.now()
    DataFile.objects.get_or_create(
        name=name, defaults={"version": "", "built_at": now, "body": b"", "size": 0}
    )
    claimed = (
        DataFile.objects.filter(name=name)
        .filter(~Q(building=version) | Q(building_since__lt=now - BUILD_TIMEOUT))
        .update(building=version, building_since=now)
    )
    if claimed:
        build_data_file.enqueue(name, version)
    return bool(claimed)


@task()
def build_data_file(name, version):
    """Build the file `name` from the directory as it is now, for `version` (or a later
    one); kept only if no build for another version has been started since."""
    make_body, _, _ = FILES[name]
    body = make_body().encode()
    DataFile.objects.filter(name=name, building=version).update(
        version=version,
        built_at=timezone.now(),
        body=gzip.compress(body, mtime=0),
        size=len(body),
        digest=hashlib.md5(body, usedforsecurity=False).hexdigest(),
        building="",
        building_since=None,
    )


def site_request():
    """A request for the site's own address (SITE_URL): the files name each cluster's page
    by it, whoever's request started the build."""
    address = urlsplit(settings.SITE_URL)
    request = HttpRequest()
    request.get_host = lambda: address.netloc
    request._get_scheme = lambda: address.scheme
    return request
