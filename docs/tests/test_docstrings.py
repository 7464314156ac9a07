"""The examples in the Python API's docstrings (rendered on the reference page) run and print
what they show: the package's modules, and the stub of the native module."""

from __future__ import annotations

import ast
import doctest
import os
from pathlib import Path

import pytest

import arqonhpo
from arqonhpo import _minimize, _solver

PACKAGE = Path(arqonhpo.__file__).parent
FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS


def stub_docstrings() -> list[tuple[str, str]]:
    """(qualified name, docstring) of every class, function and attribute in _core.pyi."""
    tree = ast.parse((PACKAGE / "_core.pyi").read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            doc = ast.get_docstring(node, clean=True)
            if doc:
                found.append((node.name, doc))
    return found


def run(name: str, doc: str, tmp_path: Path) -> None:
    test = doctest.DocTestParser().get_doctest(doc, {"aq": arqonhpo}, name, name, 0)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        runner.run(test)
    finally:
        os.chdir(cwd)
    assert runner.failures == 0, f"{name}: {runner.failures} failing example(s)"


@pytest.mark.parametrize(
    "module", [arqonhpo, _solver, _minimize], ids=lambda m: m.__name__
)
def test_module_docstring_examples(module: object, tmp_path: Path) -> None:
    tests = doctest.DocTestFinder().find(module, globs={"aq": arqonhpo})
    examples = [t for t in tests if t.examples]
    assert examples, "every module has examples"
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        runner = doctest.DocTestRunner(optionflags=FLAGS)
        for t in examples:
            runner.run(t)
    finally:
        os.chdir(cwd)
    assert runner.failures == 0


@pytest.mark.parametrize(
    "name,doc", stub_docstrings(), ids=lambda v: v if len(v) < 40 else ""
)
def test_stub_docstring_examples(name: str, doc: str, tmp_path: Path) -> None:
    run(name, doc, tmp_path)


def test_every_public_name_has_an_example() -> None:
    """Each name in ``arqonhpo.__all__`` shows a usage example in its own docstring or in the
    stub's (``__version__`` and the ``ParamValue`` alias excepted)."""
    stub = dict(stub_docstrings())
    missing = []
    for name in arqonhpo.__all__:
        if name in ("__version__", "ParamValue"):
            continue
        doc = stub.get(name) or getattr(arqonhpo, name).__doc__ or ""
        if ">>>" not in doc:
            missing.append(name)
    assert not missing, missing
