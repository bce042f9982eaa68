"""The survey load run: anonymous respondents answering the province's online
survey at once, through locust (``bench/survey_locustfile.py``).

Nothing may be lost: the online responses the database gained during the run
are counted against the submissions that were answered with the thank-you page.
"""

import json
import os
import subprocess

from bench.core import BIN, ROOT, Bench, BenchError, log, p95
from bench.surveys import online_survey

LOAD_P95_TARGET = 500  # ms


def answer_plan(survey) -> list[dict]:
    """The fields a respondent fills, and the values they choose among."""
    plan = []
    for question in survey.current_version.ordered_questions():
        if question.show_if:
            continue  # the bench survey has none: an answer could be refused
        codes = [c.value for c in question.choices.all() if not c.is_other]
        field = f"q-{question.name}"
        optional = not question.required
        if question.kind in ("single", "rating"):
            plan.append({"field": field, "values": codes, "optional": optional})
        elif question.kind == "multiple":
            plan.append(
                {"field": field, "values": codes, "many": True, "optional": optional}
            )
        elif question.kind == "grid":
            plan += [
                {"field": f"{field}-{row['name']}", "values": codes}
                for row in question.rows
            ]
        elif question.kind == "number":
            low = question.minimum if question.minimum is not None else 0
            high = question.maximum if question.maximum is not None else low + 10
            values = [str(n) for n in range(low, min(high, low + 10) + 1)]
            plan.append({"field": field, "values": values, "optional": optional})
        elif question.kind in ("text", "long_text"):
            plan.append(
                {
                    "field": field,
                    "values": [
                        "Đề nghị đẩy nhanh tiến độ giải quyết hồ sơ đất đai.",
                        "Mong chính quyền quan tâm hơn đến giá cả thị trường.",
                    ],
                    "optional": True,
                }
            )
    return plan


def _online_count(survey) -> int:
    from surveys.models import Response

    return Response.objects.filter(
        survey=survey, mode=Response.Mode.ONLINE, state=Response.State.SUBMITTED
    ).count()


def run_survey_load(bench: Bench, *, users: int, rate: int, duration: int) -> None:
    survey = online_survey()
    if survey is None:
        raise BenchError("no open online survey to answer: was it seeded?")
    name = (
        f"survey load · {users} respondents answering the online link for {duration} s"
    )
    outcome_path = bench.workdir / "survey-load-outcome.json"
    env = dict(bench.env)
    env.update(
        BENCH_SURVEY_PATH=f"/s/{survey.public_key}/",
        BENCH_SURVEY_PLAN=json.dumps(answer_plan(survey), ensure_ascii=False),
        BENCH_USER_COUNT=str(users),
        BENCH_DURATION=str(duration),
        # A person takes a minute or so over ten questions on a phone: 15–75 s
        # from each of 200 at once is some 16,000 answers an hour, far past the
        # busiest rapid survey (235,000 in several days). The page refuses a form
        # sent within 3 s of its making (a bot's): the smoke run sends at 3.5–5 s.
        BENCH_FILL=os.environ.get(
            "BENCH_SURVEY_FILL", "3.5,5" if bench.smoke else "15,75"
        ),
        BENCH_OUTCOME=str(outcome_path),
    )
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "survey_locustfile.py"),
        "--headless",
        "-u",
        str(users),
        "-r",
        str(rate),
        "-t",
        f"{duration + 120}s",
        "--host",
        bench.base_url,
        "--csv",
        str(bench.workdir / "survey-load"),
        "--only-summary",
    ]
    before = _online_count(survey)
    log(f"{name}: {before:,} online answers before")
    locust_log = bench.workdir / "survey-locust.log"
    with locust_log.open("w") as output:
        try:
            subprocess.run(
                command,
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                timeout=duration + 240,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise BenchError(f"locust did not finish; see {locust_log}") from None
    if not outcome_path.exists():
        tail = locust_log.read_text(errors="replace")[-3000:]
        raise BenchError(f"locust wrote no outcome:\n{tail}")
    outcome = json.loads(outcome_path.read_text())
    gained = _online_count(survey) - before
    successes = outcome["successes"]
    # Lost: thanked but not saved; counted twice: saved more than thanked.
    lost = max(0, successes - gained)
    extra = max(0, gained - successes)
    post_times = [ms for ms, _ok in outcome["posts"]]
    failed_posts = sum(1 for _ms, ok in outcome["posts"] if not ok)
    errors = failed_posts + outcome["get_failures"]
    window = outcome["window_seconds"] or 1
    bench.record(
        f"{name} · throughput", (len(post_times) + outcome["gets"]) / window, "req/s"
    )
    bench.record(
        f"{name} · answer submission p95",
        p95(post_times) if post_times else 0.0,
        "ms",
        target=LOAD_P95_TARGET,
    )
    bench.record(f"{name} · errors", errors, "count", target=0)
    bench.record(f"{name} · answers lost", lost, "count", target=0)
    bench.record(f"{name} · answers counted twice", extra, "count", target=0)
    log(
        f"  {successes} answers sent in {window:.1f} s "
        f"({successes / window:.1f}/s), {gained} saved, {errors} errors, "
        f"{lost} lost, {extra} counted twice, "
        f"{outcome['in_flight_at_end']} still in flight at the end"
    )
    for sample in outcome["failure_samples"]:
        log(f"  failure: {sample}")
    if not successes:
        bench.failures.append("the survey load run had no answer accepted")
    elif bench.smoke and (errors or lost or extra):
        bench.failures.append(
            f"the smoke survey load run had {errors} errors, {lost} lost, "
            f"{extra} counted twice"
        )
