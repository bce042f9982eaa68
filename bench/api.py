"""What ``make bench`` measures of the read-only API (``dluan/api/``): with a
personal key of the province's staff (``tinh_canbo``), the first and the 400th
page of 1,000 reports at the province, the discipline endpoint and the summary
endpoints, each interleaved with the floor of the pages (``bench/measure.py``).

The key is made when the bench starts and deleted when it ends. The 400th page
is reached as a program reaches it, by its cursor, built here for the report
where that page starts (the bench's own OFFSET, once, outside the timings).
"""

import datetime
import statistics

from bench import pages as catalogue
from bench.core import Bench, BenchError, PageError, log, p95
from bench.measure import login, persona_user, timed_get

PERSONA = "province_staff"
REPORTS_TARGET = 150  # ms, median
OTHER_TARGET = 100  # ms, median
P95_TARGET = 250  # ms
PAGE_SIZE = 1000
FAR_PAGE = 400


def _far_cursor(user, page: int, size: int) -> tuple[str, int]:
    """The cursor of page ``page`` of ``size`` reports (or of the last page, in a
    database too small to hold it), and the page number it is."""
    from dluan.api.pagination import encode_cursor
    from reports import selectors

    keys = selectors.report_queue(user, {}).order_by("-pk").values_list("pk", flat=True)
    start = (page - 1) * size
    key = keys[start - 1 : start].first()
    if key is None:  # a smoke database: the last page there is
        rows = keys.order_by("pk").values_list("pk", flat=True)
        last = list(rows[: size + 1])
        if len(last) <= size:
            return "", 0
        key, page = last[size], 0
    return encode_cursor(key), page


def _endpoints(user, size: int, bench_smoke: bool) -> list[tuple[str, str, float]]:
    from summaries.selectors import summaries_for

    cursor, page = _far_cursor(user, FAR_PAGE, size)
    summary = (
        summaries_for(user)
        .approved()
        .filter(unit_id=user.org_unit_id)
        .order_by("-period__start", "-version")
        .first()
    )
    far_label = f"reports, page {FAR_PAGE}" if page else "reports, the last page"
    endpoints = [
        (
            f"reports, page 1 of {size}",
            f"/api/v1/reports/?page_size={size}",
            REPORTS_TARGET,
        ),
        (
            f"{far_label} of {size} (by its cursor)",
            f"/api/v1/reports/?page_size={size}&cursor={cursor}",
            REPORTS_TARGET,
        ),
        ("reporting discipline", "/api/v1/discipline/", OTHER_TARGET),
        ("approved summaries", "/api/v1/summaries/", OTHER_TARGET),
    ]
    if summary is not None:
        path = f"/api/v1/summaries/{summary.pk}/"
        endpoints.append(("summary with its figures", path, OTHER_TARGET))
    elif not bench_smoke:
        raise BenchError(f"{user.username} has no approved summary: was it seeded?")
    return endpoints


def _measure(bench: Bench, session, name: str, url: str, target: float) -> None:
    floor_url = bench.base_url + catalogue.FLOOR_PATH
    who = catalogue.PERSONAS[PERSONA][1]
    for _ in range(bench.warmup):
        timed_get(session, url, who)
        timed_get(session, floor_url, who)
    times, floors = [], []
    for i in range(bench.requests):
        pair = (url, floor_url) if i % 2 == 0 else (floor_url, url)
        first, second = (timed_get(session, u, who) for u in pair)
        times.append(first if i % 2 == 0 else second)
        floors.append(second if i % 2 == 0 else first)
    median = bench.record(
        f"{name} · median",
        statistics.median(times),
        "ms",
        floor=statistics.median(floors),
        target=target,
    )
    high = bench.record(
        f"{name} · p95", p95(times), "ms", floor=p95(floors), target=P95_TARGET
    )
    log(
        f"  {name:<62} median {median.value:7.1f} ms "
        f"(floor {median.floor:5.1f})  p95 {high.value:7.1f} ms"
    )


def measure_api(bench: Bench) -> None:
    label = f"API · {catalogue.PERSONAS[PERSONA][0]}"
    if not bench.wants(label):
        return
    from django.utils import timezone

    from dluan.api import tokens
    from dluan.models import ApiToken

    user = persona_user(PERSONA)
    size = 10 if bench.smoke else PAGE_SIZE
    endpoints = _endpoints(user, size, bench.smoke)
    token, key = tokens.api_token_create(
        owner=user,
        name="make bench",
        expires_on=timezone.localdate() + datetime.timedelta(days=1),
    )
    try:
        # Signed in for the floor page; the key for the API, which reads it first.
        session = login(bench.base_url, catalogue.PERSONAS[PERSONA][1])
        session.headers["Authorization"] = f"Bearer {key}"
        log(f"API: a key of {user.username}, pages of {size} reports")
        for what, path, target in endpoints:
            name = f"{label} · {what}"
            if not bench.wants(name):
                continue
            try:
                _measure(bench, session, name, bench.base_url + path, target)
            except PageError as error:
                bench.failures.append(str(error))
                log(f"  {name:<62} FAILED: {error}")
    finally:
        ApiToken.objects.filter(pk=token.pk).delete()
