"""A questionnaire in and out as XLSForm: staff import, staff and leaders export."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dluan.access import require_manager, require_staff
from dluan.downloads import XLSX, download
from dluan.replica import reads_from_replica
from surveys import xlsform
from surveys.models import Survey


class XLSFormUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("XLSForm workbook (.xlsx)"),
        help_text=gettext_lazy(
            "The “survey” and “choices” sheets as ODK and KoboToolbox write them."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument"
                ".spreadsheetml.sheet"
            }
        ),
    )


def _survey(request, pk) -> Survey:
    return get_object_or_404(
        Survey.objects.visible_to(request.user).with_related(), pk=pk
    )


@login_required
def xlsform_import(request, pk):
    require_staff(request.user)
    survey = _survey(request, pk)
    if survey.status == Survey.Status.ARCHIVED:
        raise Http404
    form = XLSFormUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            count = xlsform.xlsform_import(
                survey=survey, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(
                request,
                _(
                    "The questionnaire now holds the %(count)s questions and headings of the form."
                )
                % {"count": count},
            )
            return redirect("surveys:questionnaire", pk=survey.pk)
    return render(
        request,
        "surveys/xlsform_import.html",
        {"survey": survey, "form": form, "problems": problems},
    )


@login_required
@reads_from_replica
def xlsform_export(request, pk):
    require_manager(request.user)
    survey = _survey(request, pk)
    return download(
        xlsform.render_xlsform(survey),
        filename=f"xlsform-dieu-tra-{survey.pk}.xlsx",
        content_type=XLSX,
    )
