"""A cluster's description in more of the directory's languages, in its own words."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import BoundedTextField
from core.locale import language_name, site_language_choices


class ClusterDescription(models.Model):
    """The cluster's short description and description in one more of the site's languages,
    written by the cluster through its link: a visitor reading the site in that language
    reads it instead of the original. Never machine-translated."""

    cluster = models.ForeignKey(
        "clusters.Cluster", on_delete=models.CASCADE, related_name="descriptions"
    )
    language = models.CharField(_("language"), max_length=8, choices=site_language_choices)
    short_description = models.CharField(_("short description"), max_length=300, blank=True)
    description = BoundedTextField(_("description"), max_length=5000, blank=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        ordering = ["language"]
        verbose_name = _("description in another language")
        verbose_name_plural = _("descriptions in other languages")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "language"], name="one_description_per_language"
            )
        ]

    def __str__(self):
        return f"{self.cluster} ({self.language})"

    @property
    def language_name(self):
        return language_name(self.language)
