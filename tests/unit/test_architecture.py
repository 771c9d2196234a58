"""The package's shape: no import cycles, a pure domain, one place for app state.

Read from the source (ast), so it checks every module without importing it.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "kiosk"
#: Modules that may use the web framework: the web layer and the composition root.
WEB = ("kiosk.web", "kiosk.services", "kiosk.app")
#: Imports inside functions that are there for start-up time or memory, not cycles.
LAZY = {
    ("kiosk.cli", "uvicorn"),
    ("kiosk.cli", "kiosk.web"),
    ("kiosk.cli", "kiosk.content"),  # importer, batch, library, checks: per command
    ("kiosk.cli", "kiosk.services"),
    ("kiosk.cli", "kiosk.speech.engine"),
    ("kiosk.cli", "kiosk.speech.service"),
    ("kiosk.cli", "kiosk.export"),
    ("kiosk.cli", "kiosk.guide"),  # kiosk build: 语音导览's fixed prompts
    ("kiosk.cli", "kiosk.ime"),  # kiosk build: the 拼音 lexicon
    ("kiosk.cli", "time"),
    ("kiosk.toolbar", "pypinyin"),
    ("kiosk.ime.lexicon", "pypinyin"),  # only to build a lexicon, not to load one
    ("kiosk.search._homophones", "kiosk.ime.lexicon"),  # pypinyin, for an unknown word only
    # PDF and Word readers are loaded only when such a file is imported.
    ("kiosk.content.documents", "docx"),
    ("kiosk.content.documents", "pdfplumber"),
    ("kiosk.content.documents", "pypdfium2"),
    ("kiosk.search._text", "jieba"),
    ("kiosk.speech.pieces", "kiosk.search._text"),  # jieba, only when a listener waits
    ("kiosk.content.batch", "pypinyin"),
    ("kiosk.speech._worker", "pyttsx3"),  # in the worker process only
    ("kiosk.speech._worker", "kiosk.speech.kokoro"),  # in the worker process only
    # Kokoro's packages are an optional extra (kiosk[voice]), loaded in its worker.
    ("kiosk.speech.kokoro", "misaki"),
    ("kiosk.speech.kokoro", "cn2an"),
    ("kiosk.speech.normalize", "cn2an"),  # half a second of every start-up; numbers only
    ("kiosk.speech.kokoro", "jieba"),
    ("kiosk.speech.kokoro", "pypinyin"),
    ("kiosk.speech.kokoro", "numpy"),
    ("kiosk.speech.kokoro", "onnxruntime"),
    ("kiosk.asr.worker", "faster_whisper"),  # in the worker process only
}


def _lazy(module: str, imported: str) -> bool:
    return any(
        module == mod and (imported == name or imported.startswith(name + "."))
        for mod, name in LAZY
    )


def _name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(tree: ast.Module, module: str) -> tuple[set[str], set[str]]:
    """(top-level imports, imports inside functions) as module names."""
    top: set[str] = set()
    inner: set[str] = set()

    def names(node: ast.Import | ast.ImportFrom) -> list[str]:
        if isinstance(node, ast.Import):
            return [a.name for a in node.names]
        base = node.module or ""
        if node.level:
            base = ".".join(module.split(".")[: -node.level] + ([base] if base else []))
        # `from kiosk.search import _lexicon` depends on the submodule, not the package.
        return [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]

    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for sub in ast.walk(node):
                if isinstance(sub, ast.Import | ast.ImportFrom):
                    inner.update(names(sub))
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            top.update(names(node))
    return top, inner


GRAPH = {}
INNER = {}
for _module, _path in MODULES.items():
    _top, _inner = _imports(ast.parse(_path.read_text(encoding="utf-8")), _module)
    GRAPH[_module] = {m for m in _top if m in MODULES}
    INNER[_module] = _inner


def test_no_import_cycles() -> None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for target in sorted(GRAPH[module]):
            if state.get(target) == 1:
                cycle = stack[stack.index(target) :] + [target]
                raise AssertionError("import cycle: " + " → ".join(cycle))
            if target not in state:
                visit(target)
        stack.pop()
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module)


def test_the_domain_never_imports_the_web_framework() -> None:
    for module, path in MODULES.items():
        if module.startswith(WEB):
            continue
        text = path.read_text(encoding="utf-8")
        top, inner = _imports(ast.parse(text), module)
        web = {m for m in top | inner if m.startswith(("starlette", "kiosk.web", "uvicorn"))}
        # The export drives the app in-process: it builds it, as the CLI does.
        allowed = {m for m in web if _lazy(module, m) or module.startswith("kiosk.export")}
        assert web <= allowed, f"{module} imports {sorted(web - allowed)}"


def test_no_imports_inside_functions_but_the_listed_lazy_ones() -> None:
    for module, inner in INNER.items():
        unexpected = {m for m in inner if not _lazy(module, m)}
        assert not unexpected, f"{module} imports inside functions: {sorted(unexpected)}"


def test_app_state_is_one_typed_services_object() -> None:
    """Only create_app() sets app.state, only deps.services_of() reads it."""
    for module, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        uses = text.count(".state.services")
        if module == "kiosk.web.app":
            assert uses == 1, module
        elif module == "kiosk.web.deps":
            assert uses == 1 and "request.app.state" not in text.replace(
                "request.app.state.services", ""
            )
        else:
            assert uses == 0 and "app.state" not in text, module
