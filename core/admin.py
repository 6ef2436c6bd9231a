"""What the staff pages of every app share."""

from django.db import models

# Staff paste addresses without a scheme; https fits nearly all, and is the Django 6 default.
URL_FIELDS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class PrivateFieldsMixin:
    """A ModelAdmin whose `private_fields` (the names and addresses of the people who sent
    something) are shown, listed and searched only for staff who may change the entry."""

    private_fields = ()

    def may_see_private(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if self.may_see_private(request, obj):
            return fields
        return [field for field in fields if field not in self.private_fields]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.may_see_private(request, obj):
            return fieldsets
        kept = []
        for name, options in fieldsets:
            fields = [field for field in options["fields"] if field not in self.private_fields]
            if fields:
                kept.append((name, {**options, "fields": fields}))
        return kept

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        if self.may_see_private(request):
            return shown
        return [field for field in shown if field not in self.private_fields]

    def get_search_fields(self, request):
        searched = super().get_search_fields(request)
        if self.may_see_private(request):
            return [*searched, *self.private_fields]
        return searched
