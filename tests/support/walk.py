"""The URL walk's policy, its world and its requests, for the walk's test modules
(``tests/test_access_walk.py``: who reaches what; ``tests/test_access_walk_audit.py``:
what the audit trail records).

``PATTERNS`` comes from the resolver, so a view added tomorrow is walked too. The
``world`` fixture builds the personas and one object of every kind a URL takes,
once for each module that uses it, inside a transaction rolled back at its end.
"""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from collaborators.models import Collaborator, ImportDraft, TrainingAttendance
from collaborators.spreadsheets import Sheet
from collaborators.tests.factories import RegulationFactory, TrainingSessionFactory
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
from surveys.models import PersonalLink
from tests.support.walk_surveys import survey_world

# Not walked here, and why.
SKIPPED = {
    "admin/": "Django's admin: superusers only, checked in tests/test_admin.py",
    "static/": "static files: public assets, no data",
}

# Pages anyone may open without signing in.
PUBLIC = {
    "healthz",
    # A survey's public link and personal links (tests in surveys/tests/).
    "answer:online",
    "answer:thanks",
    "answer:personal",
    "login",
    "login-verify",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    # nginx's page for a body over its limit (deploy/nginx): anyone may meet it.
    "error-413",
    # The installable app (dluan/views/offline.py): the worker, the manifest and
    # the outbox's shell open signed out too (a session that ended offline).
    "service-worker",
    "webmanifest",
    "outbox",
}

# The API's URL names (in the namespace ``api``), but its documentation page.
API_RESOURCES = (  # noqa: SIM905 (a name a line would be 15 lines)
    "unit-list schema reports:period-list reports:topic-list reports:report-list "
    "reports:report-detail reports:issue-list reports:issue-detail reports:discipline "
    "summaries:summary-list summaries:summary-detail surveys:survey-list "
    "surveys:survey-detail surveys:survey-results surveys:response-list"
).split()

# Who reaches each pattern: C the collaborator (their own work), L a leader of
# the town, S board staff of the town. "P": the view answers POST only, "G": GET
# only (the other method may get 405, whoever sends it).
# Staff of another town reach none of the town's objects (see TOWN_OBJECTS).
REACH = {
    # --- Everyone signed in, about themselves
    "home": "CLS",
    # What the phone asks before sending, and the pages it keeps (none but a
    # collaborator's); signed out, 401 (API_401)
    "offline-state": "CLS G",
    "offline-pages": "CLS G",
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
    # --- Surveys: designed and reviewed by staff, read by leaders, interviews
    # made by the collaborators assigned to them
    "surveys:survey-list": "CLS",
    "surveys:survey-create": "S",
    "surveys:survey-detail": "CLS",
    "surveys:survey-edit": "S",
    "surveys:survey-status": "S P",
    "surveys:questionnaire": "LS",
    "surveys:question-create": "S",
    "surveys:question-edit": "S",
    "surveys:question-delete": "S",
    "surveys:question-move": "S P",
    "surveys:preview": "LS",
    "surveys:xlsform-import": "S",
    "surveys:xlsform-export": "LS",
    "surveys:bank-list": "S",
    "surveys:bank-create": "S",
    "surveys:bank-detail": "S",
    "surveys:bank-copy": "S",
    "surveys:population": "LS",
    "surveys:population-upload": "S P",
    "surveys:plan": "LS",
    "surveys:assignments": "S",
    "surveys:quota-fill": "LS G",
    "surveys:interview-list": "C",
    "surveys:interview-new": "C G",
    "surveys:interview-form": "C",
    "surveys:interview-offline": "C",
    "surveys:online-link": "LS",
    "surveys:link-list": "S",
    "surveys:link-slips": "S",
    "surveys:response-list": "LS",
    "surveys:response-bulk": "S P",
    "surveys:response-detail": "LS",
    "surveys:response-review": "S P",
    "surveys:weights": "LS",
    "surveys:results": "LS",
    "surveys:crosstab": "LS",
    "surveys:text-answers": "LS G",
    "surveys:bank-trend": "LS",
    "surveys:report-edit": "LS",
    "surveys:report-approve": "S P",
    "surveys:report-download": "LS",
    "surveys:response-export": "LS",
    # --- The read-only API (dluan/api/, <app>/api.py): staff and leaders; any
    # method but GET, HEAD and OPTIONS is 405
    **{f"api:{name}": "LS G" for name in API_RESOURCES},
    "api:docs": "LS",
}

# The API's resources and the phone's questions (static/js/outbox-store.js) answer
# a request without credentials 401, not the sign-in page; the API's docs are a page.
API_401 = {f"api:{name}" for name in API_RESOURCES} | {"offline-state", "offline-pages"}

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
    **{
        name: "survey"
        for name in REACH
        if name.startswith("surveys:")
        and name not in ("surveys:survey-list", "surveys:survey-create")
        and not name.startswith("surveys:bank-")
    },
    "surveys:bank-copy": "survey",
    "api:reports:report-detail": "report",
    "api:reports:issue-detail": "issue",
    "api:summaries:summary-detail": "summary",
    "api:surveys:survey-detail": "survey",
    "api:surveys:survey-results": "survey",
    "api:surveys:response-list": "survey",
}
OTHER_KWARGS = {
    "report_pk": "report",
    "item_pk": "agenda_item",
    "action_pk": "action",
    "token": "import_token",
    "kind": "summary_file",
    "uidb64": "reset_uid",
    "question_pk": "question",
    "response_pk": "response",
    "client_id": "client_id",
    "bank_pk": "bank_question",
    "key": "survey_key",
    "link_token": "link_token",
    "fmt": "export_format",
    "doc_format": "report_format",
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
    "survey",
    "question",
    "response",
    "client_id",
    "bank_question",
}
IMPORT_TOKEN = "walk-import-token"

# Tables a refused request may write to: the session (its messages) and the
# request's own trace. Anything else written is a change of someone's data.
TRACE_TABLES = ("django_session", "dluan_usersession", "auditlog_", "axes_")

# The letter that stands for each walked persona in ``REACH``.
PERSONA_LETTER = {"collaborator": "C", "leader": "L", "staff": "S"}


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


# --- The world ----------------------------------------------------------------------


def build_world():
    """The conftest personas (same names and units, built once for a module) and
    one object of every kind a URL takes, in their town."""
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
    objects.update(survey_world(town, commune, staff, record, user))
    keys = {name: obj.pk for name, obj in objects.items()}
    keys.update(import_token=IMPORT_TOKEN, summary_file="xlsx", reset_uid="MQ")
    survey = objects["survey"]
    keys.update(
        client_id=str(objects["draft_response"].client_id),
        survey_key=survey.public_key,
        link_token=PersonalLink.objects.get(survey=survey).token,
        export_format="csv",
        report_format="docx",
    )
    personas = {
        "collaborator": user,
        "staff": staff,
        "other_staff": other_staff,
        "leader": leader,
    }
    return personas, keys


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for each module using it, in a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


# --- Walking --------------------------------------------------------------------------


def url_for(name: str, kwargs: list[str], keys: dict) -> str:
    values = {}
    for kwarg in kwargs:
        if kwarg == "pk":
            values[kwarg] = keys[PK_OF[name]]
        elif kwarg == "token" and name == "password_reset_confirm":
            values[kwarg] = "set-password"
        else:
            values[kwarg] = keys[OTHER_KWARGS[kwarg]]
    return reverse(name, kwargs=values)


def carries_town_object(name: str, kwargs: list[str]) -> bool:
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


def rolled_back_request(client, method: str, url: str):
    """One request in a savepoint rolled back after it: no request sees another's.

    Returns the response and the tables it wrote to.
    """
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url)
        transaction.set_rollback(True)
    return response, _writes(queries.captured_queries)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def seed_import(user) -> None:
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
