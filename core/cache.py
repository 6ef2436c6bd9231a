"""The cache every worker shares when no CACHE_URL names a Redis server: the database."""

from django.core.cache.backends import db
from django.db import connections, router, transaction


class DatabaseCache(db.DatabaseCache):
    """Django's database cache, with an `incr` that two workers can run at the same moment.

    Django's own `incr` reads a count and writes it back, so two sends counted at once count
    as one; django_ratelimit refuses that backend for it (check E003). Here the row is written
    first, which locks it (on SQLite, the whole database) until the new count is stored: the
    second worker waits, then reads the first one's count.
    """

    def incr(self, key, delta=1, version=None):
        database = router.db_for_write(self.cache_model_class)
        connection = connections[database]
        table = connection.ops.quote_name(self._table)
        with transaction.atomic(using=database):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET expires = expires WHERE cache_key = %s",
                    [self.make_and_validate_key(key, version=version)],
                )
            return super().incr(key, delta, version)
