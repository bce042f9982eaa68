"""The results: ``results.json``, and its table in ``results.md`` and on stdout."""

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from bench.core import Bench, Figure, log


def postgres_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def table(figures: list[Figure]) -> str:
    def number(value):
        if value is None:
            return "—"
        return f"{value:.1f}" if isinstance(value, float) else str(value)

    rows = [("figure", "value", "unit", "floor", "ratio", "target", "ok")]
    for f in figures:
        ok = "—" if f.ok is None else ("ok" if f.ok else "MISS")
        ratio = "—" if f.ratio is None else f"{f.ratio:.2f}"
        rows.append(
            (
                f.name,
                number(f.value),
                f.unit,
                number(f.floor),
                ratio,
                number(f.target),
                ok,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        cells = [
            row[0].ljust(widths[0]),
            *(
                cell.rjust(width)
                for cell, width in zip(row[1:], widths[1:], strict=True)
            ),
        ]
        lines.append("| " + " | ".join(cells) + " |")
        if index == 0:
            lines.append(
                "|"
                + "|".join(
                    "-" * (w + 1) + (":" if i else "-") for i, w in enumerate(widths)
                )
                + "|"
            )
    return "\n".join(lines)


def write_results(bench: Bench, output: Path, *, scale: str, database: str) -> None:
    parts = urlsplit(database)
    # The password, if any, stays out of the results.
    netloc = f"{parts.username or ''}@{parts.hostname}:{parts.port or 5432}"
    safe_database = parts._replace(netloc=netloc.lstrip("@"))
    results = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "scale": scale,
        "database": safe_database.geturl(),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "postgres": postgres_version(),
        },
        "figures": [vars(f) for f in bench.figures],
        "failures": bench.failures,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    text = table(bench.figures)
    missed = sum(1 for f in bench.figures if f.ok is False)
    summary = (
        f"{len(bench.figures)} figures, scale {scale}, "
        f"{results['machine']['cores']} cores, PostgreSQL "
        f"{results['machine']['postgres']}, {results['generated_at']}"
        + (f"; {missed} targets missed" if missed else "")
    )
    markdown = output.with_suffix(".md")
    markdown.write_text(f"# Benchmark results\n\n{summary}\n\n{text}\n")
    log("")
    log(text)
    log("")
    log(summary)
    log(f"written: {output} and {markdown}")
