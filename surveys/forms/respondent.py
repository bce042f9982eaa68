"""The quota variables every collecting page asks first: commune, sex, age group,
occupation. Nothing that names the respondent."""

from django import forms
from django.utils.choices import BaseChoiceIterator
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


class Listed(BaseChoiceIterator):
    """Choices already in Django's form, taken as they are: a field normalises
    plain lists again, pair by pair, twice (field and widget), for 700 communes."""

    def __init__(self, choices: list):
        self.choices = choices

    def __iter__(self):
        return iter(self.choices)


def commune_choices(communes) -> list:
    """``communes`` as (id, name) choices, under each town's name when they span
    towns: a province's 700 communes in one list are hard to find one's own in.

    Read as tuples: a commune's label is its name (``OrgUnit.__str__``), and 700
    model instances and their towns took longer than the page's rendering.
    """
    rows = list(
        communes.order_by("parent__name", "name").values_list(
            "pk", "name", "parent_id", "parent__name"
        )
    )
    if len({parent for _pk, _name, parent, _town in rows}) < 2:
        return [(pk, name) for pk, name, _parent, _town in rows]
    groups: dict = {}
    for pk, name, _parent, town in rows:
        groups.setdefault(town or "", []).append((pk, name))
    return list(groups.items())


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
