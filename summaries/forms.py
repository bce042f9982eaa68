"""Forms for summaries: compile on demand, and the staff's edit of a draft."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dluan.forms import limit_length
from reports.models import ReportingPeriod
from summaries import selectors
from summaries.models import Summary


class CompileForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    period = forms.ModelChoiceField(
        label=_("Reporting period"), queryset=ReportingPeriod.objects.none()
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {unit.pk: unit for unit in selectors.compile_units(user)}
        self.fields["unit"].choices = [
            (pk, str(unit)) for pk, unit in self.units.items()
        ]
        self.fields["period"].queryset = selectors.compile_periods()
        self.fields["period"].empty_label = None

    def clean_unit(self):
        return self.units[self.cleaned_data["unit"]]


class SummaryEditForm(forms.ModelForm):
    """The narrative, the picked quotes and the document's heading and closing."""

    revision = forms.IntegerField(widget=forms.HiddenInput)
    picked = forms.MultipleChoiceField(
        label=_("Quotes to include"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Summary
        fields = [
            "general_situation",
            "prominent_opinion",
            "forecast",
            "recommendations",
            "include_names",
            "number",
            "confidentiality",
            "recipients",
            "sign_for",
            "sign_title",
            "signer",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 6})
            for name in (
                "general_situation",
                "prominent_opinion",
                "forecast",
                "recommendations",
            )
        } | {"recipients": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "include_names": _(
                "Off by default: the brief names areas and social groups, not "
                "the collaborators who reported."
            ),
            "number": _("For example: Số 12-BC/BTGTU"),
            "sign_for": _("For example: T/M BAN THƯỜNG VỤ, or leave empty"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_length(
            self,
            "general_situation",
            "prominent_opinion",
            "forecast",
            "recommendations",
            "recipients",
        )
        self.candidates = quote_candidates(self.instance)
        self.fields["picked"].choices = [
            (key, candidate["text"]) for key, candidate in self.candidates.items()
        ]
        if not self.is_bound:
            self.initial["revision"] = self.instance.revision
            self.initial["picked"] = [quote_key(q) for q in self.instance.quotes or []]

    def clean_picked(self):
        return [self.candidates[key] for key in self.cleaned_data["picked"]]


def quote_key(quote: dict) -> str:
    if quote.get("kind") == "proposal":
        return f"p{quote.get('report_id')}"
    return f"s{quote.get('stream_id')}"


def quote_candidates(summary: Summary) -> dict[str, dict]:
    """What staff may pick from: the snapshot's streams and proposals, and the
    quotes already picked (kept even if a new snapshot no longer lists them)."""
    snapshot = summary.snapshot or {}
    candidates = {}
    for stream in snapshot.get("quote_candidates", []):
        quote = {"kind": "stream", **stream}
        candidates[quote_key(quote)] = quote
    for proposal in snapshot.get("proposals", []):
        quote = {
            "kind": "proposal",
            "report_id": proposal["report_id"],
            "title": proposal["title"],
            "text": proposal["text"],
            "area": proposal["area"],
            "author": proposal["author"],
        }
        candidates[quote_key(quote)] = quote
    for quote in summary.quotes or []:
        candidates.setdefault(quote_key(quote), quote)
    return candidates
