from django.apps import AppConfig


class ClustersConfig(AppConfig):
    name = "clusters"
    verbose_name = "Clusters"

    def ready(self):
        from clusters import signals  # noqa: F401 - connects the receivers
