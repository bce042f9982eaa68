"""The quota variables every collecting page asks first: commune, sex, age group,
occupation. Nothing that names the respondent."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dluan.models import OrgUnit
from surveys.models import AgeGroup, Occupation, Sex
from surveys.services.collect import Respondent

BLANK = [("", "—")]


def survey_communes(survey):
    """The communes and wards of the survey's population (its unit's subtree)."""
    return OrgUnit.objects.filter(
        path__startswith=survey.unit.path, kind=OrgUnit.Kind.COMMUNE, is_active=True
    ).order_by("name")


class RespondentForm(forms.Form):
    """Who answered, as the quotas and weights count them.

    ``communes`` limits the commune list (an interviewer's assigned communes);
    by default every commune of the survey's unit.
    """

    commune = forms.ModelChoiceField(
        label=_("Commune / ward where the respondent lives"),
        queryset=OrgUnit.objects.none(),
        empty_label="—",
    )
    sex = forms.ChoiceField(
        label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect
    )
    age_group = forms.ChoiceField(
        label=_("Age group"), choices=AgeGroup.choices, widget=forms.RadioSelect
    )
    occupation = forms.ChoiceField(
        label=_("Occupation"), choices=BLANK + list(Occupation.choices)
    )

    def __init__(self, *args, survey, communes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = (
            communes if communes is not None else survey_communes(survey)
        )

    def respondent(self) -> Respondent:
        data = self.cleaned_data
        return Respondent(
            commune=data["commune"],
            sex=data["sex"],
            age_group=data["age_group"],
            occupation=data["occupation"],
        )
