"""Validators every app uses."""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
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


# What a browser writes percent-encoded after the host, and an HTML validator refuses in an
# address: spaces, controls and " < > \ ^ ` { | } (letters of any alphabet are fine).
NOT_IN_AN_ADDRESS = re.compile(r"[^\w\-.~!$&'()*+,;=:@/?%#]")
BARE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


@deconstructible
class WebAddressValidator(URLValidator):
    """A web address as browsers and HTML validators take it, not only as Django's
    URLValidator does (which lets `https://example.org/?a=<script>` through)."""

    # A code of its own: a form would otherwise show its own "Enter a valid URL." instead.
    code = "not_encoded"
    message = _(
        "Enter the web address as the browser's address bar shows it: spaces and the "
        'characters " < > \\ ^ ` { | } written percent-encoded (%%20 for a space).'
    )

    def __call__(self, value):
        super().__call__(value)
        parts = urlsplit(value)
        after_host = value[len(f"{parts.scheme}://{parts.netloc}") :]
        if (
            NOT_IN_AN_ADDRESS.search(after_host)
            or BARE_PERCENT.search(value)
            or after_host.count("#") > 1
        ):
            raise ValidationError(self.message, code=self.code, params={"value": value})
