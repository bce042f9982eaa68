"""The broker tests share one Redis database: every one of them, however it reaches
the broker, runs in the one xdist group, one after another."""

import pytest

from conftest import pytest_collection_modifyitems


class Collected:
    """A collected test, as far as the collection hook reads it."""

    def __init__(self, nodeid, fixturenames=(), marks=()):
        self.nodeid = nodeid
        self.fixturenames = list(fixturenames)
        self.marks = [mark.mark for mark in marks]

    def get_closest_marker(self, name):
        return next((m for m in reversed(self.marks) if m.name == name), None)

    def add_marker(self, marker):
        self.marks.append(marker.mark)

    def group(self):
        return self.get_closest_marker("xdist_group").args[0]


def test_every_test_on_the_broker_runs_in_the_broker_group():
    items = [
        Collected("a/test_worker.py::test_sends", ["transactional_db", "real_broker"]),
        # Through a fixture built on it (the worker), with no marker of its own.
        Collected("b/test_browser.py::test_journey", ["worker", "real_broker"]),
        Collected("c/test_healthz.py::test_redis", marks=[pytest.mark.broker]),
        Collected("d/test_pages.py::test_home", ["client"]),
    ]
    pytest_collection_modifyitems(None, items)
    assert [item.group() for item in items] == [
        "broker",
        "broker",
        "broker",
        "d/test_pages.py",
    ]
    assert all(item.get_closest_marker("broker") for item in items[:3])
    assert items[3].get_closest_marker("broker") is None


def test_a_broker_test_cannot_be_put_in_another_group():
    item = Collected(
        "a/test_worker.py::test_sends",
        ["real_broker"],
        marks=[pytest.mark.xdist_group("mine")],
    )
    with pytest.raises(pytest.UsageError, match="broker"):
        pytest_collection_modifyitems(None, [item])
