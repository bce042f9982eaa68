"""The regulation on collaborators' work: its versions, their files, who read them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collaborators import selectors, services
from collaborators.forms import RegulationForm
from collaborators.models import Collaborator, Regulation
from dluan.access import (
    add_errors,
    require_collaborator,
    require_manager,
    require_staff,
)
from dluan.downloads import download


@login_required
def regulation_list(request):
    require_manager(request.user)
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
    require_staff(request.user)
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
    return download(
        regulation.file.open("rb"),
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
