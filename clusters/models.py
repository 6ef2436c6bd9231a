import hashlib
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import connection, models, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Concat, Trim
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.emails import send_email
from core.page_cache import directory_changed
from core.places import map_point
from core.text import fold, unique_slug

EARLIEST_FOUNDING_YEAR = 1800

# Pages under /clusters/ whose address a cluster's slug would otherwise shadow.
RESERVED_SLUGS = frozenset({"map", "register"})


def validate_not_reserved(slug):
    if slug in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is the address of another page."), params={"slug": slug}
        )


# The link that lets a cluster's contact update its entry works this long.
MANAGE_LINK_MAX_AGE = timedelta(days=7)
MANAGE_LINK_SALT = "clusters.manage"

# Columns computed from others for search and filters: history leaves them out.
DERIVED_FIELDS = ["sort_name", "search_text", "search_document", "member_types"]
# An entry nobody has verified for this long says so on its page and is faded on the map.
STALE_AFTER = timedelta(days=548)

# A cluster's own text that the search reads, besides its members' names.
SEARCHED_FIELDS = [
    "name", "also_known_as", "city", "region", "short_description", "description",
]  # fmt: skip
# The full-text document of a cluster on PostgreSQL, from its derived columns.
SEARCH_DOCUMENT = SearchVector("sort_name", weight="A", config="simple") + SearchVector(
    "search_text", weight="C", config="simple"
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

    def send_verification_links(self):
        """E-mail the contact of each of these clusters the link to verify its entry: one
        e-mail a cluster with an address on file. Returns how many were sent."""
        sent = 0
        for cluster in self.exclude(submitter_email=""):
            send_email(
                [cluster.submitter_email],
                "verification_reminder",
                {"cluster": cluster, "manage_url": cluster.manage_url()},
            )
            sent += 1
        return sent

    @transaction.atomic
    def mark_distinct(self):
        """These clusters are not duplicates of one another: say so, and never flag it again."""
        clusters = list(self)
        for cluster in clusters:
            others = [other for other in clusters if other.pk != cluster.pk]
            cluster.possible_duplicates.remove(*others)
            cluster.distinct_from.add(*others)

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

    def refresh_search(self):
        """Recompute the stored search text of these clusters: three queries, and one more
        on PostgreSQL for the full-text document."""
        member_names = defaultdict(list)
        for cluster_id, name in Membership.objects.filter(cluster__in=self).values_list(
            "cluster_id", "organisation__name"
        ):
            member_names[cluster_id].append(name)
        changed = list(self.only("pk", *SEARCHED_FIELDS))
        for cluster in changed:
            texts = [getattr(cluster, name) for name in SEARCHED_FIELDS]
            cluster.search_text = fold(" ".join(texts + member_names[cluster.pk]))
        Cluster.objects.bulk_update(changed, ["search_text"], batch_size=1000)
        directory_changed()
        if connection.vendor == "postgresql":
            Cluster.objects.filter(pk__in=[cluster.pk for cluster in changed]).update(
                search_document=SEARCH_DOCUMENT
            )

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
        directory_changed()
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
    # A TextField's max_length reaches its form only: the validator makes full_clean(), hence
    # the spreadsheet import, refuse a longer text too, as it does for a CharField.
    description = models.TextField(
        _("description"), max_length=5000, blank=True, validators=[MaxLengthValidator(5000)]
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
    staff_notes = models.TextField(
        _("staff notes"), max_length=5000, blank=True, validators=[MaxLengthValidator(5000)]
    )
    rejection_reason = models.TextField(
        _("reason for rejecting it"),
        max_length=2000,
        blank=True,
        validators=[MaxLengthValidator(2000)],
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
        self.sort_name = fold(self.name)
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("clusters:detail", args=[self.slug])

    def clean(self):
        # A name typed or pasted with doubled spaces would be listed, and sorted, with them.
        self.name = " ".join(self.name.split())

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

    # Moderation: each a state change in one transaction; e-mails go once it is committed.

    @transaction.atomic
    def publish(self, by=None):
        self.status = self.Status.PUBLISHED
        self._history_user = by
        self.save()
        if self.has_contact:
            context = {"cluster": self, "manage_url": self.manage_url()}
            transaction.on_commit(
                lambda: send_email([self.submitter_email], "cluster_published", context)
            )

    @transaction.atomic
    def reject(self, reason, by=None):
        self.status = self.Status.REJECTED
        self.rejection_reason = reason
        self._history_user = by
        self.save()
        if self.has_contact:
            context = {"cluster": self, "reason": reason}
            transaction.on_commit(
                lambda: send_email([self.submitter_email], "registration_rejected", context)
            )

    @transaction.atomic
    def archive(self, by=None):
        self.status = self.Status.ARCHIVED
        self._history_user = by
        self.save()

    @transaction.atomic
    def merge(self, other, take=(), by=None):
        """Make `other` part of this cluster, then remove it.

        `take` names the fields whose value comes from `other`. Members, taxonomies,
        thematic areas, case studies, suggestions, join requests and history all move here,
        and the other's address answers with a permanent redirect to this one.
        """
        for name in take:
            setattr(self, name, getattr(other, name))
        mine = self.memberships.values_list("organisation_id", flat=True)
        other.memberships.exclude(organisation_id__in=list(mine)).update(cluster=self)
        for name in ("fields_of_activity", "services", "innovation_types", "thematic_areas"):
            getattr(self, name).add(*getattr(other, name).all())
        other.case_studies.update(cluster=self)
        other.correction_suggestions.update(cluster=self)
        other.join_requests.update(cluster=self)
        SlugRedirect.objects.filter(cluster=other).update(cluster=self)
        old_slug, old_pk = other.slug, other.pk
        other._change_reason = f"Merged into {self.name}"
        other._history_user = by
        other.delete()
        # The other's history stays its own, and is shown with this entry's (merged_id).
        SlugRedirect.objects.update_or_create(
            old_slug=old_slug, defaults={"cluster": self, "merged_id": old_pk}
        )
        self._change_reason = f"Merged with {other.name}"
        self._history_user = by
        self.save()
        clusters = Cluster.objects.filter(pk=self.pk)
        clusters.refresh_member_types()
        clusters.refresh_search()

    def differences_from(self, record):
        """[(field, value now, value in the version)] where an earlier version differs."""
        differences = []
        past = record.instance
        for field in self._meta.concrete_fields:
            if field.name in ("id", *DERIVED_FIELDS) or not hasattr(past, field.attname):
                continue
            now, then = getattr(self, field.attname), getattr(past, field.attname)
            if now != then:
                differences.append((field, now, then))
        for field in Cluster.history.model._history_m2m_fields:
            target = f"{field.m2m_reverse_field_name()}_id"
            now = set(getattr(self, field.name).values_list("pk", flat=True))
            then = set(getattr(record, field.name).values_list(target, flat=True))
            if now != then:
                names = dict(
                    field.related_model.objects.filter(pk__in=now | then).values_list("pk", "name")
                )
                differences.append(
                    (
                        field,
                        ", ".join(sorted(names[pk] for pk in now)),
                        ", ".join(sorted(names[pk] for pk in then)),
                    )
                )
        return differences

    @transaction.atomic
    def restore(self, record, by=None):
        """Bring back the values of an earlier version (a historical record), taxonomies
        and thematic areas included."""
        past = record.instance
        for field in self._meta.concrete_fields:
            if field.name not in ("id", *DERIVED_FIELDS) and hasattr(past, field.attname):
                setattr(self, field.attname, getattr(past, field.attname))
        self._change_reason = f"Restored the version of {record.history_date:%d %B %Y, %H:%M}"
        self._history_user = by
        self.save()
        for field in Cluster.history.model._history_m2m_fields:
            target = f"{field.m2m_reverse_field_name()}_id"
            getattr(self, field.name).set(
                list(getattr(record, field.name).values_list(target, flat=True))
            )

    @property
    def reference(self):
        """How e-mails and staff name a registration: "CSEI-000063"."""
        return f"CSEI-{self.pk:06d}"

    @property
    def has_contact(self):
        """Whether someone can be sent the link to keep this entry true."""
        return bool(self.submitter_email)

    def manage_token(self):
        """The signed token of the link that lets the contact on file update the entry.

        It names the cluster and the address it was sent to, so it opens no other entry and
        stops working when staff change the address; signing.loads() enforces its age.
        """
        return signing.dumps(
            {"cluster": self.pk, "contact": self._contact_digest()}, salt=MANAGE_LINK_SALT
        )

    def manage_url(self):
        return settings.SITE_URL + reverse("clusters:manage", args=[self.slug, self.manage_token()])

    def check_manage_token(self, token):
        """Raise signing.SignatureExpired for an old link, BadSignature for any other bad one."""
        content = signing.loads(token, salt=MANAGE_LINK_SALT, max_age=MANAGE_LINK_MAX_AGE)
        if content != {"cluster": self.pk, "contact": self._contact_digest()}:
            raise signing.BadSignature("The link is for another cluster or address.")

    def _contact_digest(self):
        return hashlib.sha256(self.submitter_email.strip().lower().encode()).hexdigest()[:16]

    def confirm(self):
        """The contact says the entry is true: it is verified now, its facts are no longer
        guesses, and a cluster that answers is active."""
        self.last_verified_at = timezone.now()
        confirmed = self.Provenance.CONFIRMED
        self.country_from = self.place_from = self.model_from = confirmed
        if self.activity_status in (self.ActivityStatus.LISTED, self.ActivityStatus.UNKNOWN):
            self.activity_status = self.ActivityStatus.ACTIVE
        self.save()

    @transaction.atomic
    def set_members(self, rows, reason=""):
        """Make the cluster's members exactly these rows (dicts with name, type, role,
        website and country), each linked to the organisation of that name and country.

        Written in bulk, history included: two hundred members cost a few queries, not
        hundreds. `reason` says in the history who made the change.
        """
        organisations = Organisation.objects.for_members(rows, reason)
        roles = {}
        for row in rows:
            organisation = organisations[Organisation.key(row["name"], row["country"])]
            roles.setdefault(organisation.pk, row.get("role") or Membership.Role.MEMBER)
        current = {membership.organisation_id: membership for membership in self.memberships.all()}
        for pk, membership in current.items():
            if pk not in roles:
                membership._change_reason = reason
                membership.delete()
        changed = []
        for pk, membership in current.items():
            if pk in roles and membership.role != roles[pk]:
                membership.role = roles[pk]
                changed.append(membership)
        bulk_update_with_history(changed, Membership, ["role"], default_change_reason=reason)
        bulk_create_with_history(
            [
                Membership(cluster=self, organisation_id=pk, role=role)
                for pk, role in roles.items()
                if pk not in current
            ],
            Membership,
            default_change_reason=reason,
        )
        clusters = Cluster.objects.filter(pk=self.pk)
        clusters.refresh_member_types()
        clusters.refresh_search()

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
        return self.filter(name_key=fold(name), country=country or "")

    def for_members(self, rows, reason=""):
        """{(name key, country): Organisation} for member rows (dicts with name, type,
        website and country): the organisation of that name and country, whatever the case
        and accents, or a new one.

        A registration sent at the same moment may create the same organisation: the unique
        constraint lets one row in, the other insert is skipped, and both then read it.
        """
        wanted = {}
        for row in rows:
            wanted.setdefault(Organisation.key(row["name"], row["country"]), row)
        found = self._with_keys(wanted)
        missing = [key for key in wanted if key not in found]
        if missing:
            self.bulk_create(
                [Organisation.from_member(wanted[key]) for key in missing], ignore_conflicts=True
            )
            created = self._with_keys(missing)
            Organisation.history.bulk_history_create(
                list(created.values()), default_change_reason=reason
            )
            found |= created
        # Where the register knows less than the form says, the form fills it in.
        improved = []
        for key, organisation in found.items():
            row = wanted[key]
            if organisation.type == Organisation.Type.OTHER and row["type"] != organisation.type:
                organisation.type = row["type"]
                improved.append(organisation)
            elif not organisation.website and row.get("website"):
                organisation.website = row["website"]
                improved.append(organisation)
        if improved:
            bulk_update_with_history(
                improved, Organisation, ["type", "website"], default_change_reason=reason
            )
            Cluster.objects.filter(memberships__organisation__in=improved).refresh_member_types()
        return found

    def _with_keys(self, keys):
        keys = set(keys)
        return {
            (organisation.name_key, organisation.country.code): organisation
            for organisation in self.filter(name_key__in={name for name, _ in keys})
            if (organisation.name_key, organisation.country.code) in keys
        }


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

    @transaction.atomic
    def merge(self, duplicates):
        """Move the duplicates' memberships here, then delete the duplicates.

        Where a cluster lists both, this organisation's membership stays and the duplicate's
        goes with it: a cluster lists an organisation once.
        """
        cluster_ids = set(self.memberships.values_list("cluster_id", flat=True))
        for membership in Membership.objects.filter(organisation__in=duplicates).order_by("pk"):
            if membership.cluster_id not in cluster_ids:
                membership.organisation = self
                membership._change_reason = f"Merged into {self}"
                membership.save(update_fields=["organisation"])
                cluster_ids.add(membership.cluster_id)
        for duplicate in duplicates:
            duplicate._change_reason = f"Merged into {self}"
            duplicate.delete()

    @classmethod
    def from_member(cls, row):
        name = " ".join(row["name"].split())
        return cls(
            name=name,
            name_key=fold(name),
            type=row["type"],
            website=row.get("website", ""),
            country=row["country"],
        )


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


REVIEW_REASONS = {
    "country": _("Country inferred or unknown"),
    "place": _("Place inferred"),
    "model": _("Model inferred"),
    "coordinates": _("No coordinates"),
    "activity": _("Activity unknown"),
    "unverified": _("Not verified for a year"),
    "label": _("ESCA label expiring within 60 days"),
}


def review_conditions():
    """{reason: condition} of the entries staff should look at, for each reason."""
    now = timezone.now()
    inferred = Cluster.Provenance.INFERRED
    return {
        "country": Q(country_from__in=[inferred, Cluster.Provenance.UNKNOWN]),
        "place": Q(place_from=inferred),
        "model": Q(model_from=inferred),
        "coordinates": Q(latitude__isnull=True),
        "activity": Q(activity_status=Cluster.ActivityStatus.UNKNOWN),
        "unverified": Q(last_verified_at__isnull=True)
        | Q(last_verified_at__lt=now - timedelta(days=365)),
        "label": Q(
            label_expires_on__gte=now.date(),
            label_expires_on__lte=(now + timedelta(days=60)).date(),
        ),
    }


class SlugRedirect(models.Model):
    """An address a cluster had, before a rename or a merge: it answers 301 to the cluster."""

    old_slug = models.SlugField(_("old address"), max_length=120, unique=True)
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="old_slugs")
    merged_id = models.PositiveBigIntegerField(
        _("merged entry"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The id of the entry merged into this one, whose history it shows."),
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")

    def __str__(self):
        return f"/clusters/{self.old_slug}/ → {self.cluster}"

    @staticmethod
    def exists(slug):
        return SlugRedirect.objects.filter(old_slug=slug).exists()


def history_ids(cluster_id):
    """The ids whose edit history is this cluster's: its own, and those merged into it."""
    merged = SlugRedirect.objects.filter(cluster_id=cluster_id, merged_id__isnull=False)
    return [int(cluster_id), *merged.values_list("merged_id", flat=True)]


# As long as the longest text a cluster has (its description); a longer current value (the
# names of two hundred members) is kept to its beginning.
CURRENT_VALUE_MAX_LENGTH = 5000


class CorrectionSuggestion(models.Model):
    class Kind(models.TextChoices):
        WRONG = "wrong", _("Some information is wrong or missing")
        CLOSED = "closed", _("The cluster no longer exists")
        DUPLICATE = "duplicate", _("It is listed twice: a duplicate of another cluster")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        DONE = "done", _("Handled")

    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="correction_suggestions"
    )
    kind = models.CharField(
        _("what is the problem"), max_length=10, choices=Kind.choices, default=Kind.WRONG
    )
    field = models.CharField(_("which information"), max_length=40, blank=True)
    # What the page said when the suggestion was sent, for staff to compare.
    current_value = models.TextField(
        _("value when sent"),
        max_length=CURRENT_VALUE_MAX_LENGTH,
        blank=True,
        validators=[MaxLengthValidator(CURRENT_VALUE_MAX_LENGTH)],
    )
    proposed_value = models.TextField(
        _("proposed value"), max_length=2000, blank=True, validators=[MaxLengthValidator(2000)]
    )
    message = models.TextField(
        _("details"), max_length=4000, blank=True, validators=[MaxLengthValidator(4000)]
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
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
