from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from core.fields import BoundedTextField, WebAddressField
from core.text import unique_slug
from core.vocabulary import keep_the_original_column


class CaseStudyQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=CaseStudy.Status.PUBLISHED)


class CaseStudy(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=210, unique=True, blank=True)
    cluster = models.ForeignKey(
        "clusters.Cluster",
        verbose_name=_("cluster"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case_studies",
    )
    summary = BoundedTextField(_("summary"), max_length=1000, blank=True)
    body = BoundedTextField(_("body"), max_length=20000, blank=True)
    presenter = models.CharField(_("presenter"), max_length=150, blank=True)
    presenter_role = models.CharField(_("presenter's role"), max_length=250, blank=True)
    event = models.CharField(_("event"), max_length=250, blank=True)
    event_date = models.DateField(_("event date"), null=True, blank=True)
    country = CountryField(_("country"), blank=True)
    thematic_areas = models.ManyToManyField(
        "themes.ThematicArea",
        verbose_name=_("thematic areas"),
        blank=True,
        related_name="case_studies",
    )
    status = models.CharField(
        _("publication status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = CaseStudyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-event_date", "title"]
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        keep_the_original_column(self, "title", "summary", "body")
        if not self.slug:
            self.slug = unique_slug(self, self.title_en)
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("cases:detail", args=[self.slug])


class CaseStudyLink(models.Model):
    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(_("title"), max_length=200)
    url = WebAddressField(_("address"), max_length=500)

    class Meta:
        ordering = ["id"]
        verbose_name = _("link")
        verbose_name_plural = _("links")

    def __str__(self):
        return self.title
