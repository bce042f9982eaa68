"""How a compile makes its files: one brief for both the PDF and the Word file,
files downloaded with their names and kept out of caches, and jobs queued
without services and tasks importing each other."""

import ast
from pathlib import Path

import pytest
from django.urls import reverse

import summaries
from summaries import brief, services
from summaries.models import Summary

APP = Path(summaries.__file__).parent


def test_a_compile_builds_the_brief_once_for_both_files(
    town, staff, period, reports, monkeypatch
):
    built = []
    real = brief.brief_document

    def counting(summary):
        built.append(summary.pk)
        return real(summary)

    monkeypatch.setattr(brief, "brief_document", counting)
    summary = services.summary_request(
        unit=town, period=period, user=staff, enqueue=False
    )

    compiled = services.summary_compile(summary_id=summary.pk)

    assert compiled.pdf and compiled.docx
    assert built == [summary.pk]


@pytest.mark.parametrize(
    ("kind", "content_type"),
    [
        ("pdf", "application/pdf"),
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_a_summary_file_downloads_under_its_name_and_is_not_cached(
    client_of, staff, town, period, reports, kind, content_type
):
    summary = services.summary_request(
        unit=town, period=period, user=staff, enqueue=False
    )
    services.summary_compile(summary_id=summary.pk)
    summary = Summary.objects.get(pk=summary.pk)

    response = client_of(staff).get(
        reverse("summaries:summary-download", args=[summary.pk, kind])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    name = f"bao-cao-tong-hop-{period.start:%Y-%m}-{town.pk}-v{summary.version}.{kind}"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert "no-store" in response["Cache-Control"]


def _imports(path: Path) -> set[str]:
    """The summaries modules ``path`` imports, at module level or in a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("summaries.")}


def test_services_never_import_tasks():
    # Tasks call services; services queue tasks by name (summaries.jobs).
    assert "summaries.tasks" not in _imports(APP / "services.py")
    assert "summaries.tasks" not in _imports(APP / "jobs.py")
    assert "summaries.services" in _imports(APP / "tasks.py")
