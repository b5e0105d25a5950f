"""Fixture cases for the node contract test: for every registered node type, params and inputs
that it must execute on. Each area keeps its cases in its own module (cases_sources.py,
cases_transforms.py, cases_outputs.py, ...) as
`CASES: dict[type_id, Callable[[CaseEnv], NodeCase]]`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from node_library.settings import NodeSettings


@dataclass
class NodeCase:
    params: dict[str, Any]
    inputs: dict[str, Any] = field(default_factory=dict)
    # settings the node runs with; None means CaseEnv.settings (data root = env.data_root)
    settings: NodeSettings | None = None


@dataclass
class CaseEnv:
    """What a case may use: a temporary data root and the real services, started on demand."""

    data_root: Path
    request: pytest.FixtureRequest

    @property
    def settings(self) -> NodeSettings:
        return NodeSettings(data_roots=(self.data_root.resolve(),))

    def fixture(self, name: str) -> Any:
        """A pytest fixture by name, e.g. env.fixture("s3_service") or env.fixture("pg_url")."""
        return self.request.getfixturevalue(name)

    def write_csv(self, name: str, frame: pd.DataFrame) -> str:
        path = self.data_root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(path, index=False)
        return name


def sales_frame(rows: int = 40) -> pd.DataFrame:
    """A small, varied frame that transforms and outputs can share as input."""
    regions = ["north", "south", "east", "west"]
    return pd.DataFrame(
        {
            "order_id": range(1, rows + 1),
            "region": [regions[i % 4] for i in range(rows)],
            "units": [(i * 7) % 13 + 1 for i in range(rows)],
            "price": [round(2.5 + (i % 9) * 1.25, 2) for i in range(rows)],
            "ordered_at": pd.date_range("2026-01-01", periods=rows, freq="D"),
        }
    )


CaseFactory = Callable[[CaseEnv], NodeCase]


def all_cases() -> dict[str, CaseFactory]:
    import tests.node_library as package

    cases: dict[str, CaseFactory] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("cases_"):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            cases.update(module.CASES)
    return cases
