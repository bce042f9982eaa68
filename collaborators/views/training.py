"""Training sessions and who attended them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from collaborators import selectors, services
from collaborators.forms import AttendanceForm, TrainingSessionForm
from collaborators.models import TrainingSession
from collaborators.views import PAGE_SIZE
from dluan.access import add_errors, require_manager, require_staff


@login_required
def training_list(request):
    require_manager(request.user)
    page = Paginator(selectors.training_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "collaborators/training_list.html",
        {"page": page, "can_edit": request.user.is_board_staff},
    )


@login_required
def training_create(request):
    require_staff(request.user)
    form = TrainingSessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.training_session_create(
                actor=request.user, data=form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The training session was saved."))
            return redirect(session)
    return render(
        request, "collaborators/training_form.html", {"form": form, "object": None}
    )


@login_required
def training_edit(request, pk):
    require_manager(request.user)
    session = get_object_or_404(TrainingSession.objects.visible_to(request.user), pk=pk)
    require_staff(request.user)
    form = TrainingSessionForm(
        request.POST or None, instance=session, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.training_session_update(
                actor=request.user, session=session, data=form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The training session was saved."))
            return redirect(session)
    return render(
        request, "collaborators/training_form.html", {"form": form, "object": session}
    )


@login_required
def training_detail(request, pk):
    require_manager(request.user)
    session = get_object_or_404(
        TrainingSession.objects.visible_to(request.user).select_related("unit"), pk=pk
    )
    attendances = (
        session.attendances.filter(attended=True)
        .select_related("collaborator__unit")
        .order_by("collaborator__full_name")
    )
    return render(
        request,
        "collaborators/training_detail.html",
        {
            "session": session,
            "attendances": attendances,
            "can_edit": request.user.is_board_staff,
        },
    )


@login_required
def training_attendance(request, pk):
    require_manager(request.user)
    session = get_object_or_404(
        TrainingSession.objects.visible_to(request.user).select_related("unit"), pk=pk
    )
    require_staff(request.user)
    choices = selectors.attendance_choices(user=request.user, session=session)
    initial = list(
        session.attendances.filter(attended=True).values_list(
            "collaborator_id", flat=True
        )
    )
    form = AttendanceForm(
        request.POST or None, choices=choices, initial={"collaborators": initial}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.training_attendance_set(
                actor=request.user,
                session=session,
                collaborators=form.cleaned_data["collaborators"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The attendance was saved."))
            return redirect(session)
    return render(
        request,
        "collaborators/training_attendance.html",
        {"form": form, "session": session},
    )
