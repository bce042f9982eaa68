"""/healthz answers even when the broker accepts connections and never replies."""

import socket
import threading

from django.db import connection as db_connection
from django.test import Client
from django.urls import reverse


def test_healthz_is_503_for_a_broker_that_never_answers(db, settings):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel accepts; nobody ever replies
        settings.CELERY_TASK_ALWAYS_EAGER = False
        settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{silent.getsockname()[1]}/6"
        answers = []

        def ask():
            try:
                answers.append(Client().get(reverse("healthz")))
            finally:
                db_connection.close()

        probe = threading.Thread(target=ask, daemon=True)
        probe.start()
        # A hang detector, not a timing: the check gives up after about 2 s.
        probe.join(timeout=30)
    assert answers, "/healthz hung on a broker that never answers"
    assert answers[0].status_code == 503
    assert answers[0].json()["broker"] == "error"
