"""Reporting discipline: expected, on time, late and missing reports by unit."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from dluan.access import require_manager
from dluan.downloads import XLSX, download
from dluan.models import OrgUnit
from dluan.replica import reads_from_replica
from reports import exports, selectors
from reports.forms import DisciplineFilterForm
from reports.models import ReportingPeriod


def _selection(request) -> tuple[DisciplineFilterForm, OrgUnit, ReportingPeriod]:
    """The period and unit asked for; a unit outside the user's subtree is 404."""
    user = request.user
    require_manager(user)
    form = DisciplineFilterForm(request.GET, user=user)
    if not form.is_valid():
        raise Http404
    unit = form.cleaned_data["unit"]
    if unit is None:
        unit = (
            OrgUnit.objects.filter(parent=None).order_by("path").first()
            if user.is_superuser
            else user.org_unit
        )
    period = form.cleaned_data["period"] or selectors.discipline_default_period()
    if unit is None or period is None:
        raise Http404
    # The bound form shows the defaults picked above.
    defaulted_unit = form.cleaned_data["unit"] is None
    form.data = form.data.copy()
    form.data["period"], form.data["unit"] = str(period.pk), str(unit.pk)
    if defaulted_unit:
        form.fields["unit"].limit_to(
            OrgUnit.objects.visible_to(user), user=user, selected=unit.pk
        )
    return form, unit, period


@login_required
def discipline(request):
    form, unit, period = _selection(request)
    table = selectors.discipline_table(request.user, unit, period)
    return render(
        request,
        "reports/discipline.html",
        {
            "form": form,
            "unit": unit,
            "period": period,
            "table": table,
            "chart": selectors.discipline_trend(request.user, unit, period),
            "query": request.GET.urlencode(),
        },
    )


@login_required
@reads_from_replica
def discipline_export(request):
    _form, unit, period = _selection(request)
    table = selectors.discipline_table(request.user, unit, period)
    return download(
        exports.discipline_xlsx(table),
        filename=exports.discipline_filename(unit, period),
        content_type=XLSX,
    )
