"""The package's layer rules, checked on the source: who may import whom inside `bot/`.

Every .py file under bot/ is parsed (not imported) and its `import` / `from` targets collected,
relative imports resolved. An import inside a function body is "deferred"; everything else
(module body, class bodies, module-level try/if blocks) runs at import time and is "module-level".

Layers, from the bottom:
- bot.domain, bot.text, bot.netallow, bot.settings: shared by every layer (settings never import ingest);
- bot.store, bot.ingest, bot.understand (and bot.stories while it exists): the core, which never
  reaches up into chat, runtime or the CLI; ingest does not depend on understanding;
- bot.chat: the port, the router, renderers and one adapter per platform; adapters never import
  each other, and the router reaches the core only through `bot.chat.core_port.CorePort`;
- bot.chart: the timeline chart beside bot.chat (it reads the core, never chat, runtime or the CLI,
  and the core never imports it); matplotlib is imported by bot/chart/draw.py alone, which nothing
  in the bot imports: it runs as its own process (`python -m bot.chart.draw`);
- bot.runtime: the composition root, which may import anything below;
- bot.cli, imported only by bot/__main__.py, and the modules it is split into (bot/cli_*.py: the parser,
  one per group of commands), imported only by the CLI's own modules.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"

CORE_PACKAGES = ("bot.store", "bot.ingest", "bot.understand")
ABOVE_CORE = ("bot.chat", "bot.runtime", "bot.cli")
CLI_PREFIX = "bot.cli_"  # bot/cli_*.py: the CLI split by concern, in the CLI's layer

# The only deferred (function-level) imports allowed: optional, heavy third-party dependencies, or
# a chat adapter that exists to wrap one, imported only when actually used. Each with its reason.
DEFERRED_IMPORTS_ALLOWED = {
    ("bot/runtime/ports.py", "bot.chat.slack"): "wraps slack_bolt/slack_sdk: optional, loaded only when configured",
    ("bot/runtime/ports.py", "bot.chat.matrix"): "wraps matrix-nio: optional, loaded only when configured",
}

# Modules that may import bot/chart/draw.py (and so matplotlib) at their top: only modules that are
# themselves loaded only when a chart is drawn in-process. None yet: the bot draws through
# bot.chart.process (`python -m bot.chart.draw`).
CHART_DRAW_IMPORTERS: frozenset[str] = frozenset()

# bot/chat modules every adapter may share; any other bot/chat module belongs to the adapter named
# by its file name up to the first underscore (matrix.py, matrix_config.py -> "matrix").
CHAT_SHARED = {"__init__", "port", "core_port", "router", "attachments"}


@dataclass(frozen=True)
class Import:
    """One import statement's target, resolved to an absolute dotted name."""

    file: str  # path relative to the repository root, e.g. "bot/chat/router.py"
    line: int
    target: str
    deferred: bool  # inside a function body

    def __str__(self) -> str:
        where = "function-level" if self.deferred else "module-level"
        return f"{self.file}:{self.line} imports {self.target} ({where})"


def _module_name(path: Path) -> str:
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(BOT.rglob("*.py"))}


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join(package + ([node.module] if node.module else []))
    known = _modules()
    # `from bot.ingest import guard` imports the module bot.ingest.guard; `from bot.store import Store`
    # imports a name from the package bot.store
    out = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in known]
    if len(out) < len(node.names):
        out.append(base)
    return out


def _walk(node: ast.AST, deferred: bool, module: str, rel: str, is_package: bool, found: list[Import]) -> None:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            found.extend(Import(rel, child.lineno, t, deferred) for t in _targets(child, module, is_package))
        inner = deferred or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        _walk(child, inner, module, rel, is_package, found)


@cache
def all_imports() -> tuple[Import, ...]:
    """Every import in every module under bot/, in file order."""
    found: list[Import] = []
    for module, path in _modules().items():
        rel = path.relative_to(BOT.parent).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), rel)
        _walk(tree, False, module, rel, path.name == "__init__.py", found)
    return tuple(found)


def _under(name: str, packages: Iterable[str]) -> bool:
    """Whether `name` is one of the packages or inside one; "bot.cli" also covers the bot/cli_*.py modules."""
    return any(name == p or name.startswith(p + ".") for p in packages) or (
        "bot.cli" in packages and name.startswith(CLI_PREFIX))


def _importer(imp: Import) -> str:
    return _module_name(BOT.parent / imp.file)


def _report(rule: str, offenders: list[Import]) -> str:
    return rule + ":\n" + "\n".join(f"  {imp}" for imp in offenders)


def test_the_walk_sees_the_package() -> None:
    """Guards the other tests against passing vacuously (wrong root, parser change)."""
    imports = all_imports()
    assert len(_modules()) > 40
    assert any(i.file == "bot/__main__.py" and i.target == "bot.cli" for i in imports)


def test_core_never_imports_chat_runtime_or_cli() -> None:
    """store, ingest, understand and stories never reach up into chat, runtime or the CLI."""
    bad = [i for i in all_imports() if _under(_importer(i), CORE_PACKAGES) and _under(i.target, ABOVE_CORE)]
    assert not bad, _report("the core imports a layer above it", bad)


def test_router_and_chat_do_not_import_runtime() -> None:
    """bot/chat (the router included) reaches the core only through its own port, not bot.runtime."""
    bad = [i for i in all_imports()
           if _under(_importer(i), ["bot.chat"]) and _under(i.target, ["bot.runtime", "bot.cli"])]
    assert not bad, _report("bot/chat imports the runtime", bad)


def test_ingest_does_not_import_understand_or_stories() -> None:
    """Getting articles in does not depend on understanding them (filing is injected)."""
    bad = [
        i for i in all_imports()
        if _under(_importer(i), ["bot.ingest"]) and _under(i.target, ["bot.understand", "bot.stories"])
    ]
    assert not bad, _report("bot/ingest imports bot.understand or bot.stories", bad)


def test_settings_does_not_import_ingest() -> None:
    """Settings are read before anything is wired, so they depend on no layer that uses them."""
    bad = [i for i in all_imports() if i.file == "bot/settings.py" and _under(i.target, ["bot.ingest", *ABOVE_CORE])]
    assert not bad, _report("bot/settings.py imports a layer that uses it", bad)


def test_chart_sits_beside_chat_and_matplotlib_stays_in_the_drawing_process() -> None:
    """The chart reads the core only; matplotlib loads only where a chart is drawn (see bot/chart/draw.py)."""
    imports = all_imports()
    upward = [i for i in imports if _under(_importer(i), ["bot.chart"]) and _under(i.target, ABOVE_CORE)]
    assert not upward, _report("bot.chart imports chat, runtime or the CLI", upward)
    core = [i for i in imports if _under(_importer(i), CORE_PACKAGES) and _under(i.target, ["bot.chart"])]
    assert not core, _report("the core imports bot.chart", core)
    plotting = [i for i in imports if _under(i.target, ["matplotlib"])]
    assert plotting and {i.file for i in plotting} == {"bot/chart/draw.py"}, _report("matplotlib outside draw.py",
                                                                                   plotting)
    drawn = [i for i in imports if i.target == "bot.chart.draw" and i.file not in CHART_DRAW_IMPORTERS]
    assert not drawn, _report("bot.chart.draw imported (it runs as its own process)", drawn)


def _adapter(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) != 3 or parts[:2] != ["bot", "chat"]:
        return None
    name = parts[2]
    if name in CHAT_SHARED or name.startswith("render_"):
        return None
    return name.split("_")[0]


def test_chat_adapters_do_not_import_each_other() -> None:
    """Slack, Matrix and the console share only bot/chat's port, router, renderers and helpers."""
    bad = []
    for imp in all_imports():
        mine, theirs = _adapter(_importer(imp)), _adapter(imp.target)
        if mine and theirs and mine != theirs:
            bad.append(imp)
    assert not bad, _report("a chat adapter imports another adapter", bad)


def test_only_main_imports_cli() -> None:
    """The CLI is the outermost edge: nothing but `python -m bot` imports it, and the modules it is split
    into (bot/cli_*.py) are imported by the CLI alone."""
    bad = [i for i in all_imports() if _under(i.target, ["bot.cli"]) and not (
        i.file == "bot/__main__.py" and i.target == "bot.cli"
        or _under(_importer(i), ["bot.cli"]) and i.target.startswith(CLI_PREFIX))]
    assert not bad, _report("the CLI imported outside bot/__main__.py and its own modules", bad)


def test_no_function_level_imports_except_optional_heavy_dependencies() -> None:
    """Imports sit at module level, where cycles show; deferring one to dodge a cycle is not allowed."""
    deferred = [i for i in all_imports() if i.deferred]
    bad = [i for i in deferred if (i.file, i.target) not in DEFERRED_IMPORTS_ALLOWED]
    assert not bad, _report("function-level imports (move them to module level)", bad)
    stale = set(DEFERRED_IMPORTS_ALLOWED) - {(i.file, i.target) for i in deferred}
    assert not stale, f"DEFERRED_IMPORTS_ALLOWED lists imports that are gone: {sorted(stale)}"


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle in the graph as a path that returns to its start, or None."""
    done: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        if node in path:
            return path[path.index(node):] + [node]
        if node in done:
            return None
        path.append(node)
        for nxt in sorted(graph[node]):
            found = visit(nxt)
            if found:
                return found
        path.pop()
        done.add(node)
        return None

    for root in sorted(graph):
        found = visit(root)
        if found:
            return found
    return None


def test_no_import_cycles_among_bot_modules() -> None:
    """Module-level imports between bot modules form no cycle."""
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for imp in all_imports():
        if not imp.deferred and imp.target in modules and imp.target != _importer(imp):
            graph[_importer(imp)].add(imp.target)
    cycle = _cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])
