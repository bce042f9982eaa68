"""The staff's pages of the online link and the personal one-time links.

Leaders read the online link's page; the personal links and their slips (each
a key to one answer) are the staff's. Collaborators see none of it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dluan.access import add_errors, require_manager, require_staff
from dluan.pdf import issuer_lines
from surveys import public
from surveys.forms.links import LinkMakeForm, SlipsForm
from surveys.models import PersonalLink, Survey
from surveys.services.links import link_counts, personal_link_make, qr_svg

SLIPS_PER_PAGE = 60
LINKS_PER_PAGE = 50


def _survey(request, pk, *, staff_only: bool = False) -> Survey:
    # Access before the method: whoever may not see the page gets 404 to any.
    require_manager(request.user)
    if staff_only:
        require_staff(request.user)
    return get_object_or_404(
        Survey.objects.visible_to(request.user).with_related(), pk=pk
    )


@login_required
def online_link(request, pk):
    survey = _survey(request, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    url = request.build_absolute_uri(
        reverse("answer:online", kwargs={"key": survey.public_key})
    )
    return render(
        request,
        "surveys/links_online.html",
        {
            "survey": survey,
            "url": url,
            "qr": qr_svg(url, label=_("QR code of the survey's public link")),
            "state": public.survey_state(survey),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def link_list(request, pk):
    survey = _survey(request, pk, staff_only=True)
    form = LinkMakeForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        try:
            made = personal_link_make(
                survey=survey,
                count=form.cleaned_data["count"],
                commune=form.cleaned_data["commune"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(n)s personal links made, slips %(first)s to %(last)s.")
                % {"n": len(made), "first": made[0].number, "last": made[-1].number},
            )
            return redirect("surveys:link-list", pk=survey.pk)
    links = PersonalLink.objects.filter(survey=survey).select_related("commune")
    page = Paginator(links.order_by("number"), LINKS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "surveys/links_list.html",
        {
            "survey": survey,
            "form": form,
            "page": page,
            "counts": link_counts(survey),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def link_slips(request, pk):
    # A slip is a key to one answer: only the staff who hand them out print them.
    survey = _survey(request, pk, staff_only=True)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    form = SlipsForm(request.GET or None, survey=survey)
    links = PersonalLink.objects.filter(survey=survey).select_related("commune")
    if form.is_valid():
        if form.cleaned_data["commune"] is not None:
            links = links.filter(commune=form.cleaned_data["commune"])
        if not form.cleaned_data["include_used"]:
            links = links.filter(used_at__isnull=True)
    else:
        links = links.filter(used_at__isnull=True)
    page = Paginator(links.order_by("number"), SLIPS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    slips = []
    for link in page.object_list:
        url = request.build_absolute_uri(
            reverse("answer:personal", kwargs={"link_token": link.token})
        )
        slips.append(
            {
                "link": link,
                "url": url,
                "qr": qr_svg(
                    url, label=_("QR code of slip %(n)s") % {"n": link.number}
                ),
            }
        )
    return render(
        request,
        "surveys/links_slips.html",
        {
            "survey": survey,
            "form": form,
            "page": page,
            "slips": slips,
            "issuer": issuer_lines(survey.unit),
        },
    )
