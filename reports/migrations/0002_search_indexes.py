from django.db import migrations

from dluan.migration_ops import TrigramIndex


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [
        TrigramIndex("opinionreport", "search_text", "report_search_trgm"),
        TrigramIndex("issue", "search_text", "issue_search_trgm"),
        TrigramIndex("topic", "search_text", "topic_search_trgm"),
    ]
