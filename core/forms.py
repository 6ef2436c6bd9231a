"""What every public form of the site shares: clean text, a honeypot, a real consent,
errors a person can find, and the order in which a sent form is received."""

from dataclasses import dataclass

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from core.ratelimits import RATE_LIMITED_MESSAGE, count_send, limit_reached
from core.text import printable

# Widgets whose label belongs to a group: an error links to their first choice.
GROUPED_WIDGETS = ("radioselect", "checkboxselectmultiple")


class PublicFormMixin:
    """Invisible control characters (bidirectional overrides, zero-width spaces) leave
    every text a person types; a missing answer is asked for in the site's words; each field
    in error is marked for assistive technology."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if isinstance(self.data, QueryDict):
            self.data = self.data.copy()
            for name in self.data:
                self.data.setlist(name, [printable(value) for value in self.data.getlist(name)])
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.error_messages["required"] = _("Tick this box to go on.")
            elif isinstance(field.widget, forms.Select | forms.RadioSelect):
                field.error_messages["required"] = _("Choose one.")
            else:
                field.error_messages["required"] = _("Fill this in.")

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                field = self[name]
                described = [f"{field.auto_id}_error"]
                if field.help_text:
                    described.append(f"{field.auto_id}_helptext")
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": " ".join(described)}
                )


class HoneypotMixin(forms.Form):
    """A field people never see; bots that fill every field give themselves away."""

    homepage = forms.CharField(
        required=False,
        max_length=200,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def caught_a_bot(self):
        return bool(self.data.get(self.add_prefix("homepage")))


class ConsentCheckbox(forms.CheckboxInput):
    """Only a real tick counts: a browser sends "on"; "off" or "false" from a script is no
    consent, where Django's checkbox would take any text for a yes."""

    def value_from_datadict(self, data, files, name):
        return data.get(name) == "on"


class ConsentField(forms.BooleanField):
    widget = ConsentCheckbox


def error_summary(*forms_and_formsets):
    """(anchor, message) for every error, in page order, for the summary at the top."""
    summary = []
    for item in forms_and_formsets:
        if isinstance(item, forms.BaseFormSet):
            summary += [(item.prefix, error) for error in item.non_form_errors()]
            for form in item.forms:
                summary += _form_errors(
                    form, prefix=_("Member %(number)s") % {"number": item.forms.index(form) + 1}
                )
        else:
            summary += _form_errors(item)
    return summary


def _form_errors(form, prefix=""):
    found = [(None, error) for error in form.non_field_errors()]
    for field in form:
        for error in field.errors:
            anchor = field.auto_id + ("_0" if field.widget_type in GROUPED_WIDGETS else "")
            label = f"{prefix}, {field.label}" if prefix else str(field.label).rstrip(".")
            found.append((anchor, f"{label}: {error}"))
    return found


@dataclass(frozen=True)
class Receipt:
    """What became of a public form that was sent."""

    accepted: bool = False  # valid and within the limit: act on it
    caught_a_bot: bool = False  # the honeypot was filled: answer as if accepted, keep nothing
    status: int = 200  # 429 when the sender has used up the limit


def receive(request, name, form, *formsets, sent=None):
    """Receive a public form as every one is received: over the limit of sends from this
    address, it is refused with a message and nothing is checked; a bot caught by the
    honeypot is counted and answered as a person would be; a valid form is counted and
    accepted; a form with errors costs nothing against the limit.

    `sent` says whether the form was sent to be acted on (by default: any POST); every form
    and formset is validated, so that all their errors show at once.
    """
    if sent is None:
        sent = request.method == "POST"
    if not sent:
        return Receipt()
    if limit_reached(request, name):
        return refused(form)
    if form.caught_a_bot:
        count_send(request, name)
        return Receipt(caught_a_bot=True)
    # Every one validated, not only up to the first with errors: all the errors show at once.
    valid = [item.is_valid() for item in (form, *formsets)]
    if all(valid):
        # Counted before it is accepted, in one step: sends that passed the check above
        # together cannot all get in.
        if not count_send(request, name):
            return refused(form)
        return Receipt(accepted=True)
    return Receipt()


def refused(form):
    form.add_error(None, RATE_LIMITED_MESSAGE)
    return Receipt(status=429)
