from django.contrib import admin

from alerts.models import Alert

# What every staff member who may see the alerts sees: what they follow, not who follows.
SHOWN = ["description", "frequency", "language", "confirmed_at", "last_sent_at"]


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    """The alerts and their number; the addresses only for staff who hold "Can see the
    addresses of e-mail alerts"."""

    list_filter = ["frequency", ("confirmed_at", admin.EmptyFieldListFilter)]
    readonly_fields = [
        "email", "description", "query", "frequency", "language", "created_at", "confirmed_at",
        "covered_until", "due_at", "claimed_at", "last_sent_at",
    ]  # fmt: skip

    def may_see_addresses(self, request):
        return request.user.has_perm("alerts.reveal_alert")

    def get_list_display(self, request):
        return ["email", *SHOWN] if self.may_see_addresses(request) else SHOWN

    def get_search_fields(self, request):
        return ["email"] if self.may_see_addresses(request) else []

    def get_fields(self, request, obj=None):
        if self.may_see_addresses(request):
            return self.readonly_fields
        return [name for name in self.readonly_fields if name != "email"]

    def has_add_permission(self, request):
        # An alert starts only from its address: a link sent there, and followed.
        return False

    def has_change_permission(self, request, obj=None):
        return False
