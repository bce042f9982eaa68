"""The benchmark's smoke run (`bench/run.py --smoke`), so `make bench` cannot rot.

It seeds its own small PostgreSQL database (dropped first), serves it through
gunicorn and runs a short load run: no targets, only that every figure comes out.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import pages as catalogue
from bench import surveys as survey_bench

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.bench


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def test_bench_smoke_run_writes_every_figure(tmp_path):
    output = tmp_path / "results.json"
    command = [sys.executable, str(ROOT / "bench" / "run.py"), "--smoke"]
    result = subprocess.run(  # noqa: S603 (our own runner, fixed arguments)
        [*command, "--output", str(output)],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]

    results = json.loads(output.read_text())
    assert results["scale"] == "small"
    assert set(results["machine"]) == {"cores", "python", "postgres"}
    figures = {figure["name"]: figure for figure in results["figures"]}
    expected = {
        f"{catalogue.PERSONAS[key][0]} · {page.label} · {stat}"
        for page in catalogue.PAGES
        for key in page.personas
        for stat in ("median", "p95")
    }
    assert expected <= set(figures), sorted(expected - set(figures))
    for name in expected:
        figure = figures[name]
        assert figure["unit"] == "ms"
        assert _number(figure["value"]) and figure["value"] > 0, figure
        assert _number(figure["floor"]) and _number(figure["ratio"]), figure
        assert figure["target"] is None and figure["ok"] is None, figure

    load = {
        name.rsplit(" · ", 1)[1]: figure
        for name, figure in figures.items()
        if name.startswith("load · ")
    }
    assert set(load) == {
        "throughput",
        "report submission p95",
        "errors",
        "reports lost",
    }
    assert all(_number(figure["value"]) for figure in load.values()), load
    assert load["throughput"]["value"] > 0
    assert load["errors"]["value"] == 0
    assert load["reports lost"]["value"] == 0
    # The surveys' pages, jobs and load run (bench/surveys.py, bench/survey_load.py).
    survey_pages = {
        name
        for name in figures
        if " · survey " in name or " · public survey page" in name
    }
    medians = [n for n in survey_pages if n.endswith(" · median")]
    # Each page for each of its personas, and the public page for anonymous.
    assert len(medians) == len(survey_bench.PAGES) * len(survey_bench.PERSONAS) + 1

    for prefix in (
        "job · survey results computed afresh",
        "job · survey weights, raking",
        "job · survey .sav export, ",
        "job · survey .sav export peak memory",
        "job · survey .xlsx export, ",
        "job · survey .xlsx export peak memory",
    ):
        found = [f for name, f in figures.items() if name.startswith(prefix)]
        assert len(found) == 1 and _number(found[0]["value"]), prefix
    survey_load = {
        name.rsplit(" · ", 1)[1]: figure
        for name, figure in figures.items()
        if name.startswith("survey load · ")
    }
    assert set(survey_load) == {
        "throughput",
        "answer submission p95",
        "errors",
        "answers lost",
        "answers counted twice",
    }
    assert survey_load["throughput"]["value"] > 0
    assert survey_load["errors"]["value"] == 0
    assert survey_load["answers lost"]["value"] == 0
    assert survey_load["answers counted twice"]["value"] == 0
    assert (output.with_suffix(".md")).exists()
