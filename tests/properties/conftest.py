import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase


@pytest.fixture(scope="module")
def generated_clusters(django_db_setup, django_db_blocker):
    """The seed and a hundred generated clusters, their version given as on commit, so that
    every example reads the same kept summaries."""
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("generate_demo_data", clusters=100, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)
