"""Requests to join a thematic area: a themes model, curated here, beside the clusters."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clusters.services import join_requests
from core.admin import PrivateFieldsMixin
from themes.models import JoinRequest


@admin.register(JoinRequest)
class JoinRequestAdmin(PrivateFieldsMixin, admin.ModelAdmin):
    list_display = ["cluster", "thematic_area", "email", "status", "created_at"]
    list_filter = ["status", "thematic_area"]
    list_select_related = ["cluster", "thematic_area"]
    search_fields = ["cluster__name", "thematic_area__name"]
    autocomplete_fields = ["cluster"]
    readonly_fields = ["created_at", "decided_at"]
    actions = ["accept", "decline"]
    private_fields = ("email",)

    @admin.action(description=_("Accept: add the clusters to their areas"), permissions=["change"])
    def accept(self, request, queryset):
        accepted = join_requests.accept(queryset)
        self.message_user(
            request,
            ngettext("%d request accepted.", "%d requests accepted.", accepted) % accepted,
            messages.SUCCESS,
        )

    @admin.action(description=_("Decline the selected requests"), permissions=["change"])
    def decline(self, request, queryset):
        declined = join_requests.decline(queryset)
        self.message_user(
            request,
            ngettext("%d request declined.", "%d requests declined.", declined) % declined,
            messages.SUCCESS,
        )
