from django.db import migrations

from dluan.migration_ops import TrigramIndex


class Migration(migrations.Migration):
    dependencies = [("collaborators", "0002_initial")]

    operations = [
        TrigramIndex("collaborator", "search_text", "collab_search_trgm"),
    ]
