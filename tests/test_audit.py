"""Every change to what users save is recorded with who and when."""

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.urls import reverse

from dluan.models import OrgUnit

# Rows that are themselves a record of who did what and when (append-only event
# logs, a notification's read time, a session's sign-in, a code's giving and use,
# whose hash must not be copied into the trail) would only repeat the trail.
NOT_AUDITED = {
    "dluan.Notification",
    "reports.ReportEvent",
    "dluan.UserSession",
    "dluan.SignInCode",
    # A message waiting for the broker; the work it carries is audited where it lives.
    "dluan.UnsentTask",
    # An uploaded roster waiting for its import (megabytes of rows the trail would
    # copy); the import itself is audited on each collaborator it creates.
    "collaborators.ImportDraft",
}


def test_every_product_model_is_audited():
    missing = []
    for label in ("dluan", "collaborators", "reports", "meetings", "summaries"):
        for model in apps.get_app_config(label).get_models():
            name = f"{label}.{model.__name__}"
            if name not in NOT_AUDITED and not auditlog.contains(model):
                missing.append(name)
    assert missing == []


def test_a_change_records_who_made_it(client_of, admin_user, commune):
    client = client_of(admin_user)
    response = client.post(
        reverse("admin:dluan_orgunit_change", args=[commune.pk]),
        {
            "name": "Phường Tứ Hạ mới",
            "kind": commune.kind,
            "parent": commune.parent_id,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(commune).latest("timestamp")
    assert entry.actor == admin_user
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.changes_dict["name"] == ["Phường Tứ Hạ", "Phường Tứ Hạ mới"]
    assert OrgUnit.objects.get(pk=commune.pk).name == "Phường Tứ Hạ mới"
