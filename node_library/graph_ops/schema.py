"""The JSON Schema of one graph op, as the canvas sends and receives ops, and its checked-in copy.

The GraphQL mutation `applyGraphOps` takes its ops as `[JSON]` (integrations depend on that), so
the op types reach the canvas through this schema instead: `graph_ops.schema.json` beside this
module is generated from the pydantic models, and the canvas generates its TypeScript types from
it (canvas_frontend: `npm run codegen:ops` runs both steps; a test fails when either is stale).

Two things differ from pydantic's own validation schema, both so the schema describes exactly
the ops the canvas exchanges with the server (every op the server writes satisfies it, and the
server accepts every op that does):
- `op` is required in every op: the union is discriminated by it, so the server needs it even
  though the models default it for Python callers.
- Every field of a node, edge, group and position inside an op is required: the canvas holds
  and sends them whole, and the server writes them whole.
Field titles are left out (pydantic derives them from the field names; they would only become
noise type names in the generated TypeScript).

    .venv/bin/python -m node_library.graph_ops.schema --write   # rewrite the checked-in copy
    .venv/bin/python -m node_library.graph_ops.schema           # print it
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import CoreSchema

from node_library.graph_ops.models import GraphOp

SCHEMA_PATH = Path(__file__).with_name("graph_ops.schema.json")

# The graph document's own objects, always exchanged whole (see the module docstring).
_WHOLE = ("Node", "Edge", "Group", "Position")

_DESCRIPTION = (
    "One graph operation (node_library.graph_ops), as the canvas sends and receives it; a batch"
    " is a list of them. Generated from the pydantic models, like the canvas's TypeScript types"
    " generated from this schema: run `npm run codegen:ops` in canvas_frontend."
)


class _WithoutFieldTitles(GenerateJsonSchema):
    def field_title_should_be_set(self, schema: CoreSchema) -> bool:
        return False


def ops_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one op of the union `GraphOp`."""
    schema = TypeAdapter(GraphOp).json_schema(schema_generator=_WithoutFieldTitles)
    defs: dict[str, dict[str, Any]] = schema["$defs"]
    for definition in defs.values():
        properties = definition.get("properties", {})
        if "const" in properties.get("op", {}):
            definition["required"] = ["op", *definition.get("required", [])]
    for name in _WHOLE:
        defs[name]["required"] = list(defs[name]["properties"])
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "GraphOp",
        "description": _DESCRIPTION,
        **schema,
    }


def schema_text() -> str:
    """The schema as it is checked in."""
    return json.dumps(ops_json_schema(), indent=2) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--write", action="store_true", help=f"write {SCHEMA_PATH.name}")
    args = parser.parse_args(argv)
    if args.write:
        SCHEMA_PATH.write_text(schema_text())
        print(f"wrote {SCHEMA_PATH}")
    else:
        print(schema_text(), end="")


if __name__ == "__main__":
    main()
