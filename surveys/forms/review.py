"""The review list's filters, its bulk action, and one response's review form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from collaborators.models import Collaborator
from dluan.access import posted_int
from surveys.forms.respondent import Listed, commune_choices, survey_communes
from surveys.models import Response
from surveys.services.review import DECISIONS, MAX_COMMENT

BLANK = [("", _("All"))]
FLAG_CHOICES = [
    ("", _("All")),
    ("any", _("Any flag")),
    ("none", _("No flag")),
    ("fast", _("Entered too fast")),
    ("duplicate", _("Near-identical")),
    ("over_quota", _("Over quota")),
]
DECISION_CHOICES = [(value, Response.Review(value).label) for value in DECISIONS]


class ResponseFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Review"), required=False, choices=BLANK + Response.Review.choices
    )
    flag = forms.ChoiceField(label=_("Flag"), required=False, choices=FLAG_CHOICES)
    # Ids from (id, name) pairs (a province's communes under their towns), not
    # model choices: hundreds of communes would each become a model instance.
    commune = forms.TypedChoiceField(
        label=_("Commune / ward"), required=False, coerce=int, empty_value=None
    )
    interviewer = forms.TypedChoiceField(
        label=_("Interviewer"), required=False, coerce=int, empty_value=None
    )
    mode = forms.ChoiceField(
        label=_("Mode"), required=False, choices=BLANK + Response.Mode.choices
    )

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = Listed(
            BLANK + commune_choices(survey_communes(survey))
        )
        self.fields["interviewer"].choices = BLANK + list(
            Collaborator.objects.filter(survey_assignments__survey=survey)
            .distinct()
            .order_by("full_name")
            .values_list("pk", "full_name")
        )

    def filters(self) -> dict:
        """The cleaned filters, or none when the query string is not valid."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class ReviewForm(forms.Form):
    review = forms.ChoiceField(
        label=_("Decision"), choices=DECISION_CHOICES, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you reject a response or mark its issues."),
    )

    def clean(self):
        data = super().clean()
        review, comment = data.get("review"), (data.get("comment") or "").strip()
        if review and review != Response.Review.APPROVED and not comment:
            self.add_error(
                "comment",
                _(
                    "Say why, in a comment, when you reject a response or mark its issues."
                ),
            )
        return data


class BulkReviewForm(ReviewForm):
    SCOPE_CHECKED, SCOPE_FILTERED = "checked", "filtered"

    scope = forms.ChoiceField(
        label=_("Apply to"),
        choices=[
            (SCOPE_CHECKED, _("The responses ticked")),
            (SCOPE_FILTERED, _("Every response matching the filters")),
        ],
        initial=SCOPE_CHECKED,
        widget=forms.RadioSelect,
    )
    # The ticked rows' numbers; the service keeps those the user may review, and
    # anything but a number (a crafted post) is dropped.
    ids = forms.Field(required=False, widget=forms.MultipleHiddenInput)

    def clean_ids(self) -> list[int]:
        return [
            value
            for value in map(posted_int, self.data.getlist("ids"))
            if value is not None
        ]

    def clean(self):
        data = super().clean()
        if data.get("scope") == self.SCOPE_CHECKED and not data.get("ids"):
            self.add_error(None, _("Tick the responses to review."))
        return data
