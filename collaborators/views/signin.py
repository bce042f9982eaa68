"""Giving sign-in from the roster, and board accounts given by an administrator.

A slip's one-time code is shown once: the PDF is the POST's own response (a
download, never cached), so the code is never kept in the session or anywhere
else. If the file is lost, staff reset that person's sign-in for a new slip. If
the PDF cannot be made, nothing was given (collaborators/services/signin.py) and the page
says which limit was passed.
"""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from collaborators.forms import AccountGiveForm, SignInGiveForm
from collaborators.models import Collaborator
from collaborators.services import signin
from dluan import audit, pdf
from dluan.access import add_errors, require_staff
from dluan.auth import lockout_lift
from dluan.downloads import PDF, download

# --- Helpers ------------------------------------------------------------------------


def _staff_collaborator(request, pk) -> Collaborator:
    """Board staff of the collaborator's unit; anyone else is told nothing exists."""
    require_staff(request.user)
    return get_object_or_404(
        Collaborator.objects.visible_to(request.user).select_related("unit", "user"),
        pk=pk,
    )


# The render limit a slip PDF passed, named so the administrator knows what to raise.
_RENDER_LIMITS = {
    "length": _("the PDF length limit (PDF_MAX_HTML_CHARS)"),
    "time": _("the PDF time limit (PDF_RENDER_TIME_LIMIT)"),
    "memory": _("the PDF memory limit (PDF_RENDER_MEMORY_MB)"),
}


def _slips_failed(request, error: pdf.PDFRenderError) -> None:
    """Say that the slips could not be made, and so that no one was given sign-in."""
    limit = _RENDER_LIMITS.get(error.reason)
    if limit is None:
        messages.error(
            request,
            _(
                "The sign-in slips could not be made as PDF, so no one was given "
                "sign-in and no code or link was made. Try again, or tell the "
                "administrator."
            ),
        )
        return
    messages.error(
        request,
        _(
            "The sign-in slips went past %(limit)s, so no one was given sign-in "
            "and no code or link was made. Ask the administrator to raise it, "
            "then press the button again."
        )
        % {"limit": limit},
    )


def _given_response(request, given: signin.Given, *, back: str) -> HttpResponse:
    if given.slip is not None:
        messages.success(
            request,
            _(
                "The sign-in slip was downloaded: print it and hand it over. Its "
                "code is shown only this once."
            ),
        )
        return download(
            given.pdf,
            filename=f"phieu-dang-nhap-{given.user.pk}.pdf",
            content_type=PDF,
        )
    messages.success(
        request,
        _("A link to choose a password was e-mailed to %(email)s.")
        % {"email": given.user.email},
    )
    return redirect(back)


def _give(
    request, form, give: Callable[[], signin.Given], *, back: str
) -> HttpResponse | None:
    """Give sign-in: the slip or the way back, or None with the form's errors or
    the render limit passed set for the page."""
    try:
        given = give()
    except ValidationError as error:
        add_errors(form, error)
    except pdf.PDFRenderError as error:
        _slips_failed(request, error)
    else:
        return _given_response(request, given, back=back)
    return None


def _signin_page(request, form, collaborator: Collaborator, *, reset: bool):
    audit.shown(request, collaborator)
    return render(
        request,
        "collaborators/signin_give.html",
        {"form": form, "collaborator": collaborator, "reset": reset},
    )


# --- One collaborator ------------------------------------------------------------


@login_required
@require_POST
def signin_unlock(request, pk):
    """Lift the lockout a run of wrong passwords put on the collaborator's account."""
    collaborator = _staff_collaborator(request, pk)
    if collaborator.user_id is None:
        raise Http404
    lockout_lift(collaborator.user.username)
    messages.success(request, _("The lockout was lifted: they can sign in again."))
    return redirect(collaborator)


@login_required
def signin_give(request, pk):
    collaborator = _staff_collaborator(request, pk)
    if collaborator.user_id is not None:
        return redirect("collaborators:signin-reset", pk=collaborator.pk)
    initial = {
        "username": signin.username_propose(
            phone=collaborator.phone, full_name=collaborator.full_name
        )
    }
    form = SignInGiveForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        response = _give(
            request,
            form,
            lambda: signin.signin_give(
                actor=request.user,
                collaborator=collaborator,
                username=form.cleaned_data["username"],
            ),
            back=collaborator.get_absolute_url(),
        )
        if response is not None:
            return response
    return _signin_page(request, form, collaborator, reset=False)


@login_required
def signin_reset(request, pk):
    collaborator = _staff_collaborator(request, pk)
    if collaborator.user_id is None:
        return redirect("collaborators:signin-give", pk=collaborator.pk)
    # A bare confirmation: bound on any POST, even one with no fields.
    form = forms.Form(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        response = _give(
            request,
            form,
            lambda: signin.signin_reset(actor=request.user, collaborator=collaborator),
            back=collaborator.get_absolute_url(),
        )
        if response is not None:
            return response
    return _signin_page(request, form, collaborator, reset=True)


# --- Everyone without an account, after an import ---------------------------------


@login_required
def signin_bulk(request):
    require_staff(request.user)
    candidates = signin.signin_candidates(user=request.user)
    if request.method == "POST":
        try:
            result = signin.signin_give_bulk(actor=request.user)
        except pdf.PDFRenderError as error:
            _slips_failed(request, error)
            return redirect("collaborators:signin-bulk")
        given = len(result.emailed) + len(result.slips)
        if not given:
            messages.info(request, _("Everyone on the roster can already sign in."))
            return redirect("collaborators:signin-bulk")
        messages.success(
            request,
            ngettext(
                "Sign-in was given to %(count)s collaborator: %(emailed)s by e-mail, "
                "%(slips)s by slip.",
                "Sign-in was given to %(count)s collaborators: %(emailed)s by "
                "e-mail, %(slips)s by slip.",
                given,
            )
            % {
                "count": given,
                "emailed": len(result.emailed),
                "slips": len(result.slips),
            },
        )
        if result.remaining:
            messages.info(
                request,
                _("%(count)s remain: press the button again for the next ones.")
                % {"count": result.remaining},
            )
        if result.pdf is not None:
            return download(
                result.pdf,
                filename="phieu-dang-nhap-ctv.pdf",
                content_type=PDF,
            )
        return redirect("collaborators:signin-bulk")
    counts = candidates.aggregate(
        total=Count("pk"), with_email=Count("pk", filter=~Q(email=""))
    )
    page = Paginator(candidates, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "collaborators/signin_bulk.html",
        {
            "page": page,
            "total": counts["total"],
            "with_email": counts["with_email"],
            "without_email": counts["total"] - counts["with_email"],
            "this_run": min(counts["total"], signin.BULK_LIMIT),
            "limit": signin.BULK_LIMIT,
        },
    )


# --- Board staff and leaders, by an administrator ------------------------------------


@login_required
def account_give(request):
    if not request.user.is_superuser:
        raise Http404
    form = AccountGiveForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        response = _give(
            request,
            form,
            lambda: signin.account_give(actor=request.user, **form.cleaned_data),
            back=request.path,
        )
        if response is not None:
            return response
    return render(request, "collaborators/signin_account_give.html", {"form": form})
