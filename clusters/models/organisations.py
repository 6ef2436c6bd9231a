"""The register of member organisations every cluster shares, and their memberships."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from core.fields import WebAddressField
from core.page_cache import directory_changed
from core.text import fold, free_slug, make_slug

EARLIEST_FOUNDING_YEAR = 1800
SLUG_LENGTH = 220


def organisation_slug(name, country, taken):
    """The address of a new organisation: its name, else its name and country, else its
    name and a number; `taken` is a function of a slug that says it is used."""
    base = make_slug(name, SLUG_LENGTH - 8)
    qualified = f"{base}-{country.lower()}"
    if country and taken(base) and not taken(qualified):
        return qualified
    return free_slug(name, SLUG_LENGTH - 4, taken)


def current_year():
    return timezone.now().year


class OrganisationQuerySet(models.QuerySet):
    def matching(self, name, country):
        """The organisation a form means by this name and country, if it exists."""
        return self.filter(name_key=fold(name), country=country or "")

    def public(self):
        """The organisations that are members of at least one published cluster: the only
        ones the public sees."""
        return self.filter(published_cluster_count__gt=0)

    def refresh_cluster_counts(self):
        """Store on each of these organisations how many published clusters it is a member
        of, in one UPDATE."""
        published = (
            Membership.objects.filter(organisation=OuterRef("pk"), cluster__status="published")
            .order_by()
            .values("organisation")
            .annotate(count=Count("pk"))
            .values("count")
        )
        directory_changed()
        return self.update(published_cluster_count=Coalesce(Subquery(published), 0))

    def with_unique_slugs(self, organisations):
        """Give each of these new organisations a slug that no organisation has or had (see
        organisation_slug): two queries."""
        bases = {make_slug(organisation.name, SLUG_LENGTH - 8) for organisation in organisations}
        alike = Q()
        for base in bases:
            alike |= Q(slug=base) | Q(slug__startswith=f"{base}-")
        taken = set(self.filter(alike).values_list("slug", flat=True))
        taken |= set(
            OrganisationRedirect.objects.annotate(slug=F("old_slug"))
            .filter(alike)
            .values_list("slug", flat=True)
        )
        for organisation in organisations:
            organisation.slug = organisation_slug(
                organisation.name, organisation.country.code, taken.__contains__
            )
            taken.add(organisation.slug)
        return organisations


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
    # Set once, from the name: a rename keeps the address others link to.
    slug = models.SlugField(_("slug"), max_length=SLUG_LENGTH, unique=True, editable=False)
    type = models.CharField(_("type"), max_length=30, choices=Type.choices, default=Type.OTHER)
    country = CountryField(_("country"), blank=True)
    website = WebAddressField(_("website"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Kept by OrganisationQuerySet.refresh_cluster_counts(): public while above zero.
    published_cluster_count = models.PositiveIntegerField(
        _("published clusters"), default=0, editable=False
    )

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["name_key", "published_cluster_count"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["name_key", "country"], name="organisation_unique_name_per_country"
            ),
        ]
        indexes = [
            models.Index(fields=["type"]),
            # The public list: in name order, and its facets counted from the index alone.
            models.Index(
                fields=["name_key"],
                include=["id", "type", "country", "published_cluster_count"],
                condition=Q(published_cluster_count__gt=0),
                name="organisation_public_idx",
            ),
            models.Index(
                fields=["country", "name_key"],
                condition=Q(published_cluster_count__gt=0),
                name="organisation_country_idx",
            ),
            models.Index(
                fields=["published_cluster_count", "name_key"],
                condition=Q(published_cluster_count__gt=0),
                name="organisation_clusters_idx",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.country.code})" if self.country else self.name

    def save(self, *args, **kwargs):
        self.name_key = fold(self.name)
        if not self.slug:
            Organisation.objects.with_unique_slugs([self])
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("organisations:detail", args=[self.slug])

    @property
    def is_public(self):
        return self.published_cluster_count > 0

    @staticmethod
    def key(name, country):
        return fold(name), country or ""


class OrganisationRedirect(models.Model):
    """The address of an organisation merged into another: it answers 301 to that one."""

    old_slug = models.SlugField(_("old address"), max_length=SLUG_LENGTH, unique=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="old_slugs"
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("old organisation address")
        verbose_name_plural = _("old organisation addresses")

    def __str__(self):
        return f"/organisations/{self.old_slug}/ → {self.organisation}"


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
