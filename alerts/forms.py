from django import forms
from django.utils.translation import gettext_lazy as _

from alerts.models import Alert
from core.forms import HoneypotMixin, PublicFormMixin


class AlertForm(PublicFormMixin, HoneypotMixin, forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We first send a link to it: nothing starts until you follow that link."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Alert.Frequency.choices,
        initial=Alert.Frequency.AS_THEY_COME,
        widget=forms.RadioSelect,
    )


class AlertChangeForm(forms.Form):
    """One alert of an address's page, to write less or more often, or to end."""

    END = "end"
    CHANGE = "change"

    alert = forms.ModelChoiceField(queryset=Alert.objects.none(), widget=forms.HiddenInput)
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Alert.Frequency.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    action = forms.ChoiceField(choices=[(CHANGE, CHANGE), (END, END)])

    def __init__(self, *args, alerts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if alerts is not None:
            # Only the alerts of the page's address: a changed id ends nobody else's.
            self.fields["alert"].queryset = alerts

    def clean(self):
        data = super().clean()
        if data.get("action") == self.CHANGE and not data.get("frequency"):
            self.add_error("frequency", _("Choose one."))
        return data
