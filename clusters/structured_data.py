"""schema.org facts in JSON-LD, for search engines: each states only what its page shows.

A fact the page marks as inferred ("inferred, not yet confirmed") is left out here, where no
mark can follow it.
"""

from django.conf import settings
from django.urls import reverse

from clusters.map_data import DECIMALS
from clusters.models import Cluster

# Legal structures whose body is a non-governmental organisation in schema.org's sense.
NGO_STRUCTURES = {Cluster.LegalStructure.ASSOCIATION, Cluster.LegalStructure.FOUNDATION}


def address_of(path):
    """The page's address as its canonical link gives it."""
    return settings.SITE_URL + path


def cluster_json_ld(cluster, words, memberships, thematic_areas):
    """The cluster as a schema.org Organization (NGO for an association or a foundation),
    from what its page shows: its `words` (Cluster.words_for), `memberships` and
    `thematic_areas` as the page shows them."""
    inferred = Cluster.Provenance.INFERRED
    document = {
        "@context": "https://schema.org",
        "@type": "NGO" if cluster.legal_structure in NGO_STRUCTURES else "Organization",
        "name": cluster.name,
        "url": address_of(cluster.get_absolute_url()),
    }
    if cluster.also_known_as:
        document["alternateName"] = cluster.also_known_as
    if words.short_description:
        document["description"] = words.short_description
    same_as = [cluster.website] if cluster.website else []
    if cluster.eccp_registered == Cluster.EccpRegistration.YES and cluster.eccp_profile_url:
        same_as.append(cluster.eccp_profile_url)
    if same_as:
        document["sameAs"] = same_as
    if cluster.legal_entity_name:
        document["legalName"] = cluster.legal_entity_name
    if cluster.year_founded:
        document["foundingDate"] = str(cluster.year_founded)

    address = {}
    if cluster.country and cluster.country_from != inferred:
        address["addressCountry"] = cluster.country.code
    if cluster.place_from != inferred:
        if cluster.city:
            address["addressLocality"] = cluster.city
        if cluster.region and cluster.region != cluster.city:
            address["addressRegion"] = cluster.region
    if address:
        document["address"] = {"@type": "PostalAddress", **address}
    # Coordinates only where the page places the cluster in its town, to the map's rounding.
    precision = getattr(cluster, "map_precision", None)
    if (
        precision == Cluster.MapPrecision.CITY
        and cluster.place_from != inferred
        and cluster.latitude is not None
    ):
        decimals = DECIMALS[precision]
        document["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": round(float(cluster.latitude), decimals),
            "longitude": round(float(cluster.longitude), decimals),
        }

    members = []
    for membership in memberships:
        organisation = membership.organisation
        member = {"@type": "Organization", "name": organisation.name}
        if organisation.website:
            member["url"] = organisation.website
        members.append(member)
    if members:
        document["member"] = members
    if thematic_areas:
        document["knowsAbout"] = [area.name for area in thematic_areas]
    if cluster.updated_at:
        document["dateModified"] = cluster.updated_at.isoformat()
    return document


def website_json_ld():
    """The site, with the list's search as its SearchAction."""
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": "CSEI Directory",
        "url": address_of("/"),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": address_of(reverse("clusters:list")) + "?q={search_term_string}",
            },
            "query-input": "required name=search_term_string",
        },
    }
