"""Any answers to a public form, as a browser or a script could send them: never a server
error, nothing saved unless the form took the answers, nothing sent back unescaped.

Property tests: `make fuzz` tries a thousand examples of each (see tests/conftest.py).
"""

import pytest
from django.http import HttpResponse
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzzing import HOSTILE, assert_nothing_injected, identifiers, rolled_back, texts
from tests.pages import form_fields
from tests.public_forms import ACCEPTED, open_form, rows

pytestmark = pytest.mark.usefixtures("seed")


def answers(element):
    """Changes to the answers of the form `element`: any of its fields (hidden ones and
    submit buttons too) left out, given one of its own choices, or any text, once or twice."""
    options = {}
    for field in element.find_all(["input", "select", "button"]):
        choices = field.find_all("option") if field.name == "select" else [field]
        for choice in choices:
            if field.get("name") and choice.get("value") is not None:
                options.setdefault(field["name"], []).append(choice["value"])
    value = {
        name: st.one_of(st.sampled_from(values), texts, identifiers)
        for name, values in options.items()
    }
    return st.fixed_dictionaries(
        {},
        optional={
            name: st.lists(value.get(name, texts), max_size=2)
            for name in sorted({*options, *form_fields(element)})
        },
    )


@pytest.mark.parametrize("form", list(ACCEPTED))
def test_no_answers_cause_an_error_a_write_or_markup(client, form):
    page, element = open_form(client, form)
    accepted = {**form_fields(element), **{name: [v] for name, v in ACCEPTED[form].items()}}

    @given(changes=answers(element))
    def check(changes):
        with rolled_back():
            before = rows()

            response = client.post(page.url, {**accepted, **changes})

            assert response.status_code < 500
            if response.status_code == 302:
                response = client.get(response["Location"])
                assert response.status_code < 500
            else:
                assert rows() == before, "answers the form refused were saved"
            assert_nothing_injected(response)

    check()


@pytest.mark.parametrize("hostile", HOSTILE)
def test_each_hostile_value_would_be_caught_were_it_sent_back_unescaped(hostile):
    page = HttpResponse(f"<p>{hostile}</p>")

    with pytest.raises(AssertionError):
        assert_nothing_injected(page)


@pytest.mark.parametrize("form", ["register", "manage"])
def test_any_number_of_fields_gets_a_page_not_an_error(client, form):
    """Past the fields a request may carry (DATA_UPLOAD_MAX_NUMBER_FIELDS) the answer is the
    site's 400 page; below it, the form's own answer."""
    page, element = open_form(client, form)
    accepted = {**form_fields(element), **{name: [v] for name, v in ACCEPTED[form].items()}}

    @given(extra=st.integers(min_value=0, max_value=2500))
    def check(extra):
        with rolled_back():
            before = rows()
            padding = {f"extra-{number}": "x" for number in range(extra)}

            response = client.post(page.url, {**accepted, **padding})

            assert response.status_code in (200, 302, 400)
            if response.status_code == 400:
                assert b"The form sent more than the site takes at once" in response.content
                assert rows() == before

    check()
