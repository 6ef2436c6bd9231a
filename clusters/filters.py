import dataclasses
from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import Case, Count, Exists, OuterRef, Value, When
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from clusters.models import Cluster, FieldOfActivity, Membership, Organisation
from clusters.search import search_clusters
from themes.models import ThematicArea

SORT_CHOICES = [
    ("name", _("Name")),
    ("-updated", _("Recently updated")),
    ("country", _("Country")),
]
# Clusters whose country is not yet known go after the others.
COUNTRY_UNKNOWN_LAST = Case(When(country="", then=Value(1)), default=Value(0))
SORT_ORDERS = {
    "name": ["name"],
    "-updated": ["-updated_at", "name"],
    "country": [COUNTRY_UNKNOWN_LAST, "country", "name"],
}
ECCP_CHOICES = [("yes", _("Registered")), ("no", _("Not registered"))]

# Query parameter -> the value each cluster is counted under for that facet.
FACET_LOOKUPS = {
    "country": "country",
    "model": "model",
    "legal_structure": "legal_structure",
    "field": "fields_of_activity__slug",
    "theme": "thematic_areas__slug",
    "member_type": "memberships__organisation__type",
    "eccp": "eccp_registered",
    "activity": "activity_status",
}


class ClusterFilter(django_filters.FilterSet):
    """The filters of the cluster list; the map and the exports use the same ones."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_search", max_length=200)
    country = django_filters.MultipleChoiceFilter(
        label=_("Country"), choices=countries, widget=forms.CheckboxSelectMultiple
    )
    model = django_filters.ChoiceFilter(
        label=_("Model"), choices=Cluster.Model.choices, empty_label=_("Any model")
    )
    legal_structure = django_filters.ChoiceFilter(
        label=_("Legal structure"),
        choices=Cluster.LegalStructure.choices,
        empty_label=_("Any legal structure"),
    )
    field = django_filters.ModelMultipleChoiceFilter(
        label=_("Field of activity"),
        queryset=FieldOfActivity.objects.all(),
        to_field_name="slug",
        method="filter_fields_of_activity",
        widget=forms.CheckboxSelectMultiple,
    )
    theme = django_filters.ModelMultipleChoiceFilter(
        label=_("Thematic area"),
        queryset=ThematicArea.objects.public(),
        to_field_name="slug",
        method="filter_thematic_areas",
        widget=forms.CheckboxSelectMultiple,
    )
    member_type = django_filters.ChoiceFilter(
        label=_("Has a member that is"),
        choices=Organisation.Type.choices,
        empty_label=_("Any kind of member"),
        method="filter_member_type",
    )
    eccp = django_filters.ChoiceFilter(
        label=_("European Cluster Collaboration Platform"),
        choices=ECCP_CHOICES,
        empty_label=_("Registered or not"),
        method="filter_eccp",
    )
    activity = django_filters.ChoiceFilter(
        label=_("Activity"),
        field_name="activity_status",
        choices=Cluster.ActivityStatus.choices,
        empty_label=_("Any activity status"),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, empty_label=_("Best match"), method="sort_by"
    )

    class Meta:
        model = Cluster
        fields = []

    def filter_search(self, queryset, name, value):
        return search_clusters(queryset, value)

    # Many-to-many filters use EXISTS rather than joins, so a cluster never appears twice
    # and no DISTINCT is needed under the search annotations. An empty selection arrives
    # as an empty queryset, which django-filter does not treat as "no filter".
    def filter_fields_of_activity(self, queryset, name, value):
        if not value:
            return queryset
        through = Cluster.fields_of_activity.through.objects
        return queryset.filter(
            Exists(through.filter(cluster=OuterRef("pk"), fieldofactivity__in=value))
        )

    def filter_thematic_areas(self, queryset, name, value):
        if not value:
            return queryset
        through = Cluster.thematic_areas.through.objects
        return queryset.filter(
            Exists(through.filter(cluster=OuterRef("pk"), thematicarea__in=value))
        )

    def filter_member_type(self, queryset, name, value):
        members = Membership.objects.filter(cluster=OuterRef("pk"), organisation__type=value)
        return queryset.filter(Exists(members))

    def filter_eccp(self, queryset, name, value):
        return queryset.filter(eccp_registered=value == "yes")

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORT_ORDERS[value])

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("sort"):
            return queryset
        if "search_rank" in queryset.query.annotations:
            return queryset.order_by("-search_rank", "name")
        return queryset.order_by("name")

    def facet_counts(self):
        """For each facet, how many clusters each of its values would give.

        A facet's own selection is left out of its counts, so that the other values of a
        repeatable filter show what adding them would bring. One query per facet.
        """
        self.is_valid()
        counts = {}
        for parameter, lookup in FACET_LOOKUPS.items():
            # The values are those already validated: re-binding the form would look the
            # chosen fields and themes up again for every facet.
            matching = self.queryset.all()
            for name, value in self.form.cleaned_data.items():
                if name not in (parameter, "sort"):
                    matching = self.filters[name].filter(matching, value)
            rows = (
                Cluster.objects.filter(pk__in=matching.values("pk"))
                .values_list(lookup)
                .annotate(count=Count("pk", distinct=True))
                .order_by()
            )
            counts[parameter] = {value: count for value, count in rows if value is not None}
        counts["eccp"] = {
            "yes" if registered else "no": count for registered, count in counts["eccp"].items()
        }
        return counts


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    parameter: str
    label: str
    multiple: bool
    options: list = dataclasses.field(default_factory=list)
    empty_label: str = ""


@dataclass
class ActiveFilter:
    label: str
    remove_query: str


def facets(filterset):
    """The filter panel: every facet with its options, their counts and what is selected."""
    counts = filterset.facet_counts()
    choices = {
        "country": _country_choices(counts["country"], filterset.data.getlist("country")),
        "model": Cluster.Model.choices,
        "legal_structure": Cluster.LegalStructure.choices,
        "field": [(term.slug, term.name) for term in filterset.filters["field"].queryset],
        "theme": [(theme.slug, theme.name) for theme in filterset.filters["theme"].queryset],
        "member_type": Organisation.Type.choices,
        "eccp": ECCP_CHOICES,
        "activity": Cluster.ActivityStatus.choices,
    }
    panel = []
    for parameter, values in choices.items():
        form_field = filterset.form.fields[parameter]
        selected = set(filterset.data.getlist(parameter))
        options = [
            FacetOption(value, label, counts[parameter].get(value, 0), value in selected)
            for value, label in values
        ]
        panel.append(
            Facet(
                parameter=parameter,
                label=form_field.label,
                multiple=isinstance(form_field.widget, forms.CheckboxSelectMultiple),
                # Options that would give nothing are noise, unless the visitor chose them.
                options=[option for option in options if option.count or option.selected],
                empty_label=getattr(filterset.filters[parameter], "extra", {}).get(
                    "empty_label", ""
                ),
            )
        )
    return panel


def _country_choices(counted, selected):
    # Clusters whose country is not yet confirmed have none to filter by.
    codes = {code for code in counted if code} | {code for code in selected if code in countries}
    return sorted(((code, countries.name(code)) for code in codes), key=lambda choice: choice[1])


def active_filters(filterset, panel):
    """Chips for what narrows the list now, each with the query string that removes it."""
    chips = []
    query = filterset.form.cleaned_data.get("q") if filterset.is_bound else ""
    if query:
        chips.append(ActiveFilter(_("Search: “%s”") % query, _without(filterset.data, "q", None)))
    for facet in panel:
        for option in facet.options:
            if option.selected:
                chips.append(
                    ActiveFilter(
                        f"{facet.label}: {option.label}",
                        _without(filterset.data, facet.parameter, option.value),
                    )
                )
    return chips


def _without(data, parameter, value):
    data = data.copy()
    data.pop("page", None)
    if value is None:
        data.pop(parameter, None)
    else:
        data.setlist(parameter, [other for other in data.getlist(parameter) if other != value])
    return data.urlencode()
