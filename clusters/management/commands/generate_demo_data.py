"""Invented but plausible clusters, to try the site and measure it at the scale it must hold."""

import datetime
import io
import random
import time
from collections import defaultdict
from decimal import Decimal

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from clusters.models import (
    RESERVED_SLUGS,
    SEARCH_DOCUMENT,
    SEARCHED_FIELDS,
    Cluster,
    FieldOfActivity,
    InnovationType,
    MemberService,
    Membership,
    Organisation,
)
from core.page_cache import directory_changed
from core.text import fold, make_slug
from themes.models import ThematicArea

DEMO_NOTE = "Demo data made by generate_demo_data: not a real cluster."
# Clusters written at a time, with their members and tags.
BATCH_SIZE = 5000

# How often a cluster is in each country: the French PTCE make France the largest.
COUNTRY_WEIGHTS = {
    "FR": 30,
    "ES": 10,
    "IT": 10,
    "DE": 8,
    "PT": 4,
    "BE": 5,
    "NL": 4,
    "PL": 5,
    "SE": 3,
    "FI": 2,
    "DK": 2,
    "AT": 3,
    "IE": 2,
    "GR": 2,
    "CZ": 2,
    "SK": 1,
    "HU": 2,
    "RO": 2,
    "BG": 1,
    "HR": 1,
    "SI": 1,
    "LT": 1,
    "LV": 1,
    "EE": 1,
    "LU": 1,
}
# Country, city, region, latitude, longitude.
PLACES = [
    ("FR", "Paris", "Île-de-France", 48.857, 2.352),
    ("FR", "Lyon", "Auvergne-Rhône-Alpes", 45.764, 4.836),
    ("FR", "Marseille", "Provence-Alpes-Côte d'Azur", 43.296, 5.370),
    ("FR", "Lille", "Hauts-de-France", 50.629, 3.057),
    ("FR", "Nantes", "Pays de la Loire", 47.218, -1.554),
    ("FR", "Bordeaux", "Nouvelle-Aquitaine", 44.838, -0.579),
    ("FR", "Toulouse", "Occitanie", 43.605, 1.444),
    ("FR", "Strasbourg", "Grand Est", 48.573, 7.752),
    ("FR", "Rennes", "Bretagne", 48.117, -1.678),
    ("FR", "Dijon", "Bourgogne-Franche-Comté", 47.322, 5.041),
    ("FR", "Grenoble", "Auvergne-Rhône-Alpes", 45.188, 5.724),
    ("FR", "Montpellier", "Occitanie", 43.611, 3.877),
    ("ES", "Madrid", "Comunidad de Madrid", 40.417, -3.704),
    ("ES", "Barcelona", "Catalonia", 41.385, 2.173),
    ("ES", "Valencia", "Valencian Community", 39.470, -0.376),
    ("ES", "Sevilla", "Andalusia", 37.389, -5.984),
    ("ES", "Bilbao", "Basque Country", 43.263, -2.935),
    ("ES", "Zaragoza", "Aragon", 41.649, -0.889),
    ("ES", "Mondragón", "Basque Country", 43.065, -2.490),
    ("ES", "Pamplona", "Navarre", 42.812, -1.646),
    ("IT", "Roma", "Lazio", 41.903, 12.496),
    ("IT", "Milano", "Lombardy", 45.464, 9.190),
    ("IT", "Torino", "Piedmont", 45.070, 7.687),
    ("IT", "Bologna", "Emilia-Romagna", 44.494, 11.343),
    ("IT", "Napoli", "Campania", 40.852, 14.268),
    ("IT", "Firenze", "Tuscany", 43.770, 11.256),
    ("IT", "Trento", "Trentino-Alto Adige", 46.075, 11.121),
    ("IT", "Bari", "Apulia", 41.117, 16.872),
    ("DE", "Berlin", "Berlin", 52.520, 13.405),
    ("DE", "Hamburg", "Hamburg", 53.551, 9.994),
    ("DE", "München", "Bavaria", 48.137, 11.576),
    ("DE", "Köln", "North Rhine-Westphalia", 50.938, 6.960),
    ("DE", "Leipzig", "Saxony", 51.340, 12.375),
    ("DE", "Frankfurt am Main", "Hesse", 50.110, 8.682),
    ("DE", "Freiburg im Breisgau", "Baden-Württemberg", 47.999, 7.842),
    ("DE", "Dortmund", "North Rhine-Westphalia", 51.514, 7.466),
    ("PT", "Lisboa", "Lisbon", 38.722, -9.139),
    ("PT", "Porto", "Norte", 41.158, -8.629),
    ("PT", "Coimbra", "Centro", 40.203, -8.410),
    ("PT", "Braga", "Norte", 41.545, -8.427),
    ("PT", "Faro", "Algarve", 37.019, -7.930),
    ("BE", "Bruxelles", "Brussels-Capital", 50.850, 4.352),
    ("BE", "Antwerpen", "Flanders", 51.219, 4.402),
    ("BE", "Gent", "Flanders", 51.054, 3.717),
    ("BE", "Liège", "Wallonia", 50.633, 5.567),
    ("BE", "Namur", "Wallonia", 50.467, 4.872),
    ("BE", "Charleroi", "Wallonia", 50.411, 4.444),
    ("NL", "Amsterdam", "North Holland", 52.370, 4.895),
    ("NL", "Rotterdam", "South Holland", 51.924, 4.478),
    ("NL", "Utrecht", "Utrecht", 52.091, 5.122),
    ("NL", "Eindhoven", "North Brabant", 51.441, 5.470),
    ("NL", "Groningen", "Groningen", 53.219, 6.567),
    ("PL", "Warszawa", "Masovia", 52.230, 21.012),
    ("PL", "Kraków", "Lesser Poland", 50.065, 19.945),
    ("PL", "Gdańsk", "Pomerania", 54.352, 18.647),
    ("PL", "Wrocław", "Lower Silesia", 51.108, 17.039),
    ("PL", "Łódź", "Łódź", 51.759, 19.456),
    ("PL", "Poznań", "Greater Poland", 52.406, 16.925),
    ("PL", "Lublin", "Lublin", 51.246, 22.568),
    ("SE", "Stockholm", "Stockholm", 59.329, 18.069),
    ("SE", "Göteborg", "Västra Götaland", 57.709, 11.975),
    ("SE", "Malmö", "Skåne", 55.605, 13.004),
    ("SE", "Umeå", "Västerbotten", 63.826, 20.263),
    ("SE", "Uppsala", "Uppsala", 59.859, 17.639),
    ("FI", "Helsinki", "Uusimaa", 60.170, 24.938),
    ("FI", "Tampere", "Pirkanmaa", 61.498, 23.761),
    ("FI", "Turku", "Southwest Finland", 60.452, 22.267),
    ("FI", "Oulu", "North Ostrobothnia", 65.012, 25.465),
    ("DK", "København", "Capital Region", 55.676, 12.568),
    ("DK", "Aarhus", "Central Jutland", 56.163, 10.204),
    ("DK", "Odense", "Southern Denmark", 55.404, 10.402),
    ("DK", "Aalborg", "North Jutland", 57.048, 9.922),
    ("AT", "Wien", "Vienna", 48.208, 16.374),
    ("AT", "Graz", "Styria", 47.071, 15.440),
    ("AT", "Linz", "Upper Austria", 48.306, 14.286),
    ("AT", "Salzburg", "Salzburg", 47.810, 13.055),
    ("AT", "Innsbruck", "Tyrol", 47.269, 11.404),
    ("IE", "Dublin", "Leinster", 53.350, -6.260),
    ("IE", "Cork", "Munster", 51.899, -8.476),
    ("IE", "Galway", "Connacht", 53.271, -9.057),
    ("IE", "Limerick", "Munster", 52.668, -8.630),
    ("GR", "Athens", "Attica", 37.984, 23.728),
    ("GR", "Thessaloniki", "Central Macedonia", 40.640, 22.944),
    ("GR", "Patras", "Western Greece", 38.246, 21.735),
    ("GR", "Heraklion", "Crete", 35.339, 25.144),
    ("CZ", "Praha", "Prague", 50.076, 14.438),
    ("CZ", "Brno", "South Moravia", 49.195, 16.607),
    ("CZ", "Ostrava", "Moravia-Silesia", 49.820, 18.262),
    ("CZ", "Plzeň", "Plzeň", 49.738, 13.373),
    ("SK", "Bratislava", "Bratislava", 48.149, 17.107),
    ("SK", "Košice", "Košice", 48.716, 21.261),
    ("SK", "Žilina", "Žilina", 49.223, 18.740),
    ("HU", "Budapest", "Central Hungary", 47.498, 19.040),
    ("HU", "Debrecen", "Hajdú-Bihar", 47.532, 21.627),
    ("HU", "Szeged", "Csongrád-Csanád", 46.253, 20.141),
    ("HU", "Pécs", "Baranya", 46.073, 18.233),
    ("RO", "București", "Bucharest", 44.427, 26.103),
    ("RO", "Cluj-Napoca", "Cluj", 46.771, 23.624),
    ("RO", "Timișoara", "Timiș", 45.749, 21.208),
    ("RO", "Iași", "Iași", 47.159, 27.601),
    ("BG", "Sofia", "Sofia City", 42.698, 23.322),
    ("BG", "Plovdiv", "Plovdiv", 42.136, 24.745),
    ("BG", "Varna", "Varna", 43.214, 27.915),
    ("HR", "Zagreb", "City of Zagreb", 45.815, 15.982),
    ("HR", "Split", "Split-Dalmatia", 43.508, 16.440),
    ("HR", "Rijeka", "Primorje-Gorski Kotar", 45.327, 14.442),
    ("SI", "Ljubljana", "Central Slovenia", 46.057, 14.506),
    ("SI", "Maribor", "Drava", 46.555, 15.646),
    ("LT", "Vilnius", "Vilnius County", 54.687, 25.280),
    ("LT", "Kaunas", "Kaunas County", 54.898, 23.903),
    ("LV", "Rīga", "Riga", 56.950, 24.105),
    ("LV", "Liepāja", "Kurzeme", 56.505, 21.011),
    ("EE", "Tallinn", "Harju County", 59.437, 24.754),
    ("EE", "Tartu", "Tartu County", 58.378, 26.729),
    ("LU", "Luxembourg", "Luxembourg", 49.612, 6.130),
    ("LU", "Esch-sur-Alzette", "Esch-sur-Alzette", 49.496, 5.981),
]

PLACES_BY_COUNTRY = defaultdict(list)
for country, *place in PLACES:
    PLACES_BY_COUNTRY[country].append(place)

CLUSTER_WORDS = (
    "Green", "Solidarity", "Circular", "Common", "Open", "Shared", "Fair", "Living", "New",
    "Inclusive", "Blue", "Social", "Cooperative", "Sustainable", "Local", "Civic", "Urban",
    "Rural", "Mutual", "Future",
)  # fmt: skip
CLUSTER_NOUNS = (
    "Hub", "Alliance", "Network", "Cluster", "Pole", "Valley", "Factory", "Lab", "Partnership",
    "Quarter", "Commons", "Platform", "Collective", "Coalition", "Forum", "Workshop", "Campus",
    "Exchange", "Harbour", "Garden",
)  # fmt: skip
ORGANISATION_WORDS = (
    "Terra", "Alba", "Nova", "Verde", "Aurora", "Horizon", "Kestrel", "Linden", "Meridian",
    "Nordic", "Orchard", "Pioneer", "Quartz", "Riverside", "Solstice", "Tidal", "Willow", "Zenith",
    "Beacon", "Cedar", "Delta", "Ember", "Fjord", "Granite", "Harvest", "Iris", "Juniper",
    "Lumen", "Mosaic", "Oak", "Pebble", "Sable", "Thistle", "Vale", "Wren", "Acorn", "Bramble",
    "Compass", "Ferro", "Helix",
)  # fmt: skip
SOCIAL_TRADES = (
    "Recycling", "Repair Café", "Food Cooperative", "Bakery", "Housing Cooperative", "Bike Works",
    "Energy Cooperative", "Catering", "Textiles", "Woodworks", "Community Farm", "Care Services",
    "Cleaning Cooperative", "Printing", "Reuse Shop", "Green Spaces", "Coworking", "Logistics",
)  # fmt: skip
BUSINESS_TRADES = (
    "Engineering", "Logistics", "Energy", "Construction", "Foods", "Software", "Consulting",
    "Bank", "Insurance", "Retail", "Packaging", "Mobility", "Telecom", "Water", "Textiles",
)  # fmt: skip
CAUSES = (
    "Neighbourhood", "Youth", "Migrants' Welcome", "Climate Action", "Heritage", "Women's",
    "Food Bank", "Cycling", "Disability Rights", "Seniors", "Arts", "Nature Protection",
)  # fmt: skip
DESCRIPTIONS = (
    "Enterprises, associations, the local authority and schools of {city} ({region}) work "
    "together on projects none of them could carry alone.",
    "Brings together social economy enterprises and local businesses of {city} to create jobs "
    "for people far from employment.",
    "A territorial partnership in {region}: members pool premises, equipment and skills, and "
    "start new activities together.",
    "Grew out of a neighbourhood initiative in {city} and now supports new cooperatives with "
    "advice, training and shared workspace.",
    "Companies, researchers and citizens of {region} cooperate on the ecological transition of "
    "the local economy.",
)
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


class Command(BaseCommand):
    help = (
        "Add invented, published clusters with members, spread over Europe, to try the site "
        "at scale. Loads the seed first when the taxonomies are empty. Never for production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clusters", type=int, default=1000, help="How many to add.")
        parser.add_argument(
            "--seed", type=int, default=2024, help="The same seed gives the same clusters."
        )

    def handle(self, *args, clusters, seed, **options):
        if clusters < 1:
            raise CommandError("--clusters must be at least 1.")
        started = time.monotonic()
        with transaction.atomic():
            seed_loaded = self.ensure_taxonomies()
            counts = DemoData(random.Random(seed)).create(clusters)
            # Written in bulk, without the signals that tell the page cache.
            directory_changed()
        if connection.vendor == "postgresql":
            # ANALYZE: the planner would otherwise keep the statistics of tables that were
            # nearly empty (the seed's too, when it was loaded first), and scan where it
            # should look up. VACUUM: it clears the row versions the search-document UPDATE
            # left behind and marks the pages all-visible, without which the facet counts
            # read the table, not the covering index. Neither waits for autovacuum, which
            # may be slow or off. VACUUM cannot run inside a transaction the caller holds
            # open; ANALYZE can.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {counts['clusters']} published demo clusters in {counts['countries']} "
                f"countries, with {counts['memberships']} memberships and "
                f"{counts['organisations']} new organisations"
                f"{' (seed loaded first)' if seed_loaded else ''} in {seconds:.1f} s."
            )
        )

    def ensure_taxonomies(self):
        if all(
            model.objects.exists() for model in (FieldOfActivity, MemberService, InnovationType)
        ):
            return False
        call_command("load_seed", stdout=io.StringIO())
        return True


def tag_tables():
    """The table linking clusters to the terms of each taxonomy, by taxonomy."""
    return {name: Cluster._meta.get_field(name).remote_field.through for name in TAXONOMIES}


class DemoData:
    """Builds demo rows in memory and writes them a batch at a time: with COPY on
    PostgreSQL, with bulk_create elsewhere.

    Neither runs save() nor the signals, so slugs, publication dates and the derived
    columns (sort name, search text, member types) are set here, from what is in memory;
    on PostgreSQL the full-text document is made from them in one UPDATE at the end.
    """

    def __init__(self, rng):
        self.rng = rng
        self.now = timezone.now()
        self.terms = {
            name: list(terms.values_list("pk", flat=True)) for name, terms in TAXONOMIES.items()
        }
        self.field_names = dict(FieldOfActivity.objects.values_list("pk", "name"))
        self.slugs = set(Cluster.objects.values_list("slug", flat=True)) | RESERVED_SLUGS
        self.names = set(Cluster.objects.values_list("name", flat=True))
        # (name key, country) -> an Organisation, in the database or still to be written.
        self.organisations = {
            (organisation.name_key, organisation.country.code): organisation
            for organisation in Organisation.objects.only("pk", "name_key", "country", "type")
        }
        # The organisations known in each country, so that some join one more cluster.
        self.by_country = defaultdict(list)
        for (_, country), organisation in self.organisations.items():
            self.by_country[country].append(organisation)
        # Names of places and organisations recur: each is folded once.
        self.folded = {}
        self.copy = connection.vendor == "postgresql"

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
        if self.copy:
            # One UPDATE by a range of keys rather than a list of 100,000; a cluster another
            # session wrote in the range meanwhile gets the document it already has.
            Cluster.objects.filter(pk__gte=min(written), pk__lte=max(written)).update(
                search_document=SEARCH_DOCUMENT
            )
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
            self.derive(cluster, [organisation for _, organisation, _, _ in cluster_memberships])
            clusters.append(cluster)
            tags.append(cluster_tags)
            memberships.extend(cluster_memberships)
        self.insert(Cluster, clusters)
        self.insert(Organisation, organisations)
        # Rows of ids rather than model instances, which cost more than the writing at a
        # million memberships; made only now that clusters and organisations have keys.
        self.insert_rows(
            Membership,
            ["cluster_id", "organisation_id", "role", "since"],
            [
                (cluster.pk, organisation.pk, str(role), since)
                for cluster, organisation, role, since in memberships
            ],
        )
        for name, through in tag_tables().items():
            relation = Cluster._meta.get_field(name)
            self.insert_rows(
                through,
                [relation.m2m_column_name(), relation.m2m_reverse_name()],
                [
                    (cluster.pk, term)
                    for cluster, cluster_tags in zip(clusters, tags, strict=True)
                    for term in cluster_tags[name]
                ],
            )
        return {"clusters": clusters, "organisations": organisations, "memberships": memberships}

    def derive(self, cluster, members):
        """The columns ClusterQuerySet.refresh_search() and refresh_member_types() would
        store, made from what is in memory: reading 1.4 million memberships back costs more
        than writing them."""
        texts = [getattr(cluster, name) for name in SEARCHED_FIELDS]
        folded = [self.fold(text) for text in texts]
        folded += [organisation.name_key for organisation in members]
        # fold() of the joined text, as refresh_search stores it, is the folded parts joined.
        cluster.search_text = " ".join(text for text in folded if text)
        kinds = {organisation.type for organisation in members}
        cluster.member_types = " ".join(kind for kind in Organisation.Type.values if kind in kinds)

    def fold(self, text):
        if text not in self.folded:
            self.folded[text] = fold(text)
        return self.folded[text]

    def insert(self, model, objects):
        """Write these instances and give them their primary keys."""
        if not self.copy:
            model.objects.bulk_create(objects)
            return
        # COPY takes no RETURNING: the keys are taken from the table's sequence first, as
        # the column's default would take them.
        for instance, pk in zip(objects, self.next_ids(model, len(objects)), strict=True):
            instance.pk = pk
        fields = model._meta.concrete_fields
        rows = (
            [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
            for instance in objects
        )
        self.copy_rows(model, [field.column for field in fields], rows)

    def insert_rows(self, model, columns, rows):
        """Write rows of plain values, one for each of these columns."""
        if self.copy:
            self.copy_rows(model, columns, rows)
        else:
            model.objects.bulk_create(
                [model(**dict(zip(columns, row, strict=True))) for row in rows]
            )

    def copy_rows(self, model, columns, rows):
        quote = connection.ops.quote_name
        statement = (
            f"COPY {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) FROM STDIN"
        )
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    def next_ids(self, model, count):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, model._meta.pk.column, count],
            )
            return [pk for (pk,) in cursor.fetchall()]

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
        base = make_slug(name, Cluster._meta.get_field("slug").max_length - 4)
        candidate, number = base, 2
        while candidate in self.slugs:
            candidate = f"{base}-{number}"
            number += 1
        self.slugs.add(candidate)
        return candidate

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
        organisation = Organisation(
            name=name,
            name_key=key[0],
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
