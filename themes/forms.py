"""Propose a thematic area."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ConsentField, HoneypotMixin, PublicFormMixin
from core.text import fold
from core.vocabulary import in_every_language
from themes.models import ThematicArea


class ThematicAreaProposalForm(PublicFormMixin, HoneypotMixin, forms.ModelForm):
    consent = ConsentField(
        label=_("GECES staff may keep my name and email to discuss this proposal with me.")
    )

    class Meta:
        model = ThematicArea
        fields = ["name", "description", "reason", "proposed_by_name", "proposed_by_email"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "reason": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "name": _("Name of the thematic area"),
            "description": _("What clusters would work on together"),
            "reason": _("Why it matters"),
            "proposed_by_name": _("Your name"),
            "proposed_by_email": _("Your email"),
        }
        help_texts = {
            "reason": _("For clusters, their territories, or the social economy in Europe."),
            "proposed_by_email": _("Not published. We confirm your proposal here."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("description", "reason", "proposed_by_name", "proposed_by_email"):
            self.fields[name].required = True

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        # Named so in any language: a French visitor proposes what exists in English.
        taken = {
            fold(other)
            for names in ThematicArea.objects.values_list(*in_every_language("name"))
            for other in names
            if other
        }
        if fold(name) in taken:
            raise forms.ValidationError(
                _("A thematic area of this name exists already, or has been proposed.")
            )
        return name

    def validate_unique(self):
        """clean_name() has said it in the site's words, whatever the case and accents."""
