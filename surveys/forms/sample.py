"""The sample's forms: population figures, the census upload, the plan, assignments."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from collaborators.models import Collaborator
from dluan.uploads import check_size
from surveys.forms.respondent import survey_communes
from surveys.models import AgeGroup, Sex, Survey
from surveys.services.sample import (
    eligible_collaborators,
    people_count,
    read_population,
    serves,
)


class PeopleField(forms.CharField):
    """A number of people as boards write it: 1200, 1.200, 1,200 or 1 200."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        people = people_count(text)
        if people is None:
            raise ValidationError(
                _("Write a whole number of people, from 0 to 100,000,000."),
                code="invalid",
            )
        return people


def _field_name(commune_id, sex, age) -> str:
    return f"p-{commune_id}-{sex}-{age}"


class PopulationForm(forms.Form):
    """One number per commune × sex × age group, each labelled for screen readers."""

    def __init__(self, *args, survey, communes, cells, **kwargs):
        super().__init__(*args, **kwargs)
        self.communes = communes
        self.keys = []
        for commune in communes:
            for sex, sex_label in Sex.choices:
                for age, age_label in AgeGroup.choices:
                    name = _field_name(commune.pk, sex, age)
                    cell = cells.get((commune.pk, sex, age))
                    self.fields[name] = PeopleField(
                        label=_("Population of %(commune)s, %(sex)s, %(age)s")
                        % {"commune": commune.name, "sex": sex_label, "age": age_label},
                        initial=cell.population if cell else None,
                        widget=forms.TextInput(
                            attrs={
                                "class": "form-control form-control-sm",
                                "inputmode": "numeric",
                                "autocomplete": "off",
                                "maxlength": 20,
                            }
                        ),
                    )
                    self.keys.append((name, (commune.pk, sex, age)))

    def blocks(self) -> list[dict]:
        """Per commune: its rows by sex, each with its age groups' fields."""
        result = []
        for commune in self.communes:
            rows = []
            for sex, sex_label in Sex.choices:
                rows.append(
                    {
                        "label": sex_label,
                        "fields": [
                            self[_field_name(commune.pk, sex, age)]
                            for age in AgeGroup.values
                        ],
                    }
                )
            result.append({"commune": commune, "rows": rows})
        return result

    def figures(self) -> dict:
        return {key: self.cleaned_data.get(name) or 0 for name, key in self.keys}


class PopulationUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Census workbook (.xlsx)"),
        help_text=_(
            "Columns: commune, sex, age group, population; or commune, then one "
            "column per sex and age group."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument"
                ".spreadsheetml.sheet",
                "class": "form-control",
            }
        ),
    )

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_size(upload, name=upload.name[:200])
        self.cleaned_data["figures"] = read_population(upload, survey=self.survey)
        return upload


def _percent(value) -> Decimal:
    return (Decimal(value) / 100).quantize(Decimal("0.001"))


class PlanForm(forms.Form):
    """The sample-size helper's inputs, in percent as a board writes them."""

    margin = forms.DecimalField(
        label=_("Margin of error (± %)"),
        min_value=Decimal("0.5"),
        max_value=Decimal("50"),
        decimal_places=1,
        initial=Decimal("5"),
    )
    confidence = forms.TypedChoiceField(
        label=_("Confidence level"),
        choices=[(90, "90 %"), (95, "95 %"), (99, "99 %")],
        coerce=int,
        initial=95,
    )
    proportion = forms.IntegerField(
        label=_("Expected proportion (%)"),
        help_text=_("50 % when nothing is known: the largest sample."),
        min_value=1,
        max_value=99,
        initial=50,
    )
    response_rate = forms.IntegerField(
        label=_("Expected response rate (%)"),
        min_value=5,
        max_value=100,
        initial=90,
    )
    allocation = forms.ChoiceField(
        label=_("Allocation to communes"),
        choices=Survey.Allocation.choices,
        initial=Survey.Allocation.PROPORTIONAL,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("margin", "proportion", "response_rate"):
            self.fields[name].widget.attrs.update(
                {"class": "form-control", "inputmode": "decimal"}
            )
        self.fields["confidence"].widget = forms.RadioSelect(
            choices=self.fields["confidence"].choices
        )
        for name in ("confidence", "allocation"):
            self.fields[name].widget.attrs["class"] = "form-check-input"

    @classmethod
    def initial_of(cls, survey: Survey) -> dict:
        return {
            "margin": (survey.margin_of_error * 100).normalize(),
            "confidence": survey.confidence,
            "proportion": int(survey.expected_proportion * 100),
            "response_rate": int(survey.response_rate * 100),
            "allocation": survey.allocation,
        }

    def plan_inputs(self) -> dict:
        data = self.cleaned_data
        return {
            "margin": _percent(data["margin"]),
            "confidence": data["confidence"],
            "proportion": _percent(data["proportion"]).quantize(Decimal("0.01")),
            "response_rate": _percent(data["response_rate"]).quantize(Decimal("0.01")),
            "allocation": data["allocation"],
        }


class AssignmentForm(forms.Form):
    """Add a collaborator to a commune's quota, or change their target."""

    commune = forms.ModelChoiceField(
        label=_("Commune / ward"), queryset=None, empty_label="—"
    )
    collaborator = forms.ModelChoiceField(
        label=_("Collaborator"), queryset=None, empty_label="—"
    )
    target = forms.IntegerField(
        label=_("Interviews to make"), min_value=0, max_value=100_000
    )

    def __init__(self, *args, survey, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = survey_communes(survey)
        # Only collaborators of the survey's own communes whom the user may see:
        # another town's id is not a choice.
        self.fields["collaborator"].queryset = eligible_collaborators(survey).filter(
            pk__in=Collaborator.objects.visible_to(user).values("pk")
        )
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class",
                "form-select"
                if isinstance(field.widget, forms.Select)
                else "form-control",
            )

    def clean(self):
        data = super().clean()
        commune, collaborator = data.get("commune"), data.get("collaborator")
        if commune and collaborator and not serves(collaborator, commune):
            raise ValidationError(
                {
                    "collaborator": _(
                        "This collaborator does not serve this commune: choose one "
                        "whose unit or coverage area it is."
                    )
                }
            )
        return data
