from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from csei.text import unique_slug


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
    slug = models.SlugField(_("slug"), max_length=160, unique=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_by_name = models.CharField(_("proposed by (name)"), max_length=150, blank=True)
    proposed_by_email = models.EmailField(_("proposed by (email)"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ThematicAreaQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("thematic area")
        verbose_name_plural = _("thematic areas")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("themes:detail", args=[self.slug])

    @property
    def is_public(self):
        return self.status in self.PUBLIC_STATUSES
