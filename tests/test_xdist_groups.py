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
