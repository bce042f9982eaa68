"""Jobs run below the web: a worker process (and compile_summary) lowers its own
CPU priority to WORKER_NICE, so pages stay quick while a province's summary compiles."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PROBE = (
    "import os, django; django.setup(); "
    "from dluan.celery import lower_priority; "
    "before = os.nice(0); lower_priority(); print(os.nice(0) - before)"
)


def _raised_by(value: str) -> int:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dluan.settings",
        "WORKER_NICE": value,
    }
    env.update(DEBUG="1")
    out = subprocess.run(  # noqa: S603 (our own code, fixed arguments)
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout.strip().splitlines()[-1])


def test_a_worker_process_gives_the_web_the_cpu_first():
    if os.nice(0) > 19 - 7:
        raise AssertionError("the test runs at too low a priority to see a change")
    assert _raised_by("7") == 7
    assert _raised_by("0") == 0
