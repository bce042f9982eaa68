"""``make test``'s two workers keep each group of tests together.

conftest.py puts a module's tests in one xdist group (its module fixtures, such
as the seeded demo, are built once) and every test on the broker in another;
``dluan/tests/test_replica.py`` has its own, since its tests start and stop one
standby. pytest-xdist's ``--dist loadgroup`` names the group in each test's id
on the worker: when it does not (pytest 9 with pytest-xdist 3.8), tests of a
group run on both workers at once.
"""

import os

import pytest


def test_a_module_runs_on_one_worker(request):
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        pytest.skip("runs under pytest-xdist only (make test)")
    assert request.node.nodeid.endswith("@tests/test_xdist_groups.py")


def test_the_longest_modules_are_handed_out_first(request):
    """tests/support/order.py: bench modules, then browser modules, then the rest."""

    def rank(item) -> int:
        if item.get_closest_marker("bench"):
            return 0
        return 1 if item.get_closest_marker("browser") else 2

    modules: dict[str, int] = {}
    for item in request.session.items:
        module = item.nodeid.split("::")[0]
        modules[module] = min(rank(item), modules.get(module, 2))
    first_seen: list[str] = []
    for item in request.session.items:
        module = item.nodeid.split("::")[0]
        if module not in first_seen:
            first_seen.append(module)
    ranks = [modules[module] for module in first_seen]
    assert ranks == sorted(ranks), list(zip(first_seen, ranks, strict=True))
