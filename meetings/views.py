"""Briefing meetings and reference documents: staff prepare and record, collaborators answer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dluan import audit, downloads
from dluan.access import add_errors, require_manager, require_staff
from dluan.replica import reads_from_replica
from meetings import exports, selectors, services
from meetings.forms import (
    ActionForm,
    AgendaItemForm,
    DocumentForm,
    InviteesForm,
    MeetingForm,
    MinutesForm,
    ResponseForm,
)
from meetings.models import (
    AgendaItem,
    Attendance,
    DocumentReceipt,
    Meeting,
    MeetingAction,
    ReferenceDocument,
)


def _meeting(request, pk) -> Meeting:
    return get_object_or_404(
        Meeting.objects.visible_to(request.user).with_related(), pk=pk
    )


def _flash_error(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@reads_from_replica
def meeting_list(request):
    when = "past" if request.GET.get("when") == "past" else "upcoming"
    queryset = selectors.meeting_list(request.user, when=when)
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    return render(request, "meetings/meeting_list.html", {"page": page, "when": when})


@login_required
def meeting_create(request):
    require_staff(request.user)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_schedule(
                user=request.user,
                kind=data["kind"],
                title=data["title"],
                starts_at=data["starts_at"],
                place=data["place"],
                chair=data["chair"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The meeting is planned."))
            return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form})


@login_required
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    audit.shown(request, meeting)
    user = request.user
    if user.is_collaborator:
        invitation = selectors.collaborator_invitation(meeting, user)
        receipts = selectors.collaborator_receipts(user).filter(
            document__meeting=meeting
        )
        return render(
            request,
            "meetings/meeting_detail_collaborator.html",
            {
                "meeting": meeting,
                "invitation": invitation,
                "agenda": list(meeting.agenda_items.current()),
                "receipts": receipts,
                "form": ResponseForm(
                    initial={
                        "response": invitation.response,
                        "reason": invitation.reason,
                    }
                ),
            },
        )
    context = {"meeting": meeting, **selectors.meeting_detail(meeting)}
    if user.is_board_staff and meeting.is_planned:
        context["proposals"] = selectors.pending_proposals(meeting, context["agenda"])
        context["item_form"] = AgendaItemForm()
    if user.is_board_staff and meeting.is_open:
        context["action_form"] = ActionForm(user=user, meeting=meeting)
    return render(request, "meetings/meeting_detail.html", context)


@login_required
def meeting_update(request, pk):
    require_staff(request.user)
    meeting = _meeting(request, pk)
    if not meeting.is_open:
        raise Http404
    form = MeetingForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_update(
                meeting=meeting,
                user=request.user,
                title=data["title"],
                starts_at=data["starts_at"],
                place=data["place"],
                chair=data["chair"],
            )
        except ValidationError as exc:
            meeting.refresh_from_db()
            add_errors(form, exc)
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect(meeting)
    return render(
        request, "meetings/meeting_form.html", {"form": form, "meeting": meeting}
    )


@login_required
@require_POST
def meeting_cancel(request, pk):
    require_staff(request.user)
    meeting = _meeting(request, pk)
    try:
        services.meeting_cancel(meeting=meeting, user=request.user)
    except ValidationError as exc:
        _flash_error(request, exc)
    else:
        messages.success(request, _("The meeting is cancelled."))
    return redirect(meeting)


@login_required
def meeting_invitees(request, pk):
    require_staff(request.user)
    meeting = _meeting(request, pk)
    if not meeting.is_planned:
        raise Http404
    form = InviteesForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.invitations_set(
                meeting=meeting,
                user=request.user,
                collaborators=form.cleaned_data["collaborators"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Invitees saved; %(count)s invitations sent.") % {"count": sent},
            )
            return redirect(meeting)
    return render(
        request, "meetings/meeting_invitees.html", {"form": form, "meeting": meeting}
    )


@login_required
@require_POST
def invitation_respond(request, pk):
    meeting = _meeting(request, pk)
    invitation = selectors.collaborator_invitation(meeting, request.user)
    if invitation is None:
        raise Http404
    form = ResponseForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_respond(
                invitation=invitation,
                user=request.user,
                response=form.cleaned_data["response"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Your answer is saved."))
            return redirect(meeting)
    audit.shown(request, meeting)
    return render(
        request,
        "meetings/meeting_detail_collaborator.html",
        {
            "meeting": meeting,
            "invitation": invitation,
            "agenda": list(meeting.agenda_items.current()),
            "receipts": selectors.collaborator_receipts(request.user).filter(
                document__meeting=meeting
            ),
            "form": form,
        },
        status=400,
    )


@login_required
@require_POST
def agenda_accept(request, pk):
    require_staff(request.user)
    meeting = _meeting(request, pk)
    try:
        created = services.agenda_accept_proposal(meeting=meeting, user=request.user)
    except ValidationError as exc:
        _flash_error(request, exc)
    else:
        messages.success(
            request,
            _("%(count)s proposed items added to the agenda.")
            % {"count": len(created)},
        )
    return redirect(meeting.get_absolute_url() + "#agenda")


@login_required
@require_POST
def agenda_item_create(request, pk):
    require_staff(request.user)
    meeting = _meeting(request, pk)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            services.agenda_item_add(
                meeting=meeting, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _flash_error(request, exc)
    else:
        messages.error(request, _("An agenda item needs a title."))
    return redirect(meeting.get_absolute_url() + "#agenda")


def _agenda_item(request, pk, item_pk) -> AgendaItem:
    require_staff(request.user)
    meeting = _meeting(request, pk)
    return get_object_or_404(
        AgendaItem.objects.visible_to(request.user).current().select_related("meeting"),
        pk=item_pk,
        meeting=meeting,
    )


@login_required
@require_POST
def agenda_item_move(request, pk, item_pk):
    item = _agenda_item(request, pk, item_pk)
    try:
        services.agenda_item_move(
            item=item, user=request.user, direction=request.POST.get("direction", "")
        )
    except ValidationError as exc:
        _flash_error(request, exc)
    return redirect(item.meeting.get_absolute_url() + f"#agenda-item-{item.pk}")


@login_required
@require_POST
def agenda_item_drop(request, pk, item_pk):
    item = _agenda_item(request, pk, item_pk)
    meeting = item.meeting
    try:
        services.agenda_item_drop(item=item, user=request.user)
    except ValidationError as exc:
        _flash_error(request, exc)
    else:
        messages.success(request, _("The item is off the agenda."))
    return redirect(meeting.get_absolute_url() + "#agenda")


def _attendance_entries(post) -> dict[int, tuple[str, str]]:
    entries = {}
    for key, value in post.items():
        # isdecimal, not isdigit: "²" is a digit that int() refuses.
        if key.startswith("status_") and key[7:].isdecimal():
            collaborator_id = int(key[7:])
            entries[collaborator_id] = (
                value,
                post.get(f"reason_{collaborator_id}", ""),
            )
    return entries


@login_required
def meeting_attendance(request, pk):
    require_staff(request.user)
    meeting = _meeting(request, pk)
    if not meeting.is_open:
        raise Http404
    errors = []
    if request.method == "POST":
        entries = _attendance_entries(request.POST)
        try:
            services.attendance_record(
                meeting=meeting, user=request.user, entries=entries
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Attendance is saved."))
            return redirect(meeting.get_absolute_url() + "#attendance")
    detail = selectors.meeting_detail(meeting)
    audit.shown(request, meeting)
    return render(
        request,
        "meetings/meeting_attendance.html",
        {
            "meeting": meeting,
            "rows": detail["rows"],
            "statuses": Attendance.Status.choices,
            "errors": errors,
            "posted": request.POST if errors else None,
        },
        status=400 if errors else 200,
    )


@login_required
def meeting_minutes(request, pk):
    require_staff(request.user)
    meeting = _meeting(request, pk)
    if not meeting.is_open:
        raise Http404
    form = MinutesForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_save(
                meeting=Meeting.objects.get(pk=meeting.pk),
                user=request.user,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The minutes are saved."))
            return redirect(meeting.get_absolute_url() + "#minutes")
    audit.shown(request, meeting)
    return render(
        request, "meetings/meeting_minutes.html", {"form": form, "meeting": meeting}
    )


@login_required
@require_POST
def action_create(request, pk):
    require_staff(request.user)
    meeting = _meeting(request, pk)
    form = ActionForm(request.POST, user=request.user, meeting=meeting)
    if form.is_valid():
        try:
            services.meeting_action_add(
                meeting=meeting, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The action is added to the minutes."))
            return redirect(meeting.get_absolute_url() + "#actions")
    context = {"meeting": meeting, **selectors.meeting_detail(meeting)}
    context["proposals"] = []
    context["item_form"] = AgendaItemForm() if meeting.is_planned else None
    context["action_form"] = form
    audit.shown(request, meeting)
    return render(request, "meetings/meeting_detail.html", context, status=400)


@login_required
@require_POST
def action_follow_up(request, pk, action_pk):
    require_staff(request.user)
    meeting = _meeting(request, pk)
    action = get_object_or_404(
        MeetingAction.objects.visible_to(request.user), pk=action_pk, meeting=meeting
    )
    try:
        services.meeting_action_to_follow_up(action=action, user=request.user)
    except ValidationError as exc:
        _flash_error(request, exc)
    else:
        messages.success(request, _("The action is now a follow-up on its issue."))
    return redirect(meeting.get_absolute_url() + "#actions")


@login_required
@reads_from_replica
def meeting_minutes_pdf(request, pk):
    require_manager(request.user)
    meeting = _meeting(request, pk)
    return downloads.download(
        exports.minutes_pdf(meeting),
        filename=exports.minutes_filename(meeting),
        content_type=downloads.PDF,
    )


@login_required
@reads_from_replica
def meeting_attendance_xlsx(request, pk):
    require_manager(request.user)
    meeting = _meeting(request, pk)
    return downloads.download(
        exports.attendance_xlsx(meeting),
        filename=exports.attendance_filename(meeting),
        content_type=downloads.XLSX,
    )


# --- Reference documents ---------------------------------------------------------------


@login_required
def document_list(request):
    user = request.user
    if user.is_collaborator:
        page = Paginator(selectors.collaborator_receipts(user), 25).get_page(
            request.GET.get("page")
        )
        return render(
            request, "meetings/document_list_collaborator.html", {"page": page}
        )
    page = Paginator(selectors.document_list(user), 25).get_page(
        request.GET.get("page")
    )
    unread = list(selectors.unread_by_collaborator(user)[:200])
    return render(
        request, "meetings/document_list.html", {"page": page, "unread": unread}
    )


@login_required
def document_create(request):
    require_staff(request.user)
    initial = {}
    if request.GET.get("meeting", "").isdecimal():
        initial["meeting"] = int(request.GET["meeting"])
    form = DocumentForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.document_hand_out(
                user=request.user,
                title=data["title"],
                source=data["source"],
                description=data["description"],
                upload=data["file"],
                meeting=data["meeting"],
                collaborators=data["collaborators"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The document is handed out."))
            return redirect(document)
    return render(
        request,
        "meetings/document_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _document(request, pk) -> ReferenceDocument:
    return get_object_or_404(
        ReferenceDocument.objects.visible_to(request.user).with_related(), pk=pk
    )


def _receipt(document, user) -> DocumentReceipt | None:
    return DocumentReceipt.objects.filter(
        document=document, collaborator__user=user
    ).first()


@login_required
def document_detail(request, pk):
    document = _document(request, pk)
    if request.user.is_collaborator:
        return render(
            request,
            "meetings/document_detail.html",
            {"document": document, "receipt": _receipt(document, request.user)},
        )
    receipts = list(selectors.document_receipts(document))
    return render(
        request,
        "meetings/document_detail.html",
        {
            "document": document,
            "receipts": receipts,
            "read_count": sum(1 for r in receipts if r.read_at),
        },
    )


@login_required
def document_download(request, pk):
    document = _document(request, pk)
    return downloads.download(
        document.file.open("rb"),
        filename=document.original_name,
        content_type=document.content_type,
    )


@login_required
@require_POST
def document_confirm_read(request, pk):
    document = _document(request, pk)
    receipt = _receipt(document, request.user)
    if receipt is None:
        raise Http404
    services.document_confirm_read(receipt=receipt, user=request.user)
    messages.success(request, _("Thank you: reading confirmed."))
    return redirect(document)
