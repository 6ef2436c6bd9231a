"""Rows written in bulk: COPY on PostgreSQL, bulk_create elsewhere.

Neither runs save() nor the signals: what they would set (slugs, derived columns, the
full-text document) the caller sets, and it tells the page cache itself.
"""

from django.db import connection


class BulkWriter:
    def __init__(self):
        self.copy = connection.vendor == "postgresql"

    def insert(self, model, objects):
        """Write these instances and give them their primary keys."""
        if not self.copy:
            model.objects.bulk_create(objects)
            return
        # COPY takes no RETURNING: the keys are taken from the table's sequence first, as
        # the column's default would take them.
        for instance, pk in zip(objects, self.next_ids(model, len(objects)), strict=True):
            instance.pk = pk
        fields = model._meta.concrete_fields
        rows = (
            [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
            for instance in objects
        )
        self.copy_rows(model, [field.column for field in fields], rows)

    def insert_rows(self, model, columns, rows):
        """Write rows of plain values, one for each of these columns."""
        if self.copy:
            self.copy_rows(model, columns, rows)
        else:
            model.objects.bulk_create(
                [model(**dict(zip(columns, row, strict=True))) for row in rows]
            )

    def copy_rows(self, model, columns, rows):
        quote = connection.ops.quote_name
        statement = (
            f"COPY {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) FROM STDIN"
        )
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    def next_ids(self, model, count):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, model._meta.pk.column, count],
            )
            return [pk for (pk,) in cursor.fetchall()]
