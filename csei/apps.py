from django.apps import AppConfig
from django.contrib.admin import apps


# The admin's config is reached through its module: imported by name, it would be one more
# candidate for the csei app's own config, CseiConfig.
class StaffAdminConfig(apps.AdminConfig):
    """The admin, with the staff site (csei.admin.StaffSite) as its default site."""

    default = False
    default_site = "csei.admin.StaffSite"


class CseiConfig(AppConfig):
    """The site itself; ready() connects the page cache to the writes it must follow, and
    makes lookups by id safe for any integer a request names (core.lookups)."""

    name = "csei"
    verbose_name = "CSEI Directory"

    def ready(self):
        import core.lookups  # noqa: F401  (registers the lookup it defines)
        from core.page_cache import connect_signals

        connect_signals()
