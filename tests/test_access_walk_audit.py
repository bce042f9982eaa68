"""What the audit trail records, walking every URL pattern of the project.

Every pattern either records who read it (``VIEWS`` in an app's ``audit.py``) or
is named in ``NOT_AUDITED`` with the reason it shows no protected object; each
page a persona reaches records exactly its reads. The patterns, the policy and
the world are the reach walk's (``tests/support/walk.py``).
"""

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.db import transaction

from dluan.audit import audited_views
from tests.support.walk import (
    PATTERNS,
    PERSONA_LETTER,
    PK_OF,
    PUBLIC,
    REACH,
    seed_import,
    signed_in,
    url_for,
)

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
_SURVEY_DESIGN = "a survey's settings and questionnaire: the board's design, no answer"
_SAMPLE = "the sample plan, quotas, links and their fill: counts, no answer"
_RESULTS = "aggregate figures, small cells hidden: no respondent's answers"
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
    # The installable app: the worker, the manifest and the outbox's shell are in
    # PUBLIC (nothing personal; the outbox is filled on the phone).
    "offline-state": "the signed-in person's opaque key and a CSRF token",
    "offline-pages": "the addresses a collaborator's phone keeps: " + _LIST,
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
    **dict.fromkeys(
        [
            "surveys:survey-list",
            "surveys:bank-list",
            "surveys:response-list",
            "surveys:interview-list",
            "surveys:link-list",
        ],
        _LIST,
    ),
    **dict.fromkeys(
        ["surveys:survey-create", "surveys:question-create", "surveys:bank-create"],
        _BLANK_FORM,
    ),
    "surveys:interview-new": "redirects to a new blank interview form",
    "surveys:interview-form": "the interviewer's own form: only its author reaches it",
    "surveys:interview-offline": (
        "a blank interview form for a new respondent, kept by the phone"
    ),
    **dict.fromkeys(
        [
            "surveys:survey-status",
            "surveys:question-move",
            "surveys:population-upload",
            "surveys:response-bulk",
            "surveys:report-approve",
        ],
        _REDIRECTS,
    ),
    **dict.fromkeys(
        [
            "surveys:survey-detail",
            "surveys:survey-edit",
            "surveys:questionnaire",
            "surveys:question-edit",
            "surveys:question-delete",
            "surveys:preview",
            "surveys:xlsform-import",
            "surveys:xlsform-export",
            "surveys:bank-detail",
            "surveys:bank-copy",
        ],
        _SURVEY_DESIGN,
    ),
    **dict.fromkeys(
        [
            "surveys:population",
            "surveys:plan",
            "surveys:assignments",
            "surveys:quota-fill",
            "surveys:online-link",
            "surveys:link-slips",
            "surveys:weights",
        ],
        _SAMPLE,
    ),
    **dict.fromkeys(
        ["surveys:results", "surveys:crosstab", "surveys:bank-trend"], _RESULTS
    ),
    # The API: each resource as its page (reports/, summaries/, surveys/ audit.py
    # record a report, a summary, and lists of reports and responses).
    "api:unit-list": "org units: the names of the tree, no protected object",
    **dict.fromkeys(["api:schema", "api:docs"], "the API's description: no data"),
    **dict.fromkeys(["api:reports:period-list", "api:reports:topic-list"], _SETUP),
    **dict.fromkeys(["api:reports:issue-list", "api:reports:issue-detail"], _ISSUE),
    **dict.fromkeys(
        ["api:reports:discipline", "api:summaries:summary-list"],
        "figures and lists, as their pages: " + _LIST,
    ),
    **dict.fromkeys(
        ["api:surveys:survey-list", "api:surveys:survey-detail"], _SURVEY_DESIGN
    ),
    "api:surveys:survey-results": _RESULTS,
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
    client = signed_in(user)
    if persona == "staff":
        seed_import(user)
    letter = PERSONA_LETTER[persona]
    views = audited_views()
    problems = []
    recorded = set()
    for _route, name, kwargs in PATTERNS:
        if name not in REACH or letter not in REACH[name].partition(" ")[0]:
            continue
        if name in ("logout", "account-sessions-sign-out"):
            continue  # would end the walk's session
        url = url_for(name, kwargs, keys)
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
