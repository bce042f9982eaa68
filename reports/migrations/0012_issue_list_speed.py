# The issue list's default page (open issues by severity, then last seen) read in
# index order and counted from the index; the home page's overdue follow-ups read
# in due-date order from the unanswered ones.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dluan", "0008_api_token"),
        ("reports", "0011_queue_speed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="followup",
            name="followup_overdue",
        ),
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(
                condition=models.Q(("responded_on__isnull", True)),
                fields=["due_date", "id"],
                name="followup_open_due",
            ),
        ),
        migrations.AddIndex(
            model_name="issue",
            index=models.Index(
                condition=models.Q(
                    ("status__in", ["resolved", "closed"]), _negated=True
                ),
                fields=["-severity", "-last_seen", "-id"],
                include=("unit",),
                name="issue_open_rank",
            ),
        ),
    ]
