"""Form widgets shared by the apps."""

from django import forms


class DateInput(forms.DateInput):
    """A date typed as dd/mm/yyyy, whatever the browser's own locale would show.

    A native date picker displays in the device's language (mm/dd/yyyy on an English
    phone); a text field with a numeric keyboard keeps the format the board uses.
    """

    def __init__(self, attrs=None):
        defaults = {
            "placeholder": "dd/mm/yyyy",
            "inputmode": "numeric",
            "pattern": r"\d{1,2}/\d{1,2}/\d{4}",
            "autocomplete": "off",
            "maxlength": "10",
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d/%m/%Y")


class TimeInput(forms.TimeInput):
    """A 24-hour time typed as HH:MM."""

    def __init__(self, attrs=None):
        defaults = {
            "placeholder": "hh:mm",
            "inputmode": "numeric",
            "pattern": r"\d{1,2}:\d{2}",
            "autocomplete": "off",
            "maxlength": "5",
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%H:%M")
