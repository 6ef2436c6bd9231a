from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clusters.models import CorrectionSuggestion, SlugRedirect
from clusters.services import corrections
from core.admin import PrivateFieldsMixin


@admin.register(CorrectionSuggestion)
class CorrectionSuggestionAdmin(PrivateFieldsMixin, admin.ModelAdmin):
    list_display = ["cluster", "kind", "field", "name", "status", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["cluster"]
    search_fields = ["cluster__name", "proposed_value", "message"]
    autocomplete_fields = ["cluster"]
    readonly_fields = ["created_at", "current_value"]
    actions = ["mark_handled"]
    private_fields = ("name", "email")

    @admin.action(description=_("Mark selected suggestions as handled"), permissions=["change"])
    def mark_handled(self, request, queryset):
        handled = corrections.mark_handled(queryset, by=request.user)
        self.message_user(
            request,
            ngettext(
                "%d suggestion marked as handled.",
                "%d suggestions marked as handled.",
                handled,
            )
            % handled,
            messages.SUCCESS,
        )


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "cluster", "created_at"]
    list_select_related = ["cluster"]
    search_fields = ["old_slug", "cluster__name"]
    autocomplete_fields = ["cluster"]
    readonly_fields = ["created_at"]
