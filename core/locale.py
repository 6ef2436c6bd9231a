"""Which language a request is answered in.

A public page's language comes from its address alone (English unprefixed, the others
under /fr/, /de/…), never from a cookie or the Accept-Language header: every address shows
everyone the same page, so pages are cached whole and a shared link shows what its sender
saw. The admin has one address, in the language of the staff member's browser.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


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
