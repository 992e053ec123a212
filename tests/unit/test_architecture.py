"""What the inner layers may import from outside the project, checked on the source. The direction
between the layers (domain <- application <- adapters <- entrypoints) is import-linter's contracts in
pyproject.toml, run by scripts/test.sh."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "leadsmanager"
THIRD_PARTY_FOR_APPLICATION = {"attrs", "email_validator", "phonenumbers"}


def imports(layer: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[str(path.relative_to(PACKAGE))] = names
    return found


def outside(names: set[str], allowed_roots: set[str], allowed_prefixes: tuple[str, ...]) -> set[str]:
    return {
        n
        for n in names
        if n.split(".")[0] not in allowed_roots
        and n.split(".")[0] not in sys.stdlib_module_names
        and not n.startswith(allowed_prefixes)
    }


@pytest.mark.parametrize(("module", "names"), imports("domain").items())
def test_the_domain_imports_only_the_standard_library_and_attrs(module: str, names: set[str]) -> None:
    assert outside(names, {"attrs", "__future__", "leadsmanager"}, ()) == set()


@pytest.mark.parametrize(("module", "names"), imports("application").items())
def test_the_application_imports_only_the_standard_library_and_its_parsers(module: str, names: set[str]) -> None:
    assert outside(names, THIRD_PARTY_FOR_APPLICATION | {"__future__", "leadsmanager"}, ()) == set()


def test_the_check_itself_sees_imports() -> None:
    domain = imports("domain")
    assert "attrs" in domain["domain/lead.py"]
    assert outside({"sqlalchemy", "datetime", "leadsmanager.adapters.sql"}, {"attrs"}, ("leadsmanager.domain",)) == {
        "sqlalchemy",
        "leadsmanager.adapters.sql",
    }


@pytest.mark.parametrize("path", sorted((PACKAGE / "domain").rglob("*.py")), ids=lambda p: p.name)
def test_the_domain_reads_no_clock_and_makes_no_ids(path: Path) -> None:
    source = path.read_text()
    for forbidden in (".now(", ".utcnow(", "uuid4", "time.time(", "random"):
        assert forbidden not in source, f"{path.name} uses {forbidden}: pass it in instead"
