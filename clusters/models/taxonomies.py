"""The small taxonomies a cluster is tagged with."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.text import unique_slug
from core.vocabulary import keep_the_original_column


class Term(models.Model):
    """A term of one of the small taxonomies a cluster is tagged with, its name in every
    language (clusters/translation.py)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=110, unique=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        keep_the_original_column(self, "name")
        if not self.slug:
            self.slug = unique_slug(self, self.name_en)
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
