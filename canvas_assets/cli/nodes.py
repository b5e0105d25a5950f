"""`mlcanvas nodes [CATEGORY]`: the node types of the registry, grouped by palette category.

Each node type is listed with its type id, label, input and output ports (name and data type) and
params (name, type, default, required), as text for people or, with --json, as the same data in
JSON. Categories come in the palette's order (node_library.nodes.CATEGORIES), plugin categories
after them by name. A param's type is written as in a workflow file: `int`, `list[str]`,
`"kfold" | "stratified_kfold"` for a choice, `| null` where it may be empty; its default is the
JSON a workflow file would hold.
"""

from __future__ import annotations

import argparse
import json
import sys
import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined, to_jsonable_python

from canvas_assets.cli.formatting import table
from canvas_assets.services import CanvasServices
from node_library.contract import NodeType, Port
from node_library.nodes import CATEGORIES
from node_library.registry import NodeRegistry


def add_node_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    nodes = sub.add_parser(
        "nodes",
        help="node types by category, with their ports and params",
        description="List the node types (built-in and plugins) by category: type id, label,"
        " input and output ports, params with their type, default and whether they are"
        " required.",
    )
    nodes.add_argument("category", nargs="?", help="only this category (e.g. models)")
    nodes.add_argument("--json", action="store_true", help="print the same as JSON")
    nodes.set_defaults(handler=_nodes)


def _nodes(args: argparse.Namespace) -> int:
    listing = node_listing(CanvasServices.from_env().registry)
    if args.category is not None:
        wanted = args.category.strip().lower()
        found = [c for c in listing if c["category"] == wanted]
        if not found:
            print(
                f"error: no node category {args.category!r}; the categories: "
                + ", ".join(c["category"] for c in listing),
                file=sys.stderr,
            )
            return 2
        listing = found
    if args.json:
        print(json.dumps(listing, indent=2))
    else:
        print(render_listing(listing))
    return 0


def node_listing(registry: NodeRegistry) -> list[dict[str, Any]]:
    """[{category, node_types: [{type_id, label, description, version, inputs, outputs,
    params}]}] in palette order: the data both the text and the JSON forms print."""
    by_category: dict[str, list[NodeType[Any]]] = {}
    for node_type in registry:
        by_category.setdefault(node_type.category, []).append(node_type)
    order = [c for c in CATEGORIES if c in by_category]
    order += sorted(c for c in by_category if c not in CATEGORIES)
    return [
        {
            "category": category,
            "node_types": [
                _node_entry(t) for t in sorted(by_category[category], key=lambda t: t.type_id)
            ],
        }
        for category in order
    ]


def _node_entry(node_type: NodeType[Any]) -> dict[str, Any]:
    return {
        "type_id": node_type.type_id,
        "label": node_type.display_name,
        "description": node_type.description,
        "version": node_type.version,
        "inputs": [_port(p, with_required=True) for p in node_type.inputs],
        "outputs": [_port(p, with_required=False) for p in node_type.outputs],
        "params": [_param(name, f) for name, f in node_type.Params.model_fields.items()],
    }


def _port(port: Port, with_required: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": port.name, "kind": port.data_type.value}
    if with_required:
        entry["required"] = port.required
    return entry


def _param(name: str, field: FieldInfo) -> dict[str, Any]:
    required = field.is_required()
    default = None if required else field.get_default(call_default_factory=True)
    return {
        "name": field.alias or name,
        "type": type_text(field.annotation),
        "default": None if default is PydanticUndefined else to_jsonable_python(default),
        "required": required,
    }


def type_text(annotation: Any) -> str:
    """A param's type as a workflow file sees it (see the module docstring)."""
    if annotation is None or annotation is type(None):
        return "null"
    if annotation is Any:
        return "any"
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Literal:
        return " | ".join(json.dumps(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        # None last, whatever order the annotation names it in
        parts = [type_text(a) for a in args if a is not type(None)]
        return " | ".join(parts + (["null"] if type(None) in args else []))
    if origin is not None:
        name = getattr(origin, "__name__", str(origin))
        return f"{name}[{', '.join(type_text(a) for a in args)}]" if args else name
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return f"{annotation.__name__} object"
        return annotation.__name__
    return str(annotation)


def render_listing(listing: list[dict[str, Any]]) -> str:
    blocks: list[str] = []
    for group in listing:
        count = len(group["node_types"])
        blocks.append(f"{group['category']}: {count} node type{'' if count == 1 else 's'}")
        blocks += [_render_node(entry) for entry in group["node_types"]]
    return "\n\n".join(blocks)


def _render_node(entry: dict[str, Any]) -> str:
    def ports(found: list[dict[str, Any]]) -> str:
        return (
            ", ".join(
                f"{p['name']} ({p['kind']}{'' if p.get('required', True) else ', optional'})"
                for p in found
            )
            or "none"
        )

    lines = [
        f"  {entry['type_id']}  {entry['label']}",
        f"    {entry['description']}",
        f"    inputs:  {ports(entry['inputs'])}",
        f"    outputs: {ports(entry['outputs'])}",
    ]
    if entry["params"]:
        # the type last: a choice of many values is long, and would push the others apart
        rows = [
            [
                p["name"],
                "yes" if p["required"] else "no",
                "-" if p["required"] else json.dumps(p["default"]),
                p["type"],
            ]
            for p in entry["params"]
        ]
        params = table(rows, ["param", "required", "default", "type"])
        lines += ["    " + line for line in params.splitlines()]
    else:
        lines.append("    params:  none")
    return "\n".join(lines)
