"""Forms for filing, review, issues, topics and periods; services do the writing."""

import functools

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dluan.forms import limit_length
from dluan.models import OrgUnit
from dluan.uploads import ANY_ATTACHMENT, check_upload, megapixels
from dluan.widgets import DateInput, UnitFilterField
from reports.models import (
    EarlyWarning,
    FollowUp,
    Issue,
    OpinionReport,
    OpinionStream,
    ReportingPeriod,
    Topic,
)
from reports.selectors import coverage_areas, discipline_periods, topic_choices
from reports.services.filing import (
    REQUIRED_TO_SUBMIT,
    STREAM_REQUIRED_TO_SUBMIT,
    check_attachment_count,
)
from reports.services.periods import check_not_future, check_report_day

DATE = DateInput()
BLANK = [("", "—")]


class TopicChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return ("— " * getattr(obj, "depth", 0)) + obj.name


def _topic_field(**kwargs):
    field = TopicChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        **kwargs,
    )

    # Parents before children; the queryset still validates the submitted ids.
    # Read when the field is shown, once: a post that is saved never needs them.
    @functools.cache
    def choices():
        return [(t.pk, field.label_from_instance(t)) for t in topic_choices()]

    field.choices = choices
    return field


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files, each checked by content; cleaned to ``CheckedFile`` objects.

    ``existing`` is how many files the report holds already: past
    REPORT_MAX_ATTACHMENTS in all, none of the new ones is even opened.
    """

    widget = MultipleFileInput
    existing = 0

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        try:
            check_attachment_count(existing=self.existing, added=len(files))
        except ValidationError as error:
            raise ValidationError(error.message_dict["attachments"]) from None
        checked, errors = [], []
        for upload in files:
            try:
                checked.append(check_upload(upload, allowed=ANY_ATTACHMENT))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return checked


def attachment_limits_text() -> str:
    """What a collaborator may attach, with the limits in force."""
    return _(
        "Photos (JPEG, PNG, WebP), PDF or office documents: at most %(count)s files "
        "per report, each up to %(size)s, photos up to %(pixels)s megapixels, and "
        "%(total)s in all each time you save. Location data is removed from photos."
    ) % {
        "count": settings.REPORT_MAX_ATTACHMENTS,
        "size": filesizeformat(settings.UPLOAD_MAX_BYTES),
        "pixels": megapixels(settings.UPLOAD_MAX_IMAGE_PIXELS),
        "total": filesizeformat(settings.UPLOAD_MAX_REQUEST_BYTES),
    }


class ReportForm(forms.ModelForm):
    """The report itself; ``draft=True`` relaxes what a submission requires.

    What that is, the filing service says (``REQUIRED_TO_SUBMIT``): the form
    only makes those fields required, so each message stands by its field.
    """

    topics = forms.ModelMultipleChoiceField(queryset=Topic.objects.none())
    attachments = AttachmentsField(label=_("Photos and documents"), required=False)
    answer = forms.CharField(
        label=_("Your answer to the board's question"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = OpinionReport
        fields = [
            "kind",
            "urgency",
            "title",
            "area",
            "occurred_on",
            "topics",
            "description",
            "proposals",
        ]
        widgets = {
            "occurred_on": DATE,
            "description": forms.Textarea(attrs={"rows": 4}),
            "proposals": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, collaborator, draft=False, **kwargs):
        super().__init__(*args, **kwargs)
        limit_length(self, "description", "proposals", "answer")
        self.fields["topics"] = _topic_field()
        if self.instance.pk:
            instance = self.instance
            # Called when the form is shown, not when a post is checked.
            self.initial.setdefault(
                "topics", lambda: [t.pk for t in instance.topics.all()]
            )
        self.fields["area"].queryset = coverage_areas(collaborator)
        self.fields["attachments"].existing = (
            self.instance.attachments.present().count() if self.instance.pk else 0
        )
        self.fields["attachments"].help_text = attachment_limits_text()
        for name in REQUIRED_TO_SUBMIT:
            self.fields[name].required = not draft
        self.fields["proposals"].help_text = _(
            "What the people or you propose to the authorities (kiến nghị, đề xuất)."
        )
        if self.instance.status != OpinionReport.Status.RETURNED:
            del self.fields["answer"]

    def clean_occurred_on(self):
        day = self.cleaned_data.get("occurred_on")
        check_report_day(day)
        return day

    def _get_validation_exclusions(self):
        # The area's queryset (the collaborator's areas) and the urgency's
        # choices checked these already; the model would ask the database again,
        # for the area's row and the urgency's range constraint.
        return super()._get_validation_exclusions() | {"area", "urgency"}


class StreamForm(forms.Form):
    """One opinion stream; ``strict`` when submitting (``STREAM_REQUIRED_TO_SUBMIT``)."""

    summary = forms.CharField(
        label=_("What people say"), widget=forms.Textarea(attrs={"rows": 3})
    )
    direction = forms.ChoiceField(
        label=pgettext_lazy("opinion stream", "Direction"),
        choices=BLANK + OpinionStream.Direction.choices,
    )
    breadth = forms.TypedChoiceField(
        label=_("Breadth"),
        choices=BLANK + OpinionStream.Breadth.choices,
        coerce=int,
        empty_value=None,
    )
    intensity = forms.TypedChoiceField(
        label=_("Intensity"),
        choices=OpinionStream.Intensity.choices,
        coerce=int,
        initial=OpinionStream.Intensity.MEDIUM,
    )
    social_groups = forms.MultipleChoiceField(
        label=_("Social groups"),
        choices=OpinionStream.SocialGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        choices=OpinionStream.Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_rumour = forms.BooleanField(
        label=_("This is a rumour rather than opinion"), required=False
    )

    def __init__(self, *args, strict=True, **kwargs):
        super().__init__(*args, **kwargs)
        limit_length(self, "summary")
        if not strict:
            for name in (*STREAM_REQUIRED_TO_SUBMIT, "intensity"):
                self.fields[name].required = False

    def clean(self):
        data = super().clean()
        if self.fields["summary"].required and not (data.get("summary") or "").strip():
            self.add_error(
                "summary", _("Say what people say, or remove this opinion stream.")
            )
        return data


StreamFormSet = formset_factory(StreamForm, extra=0, can_delete=True, max_num=20)


def stream_initial(report) -> list[dict]:
    return [
        {
            "summary": s.summary,
            "direction": s.direction,
            "breadth": s.breadth,
            "intensity": s.intensity,
            "social_groups": s.social_groups,
            "channels": s.channels,
            "is_rumour": s.is_rumour,
        }
        for s in report.streams.all()
    ]


def stream_data(formset) -> list[dict]:
    """The formset's kept streams as dicts; empty or deleted forms are dropped."""
    rows = []
    for form in formset.forms:
        if not hasattr(form, "cleaned_data") or not form.cleaned_data:
            continue
        if form.cleaned_data.get("DELETE"):
            continue
        data = {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        if not (data.get("summary") or "").strip() and not data.get("direction"):
            continue
        rows.append(data)
    return rows


# --- Review ----------------------------------------------------------------------


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Several of these forms share the report page: keep their ids apart.
        name = type(self).__name__.removesuffix("Form").lower()
        self.fields["version"].widget.attrs["id"] = f"id_{name}_version"


class ReturnForm(VersionForm):
    question = forms.CharField(
        label=_("Question for the collaborator"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RumourForm(VersionForm):
    is_rumour = forms.BooleanField(required=False, widget=forms.HiddenInput)


class RetagForm(VersionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"] = _topic_field()


SCORES = [(i, str(i)) for i in range(1, 6)]


def _score(label):
    return forms.TypedChoiceField(
        label=label, choices=BLANK + SCORES, coerce=int, empty_value=None
    )


class RatingForm(VersionForm):
    depth = _score(_("Depth"))
    balance = _score(_("Balance"))
    timeliness = _score(_("Timeliness"))
    usefulness = _score(_("Usefulness"))
    feedback = forms.CharField(
        label=_("Feedback for the collaborator"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LinkIssueForm(forms.Form):
    issue = forms.ModelChoiceField(label=_("Issue"), queryset=Issue.objects.none())

    def __init__(self, *args, issues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issue"].queryset = issues


class IssueFromReportForm(forms.Form):
    title = forms.CharField(label=_("Issue title"), max_length=255)
    severity = forms.TypedChoiceField(
        label=_("Severity"),
        choices=Issue.Severity.choices,
        coerce=int,
        initial=Issue.Severity.MEDIUM,
    )


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All to review and reviewed"))]
        + [c for c in OpinionReport.Status.choices if c[0] != "draft"],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=BLANK + OpinionReport.Kind.choices
    )
    urgency = forms.TypedChoiceField(
        label=_("Urgency"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=BLANK + OpinionReport.Urgency.choices,
    )
    direction = forms.ChoiceField(
        label=pgettext_lazy("opinion stream", "Direction"),
        required=False,
        choices=BLANK + OpinionStream.Direction.choices,
    )
    period = forms.ModelChoiceField(
        label=_("Reporting period"),
        required=False,
        queryset=ReportingPeriod.objects.all(),
    )
    unit = UnitFilterField(label=_("Unit"), required=False)
    topic = forms.ModelChoiceField(
        label=_("Topic"), required=False, queryset=Topic.objects.all()
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].limit_to(
            OrgUnit.objects.visible_to(user),
            user=user,
            selected=self.data.get(self.add_prefix("unit")),
        )


# --- Issues ----------------------------------------------------------------------


class IssueForm(forms.ModelForm):
    class Meta:
        model = Issue
        fields = ["title", "description", "severity", "areas"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"] = _topic_field()
        self.fields["areas"].queryset = OrgUnit.objects.visible_to(user).order_by(
            "path"
        )
        self.fields["areas"].label_from_instance = lambda unit: unit.indented_name
        self.fields["areas"].required = False


class IssueEditForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Issue
        fields = ["title", "description", "status", "severity", "outcome"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        if (
            data.get("status") == Issue.Status.RESOLVED
            and not (data.get("outcome") or "").strip()
        ):
            self.add_error(
                "outcome", _("Describe the outcome before marking the issue resolved.")
            )
        return data


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["agency", "request", "due_date"]
        widgets = {"request": forms.Textarea(attrs={"rows": 2}), "due_date": DATE}


class FollowUpResponseForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["response", "responded_on"]
        widgets = {
            "response": forms.Textarea(attrs={"rows": 2}),
            "responded_on": DATE,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["response"].required = True
        self.fields["responded_on"].required = True

    def clean_responded_on(self):
        day = self.cleaned_data.get("responded_on")
        check_not_future(day)
        return day


class DirectionForm(forms.Form):
    text = forms.CharField(
        label=pgettext_lazy("leaders", "Direction"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        # It shares the issue page with the follow-up form, which has a due date too.
        kwargs.setdefault("auto_id", "id_direction_%s")
        super().__init__(*args, **kwargs)


# --- Topics and periods ------------------------------------------------------------


class TopicForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = ["name", "parent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Topic.objects.filter(parent=None)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].required = False


class FocusTopicsForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"] = _topic_field()
        self.fields["topics"].label = _("Focus topics")


# --- Reporting discipline ---------------------------------------------------------


class DisciplineFilterForm(forms.Form):
    period = forms.ModelChoiceField(
        label=_("Reporting period"),
        required=False,
        queryset=ReportingPeriod.objects.none(),
        empty_label=None,
    )
    unit = UnitFilterField(label=_("Unit"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = discipline_periods()
        self.fields["unit"].limit_to(
            OrgUnit.objects.visible_to(user),
            user=user,
            selected=self.data.get(self.add_prefix("unit")),
        )


# --- Early warnings ---------------------------------------------------------------


class WarningFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *EarlyWarning.Kind.choices],
    )
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("open", _("Open warnings")), ("all", _("All warnings"))],
    )


class WarningAcknowledgeForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
