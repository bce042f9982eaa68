"""The house's rooms: no module outside seed data and migrations over 600 lines."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = [
    "dluan",
    "collaborators",
    "reports",
    "meetings",
    "surveys",
    "summaries",
    "bench",
    "tests",
]
LIMIT = 600


def _is_seed_data(path: Path) -> bool:
    """Migrations and the demo and scale seeds: data written as code."""
    return "migrations" in path.parts or path.name.startswith(("demo", "scale"))


def test_no_module_is_over_600_lines():
    long = [
        f"{path.relative_to(ROOT)}: {length} lines"
        for folder in FOLDERS
        for path in sorted((ROOT / folder).rglob("*.py"))
        if not _is_seed_data(path)
        and (length := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    ]
    assert long == []
