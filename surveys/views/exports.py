"""Downloading a survey's approved responses: .xlsx, .csv, SPSS .sav.

Staff and leaders of the survey's unit or above; a collaborator gets a 404. The
access record is the audit middleware's (``surveys:response-export``).
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404

from dluan.access import require_manager
from dluan.downloads import XLSX, download
from dluan.replica import reads_from_replica
from surveys import exports
from surveys.models import Survey

FORMATS = {
    "xlsx": (exports.render_xlsx, XLSX),
    "csv": (exports.render_csv, "text/csv; charset=utf-8"),
    "sav": (exports.render_sav, "application/x-spss-sav"),
}


@login_required
@reads_from_replica
def response_export(request, pk, fmt):
    require_manager(request.user)
    if fmt not in FORMATS:
        raise Http404
    survey = get_object_or_404(Survey.objects.visible_to(request.user), pk=pk)
    render, content_type = FORMATS[fmt]
    return download(
        render(survey),
        filename=f"phieu-dieu-tra-{survey.pk}.{fmt}",
        content_type=content_type,
    )
