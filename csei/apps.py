from django.apps import AppConfig
from django.contrib.admin import apps


# The admin's config is reached through its module: imported by name, it would be one more
# candidate for the csei app's own config, CseiConfig.
class StaffAdminConfig(apps.AdminConfig):
    """The admin, with the staff site (csei.admin.StaffSite) as its default site."""

    default = False
    default_site = "csei.admin.StaffSite"


class CseiConfig(AppConfig):
    """The site itself; ready() connects the page cache to the writes it must follow."""

    name = "csei"
    verbose_name = "CSEI Directory"

    def ready(self):
        from core.page_cache import connect_signals

        connect_signals()
