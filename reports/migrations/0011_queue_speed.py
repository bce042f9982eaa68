"""A report's town, and one index on the town and the words for a town's search.

A town's search for common words ("khai thac cat") read every match in the
province from the trigram index and then dropped the other towns' rows. The
index on (town, words) reads only the town's matches. It serves a search
without a town too, so it replaces the trigram index on the words alone.
"""

import django.db.models.deletion
from django.db import migrations, models


def fill_towns(apps, schema_editor):
    OrgUnit = apps.get_model("dluan", "OrgUnit")
    OpinionReport = apps.get_model("reports", "OpinionReport")
    units_by_town = {}
    for pk, path in OrgUnit.objects.values_list("pk", "path"):
        ids = [int(part) for part in path.strip("/").split("/") if part]
        if len(ids) > 1:
            units_by_town.setdefault(ids[1], []).append(pk)
    for town, unit_ids in units_by_town.items():
        OpinionReport.objects.filter(unit_id__in=unit_ids).update(town_id=town)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS report_town_search ON reports_opinionreport "
        "USING gin (town_id, search_text gin_trgm_ops)"
    )
    schema_editor.execute("DROP INDEX IF EXISTS report_search_trgm")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS report_search_trgm ON reports_opinionreport "
        "USING gin (search_text gin_trgm_ops)"
    )
    schema_editor.execute("DROP INDEX IF EXISTS report_town_search")


class Migration(migrations.Migration):
    dependencies = [
        ("dluan", "0008_api_token"),
        ("reports", "0010_report_client_id"),
    ]

    operations = [
        migrations.AddField(
            model_name="opinionreport",
            name="town",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="dluan.orgunit",
            ),
        ),
        migrations.RunPython(fill_towns, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_index, drop_index),
    ]
