# A report's town follows from its unit. Said beside the scope's list of units, the
# town made PostgreSQL multiply two selectivities that are one: it took a town's
# 20,000 reports for 400 and chose its plans for them (a town's search sorted
# every report of the town instead of reading the words' index). Extended
# statistics tell it that the unit decides the town.

from django.db import migrations


def create_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE STATISTICS IF NOT EXISTS report_unit_town (dependencies) "
        "ON unit_id, town_id FROM reports_opinionreport"
    )
    schema_editor.execute("ANALYZE reports_opinionreport")


def drop_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP STATISTICS IF EXISTS report_unit_town")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0014_direction_recent"),
    ]

    operations = [
        migrations.RunPython(create_statistics, drop_statistics),
    ]
