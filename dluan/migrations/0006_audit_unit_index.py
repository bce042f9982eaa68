"""The audit trail read by unit, newest first (``dluan.audit.trail``).

django-auditlog's table is the library's; the unit an entry is about lives in its
``additional_data``. This index on that unit and the time serves a commune's or a
town's trail without walking the whole table's time index.
"""

from django.db import migrations, models
from django.db.models import BigIntegerField, F
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

INDEX_NAME = "audit_unit_time"


def _index():
    # The same expression as dluan.audit.UNIT, which the trail filters by.
    unit = Cast(KeyTextTransform("unit", "additional_data"), BigIntegerField())
    return models.Index(unit, F("timestamp"), name=INDEX_NAME)


def create(apps, schema_editor):
    schema_editor.add_index(apps.get_model("auditlog", "LogEntry"), _index())


def drop(apps, schema_editor):
    schema_editor.remove_index(apps.get_model("auditlog", "LogEntry"), _index())


class Migration(migrations.Migration):
    dependencies = [
        ("auditlog", "0017_add_actor_email"),
        ("dluan", "0005_unsent_tasks"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
