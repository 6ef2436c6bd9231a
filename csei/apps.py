from django.contrib.admin import apps


# Imported as a module: a config class named at this module's top level would be taken for
# the csei app's own.
class StaffAdminConfig(apps.AdminConfig):
    """The admin, with the staff site (csei.admin.StaffSite) as its default site."""

    default = False
    default_site = "csei.admin.StaffSite"
