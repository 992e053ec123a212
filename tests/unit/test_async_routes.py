"""No `async def` of the web app or the API calls into the application on the event loop.

Use cases block (argon2, the database, SMTP): a route that calls one is a plain `def`, which Starlette
runs in its thread pool, or hands that part to `run_in_threadpool`. Checked on the source: an `async
def` must not call the container, anything imported from `leadsmanager.application`, or a function of
these packages that does, except inside the arguments of `run_in_threadpool(...)`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ENTRYPOINTS = Path(__file__).resolve().parents[2] / "src" / "leadsmanager" / "entrypoints"
SCANNED = ("web", "api", "http")
ROUTES = ("web", "api")
CONTAINER_ACCESSOR = "container"  # the request's door to the composition root

Function = ast.FunctionDef | ast.AsyncFunctionDef


class Module:
    def __init__(self, name: str, source: str) -> None:
        self.name = name
        tree = ast.parse(source)
        self.imported: dict[str, str] = {}  # local name -> "module:name"
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    self.imported[alias.asname or alias.name] = f"{node.module}:{alias.name}"
        self.functions = {f.name: f for f in ast.walk(tree) if isinstance(f, Function)}


def modules(source_root: Path = ENTRYPOINTS) -> dict[str, Module]:
    found = {}
    for package in SCANNED:
        for path in sorted((source_root / package).rglob("*.py")):
            dotted = ".".join(("leadsmanager.entrypoints", *path.relative_to(source_root).with_suffix("").parts))
            found[dotted] = Module(dotted, path.read_text())
    return found


def calls_outside_the_thread_pool(node: ast.AST) -> Iterator[ast.Call]:
    """Calls in a function's own body: not in nested functions, not in `run_in_threadpool(...)`."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, Function | ast.Lambda | ast.ClassDef):
            continue
        if isinstance(child, ast.Call):
            if isinstance(child.func, ast.Name) and child.func.id == "run_in_threadpool":
                continue
            yield child
        yield from calls_outside_the_thread_pool(child)


def root_name(expression: ast.expr) -> str | None:
    """`container(r).sessions().sign_in` -> `container`; `LeadForm.from_fields` -> `LeadForm`."""
    while isinstance(expression, ast.Attribute | ast.Call):
        expression = expression.value if isinstance(expression, ast.Attribute) else expression.func
    return expression.id if isinstance(expression, ast.Name) else None


class Reach:
    """Which functions reach the application, following calls between the scanned modules."""

    def __init__(self, found: dict[str, Module]) -> None:
        self.modules = found
        self.known: dict[str, str | None] = {}

    def of(self, module: Module, function: Function) -> str | None:
        """How the function reaches the application (a chain of names), or None."""
        key = f"{module.name}:{function.name}"
        if key not in self.known:
            self.known[key] = None  # a cycle adds nothing
            self.known[key] = self._first(module, function)
        return self.known[key]

    def _first(self, module: Module, function: Function) -> str | None:
        for call in calls_outside_the_thread_pool(function):
            name = root_name(call.func)
            if name is None:
                continue
            if name == CONTAINER_ACCESSOR:
                return f"{name}(...) at line {call.lineno}"
            origin = module.imported.get(name, "")
            if origin.startswith("leadsmanager.application"):
                return f"{name} ({origin}) at line {call.lineno}"
            callee = self._function(module, name, origin)
            if callee is not None and (how := self.of(*callee)):
                return f"{name} -> {how}"
        return None

    def _function(self, module: Module, name: str, origin: str) -> tuple[Module, Function] | None:
        if name in module.functions:
            return module, module.functions[name]
        source, _, imported = origin.partition(":")
        other = self.modules.get(source)
        return (other, other.functions[imported]) if other and imported in other.functions else None


def async_functions(found: dict[str, Module]) -> list[tuple[Module, Function]]:
    prefixes = tuple(f"leadsmanager.entrypoints.{package}." for package in ROUTES)
    return [
        (module, function)
        for module in found.values()
        if module.name.startswith(prefixes)
        for function in module.functions.values()
        if isinstance(function, ast.AsyncFunctionDef)
    ]


FOUND = modules()


@pytest.mark.parametrize(
    ("module", "function"), async_functions(FOUND), ids=lambda x: x.name.rsplit(".", 1)[-1] if x else ""
)
def test_no_async_def_calls_into_the_application(module: Module, function: ast.AsyncFunctionDef) -> None:
    how = Reach(FOUND).of(module, function)
    assert how is None, f"{module.name}.{function.name} runs on the event loop and calls {how}"


def test_the_check_sees_calls_through_helpers_and_spares_the_thread_pool(tmp_path: Path) -> None:
    (tmp_path / "web").mkdir()
    (tmp_path / "api").mkdir()
    (tmp_path / "http").mkdir()
    (tmp_path / "web" / "pages.py").write_text(
        "from leadsmanager.application.users import NewUser\n"
        "from leadsmanager.entrypoints.web.context import container, signed_in\n"
        "async def direct(request):\n    container(request).sessions().sign_in('a', 'b')\n"
        "async def helper(request):\n    return signed_in(request)\n"
        "async def imported(request):\n    return NewUser.parse(request)\n"
        "async def pooled(request):\n"
        "    return await run_in_threadpool(container(request).submit_lead(), await request.body())\n"
        "async def plain(request):\n    return await request.form()\n"
    )
    (tmp_path / "web" / "context.py").write_text(
        "def container(request):\n    return request.app.state.container\n"
        "def signed_in(request):\n    return container(request).sessions().resolve('token')\n"
    )
    found = modules(tmp_path)
    reach = Reach(found)
    verdicts = {f.name: reach.of(m, f) is not None for m, f in async_functions(found)}
    assert verdicts == {"direct": True, "helper": True, "imported": True, "pooled": False, "plain": False}
