"""The domain keeps serialisation out (the adapters store events and history) and its modules import
one another in one direction only."""

from __future__ import annotations

import ast
from itertools import combinations
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[2] / "src" / "leadsmanager" / "domain"
MODULES = sorted(DOMAIN.glob("*.py"))


def imported(path: Path) -> set[str]:
    """Every module `path` imports, type-only imports included (`from leadsmanager.domain import x` as x)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            if node.module == "leadsmanager.domain":
                names |= {f"leadsmanager.domain.{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_the_domain_serialises_nothing(path: Path) -> None:
    assert imported(path) & {"json", "orjson", "pickle", "marshal"} == set()


def test_no_two_domain_modules_import_each_other() -> None:
    names = {f"leadsmanager.domain.{p.stem}": imported(p) for p in MODULES}
    assert [(a, b) for a, b in combinations(names, 2) if a in names[b] and b in names[a]] == []


def test_the_check_sees_type_only_imports_and_package_imports(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from typing import TYPE_CHECKING\n"
        "from leadsmanager.domain import events\n"
        "if TYPE_CHECKING:\n"
        "    from leadsmanager.domain.lead import Lead\n"
    )
    assert {"leadsmanager.domain.lead", "leadsmanager.domain.events"} <= imported(probe)
