"""Periods, topics and focus topics, kept by board staff."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dluan.access import add_errors, require_manager, require_staff
from reports import selectors, services
from reports.forms import FocusTopicsForm, TopicForm
from reports.models import FocusTopic, ReportingPeriod, Topic, keeps_topics


@login_required
def period_list(request):
    require_manager(request.user)
    unit = request.user.org_unit
    periods = ReportingPeriod.objects.annotate(
        focus_count=Count("focus_topics", filter=Q(focus_topics__unit=unit))
    ).order_by("-start")[:24]
    return render(
        request,
        "reports/period_list.html",
        {"periods": periods, "current": ReportingPeriod.objects.current()},
    )


@login_required
def period_focus(request, pk):
    require_staff(request.user)
    period = get_object_or_404(ReportingPeriod, pk=pk)
    unit = request.user.org_unit
    if unit is None:
        messages.error(request, _("Your account has no unit."))
        return redirect("reports:period-list")
    current = FocusTopic.objects.filter(period=period, unit=unit)
    form = FocusTopicsForm(
        request.POST or None,
        initial={"topics": list(current.values_list("topic_id", flat=True))},
    )
    if request.method == "POST" and form.is_valid():
        services.focus_topics_set(
            period=period,
            unit=unit,
            topics=form.cleaned_data["topics"],
            user=request.user,
        )
        messages.success(request, _("Focus topics saved."))
        return redirect("reports:period-list")
    return render(
        request,
        "reports/period_focus.html",
        {
            "period": period,
            "form": form,
            "unit": unit,
            "inherited": selectors.focus_topics_for(unit, period).exclude(unit=unit),
        },
    )


@login_required
def topic_list(request):
    require_staff(request.user)
    # Every unit's staff read the province's list; only its keepers change it.
    can_change = keeps_topics(request.user)
    if request.method == "POST" and not can_change:
        raise Http404
    form = TopicForm(request.POST or None) if can_change else None
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_create(
                name=form.cleaned_data["name"], parent=form.cleaned_data["parent"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Topic added."))
            return redirect("reports:topic-list")
    topics = Topic.objects.select_related("parent").order_by("name")
    by_parent = {}
    for topic in topics:
        by_parent.setdefault(topic.parent_id, []).append(topic)
    rows = []
    for parent in by_parent.get(None, []):
        rows.append((parent, 0))
        rows.extend((child, 1) for child in by_parent.get(parent.pk, []))
    return render(
        request,
        "reports/topic_list.html",
        {"form": form, "rows": rows, "can_change": can_change},
    )


@login_required
def topic_edit(request, pk):
    require_staff(request.user)
    topic = get_object_or_404(Topic.objects.changeable_by(request.user), pk=pk)
    form = TopicForm(request.POST or None, instance=Topic.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_update(
                topic=topic,
                name=form.cleaned_data["name"],
                parent=form.cleaned_data["parent"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Topic saved."))
            return redirect("reports:topic-list")
    return render(request, "reports/topic_form.html", {"form": form, "topic": topic})


@login_required
@require_POST
def topic_retire(request, pk):
    require_staff(request.user)
    topic = get_object_or_404(Topic.objects.changeable_by(request.user), pk=pk)
    services.topic_set_active(topic=topic, active=not topic.is_active)
    messages.success(
        request, _("Topic back in use.") if topic.is_active else _("Topic retired.")
    )
    return redirect("reports:topic-list")
