"""The public forms about clusters: register one, update it through its link, suggest a
correction, ask for one to join a thematic area. What they save, clusters.services saves.
The rows of member organisations, which registering and updating share, are in
clusters.member_forms."""

from django import forms
from django.conf import settings
from django.db import models
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from clusters.geocoding import country_choices, country_names, locate
from clusters.models import (
    CURRENT_VALUE_MAX_LENGTH,
    Cluster,
    CorrectionSuggestion,
    FieldOfActivity,
    InnovationType,
    MemberService,
)
from core.forms import ConsentField, HoneypotMixin, PublicFormMixin
from core.text import fold
from core.vocabulary import translated
from themes.models import ThematicArea

# One sentence each, so that a person can tell the models apart.
MODEL_EXPLANATIONS = {
    Cluster.Model.PTCE: _(
        "A pôle territorial de coopération économique, the French model: social economy "
        "enterprises, businesses, local authorities and research of one territory run a joint "
        "structure together."
    ),
    Cluster.Model.SOCIAL_ECONOMY_CLUSTER: _(
        "Mostly social economy enterprises (cooperatives, associations, mutuals, foundations, "
        "social enterprises) working together in one place."
    ),
    Cluster.Model.SOCIAL_INNOVATION_CLUSTER: _(
        "Built around developing and spreading social innovation, often with researchers, "
        "public bodies and businesses."
    ),
    Cluster.Model.COOPERATIVE_GROUP: _(
        "Cooperatives that share services, investment or a brand through joint structures."
    ),
    Cluster.Model.TERRITORIAL_PARTNERSHIP: _(
        "Public and private organisations of one territory, often brought together by a local "
        "authority, around local development or jobs."
    ),
    Cluster.Model.OTHER: _("None of these: say more in the description."),
}
NOT_SURE = _("Not sure")


def formfield(model_field, **kwargs):
    """Web addresses typed without a scheme are taken as https://, as Django 6 will; what a
    person did not choose stays unchosen."""
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    field = model_field.formfield(**kwargs)
    if field is not None and getattr(model_field, "choices", None) and not model_field.blank:
        field.initial = None
    return field


def country_field(**kwargs):
    return forms.ChoiceField(
        choices=[("", _("Choose a country"))] + country_choices(country_names().items()), **kwargs
    )


class ClusterDetailsForm(PublicFormMixin, forms.ModelForm):
    """What a cluster says about itself, on registering and when it updates its entry."""

    latitude = forms.DecimalField(required=False, widget=forms.HiddenInput)
    longitude = forms.DecimalField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Cluster
        formfield_callback = formfield
        fields = [
            "name", "short_description", "description", "description_language", "website",
            "contact_email",
            "country", "region", "city", "latitude", "longitude", "model", "legal_structure",
            "legal_entity_name", "initiated_by", "year_founded", "member_count",
            "thematic_areas", "fields_of_activity", "services", "innovation_types",
            "eccp_registered", "eccp_profile_url",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "model": forms.RadioSelect,
            "initiated_by": forms.RadioSelect,
            "eccp_registered": forms.RadioSelect,
            "thematic_areas": forms.CheckboxSelectMultiple,
            "fields_of_activity": forms.CheckboxSelectMultiple,
            "services": forms.CheckboxSelectMultiple,
            "innovation_types": forms.CheckboxSelectMultiple,
        }
        labels = {
            "contact_email": _("Public contact email"),
            "thematic_areas": _("Thematic areas to join"),
            "eccp_registered": _("Registered on the European Cluster Collaboration Platform"),
            "eccp_profile_url": _("ECCP profile address"),
            "member_count": _("Number of members in all"),
            "description_language": _("Language of these texts"),
        }
        help_texts = {
            "description_language": _(
                "Write in the language you work in: the page shows the texts as you wrote "
                "them, and says which language they are in."
            ),
            "short_description": _("One or two sentences shown in the list."),
            "contact_email": _("Shown on the cluster's page. Leave empty if you prefer."),
            "region": _("The region, province or territory where the cluster works."),
            "thematic_areas": _("Areas where clusters cooperate across borders."),
            "member_count": _("Including members you do not list below."),
            "legal_entity_name": _("The name of the association, cooperative or company."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"] = country_field(label=_("Country"))
        self.fields["model"].choices = [
            (value, label) for value, label in Cluster.Model.choices
        ]  # no blank choice: the radio buttons start unticked
        self.fields["initiated_by"].required = False
        self.fields["initiated_by"].choices = [
            choice for choice in Cluster.InitiatedBy.choices if choice[0] != "unknown"
        ]
        self.fields["legal_structure"].required = False
        self.fields["legal_structure"].choices = [("", _("Choose a legal structure"))] + [
            choice for choice in Cluster.LegalStructure.choices if choice[0] != "unknown"
        ]
        self.fields["eccp_registered"].required = False
        self.fields["eccp_registered"].choices = [
            (Cluster.EccpRegistration.YES, _("Yes")),
            (Cluster.EccpRegistration.NO, _("No")),
            (Cluster.EccpRegistration.UNKNOWN, NOT_SURE),
        ]
        self.fields["thematic_areas"].queryset = ThematicArea.objects.public()
        for name, model in [
            ("fields_of_activity", FieldOfActivity),
            ("services", MemberService),
            ("innovation_types", InnovationType),
        ]:
            self.fields[name].queryset = model.objects.all()
        for name in ("thematic_areas", "fields_of_activity", "services", "innovation_types"):
            # In the page's language; the English, marked so, where there is no translation.
            self.fields[name].label_from_instance = lambda term: translated(term, "name")
        if self.instance.pk:
            self.initial["country"] = self.instance.country.code
        else:
            self.initial["description_language"] = get_language()

    def clean_legal_structure(self):
        return self.cleaned_data["legal_structure"] or Cluster.LegalStructure.UNKNOWN

    def clean_initiated_by(self):
        return self.cleaned_data["initiated_by"] or Cluster.InitiatedBy.UNKNOWN

    def clean_eccp_registered(self):
        return self.cleaned_data["eccp_registered"] or Cluster.EccpRegistration.UNKNOWN

    def clean(self):
        cleaned_data = super().clean()
        registered = cleaned_data.get("eccp_registered") == Cluster.EccpRegistration.YES
        if cleaned_data.get("eccp_profile_url") and not registered:
            self.add_error(
                "eccp_profile_url",
                _("Answer “Yes” to the ECCP question to give an ECCP profile."),
            )
        return cleaned_data

    def _post_clean(self):
        super()._post_clean()
        self.place()

    def place(self):
        """Coordinates: where the person put the pin, or else worked out from the place."""
        data = self.cleaned_data
        if not data.get("country") or self.has_error("country"):
            return
        pinned = data.get("latitude") is not None and data.get("longitude") is not None
        changed = {"country", "region", "city", "latitude", "longitude"} & set(self.changed_data)
        if pinned and {"latitude", "longitude"} & set(self.changed_data):
            self.instance.location_precision = Cluster.LocationPrecision.CITY
        elif changed or not self.instance.pk:
            latitude, longitude, precision = locate(
                data["country"], data.get("region", ""), data.get("city", "")
            )
            self.instance.latitude, self.instance.longitude = latitude, longitude
            self.instance.location_precision = precision


class OtherLanguagesForm(PublicFormMixin, forms.Form):
    """The cluster's short description and description in more of the directory's
    languages, written by the cluster itself: a language left empty shows the original."""

    prefix = "other"

    def __init__(self, *args, cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.cluster = cluster
        written = {text.language: text for text in cluster.descriptions.all()}
        self.languages = [
            (code, name)
            for code, name in settings.LANGUAGES
            if code != cluster.description_language
        ]
        for code, _name in self.languages:
            text = written.get(code)
            self.fields[f"short_description_{code}"] = forms.CharField(
                label=_("Short description"),
                required=False,
                max_length=300,
                initial=text.short_description if text else "",
                widget=forms.TextInput(attrs={"lang": code}),
            )
            self.fields[f"description_{code}"] = forms.CharField(
                label=_("Description"),
                required=False,
                max_length=5000,
                initial=text.description if text else "",
                widget=forms.Textarea(attrs={"lang": code, "rows": 4}),
            )

    def sections(self):
        """(code, name, short description field, description field) for each language."""
        return [
            (code, name, self[f"short_description_{code}"], self[f"description_{code}"])
            for code, name in self.languages
        ]

    def texts(self):
        """{language: (short description, description)} as sent, empty ones included."""
        return {
            code: (
                self.cleaned_data[f"short_description_{code}"],
                self.cleaned_data[f"description_{code}"],
            )
            for code, _name in self.languages
        }


class ClusterRegistrationForm(HoneypotMixin, ClusterDetailsForm):
    consent = ConsentField(
        label=_("I may share this information, and GECES staff may contact me about it."),
    )

    class Meta(ClusterDetailsForm.Meta):
        fields = [*ClusterDetailsForm.Meta.fields, "submitter_name", "submitter_email"]
        labels = {
            **ClusterDetailsForm.Meta.labels,
            "submitter_name": _("Your name"),
            "submitter_email": _("Your email"),
        }
        help_texts = {
            **ClusterDetailsForm.Meta.help_texts,
            "submitter_email": _(
                "Not published. We send the confirmation here, and the link to keep the entry "
                "up to date."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("short_description", "submitter_name", "submitter_email"):
            self.fields[name].required = True


class ManageLinkRequestForm(HoneypotMixin, forms.Form):
    email = forms.EmailField(
        label=_("The email address the directory has for this cluster"), max_length=254
    )


# The information a correction can be about, with how the page shows its current value.
CORRECTABLE = {
    "name": (_("Name"), lambda cluster: cluster.name),
    "short_description": (_("Short description"), lambda cluster: cluster.short_description),
    "description": (_("Description"), lambda cluster: cluster.description),
    "website": (_("Website"), lambda cluster: cluster.website),
    "contact_email": (_("Public contact email"), lambda cluster: cluster.contact_email),
    "country": (_("Country"), lambda cluster: cluster.country.name or ""),
    "place": (_("City or region"), lambda cluster: cluster.place),
    "model": (_("Model"), lambda cluster: cluster.get_model_display()),
    "legal_structure": (
        _("Legal structure"),
        lambda cluster: (
            ""
            if cluster.legal_structure == Cluster.LegalStructure.UNKNOWN
            else cluster.get_legal_structure_display()
        ),
    ),
    "year_founded": (_("Year founded"), lambda cluster: str(cluster.year_founded or "")),
    "members": (
        _("Members"),
        lambda cluster: ", ".join(m.organisation.name for m in cluster.memberships.all()),
    ),
    "fields_of_activity": (
        _("Fields of activity"),
        lambda cluster: ", ".join(str(field) for field in cluster.fields_of_activity.all()),
    ),
    "eccp_registered": (
        _("ECCP registration"),
        lambda cluster: (
            ""
            if cluster.eccp_registered == Cluster.EccpRegistration.UNKNOWN
            else cluster.get_eccp_registered_display()
        ),
    ),
    "activity_status": (_("Activity"), lambda cluster: cluster.get_activity_status_display()),
}


class CorrectionSuggestionForm(PublicFormMixin, HoneypotMixin, forms.ModelForm):
    class Meta:
        model = CorrectionSuggestion
        fields = ["kind", "field", "proposed_value", "message", "name", "email"]
        widgets = {
            "kind": forms.RadioSelect,
            "proposed_value": forms.Textarea(attrs={"rows": 3}),
            "message": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "field": _("Which information is wrong or missing"),
            "proposed_value": _("What it should say"),
            "message": _("Anything else, and where we can check it"),
            "name": _("Your name"),
            "email": _("Your email"),
        }
        help_texts = {
            "email": _("Not published. If you give it, we confirm that we received this."),
        }

    def __init__(self, *args, cluster, **kwargs):
        # No kind ticked in advance: the person says what the problem is.
        super().__init__(*args, instance=CorrectionSuggestion(cluster=cluster, kind=""), **kwargs)
        self.cluster = cluster
        self.fields["kind"].choices = CorrectionSuggestion.Kind.choices
        self.fields["field"] = forms.ChoiceField(
            label=self.fields["field"].label,
            required=False,
            choices=[("", _("Choose what to correct"))]
            + [(name, label) for name, (label, _value) in CORRECTABLE.items()],
        )

    def current_values(self):
        """(field, label, current value) of everything a correction can be about."""
        return [(name, label, value(self.cluster)) for name, (label, value) in CORRECTABLE.items()]

    @property
    def field_label(self):
        """The name of the information the correction is about, as the form offered it."""
        field = self.cleaned_data.get("field")
        return CORRECTABLE[field][0] if field else ""

    def clean(self):
        cleaned_data = super().clean()
        kind = cleaned_data.get("kind")
        if kind == CorrectionSuggestion.Kind.WRONG:
            if not cleaned_data.get("field"):
                self.add_error("field", _("Choose which information should change."))
            if not cleaned_data.get("proposed_value"):
                self.add_error("proposed_value", _("Say what it should be."))
        elif kind == CorrectionSuggestion.Kind.DUPLICATE and not cleaned_data.get("proposed_value"):
            self.add_error("proposed_value", _("Name the other cluster, or give its address."))
        elif kind == CorrectionSuggestion.Kind.OTHER and not cleaned_data.get("message"):
            self.add_error("message", _("Tell us what the problem is."))
        if cleaned_data.get("field") in CORRECTABLE:
            # What the page said when the suggestion was sent, for staff to compare.
            current_value = CORRECTABLE[cleaned_data["field"]][1](self.cluster)
            self.instance.current_value = Truncator(current_value).chars(CURRENT_VALUE_MAX_LENGTH)
        return cleaned_data


class JoinRequestForm(PublicFormMixin, HoneypotMixin, forms.Form):
    """Ask for a published cluster to join a thematic area."""

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
