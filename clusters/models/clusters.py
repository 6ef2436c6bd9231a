"""The cluster: its facts, how sure each is, and the columns derived for search and filters."""

from datetime import timedelta
from functools import cached_property

from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    Q,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from clusters.eccp import standing as eccp_standing
from clusters.eccp import validate_profile_url
from clusters.models import choices
from clusters.models.addresses import SlugRedirect
from clusters.models.derived import MEMBER_COUNT_FIELDS, refresh_derived
from clusters.models.descriptions import ClusterDescription
from clusters.models.organisations import (
    EARLIEST_FOUNDING_YEAR,
    current_year,
)
from clusters.models.review import REVIEW_REASONS, review_conditions
from clusters.models.taxonomies import FieldOfActivity, InnovationType, MemberService
from core.fields import BoundedTextField, WebAddressField
from core.locale import site_language_choices, text_language_choices
from core.places import map_point
from core.text import fold, unique_slug
from core.validators import NotReserved

# Pages under /clusters/ whose address a cluster's slug would otherwise shadow.
RESERVED_SLUGS = frozenset({"map", "register"})

# Columns computed from others for search and filters: history leaves them out.
DERIVED_FIELDS = [
    "sort_name", "search_text", "search_document", "member_types", *MEMBER_COUNT_FIELDS,
]  # fmt: skip
# An entry nobody has verified for this long says so on its page and is faded on the map.
STALE_AFTER = timedelta(days=548)


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

    def with_staleness(self):
        """Annotate `stale`, as Cluster.is_stale says it."""
        cutoff = timezone.now() - STALE_AFTER
        never_verified = Q(last_verified_at__isnull=True) & (
            Q(source=Cluster.Source.SEED) | Q(created_at__lt=cutoff)
        )
        return self.annotate(
            stale=ExpressionWrapper(
                Q(last_verified_at__lt=cutoff) | never_verified, output_field=BooleanField()
            )
        )

    def with_member_counts(self):
        return self.annotate(registered_member_count=Count("memberships", distinct=True))

    def with_review_reasons(self):
        """Each cluster with a `review_<reason>` flag for every reason of REVIEW_REASONS."""
        return self.annotate(
            **{
                f"review_{name}": ExpressionWrapper(condition, output_field=BooleanField())
                for name, condition in review_conditions().items()
            }
        )

    def needing_review(self, reason):
        return self.filter(review_conditions()[reason])

    def refresh_derived(self, tagged=True):
        """Recompute the derived columns of these clusters: see derived.refresh_derived."""
        refresh_derived(self, tagged)


class Cluster(models.Model):
    # The choices of its facts, defined in clusters.models.choices.
    Model = choices.Model
    LegalStructure = choices.LegalStructure
    InitiatedBy = choices.InitiatedBy
    ActivityStatus = choices.ActivityStatus
    EccpRegistration = choices.EccpRegistration
    Provenance = choices.Provenance
    LocationPrecision = choices.LocationPrecision
    MapPrecision = choices.MapPrecision
    Label = choices.Label
    Status = choices.Status
    Source = choices.Source

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
        validators=[NotReserved(*sorted(RESERVED_SLUGS))],
        help_text=_("Part of the page address. Changing it breaks links from other sites."),
    )
    short_description = models.CharField(_("short description"), max_length=300, blank=True)
    description = BoundedTextField(_("description"), max_length=5000, blank=True)
    # The texts are shown as the cluster wrote them, marked with their language so that
    # screen readers and search engines read them right; the 2021 mapping wrote in English.
    description_language = models.CharField(
        _("language of its texts"),
        max_length=8,
        choices=text_language_choices,
        default="en",
        help_text=_("The language the name, short description and description are written in."),
    )

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

    website = WebAddressField(_("website"), max_length=300, blank=True)
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
    eccp_profile_url = WebAddressField(
        _("ECCP profile"), max_length=300, blank=True, validators=[validate_profile_url]
    )
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
    staff_notes = BoundedTextField(_("staff notes"), max_length=5000, blank=True)
    rejection_reason = BoundedTextField(
        _("reason for rejecting it"),
        max_length=2000,
        blank=True,
        help_text=_("E-mailed to the submitter when the registration is rejected."),
    )
    possible_duplicates = models.ManyToManyField(
        "self",
        verbose_name=_("possible duplicates"),
        blank=True,
        help_text=_("Entries with a close name in the same country, or the same website."),
    )
    distinct_from = models.ManyToManyField(
        "self",
        verbose_name=_("not duplicates of"),
        blank=True,
        help_text=_("Entries staff have checked are other clusters: never flagged again."),
    )
    submitter_name = models.CharField(_("submitter's name"), max_length=150, blank=True)
    submitter_email = models.EmailField(_("submitter's email"), blank=True)
    contact_language = models.CharField(
        _("language of e-mails to the submitter"),
        max_length=8,
        choices=site_language_choices,
        default="en",
        help_text=_("The language of the page they registered on: later e-mails follow it."),
    )
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
    # The cluster's text and its members' names, folded (core.text.fold): searched on SQLite.
    search_text = models.TextField(editable=False, default="")
    # The same as a GIN-indexed document for ranked full-text search on PostgreSQL only.
    search_document = SearchVectorField(null=True, editable=False)
    # The types of its member organisations, space-separated, so that the "has a member that
    # is" filter and its counts need no join through every membership.
    member_types = models.CharField(max_length=200, editable=False, default="")
    # How many members of each type it lists (MEMBER_COUNT_FIELDS), so that statistics and
    # the ECCP's criteria add up columns rather than join every membership.
    social_economy_enterprise_members = models.PositiveIntegerField(editable=False, default=0)
    mainstream_enterprise_members = models.PositiveIntegerField(editable=False, default=0)
    civil_society_members = models.PositiveIntegerField(editable=False, default=0)
    local_authority_members = models.PositiveIntegerField(editable=False, default=0)
    education_research_members = models.PositiveIntegerField(editable=False, default=0)
    other_members = models.PositiveIntegerField(editable=False, default=0)

    objects = ClusterQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=DERIVED_FIELDS,
        m2m_fields=[fields_of_activity, services, innovation_types, thematic_areas],
    )

    class Meta:
        ordering = ["sort_name", "name"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        permissions = [("moderate_cluster", _("Can publish, reject and archive clusters"))]
        indexes = [
            models.Index(fields=["status", "sort_name"]),
            # The newest entries, on the home page.
            models.Index(fields=["status", "-published_at", "name"]),
            # Every column the facet counts and the home page's figures read, so that
            # PostgreSQL counts from this index alone rather than the wide rows (a tenth
            # of their size). SQLite has no INCLUDE and makes it an index of the status.
            models.Index(
                fields=["status"],
                include=[
                    "id",
                    "country",
                    "latitude",
                    "location_precision",
                    "model",
                    "legal_structure",
                    "eccp_registered",
                    "activity_status",
                    "member_types",
                    "source",
                    "last_verified_at",
                ],
                name="cluster_facets_idx",
            ),  # fmt: skip
            models.Index(fields=["status", "country"]),
            models.Index(fields=["status", "-updated_at"]),
            # The orders "recently updated" and "by country" have their indexes on
            # PostgreSQL only, by migration 0012: SQLite cannot index NULLS LAST.
            models.Index(fields=["eccp_registered"]),
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
            self.slug = unique_slug(
                self, self.name, reserved=RESERVED_SLUGS, taken_elsewhere=SlugRedirect.exists
            )
        elif self.pk:
            # A renamed address keeps answering: links from other sites lead here.
            old = Cluster.objects.filter(pk=self.pk).values_list("slug", flat=True).first()
            if old and old != self.slug:
                SlugRedirect.objects.update_or_create(old_slug=old, defaults={"cluster": self})
        self.fill_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("clusters:detail", args=[self.slug])

    def clean(self):
        # A name typed or pasted with doubled spaces would be listed, and sorted, with them.
        self.name = " ".join(self.name.split())

    def fill_derived(self):
        """The values save() works out from the others; code that writes in bulk calls it."""
        self.sort_name = fold(self.name)
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()

    @property
    def place(self):
        """City and region as one line, without repeating a name."""
        parts = [self.city, self.region] if self.region != self.city else [self.city]
        return ", ".join(part for part in parts if part)

    @property
    def is_stale(self):
        """Nobody has verified the entry for eighteen months: the page and the map say so.
        An entry of the 2021 mapping that nobody has verified since is as old."""
        cutoff = timezone.now() - STALE_AFTER
        if self.last_verified_at is not None:
            return self.last_verified_at < cutoff
        return self.source == self.Source.SEED or self.created_at < cutoff

    @property
    def review_reasons(self):
        """Why staff should look at this entry, in words: read from with_review_reasons()."""
        return [label for name, label in REVIEW_REASONS.items() if getattr(self, f"review_{name}")]

    @property
    def reference(self):
        """How e-mails and staff name a registration: "CSEI-000063"."""
        return f"CSEI-{self.pk:06d}"

    def words_for(self, language):
        """The short description and description a reader of `language` sees: those the
        cluster wrote in that language, where it did, else the original. One query."""
        written = self.descriptions.filter(language=language).exclude(
            language=self.description_language
        )
        return written.first() or ClusterDescription(
            cluster=self,
            language=self.description_language,
            short_description=self.short_description,
            description=self.description,
        )

    @property
    def has_contact(self):
        """Whether someone can be sent the link to keep this entry true."""
        return bool(self.submitter_email)

    @property
    def map_point(self):
        """(latitude, longitude) where the map shows the cluster: its coordinates, or its
        country's reference point; None when neither is known."""
        return map_point(self.latitude, self.longitude, self.country)

    @cached_property
    def eccp_standing(self):
        """How the cluster stands against the ECCP's criteria (clusters.eccp.EccpStanding)."""
        return eccp_standing(self)

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
