"""Forms of the roster pages; they validate, services write."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collaborators.models import Collaborator, Regulation, RosterEvent, TrainingSession
from collaborators.selectors import RosterFilters, units_for
from collaborators.services.signin import USERNAME_MAX
from collaborators.spreadsheets import COLUMNS
from dluan.models import OrgUnit, User
from dluan.uploads import DOCUMENTS, check_size, check_upload
from dluan.widgets import DateInput, UnitFilterField


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.indented_name


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.indented_name


class RosterFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    unit = UnitFilterField(label=_("Unit"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *Collaborator.Status.choices],
    )
    party_member = forms.ChoiceField(
        label=_("Party member"),
        required=False,
        choices=[("", _("All")), ("yes", _("Party members")), ("no", _("Non-members"))],
    )
    term_days = forms.IntegerField(
        label=_("Term ending within (days)"),
        required=False,
        min_value=0,
        max_value=3650,
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].limit_to(
            units_for(user), user=user, selected=self.data.get(self.add_prefix("unit"))
        )

    def filters(self) -> RosterFilters:
        if not self.is_valid():
            return RosterFilters()
        data = self.cleaned_data
        party = {"yes": True, "no": False}.get(data["party_member"])
        return RosterFilters(
            query=data["q"],
            unit=data["unit"],
            status=data["status"],
            party_member=party,
            term_ending_days=data["term_days"],
        )


class CollaboratorForm(forms.ModelForm):
    unit = UnitChoiceField(label=_("Unit"), queryset=None)
    coverage_areas = UnitMultipleChoiceField(
        label=_("Coverage areas"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Leave empty to use the unit itself."),
    )

    class Meta:
        model = Collaborator
        fields = [
            "full_name",
            "gender",
            "birth_year",
            "phone",
            "email",
            "unit",
            "coverage_areas",
            "occupation",
            "position",
            "is_party_member",
            "is_retired",
            "decision_number",
            "decision_date",
            "term_start",
            "term_end",
            "monthly_allowance",
            "notes",
            "user",
        ]
        widgets = {
            "decision_date": DateInput(),
            "term_start": DateInput(),
            "term_end": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        units = units_for(user)
        self.fields["unit"].queryset = units
        self.fields["coverage_areas"].queryset = units
        self.fields["birth_year"].widget.attrs["max"] = timezone.localdate().year
        accounts = User.objects.visible_to(user).filter(
            role=User.Role.COLLABORATOR, is_active=True
        )
        taken = Collaborator.objects.exclude(user=None)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        self.fields["user"].queryset = accounts.exclude(
            pk__in=taken.values("user")
        ).order_by("full_name")
        self.fields["user"].label_from_instance = lambda u: (
            f"{u.get_full_name()} ({u.username})"
        )
        self.fields["user"].help_text = _("When the person files reports online.")


class RosterEventForm(forms.ModelForm):
    class Meta:
        model = RosterEvent
        fields = ["kind", "date", "decision_number", "reason", "term_end"]
        widgets = {
            "date": DateInput(),
            "term_end": DateInput(),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"term_end": _("Required to appoint or renew.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class RegulationForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF or Office document."),
    )

    class Meta:
        model = Regulation
        fields = ["title", "version", "decision_number", "effective_date", "summary"]
        widgets = {
            "effective_date": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            return check_upload(upload, allowed=DOCUMENTS)
        return None


class TrainingSessionForm(forms.ModelForm):
    unit = UnitChoiceField(label=_("Unit"), queryset=None)

    class Meta:
        model = TrainingSession
        fields = ["title", "unit", "organiser", "date", "place", "topics"]
        widgets = {"date": DateInput(), "topics": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user)
        if not self.instance.pk:
            self.fields["unit"].initial = user.org_unit_id


class AttendanceForm(forms.Form):
    collaborators = forms.ModelMultipleChoiceField(
        label=_("Attended"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collaborators"].queryset = choices
        self.fields["collaborators"].label_from_instance = lambda c: (
            f"{c.full_name} · {c.unit.name}"
        )


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Workbook (.xlsx)"),
        help_text=_("The board's own roster or the template; at most 5,000 rows."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument"
                ".spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_size(upload, name=upload.name[:200])
        return upload


class ImportColumnsForm(forms.Form):
    """Which roster field each column of the workbook goes to, or none.

    One select a column (``column_<index>``); a field may be chosen for one column
    only, and the required fields must each have one.
    """

    def __init__(self, *args, headings: list[str], initial_fields: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = COLUMNS
        choices = [("", _("Leave out")), *((c.key, c.label) for c in COLUMNS)]
        for index, heading in enumerate(headings):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=heading or _("(no heading)"),
                choices=choices,
                required=False,
                widget=forms.Select(attrs={"class": "form-select"}),
                initial=initial_fields[index] if index < len(initial_fields) else "",
            )

    def mapping(self) -> list[str]:
        return [
            self.cleaned_data.get(name, "")
            for name in self.fields
            if name.startswith("column_")
        ]

    def clean(self):
        cleaned = super().clean()
        mapping = self.mapping()
        labels = {column.key: column.label for column in self.columns}
        for key in sorted({key for key in mapping if key and mapping.count(key) > 1}):
            self.add_error(
                None,
                _("“%(field)s” is chosen for more than one column.")
                % {"field": labels[key]},
            )
        for column in self.columns:
            if column.required and column.key not in mapping:
                self.add_error(
                    None,
                    _("Choose the column that holds “%(field)s”.")
                    % {"field": column.label},
                )
        return cleaned


class ImportConfirmForm(forms.Form):
    mode = forms.ChoiceField(
        choices=[("all", _("Import all rows")), ("valid", _("Import the valid rows"))]
    )


class ReminderEmailsForm(forms.ModelForm):
    """The collaborator's own choice of reminder e-mails."""

    class Meta:
        model = Collaborator
        fields = ["reminder_emails"]


class ScoreFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000)
    unit = UnitFilterField(label=_("Unit"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].max_value = timezone.localdate().year + 1
        self.fields["year"].widget.attrs["max"] = self.fields["year"].max_value
        self.fields["unit"].limit_to(
            OrgUnit.objects.visible_to(user),
            user=user,
            selected=self.data.get(self.add_prefix("unit")),
        )


# --- Sign-in (collaborators/services/signin.py writes) --------------------------------


class SignInGiveForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=USERNAME_MAX,
        help_text=_(
            "Proposed from the phone number, or from the name; you may change it."
        ),
    )


class AccountGiveForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=USERNAME_MAX)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (User.Role.STAFF, User.Role.STAFF.label),
            (User.Role.LEADER, User.Role.LEADER.label),
        ],
    )
    org_unit = UnitChoiceField(label=_("Unit"), queryset=None)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_(
            "With an address, a link to choose a password is e-mailed; without "
            "one, a slip with a one-time code is downloaded to print."
        ),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units_for(user)
