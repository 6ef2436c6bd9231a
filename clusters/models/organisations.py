"""The register of member organisations every cluster shares, and their memberships."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from core.text import fold

EARLIEST_FOUNDING_YEAR = 1800


def current_year():
    return timezone.now().year


class OrganisationQuerySet(models.QuerySet):
    def matching(self, name, country):
        """The organisation a form means by this name and country, if it exists."""
        return self.filter(name_key=fold(name), country=country or "")


class Organisation(models.Model):
    class Type(models.TextChoices):
        SOCIAL_ECONOMY_ENTERPRISE = "social_economy_enterprise", _("Social economy enterprise")
        MAINSTREAM_ENTERPRISE = "mainstream_enterprise", _("Mainstream enterprise")
        CIVIL_SOCIETY = "civil_society", _("Civil society organisation")
        LOCAL_AUTHORITY = "local_authority", _("Local authority")
        EDUCATION_RESEARCH = "education_research", _("Education and research institution")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    # The name as forms compare it (core.text.fold): "Spółdzielnia ŁĄKA" and "spoldzielnia
    # laka" are one organisation.
    name_key = models.CharField(max_length=200, editable=False, db_index=True, default="")
    type = models.CharField(_("type"), max_length=30, choices=Type.choices, default=Type.OTHER)
    country = CountryField(_("country"), blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["name_key"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["name_key", "country"], name="organisation_unique_name_per_country"
            ),
        ]
        indexes = [models.Index(fields=["type"])]

    def __str__(self):
        return f"{self.name} ({self.country.code})" if self.country else self.name

    def save(self, *args, **kwargs):
        self.name_key = fold(self.name)
        super().save(*args, **kwargs)

    @staticmethod
    def key(name, country):
        return fold(name), country or ""


class Membership(models.Model):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        FOUNDING_MEMBER = "founding_member", _("Founding member")
        MEMBER = "member", _("Member")

    cluster = models.ForeignKey(
        "clusters.Cluster", on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    since = models.PositiveSmallIntegerField(
        _("member since"),
        null=True,
        blank=True,
        validators=[MinValueValidator(EARLIEST_FOUNDING_YEAR), MaxValueValidator(current_year)],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "organisation__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "organisation"], name="membership_unique_per_cluster"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} in {self.cluster}"
