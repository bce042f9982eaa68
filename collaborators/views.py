"""Roster pages: staff manage their subtree, leaders read it, collaborators see their own."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from collaborators import scoring, selectors, services
from collaborators.forms import (
    AttendanceForm,
    CollaboratorForm,
    RegulationForm,
    ReminderEmailsForm,
    RosterEventForm,
    RosterFilterForm,
    ScoreFilterForm,
    TrainingSessionForm,
)
from collaborators.models import Collaborator, Regulation, TrainingSession
from collaborators.spreadsheets import (
    roster_workbook,
)
from dluan import audit, pdf
from dluan.access import (
    add_errors,
    require_collaborator,
    require_manager,
    require_staff,
)
from dluan.auth import lockout_for
from dluan.models import OrgUnit
from dluan.paging import LargePaginator
from dluan.xlsx import XLSX_CONTENT_TYPE, build_workbook

PAGE_SIZE = 25


def _require_manager(request):
    """Staff, leaders and admins; a collaborator is told nothing exists here."""
    require_manager(request.user)


def _require_staff(request):
    """Board staff and admins change the roster; to a leader it does not exist."""
    require_staff(request.user)


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Roster -----------------------------------------------------------------------


@login_required
def collaborator_list(request):
    _require_manager(request)
    form = RosterFilterForm(request.GET or None, user=request.user)
    queryset = selectors.collaborator_list(user=request.user, filters=form.filters())
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "collaborators/collaborator_list.html",
        {"form": form, "page": page, "can_edit": request.user.is_board_staff},
    )


@login_required
def collaborator_export(request):
    _require_manager(request)
    form = RosterFilterForm(request.GET or None, user=request.user)
    queryset = selectors.collaborator_list(user=request.user, filters=form.filters())
    stamp = timezone.localdate().strftime("%Y%m%d")
    return _xlsx_response(roster_workbook(queryset), f"danh-sach-ctv-{stamp}.xlsx")


@login_required
def collaborator_create(request):
    _require_staff(request)
    form = CollaboratorForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        areas = list(data.pop("coverage_areas"))
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
    _require_manager(request)
    collaborator = get_object_or_404(
        Collaborator.objects.visible_to(request.user), pk=pk
    )
    _require_staff(request)
    form = CollaboratorForm(
        request.POST or None, instance=collaborator, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        areas = list(data.pop("coverage_areas"))
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
    _require_manager(request)
    collaborator = get_object_or_404(
        Collaborator.objects.visible_to(request.user), pk=pk
    )
    _require_staff(request)
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
    _require_manager(request)
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


# --- Regulation -------------------------------------------------------------------


@login_required
def regulation_list(request):
    _require_manager(request)
    regulations = (
        Regulation.objects.visible_to(request.user)
        .select_related("unit")
        .order_by("-effective_date", "-pk")
    )
    return render(
        request,
        "collaborators/regulation_list.html",
        {
            "regulations": regulations,
            "in_force": selectors.regulation_in_force(user=request.user),
            "can_edit": request.user.is_board_staff,
        },
    )


@login_required
def regulation_create(request):
    _require_staff(request)
    form = RegulationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("upload")
        try:
            regulation = services.regulation_create(
                actor=request.user, data=data, file=upload
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The regulation version was published."))
            return redirect(regulation)
    return render(request, "collaborators/regulation_form.html", {"form": form})


@login_required
def regulation_detail(request, pk):
    regulation = get_object_or_404(
        Regulation.objects.visible_to(request.user).select_related("unit"), pk=pk
    )
    in_force = selectors.regulation_in_force(user=request.user)
    context = {
        "regulation": regulation,
        "is_in_force": in_force is not None and in_force.pk == regulation.pk,
    }
    if request.user.is_collaborator:
        collaborator = Collaborator.objects.filter(user=request.user).first()
        context["acknowledgement"] = selectors.acknowledgement_of(
            collaborator=collaborator, regulation=regulation
        )
    else:
        missing = selectors.not_acknowledged(user=request.user, regulation=regulation)
        context["missing_page"] = Paginator(missing, 50).get_page(
            request.GET.get("page")
        )
        context["acknowledged_count"] = regulation.acknowledgements.filter(
            collaborator__in=Collaborator.objects.visible_to(request.user)
        ).count()
    return render(request, "collaborators/regulation_detail.html", context)


@login_required
def regulation_download(request, pk):
    regulation = get_object_or_404(Regulation.objects.visible_to(request.user), pk=pk)
    if not regulation.file:
        raise Http404
    return FileResponse(
        regulation.file.open("rb"),
        as_attachment=True,
        filename=regulation.file.name.rsplit("/", 1)[-1],
    )


@login_required
@require_POST
def regulation_acknowledge(request, pk):
    require_collaborator(request.user)
    regulation = get_object_or_404(Regulation.objects.visible_to(request.user), pk=pk)
    try:
        services.regulation_acknowledge(user=request.user, regulation=regulation)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Thank you: your acknowledgement was recorded."))
    return redirect("home")


# --- Training ---------------------------------------------------------------------


@login_required
def training_list(request):
    _require_manager(request)
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
    _require_staff(request)
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
    _require_manager(request)
    session = get_object_or_404(TrainingSession.objects.visible_to(request.user), pk=pk)
    _require_staff(request)
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
    _require_manager(request)
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
    _require_manager(request)
    session = get_object_or_404(
        TrainingSession.objects.visible_to(request.user).select_related("unit"), pk=pk
    )
    _require_staff(request)
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


# --- Emulation scores ---------------------------------------------------------------

# Part names (collaborators/scoring.py, rule 1) as the pages show them.
PART_LABELS = {
    "reporting": gettext_lazy("Reporting rate"),
    "on_time": gettext_lazy("On-time rate"),
    "quality": gettext_lazy("Report quality"),
    "urgent": gettext_lazy("Urgent reports accepted"),
    "meetings": gettext_lazy("Briefing attendance"),
    "training": gettext_lazy("Training attendance"),
    "regulation": gettext_lazy("Regulation acknowledged"),
}


def _score_selection(request) -> tuple[ScoreFilterForm, int, OrgUnit | None]:
    """The year and unit asked for; a unit outside the user's subtree is 404."""
    _require_manager(request)
    form = ScoreFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        raise Http404
    year = form.cleaned_data["year"] or timezone.localdate().year
    return form, year, form.cleaned_data["unit"]


def _percent(value: float | None) -> float | None:
    return None if value is None else value * 100


def _score_parts(score, table: dict) -> list[dict]:
    """Each weighted part with its label, weight and value (None: did not apply)."""
    parts = score.parts if score else {}
    return [
        {
            "name": name,
            "label": PART_LABELS.get(name, name),
            "weight": weight,
            "percent": _percent(parts.get(name)),
        }
        for name, weight in table.items()
    ]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _score_sheet_rows(queryset, table: dict) -> list[list]:
    rows = []
    for rank, score in enumerate(queryset.with_related(), start=1):
        rows.append(
            [
                rank,
                score.collaborator.full_name,
                str(score.unit),
                *(
                    None
                    if score.parts.get(name) is None
                    else round(score.parts[name] * 100, 1)
                    for name in table
                ),
                float(score.total),
            ]
        )
    return rows


@login_required
def scores(request):
    if request.user.is_collaborator:
        collaborator = Collaborator.objects.filter(user=request.user).first()
        if collaborator is None:
            raise Http404
        return score_detail(request, collaborator.pk)
    form, year, unit = _score_selection(request)
    table = scoring.weights()
    paginator = LargePaginator(
        selectors.score_ranking(user=request.user, year=year, unit=unit),
        PAGE_SIZE,
        rows=selectors.score_rows,
    )
    page = paginator.get_page(request.GET.get("page"))
    offset = (page.number - 1) * PAGE_SIZE
    ranked = [
        (offset + number, score, [_percent(score.parts.get(name)) for name in table])
        for number, score in enumerate(page, start=1)
    ]
    return render(
        request,
        "collaborators/scores.html",
        {
            "form": form,
            "year": year,
            "unit": unit,
            "page": page,
            "ranked": ranked,
            "parts": [PART_LABELS.get(name, name) for name in table],
            "query": request.GET.urlencode(),
        },
    )


@login_required
def score_detail(request, pk):
    collaborator = get_object_or_404(
        Collaborator.objects.visible_to(request.user).select_related("unit"), pk=pk
    )
    year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or year)
    except ValueError:
        raise Http404 from None
    score = selectors.score_of(collaborator=collaborator, year=year)
    audit.shown(request, collaborator)
    return render(
        request,
        "collaborators/scores_detail.html",
        {
            "collaborator": collaborator,
            "year": year,
            "score": score,
            "parts": _score_parts(score, scoring.weights()),
        },
    )


@login_required
def scores_export(request):
    _form, year, unit = _score_selection(request)
    table = scoring.weights()
    header = [
        _("Rank"),
        _("Full name"),
        _("Unit"),
        *(f"{PART_LABELS.get(name, name)} (%)" for name in table),
        _("Score"),
    ]
    rows = _score_sheet_rows(
        selectors.score_ranking(user=request.user, year=year, unit=unit), table
    )
    return _xlsx_response(
        build_workbook([(_("Emulation scores"), header, rows)]),
        f"diem-thi-dua-{year}.xlsx",
    )


def commendation_context(*, user, year: int, unit: OrgUnit | None) -> dict:
    """The commendation list: the top ``COMMENDATION_SIZE`` of the unit's subtree."""
    size = settings.COMMENDATION_SIZE
    issuer = unit or user.org_unit or OrgUnit.objects.filter(parent=None).first()
    top = list(
        selectors.score_ranking(user=user, year=year, unit=unit).with_related()[:size]
    )
    today = timezone.localdate()
    doc = {
        "issuer_lines": pdf.issuer_lines(issuer),
        # "Số" (number) and the title belong to the Party's document format.
        "number": "Số      -DS/BTGDV",
        "place_date": pdf.place_and_date(issuer, today),
        "title": "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG",
        "subject": _(
            "Public-opinion collaborators with the highest emulation scores in %(year)s"
        )
        % {"year": year},
        "recipients": [_("Standing Committee (for report)"), _("Board files")],
        "sign_for": "",
        "sign_title": "TRƯỞNG BAN",
        "signer": "",
    }
    return {"doc": doc, "year": year, "unit": issuer, "scores": top}


@login_required
def scores_commendation(request):
    _form, year, unit = _score_selection(request)
    context = commendation_context(user=request.user, year=year, unit=unit)
    # An official document: Vietnamese whatever the reader's interface language.
    with translation.override("vi"):
        content = pdf.render_pdf("collaborators/commendation_pdf.html", context)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="de-nghi-khen-thuong-{year}.pdf"'
    )
    return response
