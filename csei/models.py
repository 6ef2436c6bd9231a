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
