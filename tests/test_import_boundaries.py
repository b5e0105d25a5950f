"""Imports point one way: node_library <- canvas_assets <- graphql_api (docs/architecture.md).

node_library is shared by the compiler, the API, the CLI and third-party node packages, so it must
import without dagster or strawberry, and must never reach up into the layers built on it.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import node_library

NODE_LIBRARY = Path(node_library.__file__).parent
FORBIDDEN_IN_NODE_LIBRARY = ("canvas_assets", "graphql_api", "dagster", "strawberry")


def test_importing_node_library_and_its_registry_loads_neither_dagster_nor_strawberry() -> None:
    code = (
        "import json, sys\n"
        "import node_library\n"
        "import node_library.validation\n"
        "from node_library.registry import default_registry\n"
        "registry = default_registry()\n"
        "loaded = sorted(m for m in sys.modules\n"
        "                if m.split('.')[0] in ('dagster', 'strawberry', 'canvas_assets',\n"
        "                                       'graphql_api'))\n"
        "print(json.dumps({'loaded': loaded, 'types': registry.type_ids}))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["loaded"] == [], report["loaded"]
    assert "sources.sample_dataset" in report["types"], run.stderr[-2000:]


def _imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and (
                (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                or (
                    isinstance(node.func, ast.Name)
                    and node.func.id in ("import_module", "__import__")
                )
            )
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def test_no_module_under_node_library_imports_the_layers_above_it() -> None:
    offenders = []
    files = sorted(NODE_LIBRARY.rglob("*.py"))
    assert len(files) > 5
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for lineno, module in _imported_modules(tree):
            if module.split(".")[0] in FORBIDDEN_IN_NODE_LIBRARY:
                offenders.append(f"{path.relative_to(NODE_LIBRARY.parent)}:{lineno} {module}")
    assert not offenders, "node_library must not import these:\n" + "\n".join(offenders)


def test_the_import_scan_sees_every_import_form() -> None:
    tree = ast.parse(
        "import canvas_assets.store\n"
        "from graphql_api import schema\n"
        "import importlib\n"
        "importlib.import_module('dagster')\n"
        "__import__('strawberry')\n"
        "from . import sibling\n"
    )
    assert {m for _, m in _imported_modules(tree)} == {
        "canvas_assets.store",
        "graphql_api",
        "importlib",
        "dagster",
        "strawberry",
    }
