"""Imports live at the top of a module, where the reader (and import-linter) sees what a
module depends on. One inside a function says why, in a comment on its line or the line
before: Django's app registry not loaded yet, the settings not chosen yet, an optional
dependency of one command."""

import ast
import pathlib

import maillage

SOURCE = pathlib.Path(maillage.__file__).parent


def _above(lines, node) -> str:
    """The line above a run of imports (one comment gives the reason for the run)."""
    index = node.lineno - 2
    while index >= 0 and lines[index].strip().startswith(("import ", "from ")):
        index -= 1
    return lines[index].strip() if index >= 0 else ""


def _hidden_imports():
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        text = path.read_text()
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    written = "\n".join(lines[inner.lineno - 1 : inner.end_lineno])
                    yield path.relative_to(SOURCE), inner.lineno, written, _above(lines, inner)


def test_an_import_inside_a_function_says_why():
    silent = [
        f"{path}:{line}: {written.strip()}"
        for path, line, written, before in _hidden_imports()
        if "#" not in written and not before.startswith("#")
    ]
    assert not silent, "imports inside functions without a reason:\n" + "\n".join(silent)


def test_the_scan_sees_the_imports_that_have_a_reason():
    """Not vacuous: the few imports left inside functions are found, with their reason."""
    found = {str(path) for path, _line, _written, _before in _hidden_imports()}
    assert {"cli.py", "pathways/apps.py"} <= found
