"""The official Tracia SDK, installed apart from this package (run-tests.sh puts it in
build/official-tracia with pip --target), read without importing its client: its types module
needs only pydantic, and its names are read from its source."""
import ast
import importlib.util
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
PACKAGE = os.path.join(os.environ.get("TRACIA_OFFICIAL_SDK", os.path.join(ROOT, "build", "official-tracia")), "tracia")


def _source(name):
    path = os.path.join(PACKAGE, name)
    assert os.path.exists(path), f"the official SDK is not installed at {PACKAGE}: run bindings/python/run-tests.sh"
    with open(path) as f:
        return f.read()


def all_names():
    """The official package's __all__."""
    for node in ast.parse(_source("__init__.py")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            return [ast.literal_eval(e) for e in node.value.elts]
    raise AssertionError("no __all__ in the official tracia/__init__.py")


def types_module():
    """The official tracia/_types.py (pydantic models), loaded under a name of its own."""
    name = "official_tracia_types"
    if name not in sys.modules:
        _source("_types.py")
        spec = importlib.util.spec_from_file_location(name, os.path.join(PACKAGE, "_types.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]
