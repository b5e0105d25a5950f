"""The one place that touches Dagster's internal/preview APIs (STYLE.md): pinning the workflow
snapshot a code location was built from into reconstruction metadata, so run workers that
re-import the code location rebuild exactly the graphs the run was launched against, even if the
store changed in between. An upgrade of Dagster that moves these APIs touches this file only."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import dagster as dg
from dagster._core.definitions.definitions_load_context import (
    DefinitionsLoadContext,
    DefinitionsLoadType,
)


def pinned_snapshot(key: str, load: Callable[[], str]) -> str:
    """The snapshot stored for this code location load, or a fresh one (then recorded)."""
    context = DefinitionsLoadContext.get()
    if context.load_type == DefinitionsLoadType.RECONSTRUCTION:
        stored = context.reconstruction_metadata.get(key)
        if isinstance(stored, str):
            return stored
    snapshot = load()
    context.add_to_pending_reconstruction_metadata(key, snapshot)
    return snapshot


def with_snapshot(defs: dg.Definitions, key: str, snapshot: str) -> dg.Definitions:
    # Both calls are needed: with only this one the run worker saw an empty mapping
    # (shared/research/dagster-design.md, section 1).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.PreviewWarning)  # known and pinned: see module doc
        return defs.with_reconstruction_metadata({key: snapshot})
