"""The statistics of the clusters a query string asks for: the list's filters, the list's
counts. Each chart holds its numbers once, for the picture, the table beside it and its CSV.

Every figure counts the published clusters the list would show with the same filters, and
says what it leaves out (clusters whose country is not known, clusters that list no
members). Four queries besides the list's own: the members by type (one pass, by country
and model), how current the entries are, and when they were added.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

import numpy as np
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clusters.geocoding import country_names
from clusters.listing import ClusterListing
from clusters.models import MEMBER_COUNT_FIELDS, Cluster, Organisation
from core.per_version import per_version
from network.charts import bar_chart, choropleth, stacked_chart

# The member types, in the order the composition charts stack them, with the short names
# their tables' headings use.
MEMBER_TYPES = list(zip(Organisation.Type.values, MEMBER_COUNT_FIELDS, strict=True))
SHORT_NAMES = {
    "social_economy_enterprise": _("SEE"),
    "mainstream_enterprise": _("ME"),
    "civil_society": _("CSO"),
    "local_authority": _("LA"),
    "education_research": _("E&R"),
    "other": _("Other"),
}
# A chart's CSV, by the name in its address.
CHARTS = [
    "countries", "models", "legal-structures", "fields", "members", "members-by-country",
    "members-by-model", "eccp", "currency", "timeline",
]  # fmt: skip


@dataclass(frozen=True)
class ClusterFigures:
    """What the charts add up, for each published cluster, in arrays indexed by its id."""

    # The country codes the clusters have, "" for not known.
    countries: list
    # For each cluster, its country's place in `countries` × the number of models + its
    # model's place in Cluster.Model: the (country, model) pair the composition groups by.
    group: np.ndarray
    # Members listed, one row per type in MEMBER_TYPES' order.
    members: np.ndarray
    # When a person last confirmed the entry, in seconds since 1970; NaN: never.
    verified: np.ndarray
    seed: np.ndarray
    # The year it was published, in the site's time zone; 0: not known.
    year: np.ndarray

    @classmethod
    def build(cls):
        """One query: the published clusters' figures."""
        published = Cluster.objects.published().order_by()
        rows = list(
            published.annotate(year_published=ExtractYear("published_at")).values_list(
                "pk", "country", "model", "source", "last_verified_at", "year_published",
                *MEMBER_COUNT_FIELDS,
            )
        )  # fmt: skip
        size = max((row[0] for row in rows), default=0) + 1
        countries = sorted({row[1] for row in rows})
        country_at = {code: place for place, code in enumerate(countries)}
        model_at = {model: place for place, model in enumerate(Cluster.Model.values)}
        group = np.zeros(size, dtype=np.int32)
        members = np.zeros((len(MEMBER_COUNT_FIELDS), size), dtype=np.int32)
        verified = np.full(size, np.nan)
        seed = np.zeros(size, dtype=bool)
        year = np.zeros(size, dtype=np.int16)
        for pk, country, model, source, last_verified_at, year_published, *counts in rows:
            group[pk] = country_at[country] * len(model_at) + model_at[model]
            members[:, pk] = counts
            if last_verified_at is not None:
                verified[pk] = last_verified_at.timestamp()
            seed[pk] = source == Cluster.Source.SEED
            year[pk] = year_published or 0
        return cls(countries, group, members, verified, seed, year)


@dataclass
class Row:
    """One line of a chart's table and CSV: what it counts, and how many."""

    value: str
    label: str
    count: int
    link: str = ""


@dataclass
class Chart:
    slug: str
    title: str
    sentence: str
    rows: list
    # What the chart leaves out, said in words ("6 clusters whose country is not known").
    notes: list = field(default_factory=list)
    # The heading of the table's and the CSV's count column.
    counted: str = _("Clusters")
    # The heading of the table's first column: what its rows are.
    row_heading: str = ""
    kind: str = "bars"
    drawing: object = None

    def csv_header(self):
        return ["value", "label", str(self.counted).lower()]

    def csv_rows(self):
        return [[row.value, row.label, row.count] for row in self.rows]


@dataclass
class CompositionChart(Chart):
    """Members by type, one stacked bar a group (all clusters, a country, a model)."""

    kind: str = "stacked"
    groups: list = field(default_factory=list)

    def csv_header(self):
        return ["value", "label", "members", *Organisation.Type.values]

    def csv_rows(self):
        kinds = [kind for kind, _ in MEMBER_TYPES]
        return [
            [group.value, group.label, group.count, *(group.members[kind] for kind in kinds)]
            for group in self.groups
        ]


@dataclass
class Group:
    value: str
    label: str
    count: int  # members listed
    members: dict  # {type: members}
    shares: list = field(default_factory=list)  # whole percents, in MEMBER_TYPES' order


class Statistics:
    """The charts of the clusters `query` asks for, built from one ClusterListing."""

    def __init__(self, query):
        self.listing = ClusterListing(query)
        self.total = self.listing.total

    def link(self, parameter, value):
        return f"{reverse('clusters:list')}?{self.listing.query_with(parameter, [value])}"

    def clusters_word(self, count):
        return ngettext("%(count)s cluster", "%(count)s clusters", count) % {
            "count": intcomma(count)
        }

    @cached_property
    def figures(self):
        return per_version("cluster-figures-2", ClusterFigures.build)

    @cached_property
    def listed(self):
        """The ids of the clusters listed, as an index into the figures' arrays."""
        ids = np.array(self.listing.ids.to_array(), dtype=np.int64)
        # Published since the figures were read, in a version that is already being replaced.
        return ids[ids < len(self.figures.seed)]

    @cached_property
    def counts(self):
        """How current the entries are, and what some charts leave out."""
        figures, listed, index = self.figures, self.listed, self.listing.index
        verified, seed = figures.verified[listed], figures.seed[listed]
        year_ago = (timezone.now() - timedelta(days=365)).timestamp()
        never = np.isnan(verified)
        return {
            # NaN, never verified, is neither after nor before a date.
            "recent": int(np.count_nonzero(verified >= year_ago)),
            "earlier": int(np.count_nonzero(verified < year_ago)),
            "mapping_only": int(np.count_nonzero(never & seed)),
            "never": int(np.count_nonzero(never & ~seed)),
            "seed": int(np.count_nonzero(seed)),
            # The facet index holds the clusters of each field of activity.
            "no_field": len(self.listing.ids - index.chosen("field", index.choices["field"])),
        }

    @cached_property
    def composition(self):
        """[(country, model, clusters, {type: members})] for each pair with clusters."""
        figures, listed = self.figures, self.listed
        models = Cluster.Model.values
        groups = figures.group[listed]
        size = len(figures.countries) * len(models)
        clusters = np.bincount(groups, minlength=size)
        members = [
            np.bincount(groups, weights=figures.members[row][listed], minlength=size)
            for row in range(len(MEMBER_TYPES))
        ]
        return [
            (
                figures.countries[group // len(models)],
                models[group % len(models)],
                int(clusters[group]),
                {kind: int(members[row][group]) for row, (kind, _) in enumerate(MEMBER_TYPES)},
            )
            for group in np.flatnonzero(clusters)
        ]

    @cached_property
    def charts(self):
        return [
            self.countries(),
            self.by_choice("models", "model", _("Clusters by model"), Cluster.Model.choices),
            self.by_choice(
                "legal-structures",
                "legal_structure",
                _("Clusters by legal structure"),
                Cluster.LegalStructure.choices,
            ),
            self.fields(),
            *self.members(),
            self.by_choice(
                "eccp",
                "eccp",
                _("Registration on the European Cluster Collaboration Platform"),
                Cluster.EccpRegistration.choices,
            ),
            self.currency(),
            self.timeline(),
        ]

    def chart(self, slug):
        return next(chart for chart in self.charts if chart.slug == slug)

    def countries(self):
        counts = self.listing.counts_within("country")
        names = country_names()
        rows = sorted(
            (
                Row(code, names.get(code, code), count, self.link("country", code))
                for code, count in counts.items()
                if count
            ),
            key=lambda row: (-row.count, row.label),
        )
        unknown = self.total - sum(row.count for row in rows)
        notes = []
        if unknown:
            rows.append(Row("", str(_("Country not known")), unknown))
            notes.append(
                ngettext(
                    "%(count)s cluster whose country is not known is not on the map.",
                    "%(count)s clusters whose country is not known are not on the map.",
                    unknown,
                )
                % {"count": unknown}
            )
        drawing = choropleth({row.value: row.count for row in rows if row.value})
        if drawing.outside:
            outside = ", ".join(names.get(code, code) for code in drawing.outside)
            notes.append(_("Outside the map’s frame: %(countries)s.") % {"countries": outside})
        return Chart(
            "countries",
            _("Clusters by country"),
            _("How many of the %(clusters)s are in each country: the darker, the more.")
            % {"clusters": self.clusters_word(self.total)},
            rows,
            notes,
            kind="map",
            drawing=drawing,
            row_heading=_("Country"),
        )

    def by_choice(self, slug, parameter, title, choices):
        """One bar for each value of a single-valued filter, from the list's own counts."""
        counts = self.listing.counts_within(parameter)
        rows = [
            Row(value, str(label), counts.get(value, 0), self.link(parameter, value))
            for value, label in choices
            if counts.get(value)
        ]
        sentence = _("How the %(clusters)s divide by this, as their entries say it.") % {
            "clusters": self.clusters_word(self.total)
        }
        notes = []
        if parameter == "model":
            notes.append(_("“Other” counts the clusters whose model is not known too."))
        return Chart(
            slug,
            title,
            sentence,
            rows,
            notes,
            drawing=bar_chart(self.bars(rows)),
            row_heading=self.listing.filterset.filters[parameter].label,
        )

    def bars(self, rows):
        return [(row.label, row.count, row.link) for row in rows]

    def fields(self):
        counts = self.listing.counts_within("field")
        terms = self.listing.filterset.terms["fields_of_activity"]
        rows = sorted(
            (
                Row(slug, name, counts.get(slug, 0), self.link("field", slug))
                for _, slug, name in terms
                if counts.get(slug)
            ),
            key=lambda row: -row.count,
        )
        notes = [_("A cluster may work in several fields: the bars add up to more than it.")]
        if self.counts["no_field"]:
            rows.append(Row("", str(_("No field given")), self.counts["no_field"]))
        return Chart(
            "fields",
            _("Clusters by field of activity"),
            _("How many of the %(clusters)s work in each field.")
            % {"clusters": self.clusters_word(self.total)},
            rows,
            notes,
            drawing=bar_chart(self.bars(rows)),
            row_heading=_("Field of activity"),
        )

    def members(self):
        """Member composition: overall, by country and by model."""
        kinds = [kind for kind, _ in MEMBER_TYPES]
        labels = dict(Organisation.Type.choices)
        overall = dict.fromkeys(kinds, 0)
        by_country, by_model = {}, {}
        for country, model, _clusters, members in self.composition:
            for kind, count in members.items():
                overall[kind] += count
                by_country.setdefault(country, dict.fromkeys(kinds, 0))[kind] += count
                by_model.setdefault(model, dict.fromkeys(kinds, 0))[kind] += count
        notes = []
        listed = sum(overall.values())
        empty = self.total - sum(
            clusters for _, _, clusters, members in self.composition if any(members.values())
        )
        names = country_names()
        groups_overall = [Group("", str(_("All members listed")), listed, overall)]
        groups_country = sorted(
            (
                Group(code, names.get(code, str(_("Country not known"))), sum(v.values()), v)
                for code, v in by_country.items()
                if sum(v.values())
            ),
            key=lambda group: (-group.count, group.label),
        )
        models = dict(Cluster.Model.choices)
        groups_model = [
            Group(value, str(models[value]), sum(by_model[value].values()), by_model[value])
            for value in models
            if sum(by_model.get(value, {}).values())
        ]
        if empty:
            notes.append(
                ngettext(
                    "%(count)s cluster lists no members yet: it is not counted here.",
                    "%(count)s clusters list no members yet: they are not counted here.",
                    empty,
                )
                % {"count": empty}
            )
        charts = []
        for slug, title, sentence, groups in [
            (
                "members",
                _("Member organisations by type"),
                _("What the %(members)s member organisations listed by these clusters are."),
                groups_overall,
            ),
            (
                "members-by-country",
                _("Member organisations by type, country by country"),
                _("The share of each type among the members listed, in each country."),
                groups_country,
            ),
            (
                "members-by-model",
                _("Member organisations by type, model by model"),
                _("The share of each type among the members listed, for each model of cluster."),
                groups_model,
            ),
        ]:
            drawing = stacked_chart([(group.label, group.members) for group in groups], kinds)
            for group, bar in zip(groups, drawing.bars, strict=True):
                group.shares = [bar.shares[kind] for kind in kinds]
            charts.append(
                CompositionChart(
                    slug,
                    title,
                    sentence % {"members": intcomma(listed)},
                    [Row(kind, str(labels[kind]), overall[kind]) for kind in kinds],
                    notes,
                    counted=_("Members"),
                    drawing=drawing,
                    groups=groups,
                )
            )
        return charts

    def currency(self):
        counts = self.counts
        rows = [
            Row("recent", str(_("Verified in the last 12 months")), counts["recent"]),
            Row("earlier", str(_("Verified, but longer ago")), counts["earlier"]),
            Row(
                "mapping",
                str(_("Never verified: as the 2021 mapping listed it")),
                counts["mapping_only"],
            ),
            Row("never", str(_("Never verified since it was added")), counts["never"]),
        ]
        return Chart(
            "currency",
            _("How current the entries are"),
            _(
                "When a person (the cluster, through its link, or GECES staff) last confirmed "
                "that each entry is true."
            ),
            rows,
            drawing=bar_chart(self.bars(rows)),
            row_heading=_("Last verified"),
        )

    def timeline(self):
        years = self.figures.year[self.listed][~self.figures.seed[self.listed]]
        found, counts = np.unique(years, return_counts=True)
        # The clusters whose date is not known (year 0) after the years.
        by_year = sorted(zip(found.tolist(), counts.tolist(), strict=True), key=lambda y: not y[0])
        rows = []
        if self.counts["seed"]:
            rows.append(Row("mapping", str(_("The 2021 mapping")), self.counts["seed"]))
        for year, count in by_year:
            label = str(year) if year else str(_("Date not known"))
            rows.append(Row(str(year or ""), label, count))
        return Chart(
            "timeline",
            _("Clusters added over time"),
            _(
                "The clusters of the GECES mapping of 2021, then those published each year "
                "since, registered by their own people or added by staff."
            ),
            rows,
            drawing=bar_chart(self.bars(rows)),
            row_heading=_("When added"),
        )
