"""Anyone may suggest a correction to a published entry; staff handle it."""

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction

from clusters.models import CorrectionSuggestion
from core.emails import tell_sender_and_staff


@transaction.atomic
def suggest(form, language):
    """Keep the suggestion, with what the page said when it was sent and the language of
    that page, and tell staff and, if they gave an address, the person who sent it."""
    suggestion = form.save(commit=False)
    suggestion.language = language
    suggestion.save()
    tell_sender_and_staff(
        suggestion.email,
        "correction_received",
        "correction_for_staff",
        {"suggestion": suggestion, "cluster": suggestion.cluster, "field_label": form.field_label},
    )
    return suggestion


@transaction.atomic
def mark_handled(suggestions, by):
    """Mark these suggestions handled, each in its admin history as a change by `by`."""
    suggestions = list(suggestions)
    CorrectionSuggestion.objects.filter(pk__in=[s.pk for s in suggestions]).update(
        status=CorrectionSuggestion.Status.DONE
    )
    LogEntry.objects.log_actions(
        user_id=by.pk, queryset=suggestions, action_flag=CHANGE, change_message="Marked as handled."
    )
    return len(suggestions)
