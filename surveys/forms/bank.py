"""Forms of the question bank: a bank question, the search, the copy into a survey."""

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.forms.design import QuestionFieldsForm
from surveys.models import BankQuestion, Question
from surveys.services.design import QuestionSpec


class BankQuestionForm(QuestionFieldsForm):
    """A question of the bank; its code is what surveys name their copies."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (value, label)
            for value, label in Question.Kind.choices
            if value != Question.Kind.SECTION
        ]
        self.fields["name"].label = _("Bank code")
        self.fields["name"].help_text = _(
            "Letters without diacritics, digits, - and _ (e.g. satisfied_egov); "
            "a survey's copy takes it as its variable name."
        )

    def spec(self) -> QuestionSpec:
        data = self.cleaned_data
        return QuestionSpec(
            kind=data["kind"],
            name=data["name"],
            label=data["label"],
            hint=data["hint"],
            choices=data["choices"],
            rows=data["rows"],
        )


class BankCopyForm(forms.Form):
    questions = forms.ModelMultipleChoiceField(
        label=_("Bank questions to copy"),
        queryset=BankQuestion.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one question.")},
    )

    def __init__(self, *args, bank, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"].queryset = bank
        self.fields["questions"].label_from_instance = lambda q: f"{q.code}: {q.label}"
