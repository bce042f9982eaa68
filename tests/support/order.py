"""The order pytest-xdist hands out the suite's groups in: the longest first.

pytest-django sorts the tests as Django does (database tests, then transactional
ones, then those without a database), which put the one-test bench smoke run
(about 100 s, no database of the suite's own) last, alone on a worker while the
other waited. After that sort, the modules of the bench and browser tests (the
longest, a test each of tens of seconds) go first, each keeping its order; `make
test` hands out groups in this order (``--no-loadscope-reorder``), so the short
modules fill in at the end.
"""

import pytest


def _module(item) -> str:
    return item.nodeid.split("::")[0]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Bench modules, then browser modules, then the rest; a stable sort."""
    rank = {}
    for item in items:
        for place, marker in enumerate(("bench", "browser")):
            if item.get_closest_marker(marker):
                rank[_module(item)] = min(place, rank.get(_module(item), place))
    items.sort(key=lambda item: rank.get(_module(item), 2))
