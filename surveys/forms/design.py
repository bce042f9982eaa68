"""Forms of the design pages: a survey's settings and a question, with its choices,
grid rows and show-if rule typed without JSON."""

import re

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from dluan.forms import limit_length
from dluan.models import OrgUnit
from dluan.search import fold
from dluan.widgets import DateInput
from surveys import rules
from surveys.models import Question, Survey
from surveys.services.design import QuestionSpec, SurveySettings

Kind = Question.Kind
CODE = re.compile(r"^[-a-zA-Z0-9_]+$")
OTHER_CODE = "other"
OTHER_LABEL = "Khác (ghi rõ)"
MAX_CHOICES = 60
MAX_CONDITIONS = 3


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    purpose = forms.CharField(
        label=_("Purpose"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to respondents on the online link."),
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=OrgUnit.objects.none(),
        empty_label=None,
        help_text=_("The people of this unit and the units below it are surveyed."),
    )
    mode = forms.ChoiceField(
        label=_("Mode"), choices=Survey.Mode.choices, widget=forms.RadioSelect
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput())
    answer_cap = forms.IntegerField(
        label=_("Answer cap of the online link"),
        required=False,
        min_value=1,
        help_text=_("Leave empty for no cap."),
    )
    min_seconds_per_question = forms.IntegerField(
        label=_("Minimum seconds per question"),
        min_value=0,
        max_value=600,
        initial=4,
        help_text=_("An interview entered faster than this per question is flagged."),
    )

    def __init__(self, *args, user, survey: Survey | None = None, **kwargs):
        if survey is not None:
            kwargs.setdefault(
                "initial",
                {
                    name: getattr(survey, name)
                    for name in self.base_fields
                    if name != "unit"
                }
                | {"unit": survey.unit_id},
            )
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.filter(is_active=True)
        if not user.is_superuser or user.org_unit_id is not None:
            units = units.filter(path__startswith=user.org_unit.path)
        field = self.fields["unit"]
        field.queryset = units.order_by("path")
        field.label_from_instance = lambda unit: unit.indented_name
        if survey is None:
            self.initial.setdefault("unit", user.org_unit_id)
            self.initial.setdefault("mode", Survey.Mode.FACE_TO_FACE)
        limit_length(self, "purpose")

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The survey ends before it starts."))
        return data

    def settings(self) -> SurveySettings:
        data = self.cleaned_data
        return SurveySettings(
            title=data["title"],
            purpose=data["purpose"],
            unit=data["unit"],
            mode=data["mode"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            answer_cap=data["answer_cap"],
            min_seconds_per_question=data["min_seconds_per_question"],
        )


def _pairs(text: str) -> list[tuple[str, str, int]]:
    """Lines "code = label" (or a label alone) → (code, label, line number)."""
    pairs = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        if "=" in line:
            code, label = (part.strip() for part in line.split("=", 1))
        else:
            code, label = slugify(fold(line)).replace("-", "_")[:64], line
            if not code:
                code = str(len(pairs) + 1)
        pairs.append((code, label, number))
    return pairs


def choices_text(choices) -> str:
    """Choices (dicts or Choice rows) as the textarea shows them, "Khác" left out."""
    lines = []
    for choice in choices:
        get = choice.get if isinstance(choice, dict) else choice.__dict__.get
        if not get("is_other"):
            lines.append(f"{get('value')} = {get('label')}")
    return "\n".join(lines)


def rows_text(rows) -> str:
    return "\n".join(f"{row.get('name')} = {row.get('label')}" for row in rows or [])


class QuestionFieldsForm(forms.Form):
    """What a survey's question and a bank question share."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    name = forms.SlugField(
        label=_("Variable name"),
        max_length=64,
        help_text=_(
            "Letters without diacritics, digits, - and _; used in exports and in "
            "show-if rules (e.g. satisfied)."
        ),
    )
    label = forms.CharField(
        label=_("Question"), widget=forms.Textarea(attrs={"rows": 2})
    )
    hint = forms.CharField(label=_("Hint"), max_length=500, required=False)
    choices_text = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One a line, “code = label”, e.g. “yes = Hài lòng”. For single and "
            "multiple choice, a rating scale and a grid (its shared scale)."
        ),
    )
    other = forms.BooleanField(
        label=_("Add “Khác (ghi rõ)” (other, please specify)"), required=False
    )
    rows_text = forms.CharField(
        label=_("Grid rows"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a grid: one row a line, “name = label”."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["label"].validators.append(MaxLengthValidator(2000))
        self.fields["label"].widget.attrs["maxlength"] = "2000"
        limit_length(self, "choices_text", "rows_text", max_length=10_000)

    def _clean_choices(self, kind: str) -> list[dict]:
        data = self.cleaned_data
        if kind not in Question.CHOICE_KINDS:
            return []
        choices, seen = [], set()
        for code, label, line in _pairs(data.get("choices_text")):
            if not CODE.match(code) or len(code) > 64:
                self.add_error(
                    "choices_text",
                    _(
                        "Line %(line)s: the code “%(code)s” may hold only letters "
                        "without diacritics, digits, - and _."
                    )
                    % {"line": line, "code": code},
                )
            elif code in seen:
                self.add_error(
                    "choices_text",
                    _("Line %(line)s: the code “%(code)s” is used twice.")
                    % {"line": line, "code": code},
                )
            elif not label or len(label) > 300:
                self.add_error(
                    "choices_text",
                    _("Line %(line)s: a label of 1 to 300 characters is needed.")
                    % {"line": line},
                )
            seen.add(code)
            choices.append({"value": code, "label": label, "is_other": False})
        if data.get("other"):
            if OTHER_CODE in seen:
                self.add_error(
                    "choices_text",
                    _("The code “other” is kept for “Khác (ghi rõ)”: rename it."),
                )
            choices.append(
                {"value": OTHER_CODE, "label": OTHER_LABEL, "is_other": True}
            )
        if len(choices) < 2:
            self.add_error("choices_text", _("Give at least two choices."))
        elif len(choices) > MAX_CHOICES:
            self.add_error(
                "choices_text",
                _("At most %(count)s choices.") % {"count": MAX_CHOICES},
            )
        return choices

    def _clean_rows(self, kind: str) -> list[dict]:
        if kind != Kind.GRID:
            return []
        rows, seen = [], set()
        for name, label, line in _pairs(self.cleaned_data.get("rows_text")):
            if not CODE.match(name) or len(name) > 64 or name in seen or not label:
                self.add_error(
                    "rows_text",
                    _(
                        "Line %(line)s: a row needs a name of its own (letters "
                        "without diacritics, digits, - and _) and a label."
                    )
                    % {"line": line},
                )
            seen.add(name)
            rows.append({"name": name, "label": label[:300]})
        if not rows:
            self.add_error("rows_text", _("A grid needs at least one row."))
        return rows

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        data["choices"] = self._clean_choices(kind) if kind else []
        data["rows"] = self._clean_rows(kind) if kind else []
        return data


class QuestionForm(QuestionFieldsForm):
    """A question of a survey, its show-if rule built from up to three conditions
    on earlier questions."""

    required = forms.BooleanField(label=_("Required"), required=False)
    minimum = forms.IntegerField(label=_("Smallest number"), required=False)
    maximum = forms.IntegerField(label=_("Largest number"), required=False)
    join = forms.ChoiceField(
        label=_("Conditions joined by"),
        choices=[("and", _("and (all hold)")), ("or", _("or (any holds)"))],
        initial="and",
        widget=forms.RadioSelect,
    )
    keep_rule = forms.BooleanField(
        label=_("Keep the current rule"),
        required=False,
        initial=True,
        help_text=_(
            "The current rule has more conditions than this page builds; untick "
            "to replace it with the conditions below."
        ),
    )

    COMPARISONS = [
        ("equals", _("equals")),
        ("one_of", _("is one of")),
        ("selected", _("has selected (multiple choice)")),
    ]

    def __init__(self, *args, earlier, taken: set[str], question=None, **kwargs):
        self.earlier = {q.name: q for q in earlier if q.kind not in ("section",)}
        self.taken = taken
        self.question = question
        initial = kwargs.setdefault("initial", {})
        if question is not None:
            initial.update(_question_initial(question))
        super().__init__(*args, **kwargs)
        options = [("", "—")] + [
            (name, f"{name}: {q.label[:60]}")
            for name, q in self.earlier.items()
            if q.kind != Kind.GRID
        ]
        for n in range(1, MAX_CONDITIONS + 1):
            self.fields[f"if{n}_question"] = forms.ChoiceField(
                label=_("Condition %(n)s: question") % {"n": n},
                choices=options,
                required=False,
            )
            self.fields[f"if{n}_is"] = forms.ChoiceField(
                label=_("Comparison"), choices=self.COMPARISONS, required=False
            )
            self.fields[f"if{n}_value"] = forms.CharField(
                label=_("Codes"),
                required=False,
                max_length=500,
                help_text=_("One code, or several separated by commas for “one of”."),
            )
        if question is None or "keep_rule" not in initial:
            del self.fields["keep_rule"]

    @property
    def conditions(self):
        """The condition rows, for the template: (question, comparison, value)."""
        return [
            (self[f"if{n}_question"], self[f"if{n}_is"], self[f"if{n}_value"])
            for n in range(1, MAX_CONDITIONS + 1)
        ]

    def clean_name(self):
        name = self.cleaned_data["name"]
        if name in self.taken:
            raise forms.ValidationError(
                _("Another question of this survey is called “%(name)s”.")
                % {"name": name}
            )
        return name

    def _rule(self) -> dict:
        data = self.cleaned_data
        if data.get("keep_rule") and self.question is not None:
            return self.question.show_if or {}
        parts = []
        for n in range(1, MAX_CONDITIONS + 1):
            name = data.get(f"if{n}_question")
            raw = data.get(f"if{n}_value") or ""
            if not name:
                if raw.strip() and f"if{n}_question" not in self.errors:
                    self.add_error(
                        f"if{n}_question", _("Choose the question this code is of.")
                    )
                continue
            operator = data.get(f"if{n}_is") or "equals"
            values = [v.strip() for v in raw.split(",") if v.strip()]
            if not values:
                self.add_error(f"if{n}_value", _("Give the code to compare with."))
                continue
            if operator != "one_of" and len(values) > 1:
                self.add_error(
                    f"if{n}_value",
                    _("Only “one of” takes several codes."),
                )
                continue
            question = self.earlier.get(name)
            if question is not None and question.has_choices:
                codes = {choice.value for choice in question.choices.all()}
                for value in values:
                    if value not in codes:
                        self.add_error(
                            f"if{n}_value",
                            _("“%(value)s” is not a code of question %(name)s.")
                            % {"value": value, "name": name},
                        )
            parts.append(
                {
                    "question": name,
                    "is": operator,
                    "value": values if operator == "one_of" else values[0],
                }
            )
        if not parts:
            return {}
        if len(parts) == 1:
            return parts[0]
        return {"op": data.get("join") or "and", "rules": parts}

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        low, high = data.get("minimum"), data.get("maximum")
        if kind == Kind.NUMBER and low is not None and high is not None and low > high:
            self.add_error("maximum", _("The largest number is below the smallest."))
        rule = self._rule()
        for problem in rules.check(rule, earlier=self.earlier):
            self.add_error(None, problem)
        data["show_if"] = rule
        return data

    def spec(self) -> QuestionSpec:
        data = self.cleaned_data
        return QuestionSpec(
            kind=data["kind"],
            name=data["name"],
            label=data["label"],
            hint=data["hint"],
            required=data["required"],
            choices=data["choices"],
            rows=data["rows"],
            minimum=data["minimum"],
            maximum=data["maximum"],
            show_if=data["show_if"],
        )


def _question_initial(question) -> dict:
    choices = list(question.choices.all())
    initial = {
        "kind": question.kind,
        "name": question.name,
        "label": question.label,
        "hint": question.hint,
        "required": question.required,
        "choices_text": choices_text(choices),
        "other": any(choice.is_other for choice in choices),
        "rows_text": rows_text(question.rows),
        "minimum": question.minimum,
        "maximum": question.maximum,
    }
    rule = question.show_if or {}
    if not rule:
        return initial
    parts = [rule]
    if "op" in rule:
        parts = rule.get("rules") or []
        initial["join"] = rule.get("op")
    if len(parts) > MAX_CONDITIONS or any(
        not isinstance(part, dict) or "op" in part for part in parts
    ):
        initial["keep_rule"] = True
        return initial
    for n, part in enumerate(parts, start=1):
        value = part.get("value")
        initial[f"if{n}_question"] = part.get("question")
        initial[f"if{n}_is"] = part.get("is")
        initial[f"if{n}_value"] = (
            ", ".join(str(v) for v in value) if isinstance(value, list) else value
        )
    return initial
