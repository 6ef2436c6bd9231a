"""The addresses a cluster had: they keep answering, with a redirect to where it is now."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SlugRedirect(models.Model):
    """An address a cluster had, before a rename or a merge: it answers 301 to the cluster."""

    old_slug = models.SlugField(_("old address"), max_length=120, unique=True)
    cluster = models.ForeignKey(
        "clusters.Cluster", on_delete=models.CASCADE, related_name="old_slugs"
    )
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
