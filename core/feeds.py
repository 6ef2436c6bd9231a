"""What every Atom feed of the directory shares: entries with an id that never changes."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

# A feed lists the newest entries only, so that it costs the same at any size of the
# directory: a reader that polls it daily misses nothing.
FEED_ENTRIES = 50


class AtomFeed(Feed):
    """Entries are identified by a tag URI (RFC 4151) of their primary key, which a rename
    (a new address) does not change, so that a reader never shows an entry twice."""

    feed_type = Atom1Feed
    author_name = "CSEI Directory"
    # The entry's kind in its tag URI: "cluster", "case-study".
    kind = ""

    def item_guid(self, item):
        host = urlsplit(settings.SITE_URL).hostname
        return f"tag:{host},2021:{self.kind}:{item.pk}"

    def item_guid_is_permalink(self, item):
        return False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at or item.published_at
