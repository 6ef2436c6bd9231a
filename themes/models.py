from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.fields import BoundedTextField
from core.locale import site_language_choices
from core.text import unique_slug
from core.validators import NotReserved
from core.vocabulary import keep_the_original_column

# Pages under /themes/ whose address a thematic area's slug would otherwise shadow.
RESERVED_SLUGS = frozenset({"propose"})


class ThematicAreaQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status__in=ThematicArea.PUBLIC_STATUSES)


class ThematicArea(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        UNDER_DEVELOPMENT = "under_development", _("Under development")
        PROPOSED = "proposed", _("Proposed")
        REJECTED = "rejected", _("Rejected")

    PUBLIC_STATUSES = (Status.ACTIVE, Status.UNDER_DEVELOPMENT)

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(
        _("slug"),
        max_length=160,
        unique=True,
        blank=True,
        validators=[NotReserved(*RESERVED_SLUGS)],
    )
    description = BoundedTextField(_("description"), max_length=4000, blank=True)
    reason = BoundedTextField(
        _("why it matters"),
        max_length=4000,
        blank=True,
        help_text=_("As the person who proposed it put it."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_by_name = models.CharField(_("proposed by (name)"), max_length=150, blank=True)
    proposed_by_email = models.EmailField(_("proposed by (email)"), blank=True)
    # The language of the page it was proposed from: what its words are written in.
    proposal_language = models.CharField(
        _("language of the proposal"), max_length=8, choices=site_language_choices, default="en"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ThematicAreaQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("thematic area")
        verbose_name_plural = _("thematic areas")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        keep_the_original_column(self, "name", "description")
        if not self.slug:
            self.slug = unique_slug(self, self.name_en, reserved=RESERVED_SLUGS)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("themes:detail", args=[self.slug])

    @property
    def is_public(self):
        return self.status in self.PUBLIC_STATUSES


class JoinRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=JoinRequest.Status.PENDING)


class JoinRequest(models.Model):
    """A cluster asks to join a thematic area; staff accept or decline it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for staff")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    thematic_area = models.ForeignKey(
        ThematicArea,
        verbose_name=_("thematic area"),
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    cluster = models.ForeignKey(
        "clusters.Cluster",
        verbose_name=_("cluster"),
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    email = models.EmailField(_("email of the person asking"))
    language = models.CharField(
        _("language"), max_length=8, choices=site_language_choices, default="en"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = JoinRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")

    def __str__(self):
        return f"{self.cluster} asks to join {self.thematic_area}"
