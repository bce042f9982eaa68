# The leaders' home page lists the newest directions in their unit: read in
# index order rather than sorting every direction joined to its issue.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0013_queue_town"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="direction",
            index=models.Index(
                fields=["-created_at", "-id"], name="report_direction_recent"
            ),
        ),
    ]
