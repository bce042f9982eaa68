"""What a bench run carries (the options, the server, the figures) and records.

Every part of ``bench/run.py`` takes the ``Bench``; the job benches of
``bench/pages.py`` call its ``record``, ``sample`` and ``manage``.
"""

import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


class BenchError(Exception):
    """Something the bench cannot measure around: it stops and says what."""


class PageError(BenchError):
    """A page did not answer 200: that page is left out, the run goes on and fails."""


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    floor: float | None
    ratio: float | None
    target: float | None
    ok: bool | None


@dataclass
class Bench:
    """What a page or job bench needs: the options, the server, and ``record``."""

    smoke: bool
    requests: int
    warmup: int
    only: re.Pattern | None
    base_url: str = ""
    env: dict = field(default_factory=dict)
    workdir: Path = Path()
    sessions: dict = field(default_factory=dict)  # persona key -> requests.Session
    objects: dict = field(default_factory=dict)  # persona key -> {name: id}
    figures: list[Figure] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # make the run exit 1

    def wants(self, name: str) -> bool:
        return self.only is None or bool(self.only.search(name))

    def record(
        self,
        name: str,
        value: float,
        unit: str,
        floor: float | None = None,
        target: float | None = None,
    ) -> Figure:
        """Add a figure; ``ok`` is ``value <= target`` (no target in smoke runs)."""
        if self.smoke:
            target = None
        ratio = value / floor if floor else None
        figure = Figure(
            name=name,
            value=round(value, 3),
            unit=unit,
            floor=None if floor is None else round(floor, 3),
            ratio=None if ratio is None else round(ratio, 3),
            target=target,
            ok=None if target is None else value <= target,
        )
        self.figures.append(figure)
        return figure

    def sample(self, run, count: int | None = None) -> list[float]:
        """Milliseconds of ``count`` calls of ``run()`` (``requests`` by default),
        after the warm-up calls; for job benches timing work and its floor."""
        for _ in range(self.warmup):
            run()
        times = []
        for _ in range(count or self.requests):
            started = time.perf_counter()
            run()
            times.append((time.perf_counter() - started) * 1000)
        return times

    def manage(self, *args: str, echo: str = "") -> None:
        """Run ``manage.py`` with the bench environment; lines echoed with a prefix."""
        command = [sys.executable, str(ROOT / "manage.py"), *args]
        with subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ) as process:
            output = []
            for line in process.stdout:
                output.append(line)
                if echo:
                    print(f"  {echo}: {line.rstrip()}", flush=True)
        if process.returncode:
            tail = "".join(output[-30:])
            raise BenchError(f"manage.py {' '.join(args)} failed:\n{tail}")


def log(message: str) -> None:
    print(message, flush=True)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    rank = 0.95 * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def peak_mb() -> float:
    """This process's largest resident set since it started its program, in MB.

    ``VmHWM`` belongs to the process's own memory map, made anew by ``exec``;
    ``ru_maxrss`` is not: Linux carries the parent's resident size at the fork
    into it, so a bench job run from a bench grown to 160 MB would read 160 MB.
    """
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("/proc/self/status has no VmHWM")
