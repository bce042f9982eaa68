"""Early warnings (cảnh báo sớm): what the daily job raises, and when.

Counted reports are those submitted, returned or accepted (drafts were not sent,
archived ones were withdrawn). The current period is the one holding ``today``;
the baseline is the ``WARNING_BASELINE_PERIODS`` (3) periods before it.

1. Volume and negative jumps, for each topic and each area (a report's ``area``):
   a. Volume: the current period's counted reports reach ``WARNING_MIN_REPORTS``
      (5) and ``WARNING_VOLUME_RATIO`` (2.0) times the baseline, the average per
      period over the baseline periods (a period without reports counts as 0). A
      baseline of zero needs only the minimum: nothing is divided by it. The
      current period is still running, so its count only grows.
   b. Negative: with at least ``WARNING_MIN_REPORTS`` reports this period, the
      share of opposed or worried streams among their streams exceeds the
      baseline periods' share (their streams pooled; 0 % with none) by
      ``WARNING_NEGATIVE_SHARE_POINTS`` (20) percentage points or more.
   Raised again in the same period when the count doubles past the threshold
   (a), or the jump grows by another 20 points (b); and in each new period.
2. Spread: an issue, or a topic, with counted reports submitted in the last
   ``WARNING_SPREAD_DAYS`` (7) days from ``WARNING_SPREAD_COMMUNES`` (3) or more
   communes (a report's area, or its unit when it names none). Raised again
   when the number of communes doubles (3, 6, 12…); a topic's, in each period.
3. Similar reports: submitted or accepted reports of the last 7 days that are in
   no issue, from different communes, whose first 300 characters of folded
   title and text have a trigram ``similarity()`` of ``WARNING_SIMILARITY``
   (0.5) or more (PostgreSQL); on SQLite, whose titles share their first three
   folded words. Only the newest ``WARNING_SIMILAR_CANDIDATES`` (300) reports
   are compared. Linked pairs form groups; a group spanning two or more communes
   is offered to staff as a new issue. Raised again when the group doubles.
4. Silent area: a unit that sent counted reports in the
   ``WARNING_BASELINE_PERIODS`` periods before the last ``WARNING_SILENT_PERIODS``
   (2) finished periods, and none in those two nor in the current one. Raised
   once for each last period it reported in.
5. Urgent waiting: a report of kind urgent, or of urgency above normal, still
   submitted (not reviewed) ``WARNING_URGENT_HOURS`` (24) hours after it was
   first sent. Reports sent more than ``WARNING_URGENT_LOOKBACK_DAYS`` (30) days
   ago are left to the review queue. Raised once per report.

Who sees a warning: staff and leaders of its unit and above. Its unit is the
lowest unit whose subtree holds every report behind it (their own ``unit``, the
author's unit when filed) and that has active staff; with no staff on that line,
the top unit. A warning's ``key`` names its condition; (unit, key) is unique, so
running the job twice raises nothing new, and each new warning notifies its
unit's staff and leaders once.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from dluan.audit_bulk import BulkChanges
from dluan.models import OrgUnit, User
from dluan.services import notification_send
from reports.models import (
    EarlyWarning,
    Issue,
    Topic,
)

from .base import users_over
from .warning_rules import Candidate, report_ids_of, warning_candidates

Kind = EarlyWarning.Kind


class Owners:
    """Which unit a warning belongs to: read the tree and the staffed units once."""

    def __init__(self):
        self.paths = dict(OrgUnit.objects.order_by().values_list("pk", "path"))
        self.staffed = set(
            User.objects.filter(is_active=True, role=User.Role.STAFF)
            .exclude(org_unit=None)
            .order_by()
            .values_list("org_unit_id", flat=True)
        )
        self._recipients: dict[int, list[User]] = {}

    def chain(self, unit_id: int) -> list[int]:
        return [int(part) for part in self.paths[unit_id].strip("/").split("/")]

    def owner(self, unit_ids) -> int | None:
        chains = [self.chain(pk) for pk in unit_ids if pk in self.paths]
        if not chains:
            return None
        common = []
        for ids in zip(*chains, strict=False):
            if len(set(ids)) > 1:
                break
            common.append(ids[0])
        for pk in reversed(common):
            if pk in self.staffed:
                return pk
        return common[0] if common else chains[0][0]

    def recipients(self, unit_id: int) -> list[User]:
        if unit_id not in self._recipients:
            unit = OrgUnit(pk=unit_id, path=self.paths[unit_id])
            self._recipients[unit_id] = users_over(
                unit, [User.Role.LEADER, User.Role.STAFF]
            )
        return self._recipients[unit_id]


# --- Titles, storing, notifying -----------------------------------------------------


def _title(candidate: Candidate, names: dict) -> str:
    f = candidate.figures
    if candidate.topic_id:
        name = names.get(("topic", candidate.topic_id), "")
    else:
        name = names.get(("area", candidate.area_id), "")
    if candidate.kind == Kind.VOLUME_JUMP:
        text = gettext(
            "%(name)s: %(reports)s reports this period, against %(baseline)s a "
            "period before"
        )
    elif candidate.kind == Kind.NEGATIVE_JUMP:
        text = gettext(
            "%(name)s: %(share)s %% of opinion opposed or worried this period, "
            "against %(baseline_share)s %% before"
        )
    elif candidate.kind == Kind.SPREAD:
        name = names.get(("issue", candidate.issue_id)) or names.get(
            ("topic", candidate.topic_id), ""
        )
        text = gettext("%(name)s: reported from %(communes)s communes in %(days)s days")
    elif candidate.kind == Kind.SIMILAR:
        name = candidate.title
        text = gettext(
            "%(reports)s similar reports from %(communes)s communes are in no "
            "issue: “%(name)s”"
        )
    elif candidate.kind == Kind.SILENT_AREA:
        text = gettext(
            "%(name)s has sent no report for %(periods)s periods (last in "
            "%(last_period)s)"
        )
    else:
        name = candidate.title
        text = gettext("Urgent report waiting %(hours)s hours for review: “%(name)s”")
    return (text % {**f, "name": name})[:500]


def _names(candidates) -> dict:
    topic_ids, unit_ids, issue_ids = set(), set(), set()
    for c in candidates:
        if c.topic_id:
            topic_ids.add(c.topic_id)
        if c.area_id:
            unit_ids.add(c.area_id)
        if c.issue_id:
            issue_ids.add(c.issue_id)
    topics = dict(Topic.objects.filter(pk__in=topic_ids).values_list("pk", "name"))
    units = dict(OrgUnit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    issues = dict(Issue.objects.filter(pk__in=issue_ids).values_list("pk", "title"))
    names = {}
    for c in candidates:
        if c.topic_id:
            label = gettext("Topic “%(name)s”") % {"name": topics.get(c.topic_id)}
            names[("topic", c.topic_id)] = label
        if c.area_id:
            names[("area", c.area_id)] = units.get(c.area_id, "")
        if c.issue_id:
            names[("issue", c.issue_id)] = gettext("Issue “%(name)s”") % {
                "name": issues.get(c.issue_id)
            }
    return names


def warnings_raise(
    *, today: datetime.date | None = None, now: datetime.datetime | None = None
) -> int:
    """Store the warnings not raised before and notify their units; returns how many.

    Safe to run twice: a warning is unique on (unit, key).
    """
    now = now or timezone.now()
    candidates = warning_candidates(today=today, now=now)
    if not candidates:
        return 0
    owners = Owners()
    with translation.override(settings.LANGUAGE_CODE):
        names = _names(candidates)
        rows = {}
        for candidate in candidates:
            unit_id = owners.owner(candidate.units)
            if unit_id is None or (unit_id, candidate.key) in rows:
                continue
            rows[(unit_id, candidate.key)] = (candidate, unit_id)
        existing = set(
            EarlyWarning.objects.filter(
                key__in=[key for _unit, key in rows]
            ).values_list("unit_id", "key")
        )
        fresh = [value for pair, value in rows.items() if pair not in existing]
        warnings = []
        for candidate, unit_id in fresh:
            warnings.append(
                EarlyWarning(
                    kind=candidate.kind,
                    unit_id=unit_id,
                    topic_id=candidate.topic_id,
                    area_id=candidate.area_id,
                    issue_id=candidate.issue_id,
                    period_id=candidate.period_id,
                    title=_title(candidate, names),
                    figures=candidate.figures,
                    report_ids=report_ids_of(candidate),
                    key=candidate.key,
                    raised_at=now,
                )
            )
        if not warnings:
            return 0
        with transaction.atomic():
            last = EarlyWarning.objects.order_by("-pk").values_list("pk", flat=True)
            last = last.first() or 0
            EarlyWarning.objects.bulk_create(
                warnings, ignore_conflicts=True, batch_size=500
            )
            # The rows this run inserted carry its timestamp and come after the
            # last row it saw; a concurrent run's do not.
            created = list(
                EarlyWarning.objects.filter(raised_at=now, pk__gt=last).order_by("pk")
            )
            with BulkChanges() as bulk:
                bulk.created(created)
            url = reverse("reports:warnings")
            for warning in created:
                notification_send(
                    recipients=owners.recipients(warning.unit_id),
                    title=gettext("Early warning: %(reason)s")
                    % {"reason": warning.title},
                    url=url,
                    key=f"warning:{warning.pk}",
                )
    return len(created)


@transaction.atomic
def warning_acknowledge(*, warning: EarlyWarning, user: User, note: str) -> bool:
    """Mark a warning as seen, with the staff member's note; False if it already was."""
    with BulkChanges(actor=user) as bulk:
        return bool(
            bulk.update(
                EarlyWarning.objects.filter(pk=warning.pk, acknowledged_at=None),
                acknowledged_at=timezone.now(),
                acknowledged_by=user,
                note=note.strip(),
            )
        )
