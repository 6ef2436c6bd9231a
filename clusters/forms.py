from django import forms
from django.conf import settings
from django.core.mail import mail_admins
from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster, CorrectionSuggestion, Membership, Organisation

MAX_MEMBERS = 200


def formfield_assuming_https(model_field, **kwargs):
    """Web addresses typed without a scheme are taken as https://, as Django 6 will."""
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class HoneypotMixin(forms.Form):
    """A field people never see; bots that fill every field give themselves away."""

    homepage = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_homepage(self):
        if self.cleaned_data["homepage"]:
            raise forms.ValidationError(_("This field must be left empty."))
        return ""


class ClusterRegistrationForm(HoneypotMixin, forms.ModelForm):
    members = forms.CharField(
        label=_("Member organisations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One organisation per line. We link each to the same organisation if it is "
                    "already in the directory."),
    )  # fmt: skip
    consent = forms.BooleanField(
        label=_("I may share this information, and GECES staff may contact me about it."),
    )

    class Meta:
        model = Cluster
        formfield_callback = formfield_assuming_https
        fields = [
            "name", "country", "region", "city", "website", "contact_email",
            "short_description", "description", "model", "legal_structure",
            "legal_entity_name", "initiated_by", "year_founded", "member_count",
            "fields_of_activity", "eccp_registered", "eccp_profile_url",
            "submitter_name", "submitter_email",
        ]  # fmt: skip
        widgets = {
            "fields_of_activity": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 6}),
        }
        labels = {
            "submitter_name": _("Your name"),
            "submitter_email": _("Your email"),
        }
        help_texts = {
            "submitter_email": _("Not published. Staff write to you if they have a question."),
            "contact_email": _("Published on the cluster's page. Leave empty if you prefer."),
            "short_description": _("One or two sentences shown in the list."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("country", "short_description", "submitter_name", "submitter_email"):
            self.fields[name].required = True

    def clean_members(self):
        names = []
        for line in self.cleaned_data["members"].splitlines():
            name = " ".join(line.split())
            if name and name.lower() not in {known.lower() for known in names}:
                names.append(name)
        if len(names) > MAX_MEMBERS:
            raise forms.ValidationError(
                _("Please list at most %(count)d members here.") % {"count": MAX_MEMBERS}
            )
        if any(len(name) > 200 for name in names):
            raise forms.ValidationError(_("Each organisation name must be 200 characters or less."))
        return names

    def clean(self):
        cleaned_data = super().clean()
        registered = cleaned_data.get("eccp_registered") == Cluster.EccpRegistration.YES
        if cleaned_data.get("eccp_profile_url") and not registered:
            self.add_error(
                "eccp_profile_url",
                _("Choose “Registered” on the ECCP to give an ECCP profile."),
            )
        return cleaned_data

    @transaction.atomic
    def save(self):
        cluster = super().save(commit=False)
        cluster.status = Cluster.Status.PENDING
        cluster.source = Cluster.Source.REGISTRATION
        cluster.needs_review = True
        cluster.save()
        self.save_m2m()
        for name in self.cleaned_data["members"]:
            organisation = Organisation.objects.matching(name, cluster.country).first()
            if organisation is None:
                organisation = Organisation.objects.create(name=name, country=cluster.country)
            Membership.objects.get_or_create(cluster=cluster, organisation=organisation)
        transaction.on_commit(
            lambda: mail_admins(
                f"New cluster registration: {cluster.name}",
                f"{cluster.submitter_name} <{cluster.submitter_email}> registered "
                f"“{cluster.name}”. Review it in the admin: {settings.SITE_URL}"
                f"{reverse('admin:clusters_cluster_change', args=[cluster.pk])}",
                fail_silently=True,
            )
        )
        return cluster


class CorrectionSuggestionForm(HoneypotMixin, forms.ModelForm):
    class Meta:
        model = CorrectionSuggestion
        fields = ["message", "name", "email"]
        widgets = {"message": forms.Textarea(attrs={"rows": 6})}
        labels = {"name": _("Your name"), "email": _("Your email")}
        help_texts = {
            "message": _("What is wrong or missing, and where we can check it."),
            "email": _("Not published. Staff write to you if they have a question."),
        }

    def save(self, cluster):
        suggestion = super().save(commit=False)
        suggestion.cluster = cluster
        suggestion.save()
        mail_admins(
            f"Correction suggested for {cluster.name}",
            f"{suggestion.name} <{suggestion.email}> wrote:\n\n{suggestion.message}",
            fail_silently=True,
        )
        return suggestion
