"""The account page's form for a new personal API key."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from dluan.api import tokens
from dluan.widgets import DateInput


class ApiTokenForm(forms.Form):
    prefix = "api_key"

    name = forms.CharField(
        label=_("Name of the key"),
        max_length=100,
        help_text=_("What uses it, e.g. “Power BI of the board”."),
    )
    expires_on = forms.DateField(
        label=_("Last day it works"),
        widget=DateInput(),
        input_formats=["%d/%m/%Y"],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].initial = tokens.default_expiry()
        self.fields["expires_on"].help_text = _(
            "dd/mm/yyyy; at most %(days)d days from today."
        ) % {"days": settings.API_TOKEN_MAX_DAYS}
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"
