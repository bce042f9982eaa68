"""Forms for briefings and reference documents; services do the writing."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from collaborators.models import Collaborator
from dluan.forms import limit_length
from dluan.scoping import subtree_ids
from dluan.widgets import DateInput, QuickSelect, TimeInput
from meetings.models import AgendaItem, Invitation, Meeting
from reports.models import Issue


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Meeting.Kind.choices,
        initial=Meeting.Kind.AD_HOC,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("Title"), max_length=255)
    starts_on = forms.DateField(label=_("Date"), widget=DateInput())
    starts_time = forms.TimeField(
        label=_("Time"), initial=datetime.time(8, 0), widget=TimeInput()
    )
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    chair = forms.CharField(label=_("Chair"), max_length=150, required=False)

    def __init__(self, *args, meeting: Meeting | None = None, **kwargs):
        if meeting is not None:
            when = timezone.localtime(meeting.starts_at)
            kwargs.setdefault(
                "initial",
                {
                    "title": meeting.title,
                    "starts_on": when.date(),
                    "starts_time": when.time().replace(second=0, microsecond=0),
                    "place": meeting.place,
                    "chair": meeting.chair,
                },
            )
        super().__init__(*args, **kwargs)
        if meeting is not None:
            del self.fields["kind"]

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("starts_time") is not None:
            data["starts_at"] = datetime.datetime.combine(
                data["starts_on"],
                data["starts_time"],
                tzinfo=timezone.get_current_timezone(),
            )
        return data


class InviteesForm(forms.Form):
    collaborators = forms.ModelMultipleChoiceField(
        label=_("Invitees"),
        queryset=Collaborator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        current = meeting.invitations.active().values("collaborator")
        self.fields["collaborators"].queryset = (
            Collaborator.objects.filter(
                pk__in=Collaborator.objects.active()
                .in_subtree(meeting.unit)
                .values("pk")
            )
            | Collaborator.objects.filter(pk__in=current)
        ).select_related("unit")
        if not self.is_bound:
            self.initial["collaborators"] = [row["collaborator"] for row in current]


class ResponseForm(forms.Form):
    response = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (Invitation.Response.ATTEND, Invitation.Response.ATTEND.label),
            (
                Invitation.Response.CANNOT_ATTEND,
                Invitation.Response.CANNOT_ATTEND.label,
            ),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you cannot attend."),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("response") == Invitation.Response.CANNOT_ATTEND
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Give a reason when you cannot attend."))
        return data


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


class MinutesForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "minutes_number",
            "secretary",
            "reported_summary",
            "guidance",
            "conclusions",
        ]
        widgets = {
            "reported_summary": forms.Textarea(attrs={"rows": 6}),
            "guidance": forms.Textarea(attrs={"rows": 5}),
            "conclusions": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "minutes_number": _("For example 05-BB/BTGDVTU."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_length(self, "reported_summary", "guidance", "conclusions")


class _TitleChoices(BaseChoiceIterator):
    """(id, title) pairs, read only if the select is drawn: an issue's title is its
    name, and its whole row (the description) is not needed to list it."""

    def __init__(self, issues, empty_label):
        self.issues, self.empty_label = issues, empty_label

    def __iter__(self):
        yield ("", self.empty_label)
        yield from self.issues.values_list("pk", "title")


class ActionForm(forms.Form):
    description = forms.CharField(
        label=_("Requested action"), widget=forms.Textarea(attrs={"rows": 2})
    )
    agency = forms.CharField(
        label=_("Responsible agency"), max_length=255, required=False
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput())
    issue = forms.ModelChoiceField(
        label=_("Issue"),
        queryset=Issue.objects.none(),
        required=False,
        widget=QuickSelect,
    )
    make_follow_up = forms.BooleanField(
        label=_("Track it as a follow-up on the issue"), required=False
    )

    def __init__(self, *args, user, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        # The open issues of the meeting's unit, its sub-units and the units above
        # it: not every issue of a province.
        unit = meeting.unit
        issues = (
            Issue.objects.visible_to(user)
            .open()
            .filter(unit__in={*unit.path_ids, *subtree_ids(unit)})
            .order_by("title")
        )
        field = self.fields["issue"]
        field.queryset = issues  # what a posted choice is checked against
        field.widget.choices = _TitleChoices(issues, field.empty_label)

    def clean(self):
        data = super().clean()
        if data.get("make_follow_up"):
            for name in ("issue", "agency", "due_date"):
                if not data.get(name):
                    self.add_error(
                        name, _("A follow-up needs an issue, an agency and a due date.")
                    )
        return data


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    source = forms.CharField(
        label=_("Source"),
        max_length=255,
        help_text=_("Who issued it, e.g. the provincial Propaganda Board."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, Word, Excel or PowerPoint.")
    )
    meeting = forms.ModelChoiceField(
        label=_("Hand out at the meeting"),
        queryset=Meeting.objects.none(),
        required=False,
        help_text=_("Its invitees receive the document."),
    )
    collaborators = forms.ModelMultipleChoiceField(
        label=_("Or to these collaborators"),
        queryset=Collaborator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = (
            Meeting.objects.visible_to(user)
            .exclude(status=Meeting.Status.CANCELLED)
            .order_by("-starts_at")
        )
        self.fields["collaborators"].queryset = (
            Collaborator.objects.visible_to(user).active().select_related("unit")
        )

    def clean(self):
        data = super().clean()
        if not data.get("meeting") and not data.get("collaborators"):
            raise forms.ValidationError(
                _("Choose a meeting whose invitees receive it, or the collaborators.")
            )
        return data
