"""docs/add-a-node-type.md stays true: the node its code blocks build registers, passes the checks
every built-in node passes (test_node_contract.py's own functions), and passes the guide's unit
tests and migration. The guide is our own file, so its code is run as it is."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import node_library.nodes.transforms as transforms
import tests.node_library.cases_transforms as cases_transforms
from node_library.contract import NodeType
from node_library.registry import NodeRegistry
from tests.node_library.node_cases import CaseEnv
from tests.node_library.test_node_contract import (
    check_declaration,
    check_executes_and_matches_inferred_schema,
    check_params_round_trip,
)

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "add-a-node-type.md"
TEXT = GUIDE.read_text(encoding="utf-8")
# the guide's file: its tests import the node from here, as they would in the repository
MODULE = "node_library.nodes.transforms.clip_values"
TYPE_ID = "transforms.clip_values"


def blocks(info: str) -> list[str]:
    """The guide's code blocks whose info string is exactly `info` ("python", "python test")."""
    return re.findall(rf"^```{re.escape(info)}\n(.*?)^```$", TEXT, flags=re.M | re.S)


@pytest.fixture
def guide_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The node file the guide builds, written out and imported under its repository name."""
    path = tmp_path / "clip_values.py"
    path.write_text("\n".join(blocks("python")), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(MODULE, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, MODULE, module)
    spec.loader.exec_module(module)
    return module


def guide_node(module: ModuleType) -> type[NodeType[Any]]:
    node_type: type[NodeType[Any]] = module.ClipValuesNode
    return node_type


def test_the_guide_has_the_blocks_this_test_runs() -> None:
    assert len(blocks("python")) >= 5
    assert [len(blocks(info)) for info in ("python case", "python test", "python migration")] == [
        1,
        1,
        1,
    ]


def test_the_guides_node_registers_in_a_fresh_registry(guide_module: ModuleType) -> None:
    registry = NodeRegistry([guide_node(guide_module)])
    assert registry.type_ids == [TYPE_ID]


def test_the_guides_node_passes_the_contract_checks(
    guide_module: ModuleType, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    node = NodeRegistry([guide_node(guide_module)]).get(TYPE_ID)
    assert node is not None
    check_declaration(node)
    namespace = dict(vars(cases_transforms))  # the guide's case goes in that module
    exec(blocks("python case")[0], namespace)
    env = CaseEnv(tmp_path, request)
    case = namespace["_clip"](env)
    check_params_round_trip(node, case)
    check_executes_and_matches_inferred_schema(node, case, env)


def test_the_guides_unit_tests_pass(guide_module: ModuleType) -> None:
    namespace: dict[str, Any] = {"__name__": "guide_tests"}
    exec(blocks("python test")[0], namespace)
    tests = [f for name, f in namespace.items() if name.startswith("test_") and callable(f)]
    assert len(tests) >= 2
    for test in tests:
        test()


def test_the_guides_migration_brings_version_1_params_up(guide_module: ModuleType) -> None:
    assert guide_node(guide_module).version == 1
    namespace = dict(vars(guide_module))
    exec(blocks("python migration")[0], namespace)
    version_2 = namespace["ClipValuesNode"]
    assert version_2.version == 2
    saved = {"columns": ["price"], "lower": 1.0, "upper": 9.5}
    assert version_2.migrate_params(saved, 1) == {
        "columns": ["price"],
        "minimum": 1.0,
        "maximum": 9.5,
    }
    assert saved == {"columns": ["price"], "lower": 1.0, "upper": 9.5}  # saved params untouched


def test_the_guide_registers_the_node_as_the_categories_do() -> None:
    registration = next(b for b in blocks("text") if "NODES = (" in b)
    assert "import ClipValuesNode" in registration and "    ClipValuesNode," in registration
    assert transforms.NODES and all(issubclass(n, NodeType) for n in transforms.NODES)


def test_the_files_the_guide_names_exist() -> None:
    named = set(re.findall(r"`((?:[\w.-]+/)+[\w.-]+\.(?:py|md|toml))`", TEXT))
    assert len(named) > 10
    missing = [
        name
        for name in sorted(named)
        if not name.endswith("clip_values.py")
        and not any((base / name).exists() for base in (ROOT, ROOT / "node_library"))
    ]
    assert not missing, missing
