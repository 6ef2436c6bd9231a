from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The foundations' two tables: the directory's version and the whole data files."""

    name = "core"
    verbose_name = "Foundations"
