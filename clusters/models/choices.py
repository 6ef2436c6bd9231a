"""The choices of a cluster's facts; Cluster names each as its own attribute
(Cluster.Status, Cluster.Model...)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Model(models.TextChoices):
    PTCE = "ptce", _("PTCE (pôle territorial de coopération économique)")
    SOCIAL_ECONOMY_CLUSTER = "social_economy_cluster", _("Social economy cluster")
    SOCIAL_INNOVATION_CLUSTER = "social_innovation_cluster", _("Social innovation cluster")
    COOPERATIVE_GROUP = "cooperative_group", _("Cooperative group")
    TERRITORIAL_PARTNERSHIP = "territorial_partnership", _("Territorial partnership")
    OTHER = "other", _("Other")


class LegalStructure(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    COOPERATIVE = "cooperative", _("Cooperative")
    FOUNDATION = "foundation", _("Foundation")
    COMPANY = "company", _("Company")
    PUBLIC_BODY = "public_body", _("Public body or public-private partnership")
    INFORMAL_NETWORK = "informal_network", _("Informal network without legal entity")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class InitiatedBy(models.TextChoices):
    GRASSROOTS = "grassroots", _("Grassroots")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    MIXED = "mixed", _("Mixed")
    UNKNOWN = "unknown", _("Unknown")


class ActivityStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    # A seed entry the 2021 mapping lists with no word on its activity: not "active" until
    # a person confirms it.
    LISTED = "listed", _("Listed in the 2021 mapping")
    UNKNOWN = "unknown", _("Activity unknown")
    INACTIVE = "inactive", _("Inactive")


class EccpRegistration(models.TextChoices):
    YES = "yes", _("Registered")
    NO = "no", _("Not registered")
    # The 2021 mapping marks registered clusters only: its silence is not a "no".
    UNKNOWN = "unknown", _("Not known")


class Provenance(models.TextChoices):
    """Where a fact of the entry comes from, so that the public sees which are guesses."""

    CONFIRMED = "confirmed", _("Given or confirmed by the cluster or staff")
    SOURCE = "source", _("As the GECES mapping states it")
    NAME = "name", _("Read from the cluster's name")
    INFERRED = "inferred", _("Inferred, not yet confirmed")
    UNKNOWN = "unknown", _("Unknown")


class LocationPrecision(models.TextChoices):
    CITY = "city", _("City")
    REGION = "region", _("Region")
    COUNTRY = "country", _("Country")


class MapPrecision(models.TextChoices):
    """Where the map puts a cluster: see ClusterQuerySet.with_map_precision()."""

    CITY = "city", _("Town or city")
    REGION = "region", _("Region only")
    COUNTRY = "country", _("Country only")
    NONE = "none", _("Unknown: not on the map")


class Label(models.TextChoices):
    NONE = "none", _("None")
    ESCA_BRONZE = "esca_bronze", _("ESCA bronze")
    ESCA_SILVER = "esca_silver", _("ESCA silver")
    ESCA_GOLD = "esca_gold", _("ESCA gold")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending review")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    ARCHIVED = "archived", _("Archived")


class Source(models.TextChoices):
    SEED = "seed", _("Seed mapping")
    REGISTRATION = "registration", _("Registration form")
    STAFF = "staff", _("Staff")
