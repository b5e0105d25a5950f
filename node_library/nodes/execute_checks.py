"""What `execute` checks before computing: the node's own `validate`, run again on the schemas of
the real inputs (they can differ from the schemas inferred before the run), stops the run at the
first error, so a run meets the same issues the canvas shows."""

from __future__ import annotations

from collections.abc import Iterable

from node_library.contract import Issue, NodeError, Severity


def raise_first_error(issues: Iterable[Issue]) -> None:
    """Raise the first issue of error severity as a NodeError; warnings do not stop a run."""
    for issue in issues:
        if issue.severity is Severity.ERROR:
            raise NodeError(issue)
