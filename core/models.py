import uuid

from django.db import models


def new_token():
    return uuid.uuid4().hex


class DirectoryVersion(models.Model):
    """The directory's version (core.page_cache), one row: kept in the database, so that a
    change is never lost with the cache that holds a copy of it for a few seconds."""

    token = models.CharField(max_length=32, default=new_token)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.token


class DataFile(models.Model):
    """A whole open-data download (clusters.data_files), built once per directory version
    and kept compressed in the database, where every app server finds it."""

    name = models.CharField(max_length=40, unique=True)
    version = models.CharField(max_length=32)
    built_at = models.DateTimeField()
    body = models.BinaryField()  # gzip
    size = models.PositiveBigIntegerField()  # uncompressed
    digest = models.CharField(max_length=32)  # MD5 of the uncompressed body
    # The version a build has been started for, and when: one build at a time, on any host.
    building = models.CharField(max_length=32, blank=True)
    building_since = models.DateTimeField(null=True)

    def __str__(self):
        return self.name
