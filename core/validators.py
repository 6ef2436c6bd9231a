"""Validators every app uses."""

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


@deconstructible
class NotReserved:
    """Refuses a slug that is the address of another page under the same prefix: "map"
    under /clusters/, "propose" under /themes/."""

    def __init__(self, *reserved):
        self.reserved = frozenset(reserved)

    def __call__(self, slug):
        if slug in self.reserved:
            raise ValidationError(
                _("“%(slug)s” is the address of another page."), params={"slug": slug}
            )

    def __eq__(self, other):
        return isinstance(other, NotReserved) and self.reserved == other.reserved
