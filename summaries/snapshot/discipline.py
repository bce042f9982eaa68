"""Reporting discipline: the periodic reports expected, on time, late and missing,
for the unit, its whole subtree and each direct sub-unit."""

from collections import defaultdict

from django.db.models import Q, Sum

from dluan.models import OrgUnit
from reports.models import ReportingRecord, ReportingTally
from summaries.snapshot.scope import Scope, share


def discipline(scope: Scope) -> dict:
    units = list(
        OrgUnit.objects.filter(pk__in=scope.ids)
        .order_by("path")
        .only("pk", "name", "path", "parent_id", "depth")
    )
    sums = {
        state: Sum("count", filter=Q(state=state))
        for state in ReportingRecord.State.values
    }
    counts = defaultdict(dict)
    for row in (
        ReportingTally.objects.filter(
            period_id__in=scope.period_ids, unit_id__in=scope.ids
        )
        .order_by()
        .values("period_id", "unit_id")
        .annotate(**sums)
    ):
        counts[row.pop("period_id")][row.pop("unit_id")] = {
            key: value or 0 for key, value in row.items()
        }
    children = [u for u in units if u.parent_id == scope.unit.pk]
    child_by_path = {child.path: child for child in children}
    depth = scope.unit.depth + 1

    def child_of(member):
        if member.depth < depth:
            return None
        path = "/" + "/".join(member.path.strip("/").split("/")[: depth + 1]) + "/"
        return child_by_path.get(path)

    def rolled(period_id) -> tuple[dict, dict, dict]:
        own, total = defaultdict(int), defaultdict(int)
        per_child = defaultdict(lambda: defaultdict(int))
        for member in units:
            row = counts.get(period_id, {}).get(member.pk)
            if not row:
                continue
            for state, value in row.items():
                total[state] += value
                if member.pk == scope.unit.pk:
                    own[state] += value
                else:
                    child = child_of(member)
                    if child is not None:
                        per_child[child.pk][state] += value
        return own, total, per_child

    now_own, now_total, now_children = rolled(scope.period.pk)
    if scope.previous:
        before_own, before_total, before_children = rolled(scope.previous.pk)
    else:
        before_own = before_total = before_children = None

    def rates(row, before=None) -> dict:
        expected = sum(row.get(s, 0) for s in ("on_time", "late", "missing"))
        expected += row.get("pending", 0)
        done = row.get("on_time", 0) + row.get("late", 0)
        result = {
            "expected": expected,
            "on_time": row.get("on_time", 0),
            "late": row.get("late", 0),
            "missing": row.get("missing", 0),
            "pending": row.get("pending", 0),
            "reporting_rate": share(done, expected),
            "on_time_rate": share(row.get("on_time", 0), expected),
            "previous_reporting_rate": None,
            "previous_on_time_rate": None,
        }
        if before is not None:
            previous = rates(before)
            result["previous_reporting_rate"] = previous["reporting_rate"]
            result["previous_on_time_rate"] = previous["on_time_rate"]
        return result

    return {
        "own": rates(now_own, before_own),
        "total": rates(now_total, before_total),
        "children": [
            {
                "unit_id": child.pk,
                "name": child.name,
                **rates(
                    now_children.get(child.pk, {}),
                    None
                    if before_children is None
                    else before_children.get(child.pk, {}),
                ),
            }
            for child in children
        ],
    }
