# The review queue's newest page without a review filter, read from an index in
# its order rather than sorted from every submitted response of the survey.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0002_response_content_digest"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="response",
            index=models.Index(
                fields=["survey", "state", "-submitted_at", "-id"],
                name="surveys_resp_newest",
            ),
        ),
    ]
