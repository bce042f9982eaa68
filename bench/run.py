"""`make bench`: page times against their floor, then collaborators filing under load.

Seeds a PostgreSQL database if needed, serves it through gunicorn on 127.0.0.1 with
DEBUG off, measures every page of ``bench/pages.py`` for each persona, interleaved
with the floor (the smallest logged-in page) so both see the same machine, runs the
job benches, then the locust load run (``bench/locustfile.py``). Writes
``results.json`` and a table (``results.md`` next to it, and on stdout).

    python bench/run.py [--smoke] [--requests N] [--skip-load] [--only PATTERN]
                        [--output PATH] [--database-url URL]

Smoke (`--smoke`, part of `make test`): a small database dropped and seeded again,
one warm-up and 2 timed requests a page, 5 collaborators filing for 5 s and 5
respondents answering for 10 s, no targets. The load run's think
time between two reports is ``BENCH_THINK`` ("5,15" seconds by default, "1,3" in
the smoke run).

The runner and its options are here; the parts it runs, in order: ``server.py``
(the database, its environment, gunicorn), ``measure.py`` (the page times),
``jobs.py`` (the job benches), ``load.py`` (the load run) and ``results.py`` (the
JSON and the table), all sharing the ``Bench`` of ``core.py``.

Exit code 0 when everything was measured, even if targets are missed (the table
shows it); 1 when something failed (a page not answering 200, which is then left
out while the rest is measured; the server not starting; errors or lost reports in
a smoke load run).
"""

import argparse
import os
import re
import signal
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the project and `bench` import

from bench.api import measure_api  # noqa: E402
from bench.core import Bench, BenchError, log  # noqa: E402
from bench.jobs import run_jobs  # noqa: E402
from bench.load import run_load  # noqa: E402
from bench.measure import measure_pages  # noqa: E402
from bench.results import write_results  # noqa: E402
from bench.server import (  # noqa: E402
    bench_env,
    prepare_database,
    server_log_tail,
    setup_django,
    start_server,
    stop_server,
)
from bench.survey_load import run_survey_load  # noqa: E402
from bench.surveys import measure_survey_pages  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/dluan_bench"
SMOKE_DATABASE = "postgres://postgres@127.0.0.1:5432/dluan_bench_smoke"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a small database rebuilt each time, 2 requests a page, short load "
        "runs, no targets: checks the bench itself",
    )
    parser.add_argument(
        "--requests", type=int, help="timed requests per page (30; smoke: 2)"
    )
    parser.add_argument("--skip-load", action="store_true", help="no load run")
    parser.add_argument(
        "--only",
        metavar="PATTERN",
        help="measure only the figures whose name matches (regular expression, "
        "case-insensitive; 'load' for the load run)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=ROOT / "bench" / "results.json",
        help="where results.json goes; the table goes next to it (.md)",
    )
    parser.add_argument(
        "--database-url",
        help="the bench's own PostgreSQL database (env BENCH_DATABASE_URL, or "
        f"{DEFAULT_DATABASE}; smoke: {SMOKE_DATABASE}, dropped first)",
    )
    args = parser.parse_args(argv)
    if args.requests is not None and args.requests < 1:
        parser.error("--requests must be at least 1")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    database = args.database_url or (
        SMOKE_DATABASE
        if args.smoke
        else os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    )
    scale = "small" if args.smoke else "large"
    bench = Bench(
        smoke=args.smoke,
        requests=args.requests or (2 if args.smoke else 30),
        warmup=1 if args.smoke else 3,
        only=re.compile(args.only, re.IGNORECASE) if args.only else None,
    )
    # SIGTERM stops the run like Ctrl-C does, and the server with it; Ctrl-C
    # works even when started from a shell that ignores it in background jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    server = None
    with tempfile.TemporaryDirectory(prefix="dluan-bench-") as workdir:
        bench.workdir = Path(workdir)
        bench.env = bench_env(database, bench.workdir)
        try:
            prepare_database(database, recreate=args.smoke)
            log(f"migrating {urlsplit(database).path.lstrip('/')}")
            bench.manage("migrate", "--noinput", "-v", "0")
            log(f"seeding ({scale}; nothing happens if the data is there)")
            bench.manage("seed_demo", "--scale", scale, echo="seed")
            log("collecting static files")
            static = ["--settings", "bench.static_settings"] if args.smoke else []
            bench.manage("collectstatic", "--noinput", "-v", "0", *static)
            setup_django(bench)
            server = start_server(bench)
            log(f"pages: {bench.warmup} warm-up + {bench.requests} timed requests each")
            measure_pages(bench)
            measure_survey_pages(bench)
            measure_api(bench)
            run_jobs(bench)
            if not args.skip_load and bench.wants("load"):
                if args.smoke:
                    run_load(bench, users=5, rate=5, duration=5)
                else:
                    run_load(bench, users=50, rate=10, duration=60)
            if not args.skip_load and bench.wants("survey load"):
                if args.smoke:
                    run_survey_load(bench, users=5, rate=5, duration=10)
                else:
                    run_survey_load(bench, users=200, rate=50, duration=60)
            if not args.skip_load and bench.wants("outbox"):
                from bench.outbox_load import run_outbox_load

                run_outbox_load(
                    bench,
                    phones=5 if args.smoke else 50,
                    items=5,
                    spread=0 if args.smoke else None,
                )
        except BenchError as error:
            log(f"bench failed: {error}")
            server_log_tail(bench, server)
            return 1
        except KeyboardInterrupt:
            log("interrupted")
            return 130
        finally:
            if server is not None:
                stop_server(server)
        write_results(bench, args.output, scale=scale, database=database)
        log(f"bench finished in {time.monotonic() - started:.0f} s")
        if bench.failures:
            log(f"{len(bench.failures)} failures:")
            for failure in bench.failures:
                log(f"  {failure}")
            server_log_tail(bench, server)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
