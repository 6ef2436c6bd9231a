"""The filters of the cluster list, the map and the exports: each declared once, here."""

from collections import defaultdict

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from pyroaring import BitMap

from clusters.geocoding import country_names
from clusters.models import Cluster, FieldOfActivity, Organisation
from clusters.ordering import RELEVANCE, SORT_KEYS, in_order
from core.places import country_points
from core.vocabulary import alphabetical, in_every_language, translated
from themes.models import ThematicArea

SORT_CHOICES = [
    (RELEVANCE, _("Best match")),
    ("name", _("Name")),
    ("-updated", _("Recently updated")),
    ("country", _("Country")),
]


def read_bbox(text):
    """(west, south, east, north) in degrees from "west,south,east,north", cut to the
    world's edges; None for text that is not four numbers with west < east and south < north."""
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError:
        return None
    west, east, south, north = max(west, -180), min(east, 180), max(south, -90), min(north, 90)
    # NaN fails every comparison, so it ends here too.
    if not (west < east and south < north):
        return None
    return west, south, east, north


def within(clusters, bbox):
    """The clusters the map places inside the box: by their coordinates, or by their
    country's point for those known only to their country."""
    west, south, east, north = bbox
    countries = [
        code
        for code, (latitude, longitude) in country_points().items()
        if south <= latitude <= north and west <= longitude <= east
    ]
    return clusters.filter(
        Q(latitude__range=(south, north), longitude__range=(west, east))
        | Q(latitude__isnull=True, country__in=countries)
    )


class FacetMixin:
    """A filter that is also a facet of the filter panel, with a count for each choice.

    `count_by` says which clusters each choice gives, as the filter selects them: "column"
    those with that value in the filter's own field, "link" those linked to that term of a
    many-to-many relation, "contains" those whose text field contains it. The facet index
    (clusters.facet_index) counts from the sets of ids `option_ids` reads.
    """

    def __init__(self, *args, count_by, **kwargs):
        self.count_by = count_by
        super().__init__(*args, **kwargs)

    def option_ids(self, clusters, terms):
        """{choice: the ids of `clusters` it gives}, in one query."""
        ids = defaultdict(list)
        if self.count_by == "link":
            relation = Cluster._meta.get_field(self.field_name)
            slugs = {pk: slug for pk, slug, _ in terms[self.field_name]}
            links = relation.remote_field.through.objects.filter(
                **{f"{relation.m2m_field_name()}__in": clusters.values("pk")}
            ).values_list(
                f"{relation.m2m_field_name()}_id", f"{relation.m2m_reverse_field_name()}_id"
            )
            for cluster, term in links:
                if term in slugs:
                    ids[slugs[term]].append(cluster)
        elif self.count_by == "contains":
            # A few dozen combinations of member types: each tested once, not once a cluster.
            by_text = defaultdict(list)
            for cluster, text in clusters.values_list("pk", self.field_name):
                by_text[text].append(cluster)
            for choice, _ in self.extra["choices"]:
                ids[str(choice)] = [
                    cluster
                    for text, having in by_text.items()
                    if choice in text
                    for cluster in having
                ]
        else:
            for cluster, value in clusters.values_list("pk", self.field_name):
                if value not in ("", None):
                    ids[str(value)].append(cluster)
        return {choice: BitMap(members) for choice, members in ids.items() if members}


class ChoiceFacet(FacetMixin, django_filters.ChoiceFilter):
    multiple = False


class MultipleChoiceFacet(FacetMixin, django_filters.MultipleChoiceFilter):
    multiple = True

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        # Filters on a column never duplicate a row: no DISTINCT over every column.
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class ClusterFilter(django_filters.FilterSet):
    """The facets and the order of the cluster list; ClusterListing adds the text search.

    Values that are not among a filter's choices are left out of `data` before the form
    sees them, and listed in `ignored`: a shared link with one stale value still applies
    the others.
    """

    # Its choices, in the visitor's language, are set for each request.
    country = MultipleChoiceFacet(label=_("Country"), choices=(), count_by="column")
    # On the queryset ClusterListing builds, which annotates `map_precision`.
    precision = MultipleChoiceFacet(
        label=_("Location precision"),
        field_name="map_precision",
        choices=Cluster.MapPrecision.choices,
        count_by="column",
    )
    model = ChoiceFacet(
        label=_("Model"),
        choices=Cluster.Model.choices,
        empty_label=_("Any model"),
        count_by="column",
    )
    legal_structure = ChoiceFacet(
        label=_("Legal structure"),
        choices=Cluster.LegalStructure.choices,
        empty_label=_("Any legal structure"),
        count_by="column",
    )
    field = MultipleChoiceFacet(
        label=_("Field of activity"),
        field_name="fields_of_activity",
        method="filter_linked_terms",
        count_by="link",
    )
    theme = MultipleChoiceFacet(
        label=_("Thematic area"),
        field_name="thematic_areas",
        method="filter_linked_terms",
        count_by="link",
    )
    member_type = ChoiceFacet(
        label=_("Has a member that is"),
        field_name="member_types",
        lookup_expr="contains",
        choices=Organisation.Type.choices,
        empty_label=_("Any kind of member"),
        count_by="contains",
    )
    eccp = ChoiceFacet(
        label=_("European Cluster Collaboration Platform"),
        field_name="eccp_registered",
        choices=Cluster.EccpRegistration.choices,
        empty_label=_("Registered or not"),
        count_by="column",
    )
    activity = ChoiceFacet(
        label=_("Activity"),
        field_name="activity_status",
        choices=Cluster.ActivityStatus.choices,
        empty_label=_("Any activity status"),
        count_by="column",
    )
    # Not a facet: a box on the map, as an embed or a link gives it (no form field shows it).
    bbox = django_filters.CharFilter(
        label=_("Inside the box west,south,east,north, in degrees"), method="inside_box"
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, method="sort_by", empty_label=None
    )

    class Meta:
        model = Cluster
        fields = []

    def __init__(self, data=None, *args, terms, **kwargs):
        """`terms` maps each linked facet to its terms: {"field": [(pk, slug, name)], ...}."""
        super().__init__(data, *args, **kwargs)
        self.filters["country"].extra["choices"] = list(country_names().items())
        self.terms = {}
        for parameter, rows in terms.items():
            self.filters[parameter].extra["choices"] = [(slug, name) for _, slug, name in rows]
            self.terms[self.filters[parameter].field_name] = rows
        self.ignored = []
        if self.is_bound:
            self.data = self.known_values(self.data)

    def known_values(self, data):
        known = data.copy()
        for name, item in self.filters.items():
            values = [value for value in data.getlist(name) if value]
            if "choices" in item.extra:
                choices = {str(value) for value, _ in item.extra["choices"]}
                kept = [value for value in values if value in choices]
            else:
                kept = [value for value in values if read_bbox(value)]
            self.ignored += [(item.label, value) for value in values if value not in kept]
            # One value for a filter that takes one: the last, as QueryDict.get() reads it.
            known.setlist(name, kept if getattr(item, "multiple", False) else kept[-1:])
        return known

    @staticmethod
    def linked_terms():
        """The terms of the linked facets, named in the active language (else in English,
        marked: core.vocabulary.translated): two queries. Fields of activity in the order
        staff gave them, thematic areas in the alphabet of their names on the page."""
        names = ["pk", "slug", *in_every_language("name")]
        terms = {
            "field": FieldOfActivity.objects.only(*names),
            "theme": alphabetical(ThematicArea.objects.public().only(*names), "name"),
        }
        return {
            parameter: [(term.pk, term.slug, translated(term, "name")) for term in rows]
            for parameter, rows in terms.items()
        }

    def facets(self):
        return [(name, item) for name, item in self.filters.items() if hasattr(item, "count_by")]

    def filter_linked_terms(self, queryset, name, value):
        """Clusters with any of the chosen terms, by EXISTS: a join would repeat rows."""
        if not value:
            return queryset
        ids = [pk for pk, slug, _ in self.terms[name] if slug in value]
        relation = Cluster._meta.get_field(name)
        links = relation.remote_field.through.objects.filter(
            **{
                relation.m2m_field_name(): OuterRef("pk"),
                f"{relation.m2m_reverse_field_name()}__in": ids,
            }
        )
        return queryset.filter(Exists(links))

    def inside_box(self, queryset, name, value):
        return within(queryset, read_bbox(value))

    @property
    def order(self):
        """The order in force: the one asked for, else the best match first for a search,
        else by name."""
        if self.form.cleaned_data.get("sort"):
            return self.form.cleaned_data["sort"]
        return RELEVANCE if "search_rank" in self.queryset.query.annotations else "name"

    def sort_by(self, queryset, name, value):
        return in_order(queryset, SORT_KEYS[value])

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("sort"):
            return queryset
        return in_order(queryset, SORT_KEYS[self.order])
