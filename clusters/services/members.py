"""A cluster's members: organisations of the shared register, linked with a role."""

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from clusters.models import Cluster, ClusterChange, Membership, Organisation
from core.page_cache import directory_changed


def set_members(cluster, rows, reason=""):
    """Make the cluster's members exactly these rows (dicts with name, type, role, website
    and country), each linked to the organisation of that name and country. `reason` says in
    the history who made the change."""
    set_memberships({cluster: rows}, reason)


@transaction.atomic
def set_memberships(rows_by_cluster, reason=""):
    """Make each cluster's members exactly its rows (see set_members), for any number of
    clusters at once.

    Written in bulk, history included: two hundred members, or a thousand clusters, cost a
    few queries, not one a row; only a membership taken away is deleted on its own.
    """
    organisations = organisations_for(
        [row for rows in rows_by_cluster.values() for row in rows], reason
    )
    roles = {}
    for cluster, rows in rows_by_cluster.items():
        for row in rows:
            organisation = organisations[Organisation.key(row["name"], row["country"])]
            roles.setdefault(
                (cluster.pk, organisation.pk), row.get("role") or Membership.Role.MEMBER
            )
    clusters = Cluster.objects.filter(pk__in=[cluster.pk for cluster in rows_by_cluster])
    current = {
        (membership.cluster_id, membership.organisation_id): membership
        for membership in Membership.objects.filter(cluster__in=clusters)
    }
    changed = []
    for key, membership in current.items():
        if key not in roles:
            membership._change_reason = reason
            membership.delete()
        elif membership.role != roles[key]:
            membership.role = roles[key]
            changed.append(membership)
    bulk_update_with_history(changed, Membership, ["role"], default_change_reason=reason)
    bulk_create_with_history(
        [
            Membership(cluster_id=cluster_id, organisation_id=organisation_id, role=role)
            for (cluster_id, organisation_id), role in roles.items()
            if (cluster_id, organisation_id) not in current
        ],
        Membership,
        default_change_reason=reason,
    )
    clusters.refresh_derived()
    # Memberships written in bulk send no signal: the changes API hears of them here.
    ClusterChange.objects.record(clusters)
    Organisation.objects.filter(
        pk__in={organisation_id for _cluster_id, organisation_id in roles.keys() | current.keys()}
    ).refresh_cluster_counts()
    directory_changed()


def organisations_for(rows, reason=""):
    """{(name key, country): Organisation} for member rows (dicts with name, type, website
    and country): the organisation of that name and country, whatever the case and accents,
    or a new one.

    A registration sent at the same moment may create the same organisation: the unique
    constraint lets one row in, the other insert is skipped, and both then read it. One that
    took the slug a new organisation was to have makes it try again with another.
    """
    wanted = {}
    for row in rows:
        wanted.setdefault(Organisation.key(row["name"], row["country"]), row)
    found = _with_keys(wanted)
    missing = [key for key in wanted if key not in found]
    for _attempt in range(3):
        if not missing:
            break
        new = [_new_organisation(wanted[key]) for key in missing]
        Organisation.objects.bulk_create(
            Organisation.objects.with_unique_slugs(new), ignore_conflicts=True
        )
        created = _with_keys(missing)
        Organisation.history.bulk_history_create(
            list(created.values()), default_change_reason=reason
        )
        found |= created
        missing = [key for key in missing if key not in found]
    # Where the register knows less than the form says, the form fills it in.
    improved = []
    for key, organisation in found.items():
        row = wanted[key]
        if organisation.type == Organisation.Type.OTHER and row["type"] != organisation.type:
            organisation.type = row["type"]
            improved.append(organisation)
        elif not organisation.website and row.get("website"):
            organisation.website = row["website"]
            improved.append(organisation)
    if improved:
        bulk_update_with_history(
            improved, Organisation, ["type", "website"], default_change_reason=reason
        )
        with_them = Cluster.objects.filter(memberships__organisation__in=improved)
        with_them.refresh_derived()
        ClusterChange.objects.record(with_them)
    return found


def _with_keys(keys):
    keys = set(keys)
    return {
        (organisation.name_key, organisation.country.code): organisation
        for organisation in Organisation.objects.filter(name_key__in={name for name, _ in keys})
        if (organisation.name_key, organisation.country.code) in keys
    }


def _new_organisation(row):
    name = " ".join(row["name"].split())
    name_key, country = Organisation.key(name, row["country"])
    return Organisation(
        name=name,
        name_key=name_key,
        type=row["type"],
        website=row.get("website", ""),
        country=country,
    )
