"""Which language a request is answered in.

A public page's language comes from its address alone (English unprefixed, the others
under /fr/, /de/…), never from a cookie or the Accept-Language header: every address shows
everyone the same page, so pages are cached whole and a shared link shows what its sender
saw. The admin has one address, in the language of the staff member's browser.
"""

from functools import cache

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext, gettext_noop
from pyuca import Collator


def is_staff_address(path):
    return path.startswith("/admin/")


class AddressLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        browser_decides = is_staff_address(request.path_info)
        if browser_decides:
            language = translation.get_language_from_request(request)
        else:
            language = (
                translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
            )
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        try:
            response = self.get_response(request)
        finally:
            # The next request on this thread, or code run after this one (a test, a
            # command), starts from the default language, not from this visitor's.
            translation.deactivate()
        if browser_decides:
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


def site_language_choices():
    """The languages the site speaks, as choices: a callable, so that adding one to
    settings.LANGUAGES needs no migration."""
    return settings.LANGUAGES


# The languages a cluster may write its own texts in: the European Union's official
# languages, and those of the other countries where clusters work.
TEXT_LANGUAGES = (
    "bg", "ca", "cs", "da", "de", "el", "en", "es", "et", "eu", "fi", "fr", "ga", "gl", "hr",
    "hu", "is", "it", "lt", "lv", "mt", "nb", "nl", "pl", "pt", "ro", "sk", "sl", "sr", "sv",
    "uk",
)  # fmt: skip


# The languages Django's own catalogues do not name.
OWN_NAMES = {"mt": gettext_noop("Maltese"), "nb": gettext_noop("Norwegian")}


def language_name(code):
    """The language's name in the active language: "néerlandais" for `nl` on a French page."""
    if code in OWN_NAMES:
        return gettext(OWN_NAMES[code])
    try:
        return translation.get_language_info(code)["name_translated"]
    except KeyError:
        return code


def text_language_choices():
    """(code, name) of each language a cluster may write in, in the active language's order."""
    names = [(code, language_name(code)) for code in TEXT_LANGUAGES]
    return sorted(names, key=lambda choice: _collator().sort_key(choice[1].lower()))


@cache
def _collator():
    """Unicode's collation order, which puts "čeština" after "català" in every language:
    close enough to each language's own for a list of some thirty names."""
    return Collator()
