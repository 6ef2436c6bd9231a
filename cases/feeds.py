"""The Atom feed of the published case studies, newest first."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.models import CaseStudy
from core.feeds import FEED_ENTRIES, AtomFeed


class CaseStudyFeed(AtomFeed):
    kind = "case-study"
    title = _("Case studies · CSEI Directory")

    def link(self):
        return reverse("cases:list")

    def feed_url(self):
        return reverse("cases:feed")

    def items(self):
        return CaseStudy.objects.published().order_by("-published_at", "-pk")[:FEED_ENTRIES]

    def item_title(self, case_study):
        return case_study.title

    def item_description(self, case_study):
        return case_study.summary
