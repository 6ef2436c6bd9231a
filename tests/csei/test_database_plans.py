"""PostgreSQL plans its queries for an SSD, where a search's index pays."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_postgresql_counts_a_random_read_at_about_a_sequential_one():
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone() == ("1.1",)
