"""Invented clusters, with members and tags, built in memory and written a batch at a time."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from clusters.demo import DEMO_NOTE
from clusters.demo.vocabulary import (
    BUSINESS_TRADES,
    CAUSES,
    CLUSTER_NOUNS,
    CLUSTER_WORDS,
    COUNTRY_WEIGHTS,
    DESCRIPTIONS,
    ORGANISATION_WORDS,
    PLACES_BY_COUNTRY,
    SOCIAL_TRADES,
)
from clusters.demo.writer import BulkWriter
from clusters.models import (
    RESERVED_SLUGS,
    SEARCH_DOCUMENT,
    Cluster,
    ClusterChange,
    FieldOfActivity,
    InnovationType,
    JoinedThematicArea,
    MemberService,
    Membership,
    Organisation,
    OrganisationRedirect,
    derived_columns,
)
from clusters.models.organisations import organisation_slug
from core.text import fold, free_slug, make_slug
from core.vocabulary import in_every_language
from themes.models import ThematicArea

# Clusters written at a time, with their members and tags.
BATCH_SIZE = 5000

# Kinds whose name is fixed by the place, so all the clusters of a city share them.
CIVIC_TYPES = (Organisation.Type.LOCAL_AUTHORITY, Organisation.Type.EDUCATION_RESEARCH)
TAXONOMIES = {
    "fields_of_activity": FieldOfActivity.objects,
    "services": MemberService.objects,
    "innovation_types": InnovationType.objects,
    "thematic_areas": ThematicArea.objects.public(),
}
# The fewest and the most terms of each taxonomy a cluster is tagged with.
TAGS_PER_CLUSTER = {
    "fields_of_activity": (1, 4),
    "services": (1, 3),
    "innovation_types": (1, 3),
    "thematic_areas": (0, 2),
}


def tag_tables():
    """The table linking clusters to the terms of each taxonomy, by taxonomy."""
    return {name: Cluster._meta.get_field(name).remote_field.through for name in TAXONOMIES}


class DemoData:
    """Builds demo rows in memory and writes them a batch at a time (BulkWriter).

    The writer runs neither save() nor the signals, so slugs, publication dates and the
    derived columns (clusters.models.derived_columns) are set here from what is in memory:
    reading 1.4 million memberships back would cost more than writing them. On PostgreSQL
    the full-text document is made from them in one UPDATE at the end.
    """

    def __init__(self, rng):
        self.rng = rng
        self.now = timezone.now()
        # {taxonomy: {term's id: its names in every language}}, which its clusters' search
        # text holds.
        self.term_names = {
            name: {
                pk: [text for text in names if text]
                for pk, *names in terms.values_list("pk", *in_every_language("name"))
            }
            for name, terms in TAXONOMIES.items()
        }
        self.terms = {name: list(names) for name, names in self.term_names.items()}
        self.field_names = dict(FieldOfActivity.objects.values_list("pk", "name"))
        self.slugs = set(Cluster.objects.values_list("slug", flat=True)) | RESERVED_SLUGS
        self.names = set(Cluster.objects.values_list("name", flat=True))
        # (name key, country) -> an Organisation, in the database or still to be written.
        self.organisations = {
            (organisation.name_key, organisation.country.code): organisation
            for organisation in Organisation.objects.only("pk", "name_key", "country", "type")
        }
        self.organisation_slugs = set(Organisation.objects.values_list("slug", flat=True))
        self.organisation_slugs |= set(
            OrganisationRedirect.objects.values_list("old_slug", flat=True)
        )
        # The organisations known in each country, so that some join one more cluster.
        self.by_country = defaultdict(list)
        for (_, country), organisation in self.organisations.items():
            self.by_country[country].append(organisation)
        # Names of places and organisations recur: each is folded once.
        self.folded = {}
        self.writer = BulkWriter()

    def create(self, total):
        counts = {"clusters": 0, "memberships": 0, "organisations": 0}
        countries = set()
        written = []
        for start in range(0, total, BATCH_SIZE):
            batch = self.write_batch(min(BATCH_SIZE, total - start))
            countries.update(cluster.country.code for cluster in batch["clusters"])
            written += [cluster.pk for cluster in batch["clusters"]]
            for kind in counts:
                counts[kind] += len(batch[kind])
        # By a range of keys rather than a list of 100,000; a cluster another session wrote
        # in the range meanwhile gets what it already has.
        in_range = {"pk__gte": min(written), "pk__lte": max(written)}
        if self.writer.copy:
            Cluster.objects.filter(**in_range).update(search_document=SEARCH_DOCUMENT)
        # Written in bulk, without signals: the changes API hears of them here, and their
        # thematic areas are joined when they were published.
        ClusterChange.objects.record(Cluster.objects.filter(**in_range), new=True)
        JoinedThematicArea.objects.sync(Cluster.objects.filter(**in_range), by_publication=True)
        if self.writer.copy:
            # The planner's statistics still describe the tables before the COPY: without
            # fresh ones it scans every membership once an organisation below.
            with connection.cursor() as cursor:
                tables = (model._meta.db_table for model in (Cluster, Membership, Organisation))
                cursor.execute(f"ANALYZE {', '.join(tables)}")
        # The members of the new clusters, new and older ones, are public now.
        Organisation.objects.filter(
            pk__in=Membership.objects.filter(
                **{f"cluster__{name}": value for name, value in in_range.items()}
            ).values("organisation")
        ).refresh_cluster_counts()
        counts["countries"] = len(countries)
        return counts

    def write_batch(self, size):
        clusters, organisations, memberships, tags = [], [], [], []
        for _ in range(size):
            cluster_tags = self.tags()
            cluster = self.cluster(cluster_tags)
            cluster_memberships = self.memberships(cluster, organisations)
            if self.rng.random() < 0.7:
                # The number the cluster states counts members not listed here too.
                cluster.member_count = len(cluster_memberships) + self.rng.randint(0, 40)
            members = [
                (organisation.name, organisation.type)
                for _, organisation, _, _ in cluster_memberships
            ]
            vocabulary = [
                name
                for taxonomy, pks in cluster_tags.items()
                for pk in pks
                for name in self.term_names[taxonomy][pk]
            ]
            for name, value in derived_columns(cluster, members, vocabulary).items():
                setattr(cluster, name, value)
            clusters.append(cluster)
            tags.append(cluster_tags)
            memberships.extend(cluster_memberships)
        self.writer.insert(Cluster, clusters)
        self.writer.insert(Organisation, organisations)
        # Rows of ids rather than model instances, which cost more than the writing at a
        # million memberships; made only now that clusters and organisations have keys.
        self.writer.insert_rows(
            Membership,
            ["cluster_id", "organisation_id", "role", "since"],
            [
                (cluster.pk, organisation.pk, str(role), since)
                for cluster, organisation, role, since in memberships
            ],
        )
        for name, through in tag_tables().items():
            relation = Cluster._meta.get_field(name)
            self.writer.insert_rows(
                through,
                [relation.m2m_column_name(), relation.m2m_reverse_name()],
                [
                    (cluster.pk, term)
                    for cluster, cluster_tags in zip(clusters, tags, strict=True)
                    for term in cluster_tags[name]
                ],
            )
        return {"clusters": clusters, "organisations": organisations, "memberships": memberships}

    def fold(self, text):
        if text not in self.folded:
            self.folded[text] = fold(text)
        return self.folded[text]

    def tags(self):
        return {
            name: self.rng.sample(terms, min(self.rng.randint(*TAGS_PER_CLUSTER[name]), len(terms)))
            for name, terms in self.terms.items()
        }

    def cluster(self, tags):
        rng = self.rng
        country = rng.choices(list(COUNTRY_WEIGHTS), list(COUNTRY_WEIGHTS.values()))[0]
        city, region, latitude, longitude = rng.choice(PLACES_BY_COUNTRY[country])
        name = self.cluster_name(city)
        slug = self.unique_slug(name)
        precision = rng.choices(list(Cluster.LocationPrecision), [80, 15, 5])[0]
        spread = {"city": 0.05, "region": 0.4, "country": 0}[precision]
        coordinates = precision != Cluster.LocationPrecision.COUNTRY
        place = city if precision == Cluster.LocationPrecision.CITY else region
        year_founded = rng.randint(1985, self.now.year) if rng.random() < 0.85 else None
        eccp_registered = rng.choices(list(Cluster.EccpRegistration), [25, 35, 40])[0]
        label = rng.choices(list(Cluster.Label), [90, 5, 3, 2])[0]
        published_at = self.now - datetime.timedelta(days=rng.randint(1, 1500))
        verified_at = published_at + datetime.timedelta(days=rng.randint(0, 300))
        topic = " and ".join(self.field_names[pk].lower() for pk in tags["fields_of_activity"][:2])
        return Cluster(
            name=name,
            sort_name=fold(name),
            slug=slug,
            short_description=f"Cooperation cluster in {place} working on {topic}.",
            description=self.description(city, region, year_founded),
            country=country,
            region=region,
            city=city if precision == Cluster.LocationPrecision.CITY else "",
            latitude=self.degrees(latitude, spread) if coordinates else None,
            longitude=self.degrees(longitude, spread) if coordinates else None,
            location_precision=precision,
            website=f"https://{slug}.example.org/",
            contact_email=f"contact@{slug}.example.org" if rng.random() < 0.6 else "",
            model=rng.choices(list(Cluster.Model), [35, 20, 15, 10, 12, 8])[0],
            legal_structure=rng.choice(list(Cluster.LegalStructure)),
            legal_entity_name=f"{name} Association" if rng.random() < 0.5 else "",
            initiated_by=rng.choice(list(Cluster.InitiatedBy)),
            year_founded=year_founded,
            eccp_registered=eccp_registered,
            eccp_profile_url=(
                f"https://www.clustercollaboration.eu/cluster-organisations/{slug}"
                if eccp_registered == Cluster.EccpRegistration.YES and rng.random() < 0.8
                else ""
            ),
            activity_status=rng.choices(list(Cluster.ActivityStatus), [80, 5, 10, 5])[0],
            label=label,
            label_expires_on=(
                None
                if label == Cluster.Label.NONE
                else (self.now + datetime.timedelta(days=rng.randint(30, 1000))).date()
            ),
            status=Cluster.Status.PUBLISHED,
            source=Cluster.Source.STAFF,
            staff_notes=DEMO_NOTE,
            published_at=published_at,
            last_verified_at=min(verified_at, self.now),
        )

    def cluster_name(self, city):
        # A few tries at a fresh name; a repeated one is allowed (its slug gets a number).
        for _ in range(5):
            name = f"{self.rng.choice(CLUSTER_WORDS)} {self.rng.choice(CLUSTER_NOUNS)} {city}"
            if name not in self.names:
                break
        self.names.add(name)
        return name

    def unique_slug(self, name):
        slug = free_slug(name, Cluster._meta.get_field("slug").max_length, self.slugs.__contains__)
        self.slugs.add(slug)
        return slug

    def degrees(self, centre, spread):
        return Decimal(f"{centre + self.rng.uniform(-spread, spread):.5f}")

    def description(self, city, region, year_founded):
        # Varied, so that a text search matches some clusters and not nearly all of them.
        opening = self.rng.choice(DESCRIPTIONS).format(city=city, region=region)
        if year_founded:
            return f"{opening} Founded in {year_founded}."
        return opening

    def member_total(self):
        # Most clusters are small; some have every size up to 30.
        if self.rng.random() < 0.15:
            return self.rng.randint(3, 30)
        return round(self.rng.triangular(3, 30, 7))

    def memberships(self, cluster, new_organisations):
        """(cluster, organisation, role, since) for each member of a new cluster."""
        total = self.member_total()
        chosen = {}
        attempts = 0
        country, place = cluster.country.code, cluster.city or cluster.region
        while len(chosen) < total:
            attempts += 1
            organisation = self.organisation(
                country, place, new_organisations, fresh=attempts > 100
            )
            chosen.setdefault(id(organisation), organisation)
        founders = self.rng.randint(1, 3)
        founded = cluster.year_founded
        rows = []
        for position, organisation in enumerate(chosen.values()):
            if position == 0:
                role = Membership.Role.COORDINATOR
            elif position <= founders:
                role = Membership.Role.FOUNDING_MEMBER
            else:
                role = Membership.Role.MEMBER
            since = None
            if founded:
                joined_later = role == Membership.Role.MEMBER
                since = self.rng.randint(founded, self.now.year) if joined_later else founded
            rows.append((cluster, organisation, role, since))
        return rows

    def organisation(self, country, place, new_organisations, fresh=False):
        """A member for a new cluster here: sometimes one that is in other clusters too."""
        rng = self.rng
        kind = rng.choices(list(Organisation.Type), [35, 20, 20, 10, 10, 5])[0]
        pool = self.by_country[country]
        if not fresh and kind not in CIVIC_TYPES and pool and rng.random() < 0.1:
            return rng.choice(pool)
        name = self.organisation_name(kind, place)
        if fresh:
            # Only when a small city has run out of names; a number makes one unique.
            name = f"{name} {len(self.organisations) + 1}"
        key = (self.fold(name), country)  # as Organisation.key(name, country)
        if key in self.organisations:
            return self.organisations[key]
        slug = organisation_slug(name, country, self.organisation_slugs.__contains__)
        self.organisation_slugs.add(slug)
        organisation = Organisation(
            name=name,
            name_key=key[0],
            slug=slug,
            type=kind,
            country=country,
            website=f"https://{make_slug(name)}.example.org/" if rng.random() < 0.7 else "",
        )
        self.organisations[key] = organisation
        pool.append(organisation)
        new_organisations.append(organisation)
        return organisation

    def organisation_name(self, kind, city):
        rng = self.rng
        word = rng.choice(ORGANISATION_WORDS)
        if kind == Organisation.Type.SOCIAL_ECONOMY_ENTERPRISE:
            return f"{word} {rng.choice(SOCIAL_TRADES)} {city}"
        if kind == Organisation.Type.MAINSTREAM_ENTERPRISE:
            return f"{word} {rng.choice(BUSINESS_TRADES)}"
        if kind == Organisation.Type.CIVIL_SOCIETY:
            return f"{word} {rng.choice(CAUSES)} {rng.choice(['Association', 'Network'])} {city}"
        if kind == Organisation.Type.LOCAL_AUTHORITY:
            return rng.choice([f"City of {city}", f"{city} Metropolitan Council"])
        if kind == Organisation.Type.EDUCATION_RESEARCH:
            return rng.choice(
                [f"University of {city}", f"{city} Institute of Technology", f"{city} College"]
            )
        return rng.choice([f"{city} Chamber of Commerce", f"{word} Foundation {city}"])
