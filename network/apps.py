from django.apps import AppConfig


class NetworkConfig(AppConfig):
    """The directory's field as a whole: statistics of the clusters, and the way onto the
    European Cluster Collaboration Platform."""

    name = "network"
    verbose_name = "Network"
