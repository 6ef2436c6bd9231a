"""An entry's earlier versions: how one differs from now, and bringing it back."""

from django.db import transaction

from clusters.models import DERIVED_FIELDS, Cluster
from core.page_cache import directory_changed


def differences(cluster, record):
    """[(field, value now, value in the version)] where an earlier version differs."""
    found = []
    past = record.instance
    for field in cluster._meta.concrete_fields:
        if field.name in ("id", *DERIVED_FIELDS) or not hasattr(past, field.attname):
            continue
        now, then = getattr(cluster, field.attname), getattr(past, field.attname)
        if now != then:
            found.append((field, now, then))
    for field in Cluster.history.model._history_m2m_fields:
        target = f"{field.m2m_reverse_field_name()}_id"
        now = set(getattr(cluster, field.name).values_list("pk", flat=True))
        then = set(getattr(record, field.name).values_list(target, flat=True))
        if now != then:
            names = dict(
                field.related_model.objects.filter(pk__in=now | then).values_list("pk", "name")
            )
            found.append(
                (
                    field,
                    ", ".join(sorted(names[pk] for pk in now)),
                    ", ".join(sorted(names[pk] for pk in then)),
                )
            )
    return found


@transaction.atomic
def restore(cluster, record, by=None):
    """Bring back the values of an earlier version (a historical record), taxonomies and
    thematic areas included."""
    past = record.instance
    for field in cluster._meta.concrete_fields:
        if field.name not in ("id", *DERIVED_FIELDS) and hasattr(past, field.attname):
            setattr(cluster, field.attname, getattr(past, field.attname))
    cluster._change_reason = f"Restored the version of {record.history_date:%d %B %Y, %H:%M}"
    cluster._history_user = by
    cluster.save()
    for field in Cluster.history.model._history_m2m_fields:
        target = f"{field.m2m_reverse_field_name()}_id"
        getattr(cluster, field.name).set(
            list(getattr(record, field.name).values_list(target, flat=True))
        )
    directory_changed()
