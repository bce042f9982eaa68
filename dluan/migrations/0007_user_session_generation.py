"""A session generation on each user: "sign out everywhere", a suspension or a
dismissal raise it, and every session whose hash carries the old one ends.

Generation 0 hashes as Django does, so no one is signed out by this migration.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dluan", "0006_audit_unit_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="session_generation",
            field=models.PositiveIntegerField(db_default=0, default=0, editable=False),
        ),
    ]
