"""The roster: the list and its export, a collaborator's profile, form and decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collaborators import exports, selectors, services
from collaborators.forms import (
    CollaboratorForm,
    ReminderEmailsForm,
    RosterEventForm,
    RosterFilterForm,
)
from collaborators.models import Collaborator
from collaborators.views import PAGE_SIZE
from dluan import audit
from dluan.access import add_errors, require_manager, require_staff
from dluan.auth import lockout_for
from dluan.downloads import XLSX, download
from dluan.replica import reads_from_replica


@login_required
@reads_from_replica
def collaborator_list(request):
    require_manager(request.user)
    form = RosterFilterForm(request.GET or None, user=request.user)
    queryset = selectors.collaborator_list(user=request.user, filters=form.filters())
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "collaborators/collaborator_list.html",
        {"form": form, "page": page, "can_edit": request.user.is_board_staff},
    )


@login_required
@reads_from_replica
def collaborator_export(request):
    require_manager(request.user)
    form = RosterFilterForm(request.GET or None, user=request.user)
    queryset = selectors.collaborator_list(user=request.user, filters=form.filters())
    stamp = timezone.localdate().strftime("%Y%m%d")
    return download(
        exports.roster_workbook(queryset),
        filename=f"danh-sach-ctv-{stamp}.xlsx",
        content_type=XLSX,
    )


def _form_data(form) -> tuple[dict, list]:
    """The collaborator's fields and, apart, the coverage areas chosen."""
    data = dict(form.cleaned_data)
    return data, list(data.pop("coverage_areas"))


@login_required
def collaborator_create(request):
    require_staff(request.user)
    form = CollaboratorForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data, areas = _form_data(form)
        try:
            collaborator = services.collaborator_create(
                actor=request.user, data=data, coverage_areas=areas
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The collaborator was added to the roster."))
            return redirect(collaborator)
    return render(
        request, "collaborators/collaborator_form.html", {"form": form, "object": None}
    )


@login_required
def collaborator_edit(request, pk):
    require_manager(request.user)
    collaborator = get_object_or_404(
        Collaborator.objects.visible_to(request.user), pk=pk
    )
    require_staff(request.user)
    form = CollaboratorForm(
        request.POST or None, instance=collaborator, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        data, areas = _form_data(form)
        try:
            services.collaborator_update(
                actor=request.user,
                collaborator=collaborator,
                data=data,
                coverage_areas=areas,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(collaborator)
    audit.shown(request, collaborator)
    return render(
        request,
        "collaborators/collaborator_form.html",
        {"form": form, "object": collaborator},
    )


@login_required
def collaborator_detail(request, pk):
    collaborator = get_object_or_404(
        Collaborator.objects.visible_to(request.user).with_related(), pk=pk
    )
    history = selectors.collaborator_history(collaborator=collaborator)
    if request.user.is_collaborator:
        history.pop("audit_entries")
    regulation = selectors.regulation_in_force(user=request.user)
    is_own = collaborator.user_id == request.user.pk
    audit.shown(request, collaborator)
    return render(
        request,
        "collaborators/collaborator_detail.html",
        {
            "collaborator": collaborator,
            "reminder_form": ReminderEmailsForm(instance=collaborator)
            if is_own
            else None,
            "can_edit": request.user.is_board_staff,
            # The notes are the board's own; the collaborator does not read them.
            "show_notes": request.user.is_manager,
            "event_form": RosterEventForm() if request.user.is_board_staff else None,
            "regulation": regulation,
            "acknowledgement": selectors.acknowledgement_of(
                collaborator=collaborator, regulation=regulation
            ),
            # Until when a run of wrong passwords keeps the account out.
            "locked_until": lockout_for(collaborator.user.username)
            if request.user.is_manager and collaborator.user_id
            else None,
            **history,
        },
    )


@login_required
def my_profile(request):
    collaborator = Collaborator.objects.filter(user=request.user).first()
    if collaborator is None:
        raise Http404
    return redirect(collaborator)


@login_required
@require_POST
def reminder_emails(request, pk):
    # Only the collaborator themselves: anyone else is told nothing exists here.
    collaborator = get_object_or_404(
        Collaborator.objects.filter(user=request.user), pk=pk
    )
    form = ReminderEmailsForm(request.POST, instance=collaborator)
    if form.is_valid():
        services.collaborator_set_reminder_emails(
            user=request.user,
            collaborator=collaborator,
            enabled=form.cleaned_data["reminder_emails"],
        )
        if form.cleaned_data["reminder_emails"]:
            messages.success(request, _("Reminders will also come by e-mail."))
        else:
            messages.success(
                request, _("Reminders will come in the app only, not by e-mail.")
            )
    return redirect(collaborator)


@login_required
def collaborator_event_create(request, pk):
    require_manager(request.user)
    collaborator = get_object_or_404(
        Collaborator.objects.visible_to(request.user), pk=pk
    )
    require_staff(request.user)
    form = RosterEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.roster_event_record(
                actor=request.user, collaborator=collaborator, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect(collaborator)
    audit.shown(request, collaborator)
    return render(
        request,
        "collaborators/event_form.html",
        {"form": form, "collaborator": collaborator},
    )


@login_required
def terms_ending(request):
    require_manager(request.user)
    year = timezone.localdate().year
    queryset = selectors.with_score(
        selectors.terms_ending(user=request.user), year=year
    )
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "collaborators/terms_ending.html",
        {"page": page, "days": selectors.TERM_ENDING_DAYS, "year": year},
    )
