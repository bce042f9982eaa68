"""Forms of the personal-link pages: make links, choose the slips to print."""

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.forms.respondent import survey_communes
from surveys.services.links import MAX_LINKS_AT_ONCE


class LinkMakeForm(forms.Form):
    count = forms.IntegerField(
        label=_("Number of links"),
        min_value=1,
        max_value=MAX_LINKS_AT_ONCE,
        initial=50,
    )
    commune = forms.ModelChoiceField(
        label=_("For the commune / ward (optional)"),
        queryset=None,
        required=False,
        empty_label=_("Any commune or ward"),
    )

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = survey_communes(survey)


class SlipsForm(forms.Form):
    """Which slips to print (read from the query string)."""

    commune = forms.ModelChoiceField(
        label=_("Commune / ward"),
        queryset=None,
        required=False,
        empty_label=_("Every commune or ward"),
    )
    include_used = forms.BooleanField(
        label=_("Include the links already answered"), required=False
    )

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = survey_communes(survey)
