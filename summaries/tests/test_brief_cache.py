"""The summary page keeps its drawn brief only while what the brief reads is the
same: the text (every edit and the approval raise the revision), the unit's name
and the reader's language."""

import pytest
from django.core.cache import cache

from summaries import services
from summaries.models import Summary
from summaries.tests.helpers import url


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _brief(client, summary) -> str:
    response = client.get(url("summary-detail", summary))
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index('data-testid="brief"')
    return page[start : page.index("</article>", start)]


def test_an_edit_shows_at_once(client_of, staff, draft):
    client = client_of(staff)
    assert "Bờ sông Bồ sạt lở nặng" not in _brief(client, draft)
    services.summary_edit(
        summary=draft, user=staff, data={"forecast": "Bờ sông Bồ sạt lở nặng."}
    )
    assert "Bờ sông Bồ sạt lở nặng." in _brief(client, draft)


def test_the_approval_shows_at_once(client_of, staff, leader, draft):
    client = client_of(staff)
    before = _brief(client, draft)
    services.summary_approve(summary=draft, user=staff)
    after = _brief(client, draft)
    # A draft marks the sections still to write; the approved brief does not.
    assert after != before
    assert _brief(client_of(leader), draft) == after


def test_a_renamed_unit_shows_at_once(client_of, staff, draft):
    # With no recipients typed in, the brief names the unit's party committee.
    Summary.objects.filter(pk=draft.pk).update(recipients="")
    client = client_of(staff)
    assert "Thị ủy" in _brief(client, draft)
    draft.unit.name = "Huyện Hương Trà"
    draft.unit.save()
    assert "Huyện ủy" in _brief(client, draft)


def test_each_language_gets_its_own_brief(client_of, staff, draft):
    client = client_of(staff)
    vietnamese = _brief(client, draft)
    staff.language = "en"
    staff.save()
    english = _brief(client_of(staff), draft)
    assert vietnamese != english
    assert "Forecast" in english
    assert "Forecast" not in vietnamese
