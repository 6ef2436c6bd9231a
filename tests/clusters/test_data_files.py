"""The whole CSV and GeoJSON as files built once per directory version: read, not built,
for each download; compressed, resumable, dated; the previous file while the next is built."""

import csv
import gzip
import io
import json
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django.utils.http import parse_http_date
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from clusters.data_files import start_build
from clusters.models import Cluster
from core.models import DataFile

CSV = "/clusters/export.csv"
GEOJSON = "/api/clusters.geojson"


@pytest.fixture
def data_files(settings):
    settings.DATA_FILES = True


@pytest.fixture
def database_queue(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker would close its connection between tasks: here the test's, which must stay.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_whole_csv_is_the_published_clusters_read_from_its_file(anonymous, seed, data_files):
    response = anonymous.get(CSV)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="csei-clusters.csv"'
    assert response["Accept-Ranges"] == "bytes"
    assert len(rows(response)) == Cluster.objects.published().count()
    stored = DataFile.objects.get(name="clusters.csv")
    assert gzip.decompress(stored.body) == response.content
    assert parse_http_date(response["Last-Modified"]) == int(stored.built_at.timestamp())


def test_the_whole_json_is_read_from_its_file(anonymous, seed, data_files):
    response = anonymous.get("/clusters/export.json")

    assert response.status_code == 200
    assert not response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="csei-clusters.json"'
    document = json.loads(response.content)
    assert len(document["clusters"]) == Cluster.objects.published().count()
    stored = DataFile.objects.get(name="clusters.json")
    assert gzip.decompress(stored.body) == response.content


def test_a_file_once_built_is_read_in_two_queries(
    anonymous, seed, data_files, django_assert_num_queries
):
    anonymous.get(GEOJSON)

    # The cache's copy of the directory's version; the file.
    with django_assert_num_queries(2):
        response = anonymous.get(GEOJSON, HTTP_ACCEPT_ENCODING="gzip")

    assert response["Content-Encoding"] == "gzip"
    assert response["Content-Type"] == "application/geo+json"
    document = json.loads(gzip.decompress(response.content))
    assert document["type"] == "FeatureCollection"
    assert document["features"]


def test_a_browser_that_has_the_file_is_told_it_has_not_changed(anonymous, seed, data_files):
    first = anonymous.get(CSV)

    again = anonymous.get(CSV, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]


def test_a_download_resumes_from_the_byte_it_stopped_at(anonymous, seed, data_files):
    whole = anonymous.get(CSV).content

    part = anonymous.get(CSV, HTTP_RANGE="bytes=100-")
    last = anonymous.get(CSV, HTTP_RANGE="bytes=-10")

    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-{len(whole) - 1}/{len(whole)}"
    assert part.content == whole[100:]
    assert last.content == whole[-10:]


def test_a_range_past_the_end_is_refused_and_a_stale_one_gets_the_whole_file(
    anonymous, seed, data_files
):
    whole = anonymous.get(CSV).content

    past = anonymous.get(CSV, HTTP_RANGE=f"bytes={len(whole)}-")
    stale = anonymous.get(CSV, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"an-older-file"')

    assert past.status_code == 416
    assert past["Content-Range"] == f"bytes */{len(whole)}"
    assert (stale.status_code, stale.content) == (200, whole)


def test_a_compressed_range_is_a_range_of_the_compressed_file(anonymous, seed, data_files):
    compressed = anonymous.get(CSV, HTTP_ACCEPT_ENCODING="gzip").content

    part = anonymous.get(CSV, HTTP_ACCEPT_ENCODING="gzip", HTTP_RANGE="bytes=0-99")

    assert part.status_code == 206
    assert part.content == compressed[:100]
    assert part["Content-Encoding"] == "gzip"


def test_after_a_change_the_previous_file_is_served_with_its_date_until_the_next_is_built(
    anonymous, seed, data_files, database_queue, make_cluster, django_capture_on_commit_callbacks
):
    built = timezone.now() - timedelta(hours=2)
    with time_machine.travel(built, tick=False):
        anonymous.get(CSV)
        run_worker()
    before = anonymous.get(CSV)
    with django_capture_on_commit_callbacks(execute=True):
        make_cluster(name="Brand New Cluster")

    during = anonymous.get(CSV)

    assert "Brand New Cluster" not in during.content.decode()
    assert during["Last-Modified"] == before["Last-Modified"]
    assert parse_http_date(during["Last-Modified"]) == int(built.timestamp())
    run_worker()
    after = anonymous.get(CSV)
    assert "Brand New Cluster" in after.content.decode()
    assert parse_http_date(after["Last-Modified"]) > int(built.timestamp())


def test_many_downloads_after_a_change_start_one_build(seed, database_queue):
    for _ in range(3):
        start_build("clusters.csv", "a-new-version")

    builds = DBTaskResult.objects.filter(task_path="clusters.data_files.build_data_file")
    assert builds.count() == 1


def test_a_filtered_download_is_built_for_its_request(anonymous, seed, data_files):
    response = anonymous.get(CSV, {"country": "FR"})

    assert response.streaming
    assert not DataFile.objects.exists()
