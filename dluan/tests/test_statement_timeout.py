"""Web requests cannot hold the database past the statement timeout."""

import pytest
from django.db import connection
from django.http import HttpResponse
from django.urls import path

from dluan import urls as project_urls
from dluan.db import configure_web_connection, enable_for_web
from dluan.tests.factories import UserFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's"
)


def slow_view(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(5)")
    return HttpResponse("finished")


urlpatterns = [path("slow/", slow_view), *project_urls.urlpatterns]


@pytest.fixture
def short_timeout(settings):
    settings.DATABASE_STATEMENT_TIMEOUT_MS = 200
    configure_web_connection(connection=connection)
    yield
    with connection.cursor() as cursor:
        cursor.execute(
            "RESET statement_timeout; RESET jit; RESET max_parallel_workers_per_gather"
        )


@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("dluan.tests.test_statement_timeout")
def test_a_runaway_query_gets_a_clear_page_not_a_dead_worker(client, short_timeout):
    user = UserFactory(username="canbo_cham")
    client.force_login(user)
    response = client.get("/slow/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Trang này mất quá nhiều thời gian" in page
    assert "finished" not in page
    # The connection is usable again for the next request.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


@pytest.mark.django_db(transaction=True)
def test_web_connections_get_the_limit_no_jit_and_no_parallel_query(settings):
    settings.DATABASE_STATEMENT_TIMEOUT_MS = 7000
    enable_for_web()
    connection.close()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone() == ("7s",)
            cursor.execute("SHOW jit")
            assert cursor.fetchone() == ("off",)
            cursor.execute("SHOW max_parallel_workers_per_gather")
            assert cursor.fetchone() == ("0",)
    finally:
        from django.db.backends.signals import connection_created

        connection_created.disconnect(dispatch_uid="web-db")
        connection.close()
