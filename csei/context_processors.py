from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject


def site(request):
    return {
        "site_url": settings.SITE_URL,
        # Every map of the site draws on these tiles, or on the country outlines without.
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "eccp_url": settings.ECCP_URL,
        "page_languages": SimpleLazyObject(lambda: page_languages(request)),
    }


def page_languages(request):
    """This page at its address in each language, the filters kept, for the switcher and the
    hreflang links; none for a page that has one address only (the admin, an error)."""
    match = request.resolver_match
    if match is None:
        return []
    query = request.META.get("QUERY_STRING", "")
    versions = []
    for code, name in settings.LANGUAGES:
        with translation.override(code):
            try:
                path = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
            except NoReverseMatch:
                return []
        versions.append(
            {
                "code": code,
                "name": name,
                "path": path,
                "address": f"{path}?{query}" if query else path,
                "current": code == translation.get_language(),
            }
        )
    if len({version["path"] for version in versions}) == 1:
        return []
    return versions
