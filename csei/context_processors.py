from django.conf import settings


def site(request):
    return {
        "site_url": settings.SITE_URL,
        # Every map of the site draws on these tiles, or on the country outlines without.
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "eccp_url": settings.ECCP_URL,
    }
