"""The weights page's filter of its cells' table."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from surveys.forms.review import BLANK
from surveys.models import AgeGroup, Sex

ORDER_CHOICES = [
    ("", _("Commune / ward")),
    ("weight-desc", _("Largest weight first")),
    ("weight-asc", _("Smallest weight first")),
]


class WeightCellFilterForm(forms.Form):
    # Chosen from the communes' margin table (a province has hundreds: a select
    # of them all would cost more to draw than the rest of the page).
    commune = forms.IntegerField(required=False, widget=forms.HiddenInput)
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=BLANK + Sex.choices)
    age_group = forms.ChoiceField(
        label=_("Age group"), required=False, choices=BLANK + AgeGroup.choices
    )
    order = forms.ChoiceField(label=_("Order"), required=False, choices=ORDER_CHOICES)

    def __init__(self, *args, communes: dict[int, str], **kwargs):
        """``communes``: id → name of the communes with cells, from the summary."""
        super().__init__(*args, **kwargs)
        self.communes = communes

    def clean_commune(self):
        commune = self.cleaned_data["commune"]
        if commune is not None and commune not in self.communes:
            raise ValidationError(_("Choose a commune or ward of the survey."))
        return commune

    def commune_name(self) -> str:
        """The chosen commune's name, or ""."""
        return self.communes.get(self.filters().get("commune"), "")

    def filters(self) -> dict:
        """The cleaned filters, or none when the query string is not valid."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}
