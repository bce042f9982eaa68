"""Emulation scores: the ranking, one collaborator's parts, the workbook and the
commendation list."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from collaborators import exports, scoring, selectors
from collaborators.forms import ScoreFilterForm
from collaborators.models import Collaborator
from collaborators.scoring import PART_LABELS
from collaborators.views import PAGE_SIZE
from dluan import audit
from dluan.access import require_manager
from dluan.downloads import PDF, XLSX, download
from dluan.models import OrgUnit
from dluan.paging import LargePaginator
from dluan.replica import reads_from_replica


def _score_selection(request) -> tuple[ScoreFilterForm, int, OrgUnit | None]:
    """The year and unit asked for; a unit outside the user's subtree is 404."""
    require_manager(request.user)
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
@reads_from_replica
def scores_export(request):
    _form, year, unit = _score_selection(request)
    ranking = selectors.score_ranking(user=request.user, year=year, unit=unit)
    return download(
        exports.scores_workbook(ranking, scoring.weights()),
        filename=f"diem-thi-dua-{year}.xlsx",
        content_type=XLSX,
    )


@login_required
def scores_commendation(request):
    _form, year, unit = _score_selection(request)
    return download(
        exports.commendation_pdf(user=request.user, year=year, unit=unit),
        filename=f"de-nghi-khen-thuong-{year}.pdf",
        content_type=PDF,
    )
