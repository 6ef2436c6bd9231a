"""The rows of member organisations that the registration and the update of an entry share:
named, typed, placed, and checked for the same organisation twice."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from clusters.geocoding import country_choices, country_names
from clusters.models import Membership, Organisation
from core.forms import PublicFormMixin
from core.text import fold
from core.validators import WebAddressValidator

MIN_MEMBERS = 2
MAX_MEMBERS = 200
# Blank member rows offered without JavaScript, and added by "More member rows".
SPARE_MEMBER_ROWS = 3


class CountryNameField(forms.CharField):
    """A country typed by name, with the names offered by a <datalist>: two hundred member
    rows would otherwise each carry a list of every country."""

    widget = forms.TextInput(attrs={"list": "country-names", "autocomplete": "off"})

    def __init__(self, **kwargs):
        super().__init__(max_length=100, **kwargs)

    def prepare_value(self, value):
        return countries.name(value) or value

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return ""
        by_name = {fold(name): code for code, name in countries}
        code = value.upper() if value.upper() in countries else by_name.get(fold(value))
        if code is None:
            raise forms.ValidationError(_("Choose a country from the list."))
        return code


class MemberForm(PublicFormMixin, forms.Form):
    name = forms.CharField(label=_("Organisation"), max_length=200)
    type = forms.ChoiceField(
        label=_("Type"), choices=[("", _("Choose a type"))] + Organisation.Type.choices
    )
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("Member"))]
        + [choice for choice in Membership.Role.choices if choice[0] != Membership.Role.MEMBER],
    )
    website = forms.URLField(
        label=_("Website"),
        required=False,
        max_length=300,
        assume_scheme="https",
        validators=[WebAddressValidator()],
    )
    country = CountryNameField(
        label=_("Country"), required=False, help_text=_("If not the cluster's country.")
    )


class BaseMemberFormSet(forms.BaseFormSet):
    def country_names(self):
        """The names the member rows' country field offers, European countries first."""
        return [
            name
            for _group, choices in country_choices(country_names().items())
            for _, name in choices
        ]

    def rows(self, cluster_country):
        """The members named, each in the cluster's country unless another was chosen."""
        return [
            {**form.cleaned_data, "country": form.cleaned_data["country"] or cluster_country}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def clean(self):
        names = set()
        for form in self.forms:
            if form.errors or not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            key = Organisation.key(form.cleaned_data["name"], form.cleaned_data["country"])
            if key in names:
                form.add_error("name", _("This organisation is already listed above."))
            names.add(key)


MemberFormSet = forms.formset_factory(
    MemberForm,
    formset=BaseMemberFormSet,
    extra=0,
    min_num=MIN_MEMBERS,
    max_num=MAX_MEMBERS,
    validate_min=True,
    validate_max=True,
    absolute_max=MAX_MEMBERS,
    can_delete=True,
    can_delete_extra=False,
)
MEMBER_ERRORS = {
    "too_few_forms": _("Name at least %(num)d member organisations."),
    "too_many_forms": _("Name at most %(num)d member organisations here; staff can add more."),
}


def member_formset(data=None, cluster=None, more_rows=False):
    """The members' rows: those of `cluster` to edit, and blank ones to add to."""
    initial = []
    if cluster is not None:
        initial = [
            {
                "name": membership.organisation.name,
                "type": membership.organisation.type,
                "role": "" if membership.role == Membership.Role.MEMBER else membership.role,
                "website": membership.organisation.website,
                "country": ""
                if membership.organisation.country == cluster.country
                else membership.organisation.country.code,
            }
            for membership in cluster.memberships.select_related("organisation")
        ]
    if data is not None and more_rows:
        data = data.copy()
        total = "members-TOTAL_FORMS"
        try:
            shown = int(data.get(total) or 0)
        except ValueError:  # not a count any browser sends back
            shown = 0
        data[total] = str(min(max(shown, 0), MAX_MEMBERS) + SPARE_MEMBER_ROWS)
    formset = MemberFormSet(data, initial=initial, prefix="members", error_messages=MEMBER_ERRORS)
    if data is None:
        # min_num rows come on top of the extra ones.
        formset.extra = max(SPARE_MEMBER_ROWS - len(initial), 1)
    return formset
