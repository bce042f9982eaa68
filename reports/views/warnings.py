"""Early warnings: the list for managers and the staff's acknowledgement."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dluan.access import require_manager, require_staff
from dluan.paging import LargePaginator
from reports import selectors, services
from reports.forms import WarningAcknowledgeForm, WarningFilterForm
from reports.models import EarlyWarning

PAGE_SIZE = 25


@login_required
def warning_list(request):
    user = request.user
    require_manager(user)
    form = WarningFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.warnings_list(
        user, kind=filters.get("kind", ""), show=filters.get("show") or "open"
    )
    paginator = LargePaginator(queryset, PAGE_SIZE, rows=selectors.warning_rows)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = selectors.with_visible_reports(user, page.object_list)
    return render(
        request,
        "reports/warnings.html",
        {
            "form": form,
            "page": page,
            "can_acknowledge": user.is_board_staff,
            "acknowledge_form": WarningAcknowledgeForm(),
        },
    )


@login_required
@require_POST
def warning_acknowledge(request, pk):
    require_staff(request.user)
    warning = get_object_or_404(EarlyWarning.objects.visible_to(request.user), pk=pk)
    form = WarningAcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The note is too long."))
    elif services.warning_acknowledge(
        warning=warning, user=request.user, note=form.cleaned_data["note"]
    ):
        messages.success(request, _("Warning acknowledged."))
    else:
        messages.info(request, _("This warning was already acknowledged."))
    return redirect("reports:warnings")
