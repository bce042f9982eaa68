from django.db import migrations

from dluan.migration_ops import TrigramIndex


class Migration(migrations.Migration):
    dependencies = [("dluan", "0001_initial")]

    operations = [
        TrigramIndex("orgunit", "search_text", "dluan_orgunit_search_trgm"),
    ]
