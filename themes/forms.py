"""Propose a thematic area; ask for a cluster to join one."""

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
from core.emails import notify_staff, send_email
from core.forms import ConsentField, HoneypotMixin, PublicFormMixin
from core.text import fold
from themes.models import JoinRequest, ThematicArea


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
        if any(
            fold(name) == fold(other)
            for other in ThematicArea.objects.values_list("name", flat=True)
        ):
            raise forms.ValidationError(
                _("A thematic area of this name exists already, or has been proposed.")
            )
        return name

    def validate_unique(self):
        """clean_name() has said it in the site's words, whatever the case and accents."""


@transaction.atomic
def propose_thematic_area(form):
    thematic_area = form.save(commit=False)
    thematic_area.status = ThematicArea.Status.PROPOSED
    thematic_area.save()
    context = {"thematic_area": thematic_area}
    transaction.on_commit(
        lambda: (
            send_email([thematic_area.proposed_by_email], "theme_proposal_received", context),
            notify_staff("theme_proposal_for_staff", context),
        )
    )
    return thematic_area


class JoinRequestForm(PublicFormMixin, HoneypotMixin, forms.Form):
    cluster = forms.CharField(
        label=_("Your cluster"),
        max_length=200,
        help_text=_("Its name as the directory lists it, or the address of its page."),
        widget=forms.TextInput(attrs={"list": "cluster-names", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        help_text=_("Not published. Staff write to you here if they have a question."),
    )

    def __init__(self, *args, thematic_area, **kwargs):
        super().__init__(*args, **kwargs)
        self.thematic_area = thematic_area

    def clean_cluster(self):
        """The published cluster meant: by its page's address, or by its exact name."""
        typed = self.cleaned_data["cluster"].strip()
        slug = typed.rstrip("/").rsplit("/", 1)[-1]
        published = Cluster.objects.published()
        found = list(published.filter(slug=slug)[:1]) or list(
            published.filter(sort_name=fold(typed))[:2]
        )
        if not found:
            raise forms.ValidationError(
                _("No published cluster has this name. Check the spelling, or register it first.")
            )
        if len(found) > 1:
            raise forms.ValidationError(
                _("Several clusters have this name: give the address of your cluster's page.")
            )
        cluster = found[0]
        if cluster.thematic_areas.filter(pk=self.thematic_area.pk).exists():
            raise forms.ValidationError(_("%(name)s is in this area already.") % {"name": cluster})
        return cluster


@transaction.atomic
def ask_to_join(form):
    join_request = JoinRequest.objects.create(
        thematic_area=form.thematic_area,
        cluster=form.cleaned_data["cluster"],
        email=form.cleaned_data["email"],
    )
    context = {"join_request": join_request}
    transaction.on_commit(
        lambda: (
            send_email([join_request.email], "join_request_received", context),
            notify_staff("join_request_for_staff", context),
        )
    )
    return join_request
