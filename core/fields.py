"""Model fields every app uses."""

from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.functional import cached_property

from core.validators import WebAddressValidator


class BoundedTextField(models.TextField):
    """A text of at most `max_length` characters, in its form and in full_clean().

    A TextField's max_length reaches its form only, so the admin's spreadsheet import, which
    validates models rather than forms, would take a longer text: the validator refuses it
    there too, as it does for a CharField.
    """

    def __init__(self, *args, max_length, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)

    @cached_property
    def validators(self):
        return [*super().validators, MaxLengthValidator(self.max_length)]


class WebAddressField(models.URLField):
    """A web address that browsers and HTML validators accept as it is written (see
    core.validators.WebAddressValidator), in its form and in full_clean()."""

    default_validators = [WebAddressValidator()]
