"""What the property tests (tests/properties/test_fuzz_*.py) share: hostile text, and examples that
leave the database as they found it.

Each test sets up its fixtures once (the client, the test's transaction) and runs its
examples through an inner @given function: pytest's function-scoped fixtures are not reset
between examples, so each example rolls back what it wrote itself (`rolled_back`).
"""

import operator
from contextlib import contextmanager

from bs4 import BeautifulSoup
from django.db import transaction
from hypothesis import strategies as st

# Markup that would be on the page, as an element of id "injected", were it sent back
# unescaped: in text, out of an attribute, out of a <textarea>.
HOSTILE = [
    '<script id="injected">alert(1)</script>',
    '"><b id="injected">',
    "'><b id='injected'>",
    '</textarea><b id="injected">',
]

# Identifiers no column holds, and the largest one that does, as a form or address sends them.
identifiers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**63 - 1, 2**63, -(2**63) - 1, 10**30]),
).map(str)

texts = st.one_of(
    st.text(max_size=40),
    st.sampled_from(HOSTILE),
    st.builds(operator.add, st.text(max_size=10), st.sampled_from(HOSTILE)),
    # Longer than any field takes.
    st.integers(min_value=190, max_value=6000).map(lambda length: "x" * length),
)


@contextmanager
def rolled_back():
    """Run one example in a savepoint rolled back at its end: what it wrote goes, the rate
    limits' counts with it (the tests' cache is a table of the same database), so every
    example starts from the seed and none is turned away as the eleventh send of the hour."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def assert_nothing_injected(response):
    page = BeautifulSoup(response.content, "html.parser")
    assert page.find(id="injected") is None, "a hostile value was sent back unescaped"
