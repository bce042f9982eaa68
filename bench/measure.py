"""Page times: each persona signs in, and every page of ``bench/pages.py`` is timed
against the floor (the smallest logged-in page), interleaved so both see the same
machine."""

import statistics
import time

from bench import pages as catalogue
from bench.core import Bench, BenchError, PageError, log, p95

PAGE_MEDIAN_TARGET = 50  # ms (issue 23)
PAGE_P95_TARGET = 150  # ms


def persona_user(key: str):
    from dluan.models import User

    username = catalogue.PERSONAS[key][1]
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise BenchError(f"no active account {username!r} ({key}): was it seeded?")
    return user


def pick_objects(user) -> dict:
    """The ids the pages visit, each chosen among what the user may see."""
    from django.db.models import Count, Q

    from collaborators.models import Collaborator
    from meetings.models import Meeting
    from reports.models import Issue, OpinionReport, ReportingPeriod

    reports = OpinionReport.objects.visible_to(user).exclude(
        status=OpinionReport.Status.DRAFT
    )
    report = (
        reports.filter(status=OpinionReport.Status.ACCEPTED)
        .order_by("-accepted_at", "-pk")
        .first()
    )
    issue = (
        Issue.objects.visible_to(user)
        .annotate(n=Count("reports"))
        .order_by("-n", "-pk")
        .first()
    )
    collaborator = (
        Collaborator.objects.visible_to(user)
        .annotate(n=Count("reports"))
        .order_by("-n", "pk")
        .first()
    )
    meeting = (
        Meeting.objects.visible_to(user)
        .filter(status=Meeting.Status.HELD)
        .annotate(n=Count("attendances", filter=Q(attendances__status="present")))
        .order_by("-n", "-starts_at")
        .first()
    )
    topic = (
        reports.filter(topics__is_active=True)
        .values("topics")
        .annotate(n=Count("pk"))
        .order_by("-n", "topics")
        .first()
    )
    from summaries.selectors import summaries_for

    # The newest summary of the user's own unit: what a leader opens from home.
    summary = (
        summaries_for(user)
        .filter(unit_id=user.org_unit_id)
        .order_by("-period__start", "-version")
        .first()
    )
    period = ReportingPeriod.objects.current()
    if period is None or not reports.filter(period=period).exists():
        period = (
            ReportingPeriod.objects.filter(
                pk__in=reports.exclude(period=None).values("period")
            )
            .order_by("-start")
            .first()
        )
    picked = {
        "report": report,
        "issue": issue,
        "collaborator": collaborator,
        "meeting": meeting,
        "topic": topic and topic["topics"],
        "period": period,
        "summary": summary,
    }
    missing = [name for name, value in picked.items() if value is None]
    if missing:
        raise BenchError(
            f"{user.username} sees no {', '.join(missing)} to visit: "
            "is the database seeded?"
        )
    return {
        name: value if isinstance(value, int) else value.pk
        for name, value in picked.items()
    }


def login(base_url: str, username: str):
    import requests

    session = requests.Session()
    form = session.get(f"{base_url}/login/", timeout=30)
    token = session.cookies.get("csrftoken")
    if form.status_code != 200 or not token:
        raise BenchError(f"GET /login/ answered {form.status_code} without a token")
    answer = session.post(
        f"{base_url}/login/",
        data={
            "csrfmiddlewaretoken": token,
            "username": username,
            "password": catalogue.PASSWORD,
        },
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302:
        raise BenchError(f"logging in as {username} answered {answer.status_code}")
    return session


def timed_get(session, url: str, who: str) -> float:
    started = time.perf_counter()
    response = session.get(url, allow_redirects=False, timeout=60)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        where = response.headers.get("Location", "")
        raise PageError(
            f"GET {url} as {who} answered {response.status_code}"
            + (f" (to {where})" if where else "")
        )
    return elapsed


def measure_pages(bench: Bench) -> None:
    for page in catalogue.PAGES:
        for key in page.personas:
            label, username = catalogue.PERSONAS[key]
            name = f"{label} · {page.label}"
            if not bench.wants(name):
                continue
            session = bench.sessions.get(key)
            if session is None:
                session = bench.sessions[key] = login(bench.base_url, username)
            if key in catalogue.BOARD_PERSONAS and key not in bench.objects:
                bench.objects[key] = pick_objects(persona_user(key))
            url = bench.base_url + page.path.format(**bench.objects.get(key, {}))
            try:
                measure_page(bench, session, name, url, username)
            except PageError as error:
                bench.failures.append(str(error))
                log(f"  {name:<62} FAILED: {error}")


def measure_page(
    bench: Bench,
    session,
    name: str,
    url: str,
    username: str,
    floor_path: str = catalogue.FLOOR_PATH,
) -> None:
    floor_url = bench.base_url + floor_path
    for _ in range(bench.warmup):
        timed_get(session, url, username)
        timed_get(session, floor_url, username)
    times, floors = [], []
    for i in range(bench.requests):
        # Alternate which goes first, so neither always follows the other.
        pair = (url, floor_url) if i % 2 == 0 else (floor_url, url)
        first, second = (timed_get(session, u, username) for u in pair)
        times.append(first if i % 2 == 0 else second)
        floors.append(second if i % 2 == 0 else first)
    median = bench.record(
        f"{name} · median",
        statistics.median(times),
        "ms",
        floor=statistics.median(floors),
        target=PAGE_MEDIAN_TARGET,
    )
    high = bench.record(
        f"{name} · p95",
        p95(times),
        "ms",
        floor=p95(floors),
        target=PAGE_P95_TARGET,
    )
    log(
        f"  {name:<62} median {median.value:7.1f} ms "
        f"(floor {median.floor:5.1f})  p95 {high.value:7.1f} ms"
    )
