"""The shared graph op corpus (tests/graph_ops_corpus/, its README says the format) replayed
against node_library.graph_ops; canvas_frontend/src/graph/opsCorpus.test.ts replays the same
files against the canvas's implementation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from node_library.graph import Workflow
from node_library.graph_ops import (
    GraphOp,
    OpError,
    apply_ops,
    dump_ops,
    invert_ops,
    overlapping_keys,
    parse_ops,
    touched_keys,
)
from node_library.graph_ops.models import OP_NAMES

CORPUS = Path(__file__).resolve().parents[1] / "graph_ops_corpus"


def _cases(kind: str) -> list[Any]:
    """pytest params (document, case) of the cases of one kind: applies, error or concurrent."""
    params = []
    for path in sorted(CORPUS.glob("*.json")):
        data = json.loads(path.read_text())
        for case in data["cases"]:
            case_kind = next((k for k in ("error", "concurrent") if k in case), "applies")
            if case_kind == kind:
                document = data["documents"][case["doc"]]
                params.append(pytest.param(document, case, id=f"{path.stem}: {case['name']}"))
    return params


def _workflow(document: dict[str, Any]) -> Workflow:
    fields = {k: v for k, v in document.items() if k != "executor"}
    settings = {"executor": document.get("executor", "local")}
    return Workflow(slug="corpus", settings=settings, **fields)


def _document(workflow: Workflow) -> dict[str, Any]:
    """A workflow in the corpus's document shape."""
    fields = {"name", "description", "nodes", "edges", "groups"}
    return {
        **workflow.model_dump(mode="json", include=fields),
        "executor": workflow.settings.executor,
    }


def _expected_document(document: dict[str, Any]) -> dict[str, Any]:
    return {"executor": "local", **document}


def _ops(ops: list[GraphOp]) -> list[dict[str, Any]]:
    """Ops as the corpus writes them: null fields and an empty `groups` left out."""
    return [
        {k: v for k, v in op.items() if v is not None and not (k == "groups" and v == [])}
        for op in json.loads(dump_ops(ops))
    ]


@pytest.mark.parametrize(("document", "case"), _cases("applies"))
def test_a_corpus_batch_gives_the_document_the_corpus_gives(
    document: dict[str, Any], case: dict[str, Any]
) -> None:
    after = apply_ops(_workflow(document), parse_ops(case["ops"]))
    assert _document(after) == _expected_document(case["after"])


@pytest.mark.parametrize(("document", "case"), _cases("applies"))
def test_a_corpus_batch_has_the_inverse_the_corpus_gives_and_it_undoes_the_batch(
    document: dict[str, Any], case: dict[str, Any]
) -> None:
    before = _workflow(document)
    ops = parse_ops(case["ops"])
    inverse = invert_ops(before, ops)
    assert _ops(inverse) == case["inverse"]
    assert _document(apply_ops(apply_ops(before, ops), inverse)) == _expected_document(document)


@pytest.mark.parametrize(("document", "case"), _cases("applies"))
def test_a_corpus_batch_touches_the_keys_the_corpus_gives(
    document: dict[str, Any], case: dict[str, Any]
) -> None:
    touched = touched_keys(parse_ops(case["ops"]), _workflow(document))
    assert sorted(touched) == case["touched_keys"]


@pytest.mark.parametrize(("document", "case"), _cases("error"))
def test_a_corpus_batch_is_refused_at_the_op_the_corpus_names(
    document: dict[str, Any], case: dict[str, Any]
) -> None:
    workflow = _workflow(document)
    with pytest.raises(OpError) as refused:
        apply_ops(workflow, parse_ops(case["ops"]))
    assert {"index": refused.value.index, "code": refused.value.code} == case["error"]


@pytest.mark.parametrize(("document", "case"), _cases("concurrent"))
def test_a_concurrent_corpus_batch_is_rebased_or_refused_as_the_corpus_says(
    document: dict[str, Any], case: dict[str, Any]
) -> None:
    base = _workflow(document)
    mine = parse_ops(case["ops"])
    theirs = parse_ops(case["concurrent"]["theirs"])
    expected = case["concurrent"]["server"]
    overlap = overlapping_keys(touched_keys(mine, base), touched_keys(theirs, base))
    assert sorted(overlap) == expected["overlap"]
    if not overlap:
        rebased = apply_ops(apply_ops(base, theirs), mine)
        assert _document(rebased) == _expected_document(expected["doc"])
        # where the canvas's rebase succeeds too, both end with the same document
        client = case["concurrent"]["client"]
        if client["ok"]:
            assert _expected_document(client["doc"]) == _expected_document(expected["doc"])


def test_the_corpus_covers_every_op_kind_and_every_outcome() -> None:
    kinds: set[str] = set()
    for path in CORPUS.glob("*.json"):
        for case in json.loads(path.read_text())["cases"]:
            kinds.update(op["op"] for op in case["ops"])
            kinds.update(op["op"] for op in case.get("concurrent", {}).get("theirs", []))
    assert set(OP_NAMES) <= kinds
    assert all(_cases(kind) for kind in ("applies", "error", "concurrent"))
