"""Forms for signing in, setting a password and two-factor sign-in, the audit
trail's filter, and the length limit every long text shares."""

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.core.validators import MaxLengthValidator
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from dluan import audit
from dluan.accounts import signin_codes_revoke
from dluan.models import OrgUnit, User
from dluan.widgets import DateInput, UnitFilterField

# The longest text a person types into one box (a report's description, a
# summary's section, the minutes): some ten printed pages. Past it a paste is a
# mistake or an attack, and the PDF of it would take minutes to render.
LONG_TEXT_MAX = 20_000
# Django's message for a NUL in text (every form refuses one: PostgreSQL cannot
# store it). Django's Vietnamese catalogue lacks it; naming it here puts it in ours.
NULL_CHARACTERS_MESSAGE = _("Null characters are not allowed.")


def limit_length(form: forms.BaseForm, *names: str, max_length=LONG_TEXT_MAX):
    """Refuse more than ``max_length`` characters in the named text fields."""
    for name in names:
        field = form.fields.get(name)
        if field is None:
            continue
        field.max_length = max_length
        field.validators.append(MaxLengthValidator(max_length))
        field.widget.attrs["maxlength"] = str(max_length)


class SignInForm(AuthenticationForm):
    """Username, e-mail or phone, and a password or the one-time code of a slip."""

    username = forms.CharField(
        label=_("Username, e-mail or phone"),
        max_length=254,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "username",
                "autocapitalize": "none",
            }
        ),
    )
    password = forms.CharField(
        label=_("Password or one-time code"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class AccountSetPasswordForm(SetPasswordForm):
    """A new password, without the old one; the slip's codes stop working."""

    def save(self, commit=True):
        self.user.must_change_password = False
        user = super().save(commit=commit)
        if commit:
            signin_codes_revoke(user=user)
        return user


class AccountPasswordResetForm(PasswordResetForm):
    """Reset by e-mail, also for someone who so far had only a one-time code."""

    def get_users(self, email):
        return (
            user
            for user in User._default_manager.filter(
                email__iexact=email, is_active=True
            )
            if user.email
        )

    def send_mail(
        self, subject_template_name, email_template_name, context, *args, **kwargs
    ):
        # In the language the person reads, whatever the requesting browser's.
        with translation.override(context["user"].language):
            super().send_mail(
                subject_template_name, email_template_name, context, *args, **kwargs
            )


class TokenForm(forms.Form):
    """A code from the authenticator app, or one of the printed recovery codes."""

    otp_token = forms.CharField(
        label=_("Code"),
        max_length=16,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "autofocus": True,
                "inputmode": "text",
            }
        ),
        help_text=_(
            "The six digits shown in your authenticator app, or a recovery code."
        ),
    )


class TwoFactorDisableForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "current-password", "class": "form-control"}
        ),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password


# --- The audit trail's filter -------------------------------------------------------

TRAIL_BLANK = [("", _("All"))]


class TrailFilterForm(forms.Form):
    actor = forms.CharField(label=_("Who (username)"), required=False, max_length=150)
    kind = forms.ChoiceField(
        label=_("What was done"), required=False, choices=TRAIL_BLANK + audit.KINDS
    )
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    unit = UnitFilterField(label=_("Unit"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["object_type"].choices = TRAIL_BLANK + audit.object_types()
        self.fields["unit"].limit_to(
            OrgUnit.objects.visible_to(user),
            user=user,
            selected=self.data.get(self.add_prefix("unit")),
        )

    def clean_actor(self):
        username = self.cleaned_data["actor"].strip()
        if not username:
            return None
        actor = User.objects.filter(username__iexact=username).first()
        # Only a name the reader can already see is found: someone of their
        # subtree, or whose entries their trail holds. Anyone else answers as an
        # unknown name does, so the filter cannot tell which accounts exist.
        if actor is None or not (
            User.objects.visible_to(self.user).filter(pk=actor.pk).exists()
            or audit.trail(self.user, filters={"actor": actor}).exists()
        ):
            raise forms.ValidationError(
                _("Nobody with this username appears in the trail of your units.")
            )
        return actor

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
