"""Every URL pattern of the project, walked as each persona.

The patterns come from the resolver, so a view added tomorrow is walked too: a
pattern missing from ``REACH`` below, or carrying a kwarg that ``PK_OF`` and
``OTHER_KWARGS`` cannot fill, fails the suite until someone decides who may reach
it.

The policy, per persona:
- anonymous: sent to sign-in (``/login/?next=…``), except the ``PUBLIC`` pages;
- a signed-in persona reaches exactly the patterns whose ``REACH`` names it, and
  gets 404 on every other one, GET and POST alike (a view taking one method may
  answer the other with 405, for everyone, before looking anything up), and such
  a POST writes nothing (leaders included: they change nothing they may not);
- staff of another town get 404 on every pattern that carries an object of the
  town (report, attachment, issue, roster record, meeting, document, summary…).

Each request runs in a savepoint rolled back after it, so a request that wrongly
succeeds cannot hide the next one's answer; its writes are read off the SQL it
ran (``TRACE_TABLES`` aside).
"""

import datetime
import re
from urllib.parse import quote

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from collaborators.models import Collaborator, ImportDraft, TrainingAttendance
from collaborators.spreadsheets import Sheet
from collaborators.tests.factories import RegulationFactory, TrainingSessionFactory
from dluan.audit import audited_views
from dluan.models import OrgUnit, User
from dluan.tests.factories import OrgUnitFactory, UserFactory
from meetings.models import AgendaItem, DocumentReceipt, MeetingAction
from meetings.tests.factories import DocumentFactory, InvitationFactory, MeetingFactory
from reports.models import Attachment, EarlyWarning, OpinionReport
from reports.services import period_for
from reports.tests.factories import (
    FollowUpFactory,
    IssueFactory,
    OpinionReportFactory,
    OpinionStreamFactory,
    TopicFactory,
)
from summaries import services as summary_services

# Not walked here, and why.
SKIPPED = {
    "admin/": "Django's admin: superusers only, checked in tests/test_admin.py",
    "static/": "static files: public assets, no data",
}

# Pages anyone may open without signing in.
PUBLIC = {
    "healthz",
    "login",
    "login-verify",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
}

# Who reaches each pattern: C the collaborator (their own work), L a leader of
# the town, S board staff of the town. "P": the view answers POST only, "G": GET
# only (the other method may get 405, whoever sends it).
# Staff of another town reach none of the town's objects (see TOWN_OBJECTS).
REACH = {
    # --- Everyone signed in, about themselves
    "home": "CLS",
    "notifications": "CLS",
    "notifications-read": "CLS P",
    "audit-trail": "S G",
    "password_change": "CLS",
    "password_change_done": "CLS",
    "password-set": "CLS",
    "account": "CLS",
    "account-sessions-sign-out": "CLS P",
    "two-factor-enrol": "CLS",
    "two-factor-disable": "CLS P",
    "two-factor-recovery-codes": "CLS P",
    # --- Roster
    "collaborators:collaborator-list": "LS",
    "collaborators:collaborator-export": "LS",
    "collaborators:collaborator-create": "S",
    "collaborators:my-profile": "C",
    "collaborators:terms-ending": "LS",
    "collaborators:scores": "CLS",
    "collaborators:scores-export": "LS",
    "collaborators:scores-commendation": "LS",
    "collaborators:score-detail": "CLS",
    "collaborators:signin-bulk": "S",
    "collaborators:account-give": "",  # superusers only
    "collaborators:collaborator-detail": "CLS",
    "collaborators:signin-give": "S",
    "collaborators:signin-reset": "S",
    "collaborators:signin-unlock": "S P",
    "collaborators:collaborator-edit": "S",
    "collaborators:reminder-emails": "C P",
    "collaborators:collaborator-event-create": "S",
    "collaborators:import-upload": "S",
    "collaborators:import-template": "S",
    "collaborators:import-preview": "S",
    "collaborators:import-columns": "S",
    "collaborators:regulation-list": "LS",
    "collaborators:regulation-create": "S",
    "collaborators:regulation-detail": "CLS",
    "collaborators:regulation-download": "CLS",
    "collaborators:regulation-acknowledge": "C P",
    "collaborators:training-list": "LS",
    "collaborators:training-create": "S",
    "collaborators:training-detail": "LS",
    "collaborators:training-edit": "S",
    "collaborators:training-attendance": "S",
    # --- Reports, review, issues
    "reports:report-list": "CLS",
    "reports:report-create": "C",
    "reports:report-autosave": "C P",
    "reports:report-queue": "LS",
    "reports:report-detail": "CLS",
    "reports:report-edit": "C",
    "reports:report-archive": "CS P",
    "reports:report-accept": "S P",
    "reports:report-return": "S P",
    "reports:report-rumour": "S P",
    "reports:report-retag": "S P",
    "reports:report-rate": "S P",
    "reports:report-issue-link": "S P",
    "reports:report-issue-unlink": "S P",
    "reports:report-issue-create": "S P",
    "reports:attachment-download": "CLS",
    "reports:attachment-remove": "C P",
    "reports:issue-list": "CLS",
    "reports:issue-create": "S",
    "reports:issue-detail": "CLS",
    "reports:issue-edit": "S P",
    "reports:issue-report-link": "S P",
    "reports:issue-report-unlink": "S P",
    "reports:followup-create": "S P",
    "reports:followup-respond": "S P",
    "reports:direction-create": "L P",
    "reports:discipline": "LS",
    "reports:discipline-export": "LS",
    "reports:warnings": "LS",
    "reports:warning-acknowledge": "S P",
    "reports:period-list": "LS",
    "reports:period-focus": "S",
    "reports:topic-list": "S",  # read-only for a town's staff: adding is 404
    "reports:topic-edit": "",  # the province's list: admins and root-unit staff
    "reports:topic-retire": " P",  # (reports/tests/test_topic_access.py)
    # --- Briefings and reference documents
    "meetings:meeting-list": "CLS",
    "meetings:meeting-create": "S",
    "meetings:meeting-detail": "CLS",
    "meetings:meeting-update": "S",
    "meetings:meeting-cancel": "S P",
    "meetings:meeting-invitees": "S",
    "meetings:invitation-respond": "C P",
    "meetings:agenda-accept": "S P",
    "meetings:agenda-item-create": "S P",
    "meetings:agenda-item-move": "S P",
    "meetings:agenda-item-drop": "S P",
    "meetings:meeting-attendance": "S",
    "meetings:meeting-minutes": "S",
    "meetings:action-create": "S P",
    "meetings:action-follow-up": "S P",
    "meetings:meeting-minutes-pdf": "LS",
    "meetings:meeting-attendance-xlsx": "LS",
    "meetings:document-list": "CLS",
    "meetings:document-create": "S",
    "meetings:document-detail": "CLS",
    "meetings:document-download": "CLS",
    "meetings:document-confirm-read": "C P",
    # --- Summaries
    "summaries:summary-list": "LS",
    "summaries:summary-compile": "S P",
    "summaries:summary-detail": "LS",
    "summaries:summary-status": "LS",
    "summaries:summary-edit": "S",
    "summaries:summary-approve": "S P",
    "summaries:summary-recompile": "S P",
    "summaries:summary-retry": "S P",
    "summaries:summary-read": "LS P",
    "summaries:summary-download": "LS",
}

# What fills a ``pk``: the world's object, by url name. Any other kwarg is filled
# by its own name (``OTHER_KWARGS``).
PK_OF = {
    "collaborators:score-detail": "collaborator",
    "collaborators:collaborator-detail": "collaborator",
    "collaborators:signin-give": "collaborator",
    "collaborators:signin-reset": "collaborator",
    "collaborators:signin-unlock": "collaborator",
    "collaborators:collaborator-edit": "collaborator",
    "collaborators:reminder-emails": "collaborator",
    "collaborators:collaborator-event-create": "collaborator",
    "collaborators:regulation-detail": "regulation",
    "collaborators:regulation-download": "regulation",
    "collaborators:regulation-acknowledge": "regulation",
    "collaborators:training-detail": "training",
    "collaborators:training-edit": "training",
    "collaborators:training-attendance": "training",
    "reports:report-detail": "report",
    "reports:report-edit": "report",
    "reports:report-archive": "report",
    "reports:report-accept": "report",
    "reports:report-return": "report",
    "reports:report-rumour": "report",
    "reports:report-retag": "report",
    "reports:report-rate": "report",
    "reports:report-issue-link": "report",
    "reports:report-issue-unlink": "report",
    "reports:report-issue-create": "report",
    "reports:attachment-download": "attachment",
    "reports:attachment-remove": "attachment",
    "reports:issue-detail": "issue",
    "reports:issue-edit": "issue",
    "reports:issue-report-link": "issue",
    "reports:issue-report-unlink": "issue",
    "reports:followup-create": "issue",
    "reports:followup-respond": "follow_up",
    "reports:direction-create": "issue",
    "reports:warning-acknowledge": "warning",
    "reports:period-focus": "period",
    "reports:topic-edit": "topic",
    "reports:topic-retire": "topic",
    "meetings:meeting-detail": "meeting",
    "meetings:meeting-update": "meeting",
    "meetings:meeting-cancel": "meeting",
    "meetings:meeting-invitees": "meeting",
    "meetings:invitation-respond": "meeting",
    "meetings:agenda-accept": "meeting",
    "meetings:agenda-item-create": "meeting",
    "meetings:agenda-item-move": "meeting",
    "meetings:agenda-item-drop": "meeting",
    "meetings:meeting-attendance": "meeting",
    "meetings:meeting-minutes": "meeting",
    "meetings:action-create": "meeting",
    "meetings:action-follow-up": "meeting",
    "meetings:meeting-minutes-pdf": "meeting",
    "meetings:meeting-attendance-xlsx": "meeting",
    "meetings:document-detail": "document",
    "meetings:document-download": "document",
    "meetings:document-confirm-read": "document",
    "summaries:summary-detail": "summary",
    "summaries:summary-status": "summary",
    "summaries:summary-edit": "summary",
    "summaries:summary-approve": "summary",
    "summaries:summary-recompile": "summary",
    "summaries:summary-retry": "summary",
    "summaries:summary-read": "summary",
    "summaries:summary-download": "summary",
}
OTHER_KWARGS = {
    "report_pk": "report",
    "item_pk": "agenda_item",
    "action_pk": "action",
    "token": "import_token",
    "kind": "summary_file",
    "uidb64": "reset_uid",
}
# The world's objects that belong to the town (period and topic are shared by
# every unit): staff of another town get 404 on any URL carrying one.
TOWN_OBJECTS = {
    "collaborator",
    "regulation",
    "training",
    "report",
    "attachment",
    "issue",
    "follow_up",
    "warning",
    "meeting",
    "agenda_item",
    "action",
    "document",
    "summary",
    "import_token",
}
IMPORT_TOKEN = "walk-import-token"

# Tables a refused request may write to: the session (its messages) and the
# request's own trace. Anything else written is a change of someone's data.
TRACE_TABLES = ("django_session", "dluan_usersession", "auditlog_", "axes_")


# --- The patterns -----------------------------------------------------------------


def walk_patterns(resolver=None, prefix="", namespace=""):
    """(route, url name, kwarg names) of every pattern, includes recursed."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if any(route.startswith(skipped) for skipped in SKIPPED):
            continue
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}{entry.namespace}:"
            yield from walk_patterns(entry, route, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            yield route, name, sorted(entry.pattern.regex.groupindex)


PATTERNS = list(walk_patterns())


def test_every_pattern_has_a_policy_and_its_kwargs_can_be_filled():
    problems = []
    names = set()
    for route, name, kwargs in PATTERNS:
        if name is None:
            problems.append(f"{route}: no name, so no policy can be pinned")
            continue
        names.add(name)
        if name not in REACH and name not in PUBLIC:
            problems.append(f"{route} ({name}): add it to REACH or PUBLIC")
        for kwarg in kwargs:
            if kwarg == "pk" and name not in PK_OF:
                problems.append(f"{route} ({name}): add its pk to PK_OF")
            elif kwarg not in ("pk", "token") and kwarg not in OTHER_KWARGS:
                problems.append(f"{route} ({name}): add {kwarg} to OTHER_KWARGS")
    stale = (set(REACH) | PUBLIC | set(PK_OF)) - names
    problems.extend(f"{name}: in the tables but not a URL any more" for name in stale)
    assert problems == [], "\n".join(problems)
    assert len(PATTERNS) > 100


# --- The world ----------------------------------------------------------------------


def _world():
    """The conftest personas (same names and units, built once for the module)
    and one object of every kind a URL takes, in their town."""
    province = OrgUnitFactory(name="Thành phố Huế", kind=OrgUnit.Kind.PROVINCE)
    town = OrgUnitFactory(
        name="Thị xã Hương Trà", kind=OrgUnit.Kind.TOWN, parent=province
    )
    commune = OrgUnitFactory(name="Phường Tứ Hạ", parent=town)
    other_town = OrgUnitFactory(
        name="Thị xã Hương Thủy", kind=OrgUnit.Kind.TOWN, parent=province
    )
    user = UserFactory(
        username="ctv_tuha",
        full_name="Trần Thị Hoa",
        role=User.Role.COLLABORATOR,
        org_unit=commune,
    )
    record = Collaborator.objects.create(
        full_name="Trần Thị Hoa",
        gender=Collaborator.Gender.FEMALE,
        unit=commune,
        user=user,
        phone="0914000001",
        email="ctv_tuha@example.vn",
    )
    record.coverage_areas.add(commune)
    staff = UserFactory(username="canbo_huongtra", org_unit=town)
    other_staff = UserFactory(username="canbo_huongthuy", org_unit=other_town)
    leader = UserFactory(
        username="lanhdao_huongtra", role=User.Role.LEADER, org_unit=town
    )

    past = period_for(day=timezone.localdate() - datetime.timedelta(days=60))
    topic = TopicFactory()
    issue = IssueFactory(unit=town, created_by=staff)
    accepted = OpinionReportFactory(
        author=record,
        period=past,
        occurred_on=past.start,
        status=OpinionReport.Status.ACCEPTED,
        reviewed_at=timezone.now(),
        issue=issue,
    )
    OpinionStreamFactory(report=accepted)
    summary = summary_services.summary_compile(
        summary_id=summary_services.summary_request(
            unit=town, period=past, user=staff, enqueue=False
        ).pk,
        render_brief=False,  # the walk downloads its workbook; PDFs cost seconds
    )
    summary = summary_services.summary_approve(summary=summary, user=staff)
    # Returned to its author: the collaborator may still edit it.
    report = OpinionReportFactory(
        author=record, status=OpinionReport.Status.RETURNED, issue=issue
    )
    OpinionStreamFactory(report=report)
    attachment = Attachment(
        report=report,
        original_name="anh.pdf",
        content_type="application/pdf",
        size=13,
        uploaded_by=user,
    )
    attachment.file.save("anh.pdf", ContentFile(b"%PDF-1.4 walk"), save=True)
    regulation = RegulationFactory(unit=town, created_by=staff)
    regulation.file.save("quy-che.pdf", ContentFile(b"%PDF-1.4 rule"), save=True)
    training = TrainingSessionFactory(unit=town, created_by=staff)
    TrainingAttendance.objects.create(session=training, collaborator=record)
    meeting = MeetingFactory(unit=town, created_by=staff)
    InvitationFactory(meeting=meeting, collaborator=record)
    document = DocumentFactory(unit=town, uploaded_by=staff, meeting=meeting)
    DocumentReceipt.objects.create(document=document, collaborator=record)
    objects = {
        "collaborator": record,
        "regulation": regulation,
        "training": training,
        "report": report,
        "attachment": attachment,
        "issue": issue,
        "follow_up": FollowUpFactory(issue=issue, created_by=staff),
        "warning": EarlyWarning.objects.create(
            unit=town, kind=EarlyWarning.Kind.SPREAD, title="Sạt lở", key="walk:1"
        ),
        "period": past,
        "topic": topic,
        "meeting": meeting,
        "agenda_item": AgendaItem.objects.create(meeting=meeting, title="Sạt lở"),
        "action": MeetingAction.objects.create(
            meeting=meeting, description="Kiểm tra bờ sông", created_by=staff
        ),
        "document": document,
        "summary": summary,
    }
    keys = {name: obj.pk for name, obj in objects.items()}
    keys.update(import_token=IMPORT_TOKEN, summary_file="xlsx", reset_uid="MQ")
    personas = {
        "collaborator": user,
        "staff": staff,
        "other_staff": other_staff,
        "leader": leader,
    }
    return personas, keys


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module, inside a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _world()
        transaction.set_rollback(True)


# --- Walking --------------------------------------------------------------------------


def _url(name: str, kwargs: list[str], keys: dict) -> str:
    values = {}
    for kwarg in kwargs:
        if kwarg == "pk":
            values[kwarg] = keys[PK_OF[name]]
        elif kwarg == "token" and name == "password_reset_confirm":
            values[kwarg] = "set-password"
        else:
            values[kwarg] = keys[OTHER_KWARGS[kwarg]]
    return reverse(name, kwargs=values)


def _carries_town_object(name: str, kwargs: list[str]) -> bool:
    for kwarg in kwargs:
        key = PK_OF.get(name) if kwarg == "pk" else OTHER_KWARGS.get(kwarg)
        if key in TOWN_OBJECTS and name != "password_reset_confirm":
            return True
    return False


def _writes(queries) -> list[str]:
    """The tables a request wrote to, its own trace aside."""
    written = set()
    for query in queries:
        sql = query["sql"].lstrip()
        match = re.match(r'(INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', sql, re.I)
        if match and not match.group(2).startswith(TRACE_TABLES):
            written.add(match.group(2))
    return sorted(written)


def _request(client, method: str, url: str):
    """One request in a savepoint rolled back after it: no request sees another's.

    Returns the response and the tables it wrote to.
    """
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url)
        transaction.set_rollback(True)
    return response, _writes(queries.captured_queries)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in_except_public_pages(world):
    _personas, keys = world
    client = Client()
    problems = []
    for _route, name, kwargs in PATTERNS:
        if name not in REACH and name not in PUBLIC:  # the first test names it
            continue
        url = _url(name, kwargs, keys)
        for method in ("get", "post"):
            response, written = _request(client, method, url)
            location = response.get("Location", "")
            to_login = response.status_code == 302 and location == (
                f"/login/?next={quote(url)}"
            )
            if name in PUBLIC and location.startswith("/login/?next="):
                problems.append(f"{method.upper()} {url} ({name}): public page")
            elif name not in PUBLIC and not to_login:
                problems.append(
                    f"{method.upper()} {url} ({name}): "
                    f"{response.status_code} {location}, expected sign-in"
                )
            if name not in PUBLIC and written:
                problems.append(f"{method.upper()} {url} wrote to {written}")
    assert problems == [], "\n".join(problems)


def _refused(client, name: str, url: str) -> list[str]:
    """A persona outside a pattern's reach: 404 to GET and POST, nothing written.

    A view that takes one method only may answer the other with 405, whoever
    asks, before it looks anything up: that discloses nothing either.
    """
    flags = REACH[name].partition(" ")[2]
    problems = []
    get, _written = _request(client, "get", url)
    if get.status_code not in ((404, 405) if "P" in flags else (404,)):
        problems.append(f"GET {url} ({name}): {get.status_code}, expected 404")
    post, written = _request(client, "post", url)
    if post.status_code not in ((404, 405) if "G" in flags else (404,)):
        problems.append(f"POST {url} ({name}): {post.status_code}, expected 404")
    if written:
        problems.append(f"POST {url} ({name}) wrote to {', '.join(written)}")
    return problems


def _seed_import(user) -> None:
    """The import's token names an upload of whoever uploaded the file."""
    sheet = Sheet(header_row=1, headings=["Họ và tên"], rows=[[2, ["Lê Thị B"]]])
    ImportDraft.objects.update_or_create(
        token=IMPORT_TOKEN,
        defaults={
            "user": user,
            "sheet": sheet.to_json(),
            "name": "ds.xlsx",
            "mapping": ["full_name"],
        },
    )


def _walk(user, persona: str, keys: dict) -> list[str]:
    """Every pattern as ``persona``: reached if REACH names it, else refused."""
    client = _signed_in(user)
    if persona == "staff":
        _seed_import(user)
    letter = {"collaborator": "C", "leader": "L", "staff": "S"}[persona]
    problems = []
    for _route, name, kwargs in PATTERNS:
        if name in PUBLIC or name not in REACH:  # the first test names it
            continue
        url = _url(name, kwargs, keys)
        reach, _sep, flags = REACH[name].partition(" ")
        if letter not in reach:
            problems.extend(_refused(client, name, url))
            continue
        # Reached: the page answers. (A POST the persona may make belongs to the
        # view's own tests.)
        get, _written = _request(client, "get", url)
        if "P" in flags and get.status_code != 405:
            problems.append(f"GET {url} ({name}): {get.status_code}, expected 405")
        elif "P" not in flags and get.status_code not in (200, 204, 302):
            problems.append(f"GET {url} ({name}): {get.status_code}, expected 200")
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["collaborator", "leader", "staff"])
def test_each_persona_reaches_exactly_its_pages(world, persona):
    personas, keys = world
    problems = _walk(personas[persona], persona, keys)
    assert problems == [], "\n".join(problems)


@pytest.mark.django_db
def test_staff_of_another_town_get_404_on_every_object_of_the_town(world):
    personas, keys = world
    client = _signed_in(personas["other_staff"])
    problems = []
    walked = 0
    for _route, name, kwargs in PATTERNS:
        if name not in REACH or not _carries_town_object(name, kwargs):
            continue
        walked += 1
        problems.extend(_refused(client, name, _url(name, kwargs, keys)))
    assert problems == [], "\n".join(problems)
    assert walked > 50


# --- What the audit trail records -----------------------------------------------------

# Every pattern either records who read it (``VIEWS`` in an app's ``audit.py``) or
# is named here with the reason it shows no protected object: a new view is in
# neither, and fails until someone decides. Protected: an opinion report and its
# files, a collaborator's roster record, a summary, a meeting's minutes and
# attendance. A page that lists them by title or name is not a read of each one.
_PUBLIC_PAGE = "public: sign-in, password reset, language, health"
_OWN_ACCOUNT = "the signed-in person's own account and notifications"
_LIST = "a list (titles, names, counts): each object's own page records its read"
_BLANK_FORM = "a blank form for a new object"
_REDIRECTS = "POST only, answered with a redirect: its change is in the trail"
_ISSUE = "an issue, the board's own grouping: lists its reports by title only"
_SETUP = "reporting periods and topics: settings shared by every unit"
_PUBLISHED = "a document the board hands out (regulation, reference): published"
_TRAINING = "a training session and who attended: no report or contact details"
_IMPORT = "the uploader's own workbook, before it is imported"
NOT_AUDITED = {
    **dict.fromkeys(PUBLIC, _PUBLIC_PAGE),
    **dict.fromkeys(
        [
            "notifications",
            "notifications-read",
            "password_change",
            "password_change_done",
            "password-set",
            "account",
            "account-sessions-sign-out",
            "two-factor-enrol",
            "two-factor-disable",
            "two-factor-recovery-codes",
        ],
        _OWN_ACCOUNT,
    ),
    "home": "figures and lists of the person's scope: " + _LIST,
    "audit-trail": "the trail itself: its entries name objects, they do not show them",
    **dict.fromkeys(
        [
            "collaborators:collaborator-list",
            "collaborators:terms-ending",
            "collaborators:scores",
            "collaborators:signin-bulk",
            "reports:report-list",
            "reports:report-queue",
            "reports:issue-list",
            "reports:discipline",
            "reports:warnings",
            "reports:period-list",
            "meetings:meeting-list",
            "meetings:meeting-invitees",
            "meetings:document-list",
            "summaries:summary-list",
            "collaborators:regulation-list",
            "collaborators:training-list",
        ],
        _LIST,
    ),
    **dict.fromkeys(
        [
            "collaborators:collaborator-create",
            "collaborators:account-give",
            "collaborators:regulation-create",
            "collaborators:training-create",
            "reports:report-create",
            "reports:issue-create",
            "meetings:meeting-create",
            "meetings:document-create",
        ],
        _BLANK_FORM,
    ),
    **dict.fromkeys(
        [
            "collaborators:signin-unlock",
            "collaborators:reminder-emails",
            "reports:report-archive",
            "reports:attachment-remove",
            "reports:warning-acknowledge",
            "meetings:meeting-cancel",
            "meetings:agenda-accept",
            "meetings:agenda-item-create",
            "meetings:agenda-item-move",
            "meetings:agenda-item-drop",
            "meetings:action-follow-up",
            "summaries:summary-compile",
            "summaries:summary-approve",
            "summaries:summary-recompile",
            "summaries:summary-retry",
            "summaries:summary-read",
        ],
        _REDIRECTS,
    ),
    **dict.fromkeys(
        [
            "reports:issue-detail",
            "reports:issue-edit",
            "reports:issue-report-link",
            "reports:issue-report-unlink",
            "reports:followup-create",
            "reports:followup-respond",
            "reports:direction-create",
        ],
        _ISSUE,
    ),
    **dict.fromkeys(
        [
            "reports:period-focus",
            "reports:topic-list",
            "reports:topic-edit",
            "reports:topic-retire",
        ],
        _SETUP,
    ),
    **dict.fromkeys(
        [
            "collaborators:regulation-detail",
            "collaborators:regulation-download",
            "collaborators:regulation-acknowledge",
            "meetings:document-detail",
            "meetings:document-download",
            "meetings:document-confirm-read",
        ],
        _PUBLISHED,
    ),
    **dict.fromkeys(
        [
            "collaborators:training-detail",
            "collaborators:training-edit",
            "collaborators:training-attendance",
        ],
        _TRAINING,
    ),
    **dict.fromkeys(
        [
            "collaborators:import-upload",
            "collaborators:import-template",
            "collaborators:import-preview",
            "collaborators:import-columns",
        ],
        _IMPORT,
    ),
    "collaborators:my-profile": "redirects the collaborator to their own record",
    "reports:report-autosave": "the author's own draft, answered in JSON",
    "meetings:meeting-update": "a meeting's schedule and place, not its minutes",
    "summaries:summary-status": "a summary's progress: its status and percentage",
}


def test_every_pattern_is_audited_or_says_why_not():
    audited = set(audited_views())
    problems = []
    names = {name for _route, name, _kwargs in PATTERNS if name is not None}
    for name in sorted(names):
        if name in audited and name in NOT_AUDITED:
            problems.append(f"{name}: audited, and in NOT_AUDITED too")
        elif name not in audited and not NOT_AUDITED.get(name):
            problems.append(
                f"{name}: add it to its app's audit.py VIEWS, or to NOT_AUDITED "
                "with the reason it shows no protected object"
            )
    stale = (audited | set(NOT_AUDITED)) - names
    problems.extend(f"{name}: audited or exempted, but not a URL" for name in stale)
    assert problems == [], "\n".join(problems)


def _request_reads(client, method: str, url: str):
    """One request in a savepoint rolled back after it, and the reads it recorded."""
    with transaction.atomic():
        before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
        response = getattr(client, method)(url)
        after = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
        transaction.set_rollback(True)
    return response, after - before


def _shows_a_page(method: str, response) -> bool:
    """A GET's 2xx (a page, a file, an export); a POST's page (a form shown again)."""
    if method == "get":
        return 200 <= response.status_code < 300
    return response.status_code in (200, 400, 409) and response.get(
        "Content-Type", ""
    ).startswith("text/html")


def _is_author(spec, name: str, kwargs: list[str], keys: dict, user) -> bool:
    if not spec.model or not spec.author:
        return False
    pk = keys[PK_OF[name]] if spec.pk_kwarg == "pk" else None
    model = apps.get_model(spec.model)
    author = model._base_manager.filter(pk=pk).values_list(spec.author, flat=True)
    return author.first() == user.pk


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["collaborator", "leader", "staff"])
def test_every_page_shown_records_one_read_and_nothing_else_does(world, persona):
    """GET and POST (with nothing filled in) every pattern the persona reaches.

    An audited pattern that shows a page, a file or an export, or renders its
    object again on a refused POST (400, 409), records one read, unless the
    persona is the object's author; every other answer records none.
    """
    personas, keys = world
    user = personas[persona]
    client = _signed_in(user)
    if persona == "staff":
        _seed_import(user)
    letter = {"collaborator": "C", "leader": "L", "staff": "S"}[persona]
    views = audited_views()
    problems = []
    recorded = set()
    for _route, name, kwargs in PATTERNS:
        if name not in REACH or letter not in REACH[name].partition(" ")[0]:
            continue
        if name in ("logout", "account-sessions-sign-out"):
            continue  # would end the walk's session
        url = _url(name, kwargs, keys)
        spec = views.get(name)
        for method in ("get", "post"):
            response, reads = _request_reads(client, method, url)
            expected = int(
                spec is not None
                and _shows_a_page(method, response)
                and not _is_author(spec, name, kwargs, keys, user)
            )
            if reads != expected:
                problems.append(
                    f"{method.upper()} {url} ({name}): {response.status_code}, "
                    f"{reads} reads recorded, expected {expected}"
                )
            if reads:
                recorded.add(name)
    assert problems == [], "\n".join(problems)
    assert recorded, "the walk recorded no read at all"
