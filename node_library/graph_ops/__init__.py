"""Graph operations: the small edits the canvas sends, applied all-or-nothing to a Workflow.

Clients never send whole documents while editing; they send batches of operations (`GraphOp`, a
union discriminated by the field `op`). This package owns what those operations are and mean,
one concern per module:

- `models`: the op models and their union `GraphOp` (the wire format).
- `wire`: `parse_ops` reads ops from JSON data (OpError names the first bad one); `dump_ops` /
  `load_ops` are the compact JSON form kept in the store's operation log.
- `schema`: the JSON Schema of the wire format, checked in for the canvas's generated types
  (`python -m node_library.graph_ops.schema --write`).
- `apply`: `apply_ops` applies a batch and `invert_ops` gives the ops that undo it (per-user
  undo), with the semantics chosen for each op.
- `checked`: `apply_ops_checked` also refuses ops that introduce a structural error (unknown node
  type, missing port, port type mismatch, cycle, a literal secret), traced back to the op.
- `keys`: `touched_keys` / `overlapping_keys`, what a batch touches, for rebasing a batch with a
  stale base revision (auto_rebase).
- `errors`: `OpError`, how all of them refuse a batch.

The canvas (canvas_frontend/src/graph/ops.ts, rebase.ts, changeKeys.ts) implements the same
semantics in TypeScript; the shared cases in tests/graph_ops_corpus/ are replayed against both.
"""

from node_library.graph_ops.apply import apply_ops, invert_ops
from node_library.graph_ops.checked import STRUCTURAL_ISSUE_CODES, apply_ops_checked
from node_library.graph_ops.errors import OpError
from node_library.graph_ops.keys import overlapping_keys, touched_keys
from node_library.graph_ops.models import (
    AddEdgeOp,
    AddGroupOp,
    AddNodeOp,
    GraphOp,
    GroupSlot,
    MoveNodesOp,
    RemoveEdgeOp,
    RemoveGroupOp,
    RemoveNodeOp,
    RenameWorkflowOp,
    SetDescriptionOp,
    SetExecutorOp,
    SetLabelOp,
    UpdateGroupOp,
    UpdateParamsOp,
)
from node_library.graph_ops.wire import dump_ops, load_ops, parse_ops

__all__ = [
    "STRUCTURAL_ISSUE_CODES",
    "AddEdgeOp",
    "AddGroupOp",
    "AddNodeOp",
    "GraphOp",
    "GroupSlot",
    "MoveNodesOp",
    "OpError",
    "RemoveEdgeOp",
    "RemoveGroupOp",
    "RemoveNodeOp",
    "RenameWorkflowOp",
    "SetDescriptionOp",
    "SetExecutorOp",
    "SetLabelOp",
    "UpdateGroupOp",
    "UpdateParamsOp",
    "apply_ops",
    "apply_ops_checked",
    "dump_ops",
    "invert_ops",
    "load_ops",
    "overlapping_keys",
    "parse_ops",
    "touched_keys",
]
