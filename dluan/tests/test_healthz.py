import pytest
from django.urls import reverse


def test_healthz_answers_ok_when_the_database_answers_and_tasks_run_inline(
    client, db, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "inline"}


def test_healthz_is_503_when_the_configured_broker_does_not_answer(
    client, db, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"] == "error"
    assert response.json()["database"] == "ok"


@pytest.mark.broker
def test_healthz_reports_the_real_broker(client, db, settings, real_broker):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = real_broker.url
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


def test_healthz_refuses_post(client, db):
    assert client.post(reverse("healthz")).status_code == 405
