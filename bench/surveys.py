"""What ``make bench`` measures of the surveys (``seed_demo --scale`` seeds them,
``surveys/scale.py``): the pages of the province's online survey of 200,000
answers and of its face-to-face survey of 5,000, the public page, the raking and
the exports. The load run of respondents is ``bench/survey_load.py``.

The pages have the targets of every page (``bench/measure.py``); the public page
is opened without signing in, against the smallest page a visitor opens (the
sign-in page) as its floor.
"""

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import pages as catalogue
from bench.core import ROOT, Bench, PageError, log
from bench.measure import login, measure_page

# Who opens the survey pages: the province's surveys are the province staff's.
PERSONAS = ("province_staff", "superuser")
PAGES = [
    ("survey results, the online survey", "/surveys/{online}/results/"),
    (
        "survey cross-tab by commune, the online survey",
        "/surveys/{online}/results/crosstab/?q={crosstab_question}&by=commune",
    ),
    ("survey quota fill, the face-to-face survey", "/surveys/{face}/quotas/"),
    ("survey list", "/surveys/"),
    ("survey review queue, the online survey", "/surveys/{online}/responses/"),
    ("survey weights, the online survey", "/surveys/{online}/weights/"),
]
PUBLIC_PAGE = ("public survey page (no sign-in)", "/s/{key}/")
PUBLIC_FLOOR = "/login/"

RAKING_TARGET = 5  # s
EXPORT_SCRIPT = ROOT / "bench" / "survey_export.py"
EXPORT_RATIO_TARGET = 1.3
EXPORT_MEMORY_TARGET = 200  # MB
EXPORT_ROUNDS = 2  # of each, alternated; the best of each is recorded


def online_survey():
    """The province's online survey, the largest open one."""
    from django.db.models import Q

    from surveys.models import Survey

    return (
        Survey.objects.filter(status=Survey.Status.OPEN, unit__parent__isnull=True)
        .filter(Q(mode=Survey.Mode.ONLINE) | Q(mode=Survey.Mode.BOTH))
        .order_by("-online_count", "pk")
        .first()
    )


def face_survey():
    """The province's face-to-face survey with the largest sample."""
    from surveys.models import Survey

    return (
        Survey.objects.filter(
            unit__parent__isnull=True,
            mode=Survey.Mode.FACE_TO_FACE,
            sample_size__isnull=False,
        )
        .order_by("-sample_size", "pk")
        .first()
    )


def survey_objects() -> dict:
    online, face = online_survey(), face_survey()
    if online is None or face is None:
        raise PageError("no province surveys to visit: was the database seeded?")
    question = (
        online.current_version.questions.filter(kind="rating").order_by("order").first()
    )
    return {
        "online": online.pk,
        "face": face.pk,
        "key": online.public_key,
        "crosstab_question": question.name,
    }


def measure_survey_pages(bench: Bench) -> None:
    names = [
        f"{catalogue.PERSONAS[key][0]} · {label}"
        for label, _path in PAGES
        for key in PERSONAS
    ] + [f"anonymous · {PUBLIC_PAGE[0]}"]
    if not any(bench.wants(name) for name in names):
        return
    try:
        objects = survey_objects()
    except PageError as error:
        bench.failures.append(str(error))
        log(f"  survey pages FAILED: {error}")
        return
    for label, path in PAGES:
        for key in PERSONAS:
            who, username = catalogue.PERSONAS[key]
            name = f"{who} · {label}"
            if not bench.wants(name):
                continue
            session = bench.sessions.get(key)
            if session is None:
                session = bench.sessions[key] = login(bench.base_url, username)
            _measure(bench, session, name, path.format(**objects), username)
    name = f"anonymous · {PUBLIC_PAGE[0]}"
    if bench.wants(name):
        import requests

        _measure(
            bench,
            requests.Session(),
            name,
            PUBLIC_PAGE[1].format(**objects),
            "anonymous",
            floor_path=PUBLIC_FLOOR,
        )


def _measure(bench, session, name, path, who, floor_path=catalogue.FLOOR_PATH):
    try:
        measure_page(
            bench, session, name, bench.base_url + path, who, floor_path=floor_path
        )
    except PageError as error:
        bench.failures.append(str(error))
        log(f"  {name:<62} FAILED: {error}")


# --- Job benches ----------------------------------------------------------------------


def survey_raking(bench: Bench) -> None:
    """Weighing the province's online survey to the population of every commune
    (raking: its cells are too small for post-stratification)."""
    from django.core.exceptions import ValidationError

    try:
        from surveys.services.weighting import survey_weigh
    except ImportError:
        bench.failures.append("survey raking: surveys.services.weighting is missing")
        return
    survey = online_survey()
    if survey is None:
        bench.failures.append("survey raking: no online survey seeded")
        return
    results = []

    def weigh():
        started = time.perf_counter()
        results.append(survey_weigh(survey=survey))
        return time.perf_counter() - started

    try:
        weigh()  # warm-up: the planner and the caches
        times = [weigh() for _ in range(1 if bench.smoke else 3)]
    except ValidationError as error:
        bench.failures.append(f"survey raking: {' '.join(error.messages)}")
        return
    result = results[-1]
    times.sort()
    log(
        f"  {result.method}, {result.n:,} responses, {len(result.cells):,} cells, "
        f"{result.iterations} iterations, deff {result.deff:.2f}"
    )
    bench.record(
        f"job · survey weights, {result.method} of {result.n:,} online answers "
        f"to {len(result.cells):,} cells",
        times[len(times) // 2],
        "s",
        target=RAKING_TARGET,
    )


def survey_results_afresh(bench: Bench) -> None:
    """The online survey's figures computed afresh, as after a review or a
    weighting: the results page answers from the cache until the next one."""
    import statistics

    from django.db.models import F

    from surveys.models import Survey
    from surveys.selectors.results import survey_results

    survey = online_survey()
    if survey is None:
        bench.failures.append("survey results: no online survey seeded")
        return
    times = []
    for _run in range(1 if bench.smoke else 3):
        Survey.objects.filter(pk=survey.pk).update(
            results_version=F("results_version") + 1
        )
        survey.refresh_from_db()
        started = time.perf_counter()
        survey_results(survey)
        times.append(time.perf_counter() - started)
    bench.record(
        f"job · survey results computed afresh, {survey.online_count:,} online "
        "answers (then cached)",
        statistics.median(times),
        "s",
    )


def _export_run(bench, mode: str, survey_id: int) -> dict | None:
    with tempfile.TemporaryDirectory(prefix="dluan-survey-") as workdir:
        done = subprocess.run(
            [
                sys.executable,
                str(EXPORT_SCRIPT),
                mode,
                str(survey_id),
                str(Path(workdir) / "out"),
            ],
            cwd=ROOT,
            env=bench.env,
            capture_output=True,
            text=True,
        )
    if done.returncode:
        bench.failures.append(
            f"survey export: the {mode} run failed:\n{done.stderr[-3000:]}"
        )
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def survey_exports(bench: Bench) -> None:
    """The .sav and .xlsx of the online survey's approved responses, each against
    its writer alone (pyreadstat, the workbook writer) given the same rows already
    in memory; each run in a process of its own, for its own peak memory."""
    survey = online_survey()
    if survey is None:
        bench.failures.append("survey exports: no online survey seeded")
        return
    for fmt in ("sav", "xlsx"):
        if not bench.wants(f"survey {fmt}") and not bench.wants("survey_exports"):
            continue
        exports, floors = [], []
        for _round in range(1 if bench.smoke else EXPORT_ROUNDS):
            floors.append(_export_run(bench, f"{fmt}-floor", survey.pk))
            exports.append(_export_run(bench, fmt, survey.pk))
            if None in floors or None in exports:
                return
        floor = min(floors, key=lambda result: result["seconds"])
        export = min(exports, key=lambda result: result["seconds"])
        if export["rows"] != floor["rows"]:
            bench.failures.append(
                f"survey {fmt}: the export wrote {export['rows']} rows, "
                f"the floor {floor['rows']}"
            )
        log(
            f"  .{fmt}: {export['rows']:,} rows, {export['bytes'] / 1e6:.1f} MB, "
            f"{export['seconds']:.1f} s (writer alone {floor['seconds']:.1f} s)"
        )
        bench.record(
            f"job · survey .{fmt} export, {export['rows']:,} approved responses",
            export["seconds"],
            "s",
            floor=floor["seconds"],
            target=EXPORT_RATIO_TARGET * floor["seconds"],
        )
        bench.record(
            f"job · survey .{fmt} export peak memory",
            max(result["peak_mb"] for result in exports),
            "MB",
            target=EXPORT_MEMORY_TARGET,
        )
