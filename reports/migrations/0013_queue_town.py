# The review queue of a town in its order, from an index keyed on the town: the
# province's order passed over every other town's reports to fill a town's page.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("collaborators", "0009_importdraft"),
        ("dluan", "0008_api_token"),
        ("reports", "0012_issue_list_speed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="opinionreport",
            index=models.Index(
                fields=["town", "-urgency", "submitted_at", "id"],
                include=("unit", "status", "period"),
                name="report_queue_town",
            ),
        ),
    ]
