"""The changes API: what a mirror of the published clusters reads to stay in step, a page at
a time from where it stopped (see clusters.models.changes for the log and its order)."""

import re
from itertools import takewhile

from django.http import JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _

from clusters.dataset import license_members, licensed
from clusters.exports import api_records, page_size
from clusters.models import Cluster, ClusterChange, SlugRedirect
from core.page_cache import cached_page

# A position in the log: "<transaction>-<id>". The start of the log is "0-0".
CURSOR = re.compile(r"(\d{1,18})-(\d{1,18})")
START = (0, 0)
BAD_CURSOR = _(
    "This cursor is not one this site gives. Use the `cursor` of the last page you read, "
    "or leave out `since` to start from the beginning."
)


def read_cursor(text):
    """The position (transaction, id) a cursor names; None when it names none."""
    found = CURSOR.fullmatch(text)
    return (int(found[1]), int(found[2])) if found else None


def cursor(position):
    return "{}-{}".format(*position)


@licensed
@cached_page(parameters=("since", "page_size"))
def changes_json(request):
    """The published clusters changed since the cursor (`since`), oldest change first: each
    with its record as the JSON API gives it, or withdrawn (archived, rejected or removed)
    with its address and, for one merged into another, the address it now leads to.

    A cluster changed several times is listed once, at its latest change; the page's
    `cursor` is where the next request starts, `more` says whether a page is ready there
    now, and `waiting` that changes are held back until transactions still running end (a
    moment: ask again soon).

    A page is kept in the page cache, like the JSON API's, unless it is waiting: what it
    hands out then depends on the transactions still running, not only on the directory's
    version. Any other page is whole: a change written later takes a place after its end
    and gives the directory a new version.
    """
    since = request.GET.get("since", "")
    position = start = read_cursor(since) if since else START
    if position is None:
        return JsonResponse({"error": str(BAD_CURSOR)}, status=400)
    size = page_size(request.GET.get("page_size", ""))
    rows = list(
        ClusterChange.objects.latest_of_each_cluster()
        .after(*position)
        .with_settled()
        .values_list("transaction", "id", "cluster_id", "slug", "settled")[: size + 1]
    )
    # Entries are handed out up to the first one a running transaction may still precede.
    entries = list(takewhile(lambda row: row[-1], rows))
    waiting = len(entries) < len(rows)
    more = len(entries) > size
    entries = entries[:size]
    if entries:
        position = entries[-1][:2]
    ids = [row[2] for row in entries]
    published = api_records(Cluster.objects.published().filter(pk__in=ids), request)
    moved = {
        redirect.merged_id: request.build_absolute_uri(redirect.cluster.get_absolute_url())
        for redirect in SlugRedirect.objects.filter(
            merged_id__in=[pk for pk in ids if pk not in published],
            cluster__status=Cluster.Status.PUBLISHED,
        ).select_related("cluster")
    }
    changes = []
    for _transaction, _id, cluster_id, slug, _settled in entries:
        if cluster_id in published:
            record = published[cluster_id]
            changes.append(
                {
                    "id": cluster_id,
                    "change": "published",
                    "url": record["url"],
                    "cluster": record,
                    "merged_into": None,
                }
            )
        else:
            url = request.build_absolute_uri(Cluster(slug=slug).get_absolute_url())
            changes.append(
                {
                    "id": cluster_id,
                    "change": "withdrawn",
                    "url": url,
                    "cluster": None,
                    "merged_into": moved.get(cluster_id),
                }
            )
    next_cursor = cursor(position)
    response = JsonResponse(
        {
            "since": cursor(start),
            "cursor": next_cursor,
            "next": request.build_absolute_uri(
                f"{request.path}?since={next_cursor}"
                + (f"&page_size={size}" if "page_size" in request.GET else "")
            ),
            "more": more,
            "waiting": waiting,
            "page_size": size,
            "changes": changes,
            **license_members(),
        }
    )
    if waiting:
        patch_cache_control(response, private=True)
    return response
