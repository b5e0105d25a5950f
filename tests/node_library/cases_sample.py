from __future__ import annotations

from tests.node_library.node_cases import CaseEnv, CaseFactory, NodeCase


def _sample(env: CaseEnv) -> NodeCase:
    return NodeCase(params={"dataset": "wine", "target_column": "label"})


CASES: dict[str, CaseFactory] = {"sources.sample_dataset": _sample}
