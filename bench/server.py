"""The bench's PostgreSQL database, its environment, and gunicorn serving it."""

import os
import secrets
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench.core import BIN, ROOT, Bench, BenchError, log


def prepare_database(url: str, *, recreate: bool) -> None:
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in {"postgres", "postgresql"} or not name:
        raise BenchError(f"--database-url must be a PostgreSQL URL, not {url!r}")
    try:
        connection = psycopg2.connect(
            dbname="postgres",
            user=parts.username or "postgres",
            password=parts.password,
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
        )
    except psycopg2.OperationalError as exc:
        raise BenchError(
            f"PostgreSQL does not answer at {parts.hostname}: {exc}"
        ) from None
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            if recreate:
                cursor.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(name)
                    )
                )
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                log(f"creating database {name}")
                cursor.execute(
                    sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
                )
    finally:
        connection.close()


def bench_env(database_url: str, workdir: Path) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="dluan.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50)[:50],
        ALLOWED_HOSTS="127.0.0.1,localhost",
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        # Empty rather than unset, so a local .env cannot fill them in: tasks
        # run inline and notifications are not mailed.
        REDIS_URL="",
        CELERY_BROKER_URL="",
        EMAIL_URL="dummy://",
        SECURE_SSL_REDIRECT="0",
        # Served over plain HTTP on 127.0.0.1: cookies without the Secure flag.
        SECURE_COOKIES="0",
        # The personas sign in with a password alone: the bench measures pages,
        # and two-factor sign-in, on by default without DEBUG, has its own tests.
        OTP_REQUIRED="0",
        # As behind the proxy of a real deployment: the survey load run's
        # respondents each come from an address of their own (X-Forwarded-For),
        # as the public link's rate limit per address expects.
        BEHIND_PROXY="1",
        PROXY_COUNT="1",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        # BENCH_REPLICA_URL: the marked pages read from that read replica
        # (scripts/replica.sh makes one); otherwise none, whatever the shell has.
        DATABASE_REPLICA_URL=os.environ.get("BENCH_REPLICA_URL", ""),
    )
    if env["DATABASE_REPLICA_URL"]:
        log(f"pages read from the replica at {env['DATABASE_REPLICA_URL']}")
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(bench: Bench) -> subprocess.Popen:
    port = free_port()
    bench.base_url = f"http://127.0.0.1:{port}"
    server_log = bench.workdir / "gunicorn.log"
    with server_log.open("w") as output:
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "dluan.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                # Another gunicorn on the machine may hold the default socket.
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=bench.env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches the runner, which stops it
        )
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            if requests.get(f"{bench.base_url}/healthz", timeout=2).status_code == 200:
                log(f"gunicorn (2 workers) answers at {bench.base_url}")
                return server
        # A worker still starting on a busy machine may take longer than that.
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.25)
    stop_server(server)
    tail = server_log.read_text(errors="replace")[-3000:]
    raise BenchError(f"gunicorn did not answer /healthz:\n{tail}")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def server_log_tail(bench: Bench, server, lines: int = 60) -> None:
    path = bench.workdir / "gunicorn.log"
    if server is None or not path.exists():
        return
    tail = path.read_text(errors="replace").splitlines()[-lines:]
    if tail:
        log("the server's log ends with:")
        log("\n".join(tail))


def setup_django(bench: Bench) -> None:
    os.environ.update(bench.env)
    import django

    django.setup()
