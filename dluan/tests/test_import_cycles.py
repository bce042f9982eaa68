"""The foundation's registry imports none of the modules that import it: the audit
trail reads the registry, and the registry collects the audit trail's navigation
entry (dluan/nav.py) as it does an app's."""

import ast
from pathlib import Path

from dluan import registry
from dluan.registry import nav_items


def _imports(module) -> set[str]:
    tree = ast.parse(Path(module.__file__).read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_the_registry_imports_nothing_of_dluan():
    assert not {name for name in _imports(registry) if name.startswith("dluan")}


def test_the_audit_trail_is_still_in_the_navigation():
    assert "audit-trail" in {item.url_name for item in nav_items()}
