"""The audit trail page: who saw, exported or changed what, for staff and admins.

Read only: it answers GET alone, and offers nothing that changes an entry.
Leaders do not read it (404): it is the board's own record of its work, as the
admin's log entries are; leaders read what the board produces.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from dluan import audit
from dluan.access import require_staff
from dluan.models import OrgUnit, User
from dluan.paging import LargePaginator
from dluan.widgets import DateInput, UnitFilterField

PAGE_SIZE = 25
BLANK = [("", _("All"))]


class TrailFilterForm(forms.Form):
    actor = forms.CharField(label=_("Who (username)"), required=False, max_length=150)
    kind = forms.ChoiceField(
        label=_("What was done"), required=False, choices=BLANK + audit.KINDS
    )
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    unit = UnitFilterField(label=_("Unit"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["object_type"].choices = BLANK + audit.object_types()
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


@login_required
@require_safe
def audit_trail(request):
    user = request.user
    require_staff(user)
    form = TrailFilterForm(request.GET or None, user=user)
    filters = form.cleaned_data if form.is_valid() else {}
    if form.is_bound and not form.is_valid():
        # A bad filter shows its message and no entries, rather than all of them.
        entries = audit.trail(user, filters={}).none()
    else:
        entries = audit.trail(user, filters=filters)
    # Never counted: the trail grows by every page read in the province.
    paginator = LargePaginator(
        entries,
        PAGE_SIZE,
        counted=False,
        rows=lambda keys: audit.trail_rows(user, keys),
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "dluan/audit_trail.html", {"form": form, "page": page})
