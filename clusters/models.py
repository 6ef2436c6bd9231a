from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Concat, Lower, Trim
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from clusters.places import map_point
from csei.text import fold, unique_slug

EARLIEST_FOUNDING_YEAR = 1800

# Pages under /clusters/ whose address a cluster's slug would otherwise shadow.
RESERVED_SLUGS = frozenset({"map", "register"})


def validate_not_reserved(slug):
    if slug in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is the address of another page."), params={"slug": slug}
        )


def current_year():
    return timezone.now().year


class Term(models.Model):
    """A term of one of the small taxonomies a cluster is tagged with."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=110, unique=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        super().save(*args, **kwargs)


class FieldOfActivity(Term):
    class Meta(Term.Meta):
        verbose_name = _("field of activity")
        verbose_name_plural = _("fields of activity")


class MemberService(Term):
    class Meta(Term.Meta):
        verbose_name = _("service to members")
        verbose_name_plural = _("services to members")


class InnovationType(Term):
    class Meta(Term.Meta):
        verbose_name = _("innovation type")
        verbose_name_plural = _("innovation types")


class ClusterQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Cluster.Status.PUBLISHED)

    def for_list(self):
        """What a list row shows; a fixed number of queries whatever the page size."""
        return self.prefetch_related("fields_of_activity")

    def with_map_precision(self):
        """Annotate `map_precision`: how exactly the map places each cluster (one of
        Cluster.MapPrecision). A cluster without coordinates is placed at its country's
        reference point, so it is known to its country only; without a country either, it is
        not on the map. Coordinates whose precision nobody gave count as the town's."""
        precision = Cluster.MapPrecision
        return self.annotate(
            map_precision=Case(
                When(latitude__isnull=True, country="", then=Value(precision.NONE)),
                When(latitude__isnull=True, then=Value(precision.COUNTRY)),
                When(
                    location_precision__in=[precision.REGION, precision.COUNTRY],
                    then=F("location_precision"),
                ),
                default=Value(precision.CITY),
                output_field=CharField(),
            )
        )

    def with_member_counts(self):
        return self.annotate(registered_member_count=Count("memberships", distinct=True))

    def refresh_member_types(self):
        """Store on each of these clusters the types of its members, in one UPDATE."""
        present = [
            Case(
                When(
                    Exists(
                        Membership.objects.filter(cluster=OuterRef("pk"), organisation__type=kind)
                    ),
                    then=Value(f"{kind} "),
                ),
                default=Value(""),
            )
            for kind in Organisation.Type.values
        ]
        return self.update(member_types=Trim(Concat(*present)))


class Cluster(models.Model):
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

    name = models.CharField(_("name"), max_length=200)
    also_known_as = models.CharField(
        _("also known as"),
        max_length=300,
        blank=True,
        help_text=_("Another name: in the cluster's own language, a subtitle, an old spelling."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        blank=True,
        validators=[validate_not_reserved],
        help_text=_("Part of the page address. Changing it breaks links from other sites."),
    )
    short_description = models.CharField(_("short description"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)

    country = CountryField(_("country"), blank=True)
    region = models.CharField(_("region"), max_length=150, blank=True)
    city = models.CharField(_("city"), max_length=150, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )  # fmt: skip
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )  # fmt: skip
    location_precision = models.CharField(
        _("location precision"), max_length=10, choices=LocationPrecision.choices, blank=True
    )
    country_from = models.CharField(
        _("country from"), max_length=10, choices=Provenance.choices, default=Provenance.CONFIRMED
    )
    place_from = models.CharField(
        _("place from"), max_length=10, choices=Provenance.choices, default=Provenance.CONFIRMED
    )

    website = models.URLField(_("website"), max_length=300, blank=True)
    contact_email = models.EmailField(_("public contact email"), blank=True)

    model = models.CharField(_("model"), max_length=30, choices=Model.choices, default=Model.OTHER)
    model_from = models.CharField(
        _("model from"), max_length=10, choices=Provenance.choices, default=Provenance.CONFIRMED
    )
    legal_structure = models.CharField(
        _("legal structure"),
        max_length=20,
        choices=LegalStructure.choices,
        default=LegalStructure.UNKNOWN,
    )
    legal_entity_name = models.CharField(_("legal entity name"), max_length=200, blank=True)
    initiated_by = models.CharField(
        _("initiated by"), max_length=20, choices=InitiatedBy.choices, default=InitiatedBy.UNKNOWN
    )
    year_founded = models.PositiveSmallIntegerField(
        _("year founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(EARLIEST_FOUNDING_YEAR), MaxValueValidator(current_year)],
    )
    member_count = models.PositiveIntegerField(
        _("number of members"),
        null=True,
        blank=True,
        help_text=_("As the cluster states it; the members listed below may be fewer."),
    )
    eccp_registered = models.CharField(
        _("registered on the ECCP"),
        max_length=10,
        choices=EccpRegistration.choices,
        default=EccpRegistration.UNKNOWN,
        help_text=_("Registered on the European Cluster Collaboration Platform."),
    )
    eccp_profile_url = models.URLField(_("ECCP profile"), max_length=300, blank=True)
    activity_status = models.CharField(
        _("activity status"),
        max_length=10,
        choices=ActivityStatus.choices,
        default=ActivityStatus.ACTIVE,
    )

    fields_of_activity = models.ManyToManyField(
        FieldOfActivity, verbose_name=_("fields of activity"), blank=True, related_name="clusters"
    )
    services = models.ManyToManyField(
        MemberService, verbose_name=_("services to members"), blank=True, related_name="clusters"
    )
    innovation_types = models.ManyToManyField(
        InnovationType, verbose_name=_("innovation types"), blank=True, related_name="clusters"
    )
    thematic_areas = models.ManyToManyField(
        "themes.ThematicArea",
        verbose_name=_("thematic areas"),
        blank=True,
        related_name="clusters",
    )

    label = models.CharField(
        _("cluster label"), max_length=20, choices=Label.choices, default=Label.NONE
    )
    label_expires_on = models.DateField(_("label expires on"), null=True, blank=True)

    status = models.CharField(
        _("publication status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.STAFF
    )
    needs_review = models.BooleanField(_("needs review"), default=False)
    staff_notes = models.TextField(_("staff notes"), blank=True)
    submitter_name = models.CharField(_("submitter's name"), max_length=150, blank=True)
    submitter_email = models.EmailField(_("submitter's email"), blank=True)
    name_in_source = models.CharField(
        _("listed in the GECES mapping as"),
        max_length=500,
        blank=True,
        help_text=_("The line as the GECES page of 2021 wrote it; empty for other entries."),
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Empty while no person has changed the entry since the seed was loaded: the public page
    # says "last updated" only of a change somebody made.
    updated_at = models.DateTimeField(_("last updated"), auto_now=True, null=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    last_verified_at = models.DateTimeField(
        _("last verified"),
        null=True,
        blank=True,
        help_text=_("When a person last confirmed that this entry is true. Shown to the public."),
    )

    # Derived columns, kept current by clusters.signals and the code that writes in bulk.
    # The name as people sort it, on every database: Łomża among the L's, ecoBI among the E's.
    sort_name = models.CharField(max_length=200, editable=False, default="")
    # The cluster's text and its members' names, folded (csei.text.fold): searched on SQLite.
    search_text = models.TextField(editable=False, default="")
    # The same as a GIN-indexed document for ranked full-text search on PostgreSQL only.
    search_document = SearchVectorField(null=True, editable=False)
    # The types of its member organisations, space-separated, so that the "has a member that
    # is" filter and its counts need no join through every membership.
    member_types = models.CharField(max_length=200, editable=False, default="")

    objects = ClusterQuerySet.as_manager()

    class Meta:
        ordering = ["sort_name", "name"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        indexes = [
            models.Index(fields=["status", "sort_name"]),
            models.Index(fields=["status", "country"]),
            models.Index(fields=["status", "-updated_at"]),
            models.Index(fields=["model"]),
            models.Index(fields=["legal_structure"]),
            models.Index(fields=["activity_status"]),
            models.Index(fields=["eccp_registered"]),
            models.Index(fields=["needs_review"]),
            # Everything the map's grid reads, so that PostgreSQL answers it from the index
            # alone rather than from the wide rows (a tenth of the time at 100,000).
            models.Index(
                fields=["status", "latitude", "longitude", "country", "location_precision", "id"],
                name="cluster_map_grid_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90) | Q(latitude__isnull=True),
                name="cluster_latitude_in_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180, longitude__lte=180) | Q(longitude__isnull=True),
                name="cluster_longitude_in_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="cluster_coordinates_together",
            ),
            # The upper bound (not in the future) moves every year, so it is a validator.
            models.CheckConstraint(
                condition=Q(year_founded__gte=EARLIEST_FOUNDING_YEAR)
                | Q(year_founded__isnull=True),
                name="cluster_year_founded_plausible",
            ),
            models.CheckConstraint(
                condition=Q(eccp_registered="yes") | Q(eccp_profile_url=""),
                name="cluster_eccp_profile_only_when_registered",
            ),
            models.CheckConstraint(
                condition=~Q(label="none") | Q(label_expires_on__isnull=True),
                name="cluster_label_expiry_only_with_label",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name, reserved=RESERVED_SLUGS)
        self.sort_name = fold(self.name)
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("clusters:detail", args=[self.slug])

    @property
    def place(self):
        """City and region as one line, without repeating a name."""
        parts = [self.city, self.region] if self.region != self.city else [self.city]
        return ", ".join(part for part in parts if part)

    @property
    def map_point(self):
        """(latitude, longitude) where the map shows the cluster: its coordinates, or its
        country's reference point; None when neither is known."""
        return map_point(self.latitude, self.longitude, self.country)

    @property
    def is_from_seed(self):
        return self.source == self.Source.SEED

    @property
    def inferred_facts(self):
        """The facts shown that are guesses still to confirm, in words: "its country and its
        model"; empty when there are none."""
        inferred = self.Provenance.INFERRED
        facts = [
            _("its country") if self.country and self.country_from == inferred else None,
            _("its place") if self.place and self.place_from == inferred else None,
            _("its model")
            if self.model != self.Model.OTHER and self.model_from == inferred
            else None,
        ]
        return get_text_list([str(fact) for fact in facts if fact], str(_("and")))


class OrganisationQuerySet(models.QuerySet):
    def matching(self, name, country):
        """The organisation a form means by this name and country, if it exists."""
        return self.filter(name__iexact=name.strip(), country=country or "")


class Organisation(models.Model):
    class Type(models.TextChoices):
        SOCIAL_ECONOMY_ENTERPRISE = "social_economy_enterprise", _("Social economy enterprise")
        MAINSTREAM_ENTERPRISE = "mainstream_enterprise", _("Mainstream enterprise")
        CIVIL_SOCIETY = "civil_society", _("Civil society organisation")
        LOCAL_AUTHORITY = "local_authority", _("Local authority")
        EDUCATION_RESEARCH = "education_research", _("Education and research institution")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=30, choices=Type.choices, default=Type.OTHER)
    country = CountryField(_("country"), blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "country", name="organisation_unique_name_per_country"
            ),
        ]
        indexes = [models.Index(fields=["type"])]

    def __str__(self):
        return f"{self.name} ({self.country.code})" if self.country else self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        FOUNDING_MEMBER = "founding_member", _("Founding member")
        MEMBER = "member", _("Member")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="memberships")
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


class CorrectionSuggestion(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        DONE = "done", _("Handled")

    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="correction_suggestions"
    )
    message = models.TextField(_("what should change"))
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("correction suggestion")
        verbose_name_plural = _("correction suggestions")

    def __str__(self):
        return f"Correction to {self.cluster}"
