"""Corrections anyone may suggest to a published entry, for staff to handle."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import BoundedTextField
from core.locale import site_language_choices

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
        "clusters.Cluster", on_delete=models.CASCADE, related_name="correction_suggestions"
    )
    kind = models.CharField(
        _("what is the problem"), max_length=10, choices=Kind.choices, default=Kind.WRONG
    )
    field = models.CharField(_("which information"), max_length=40, blank=True)
    # What the page said when the suggestion was sent, for staff to compare.
    current_value = BoundedTextField(
        _("value when sent"),
        max_length=CURRENT_VALUE_MAX_LENGTH,
        blank=True,
    )
    proposed_value = BoundedTextField(_("proposed value"), max_length=2000, blank=True)
    message = BoundedTextField(_("details"), max_length=4000, blank=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    # The language of the page it was sent from: what its words are written in, most likely.
    language = models.CharField(
        _("language"), max_length=8, choices=site_language_choices, default="en"
    )
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
