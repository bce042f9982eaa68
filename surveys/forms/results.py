"""The filters of the results pages: which answers count, which commune, what to cross."""

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.forms.respondent import Listed, commune_choices, survey_communes
from surveys.models import Response
from surveys.selectors.results import ALL_MODES, PLANNED_MODES

MODE_SETS = {
    "planned": PLANNED_MODES,
    "online": (Response.Mode.ONLINE.value,),
    "all": ALL_MODES,
}


def mode_choices(survey):
    default = (
        _("Default: face to face and personal links (the planned sample)")
        if survey.is_planned
        else _("Default: every approved answer")
    )
    return [
        ("", default),
        ("planned", _("Face to face and personal links")),
        ("online", _("Online link only (no margin of error)")),
        ("all", _("Every approved answer")),
    ]


class ResultsFilterForm(forms.Form):
    mode = forms.ChoiceField(label=_("Answers counted"), required=False)
    # Ids from (id, name) pairs under their towns, not model choices: a
    # province's hundreds of communes would each become a model instance.
    commune = forms.TypedChoiceField(
        label=_("Commune / ward"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mode"].choices = mode_choices(survey)
        self.fields["commune"].choices = Listed(
            [("", _("Every commune")), *commune_choices(survey_communes(survey))]
        )

    def filters(self) -> dict:
        """``survey_results``' keyword arguments (defaults when the form is invalid)."""
        if not self.is_valid():
            return {"modes": None, "commune": None}
        mode = self.cleaned_data.get("mode")
        return {
            "modes": MODE_SETS.get(mode),
            "commune": self.cleaned_data.get("commune"),
        }


class CrosstabForm(forms.Form):
    q = forms.ChoiceField(label=_("Question"))
    by = forms.ChoiceField(label=_("Split by"))
    mode = forms.ChoiceField(label=_("Answers counted"), required=False)

    def __init__(self, *args, survey, questions: dict, variables: dict, **kwargs):
        super().__init__(*args, **kwargs)
        listed = [(name, _short(v[0].label)) for name, v in questions.items()]
        self.fields["q"].choices = [("", "—"), *listed]
        self.fields["by"].choices = [
            (_("The respondent"), list(variables.items())),
            (_("Another question"), listed),
        ]
        self.fields["mode"].choices = mode_choices(survey)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def clean(self):
        data = super().clean()
        if data.get("q") and data.get("q") == data.get("by"):
            self.add_error("by", _("Choose another question to split by."))
        return data


def _short(label: str) -> str:
    return label if len(label) <= 90 else label[:89] + "…"
