"""`mlcanvas output WORKFLOW NODE`: a node's current stored result in the shell, and what `run`
prints after its per-node summary (each metrics node's values, each exported file's path).

The result is the one the current graph implies (canvas_assets.outputs.lookup.node_output, the
same lookup as the canvas's output panel), printed by its data type:
- a table (dataframe, series): aligned text, the first `--limit` rows (20 by default); `--csv`
  every row as CSV, as the canvas's download writes it (formula-like text quoted unless
  CANVAS_CSV_RAW=1, CRLF line ends); `--json` every row as a JSON object per line;
- metrics: a table of metric and value (`--csv` the same as CSV, `--json` one JSON object);
- a file (export, report, model export): the path of the stored file (`--json`: with its name,
  media type and size);
- plot, json and model results: their JSON (a plot only with `--json`: as text it is summarized).
Exit 1 when the node has no result for its current params (with the `mlcanvas run` to do), 2 for
an unknown node or port (naming the valid ones) or a format the result has no form in.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
from collections.abc import Iterator
from textwrap import indent
from typing import Any

from canvas_assets.cli.formatting import byte_size, cell_text, table
from canvas_assets.outputs.downloads import CSV_BATCH_ROWS, CSV_LINE_END, ENV_CSV_RAW
from canvas_assets.outputs.errors import NoCurrentResult, OutputNotFound, PreviewError
from canvas_assets.outputs.json_cells import json_safe
from canvas_assets.outputs.lookup import NodeOutput, node_output
from canvas_assets.outputs.preview import FileInfo, ValuePreview, preview
from canvas_assets.outputs.stored_results import data_key, open_parquet, read_meta
from canvas_assets.outputs.table_pages import MAX_LIMIT, TablePreview
from canvas_assets.planning.plan import Plan
from canvas_assets.services import CanvasServices, RunReport
from canvas_assets.storage.artifacts import ArtifactRef, ArtifactStore, LocalBackend
from node_library.datatypes import DataType
from node_library.safety.formulas import neutralize_frame

TEXT_ROWS = 20


def add_output_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    output = sub.add_parser(
        "output",
        help="print a node's current result (table, metrics, file path, ...)",
        description="Print the stored result of a node for the workflow's current params:"
        " a table as aligned text (or every row with --csv / --json), metrics as a table,"
        " a file as its path. Exit 1 when the node has not been computed yet.",
    )
    output.add_argument("workflow", help="workflow id or slug")
    output.add_argument("node", help="node id")
    output.add_argument("--port", help="output port (default: the node's first)")
    form = output.add_mutually_exclusive_group()
    form.add_argument(
        "--json", action="store_true", help="JSON: a table as one object per row (JSON lines)"
    )
    form.add_argument("--csv", action="store_true", help="CSV: a table or metrics")
    output.add_argument(
        "--limit",
        type=_row_count,
        help=f"rows of a table to print (default: {TEXT_ROWS} as text, all with --csv or --json)",
    )
    output.set_defaults(handler=_output)


def _row_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a row count (0 or more)")
    return value


def _output(args: argparse.Namespace) -> int:
    services = CanvasServices.from_env()
    as_text = not (args.json or args.csv)
    limit: int | None = args.limit if args.limit is not None else TEXT_ROWS if as_text else None
    # only the text form prints from the first page; the others read the stored table whole
    first_page = min(limit or 0, MAX_LIMIT) if as_text else 0
    try:
        found = node_output(services, args.workflow, args.node, port=args.port, limit=first_page)
    except NoCurrentResult as exc:
        print(
            f"error: node {args.node!r} has no result for its current params and inputs"
            f" ({exc.state}: {exc.reason}); run `mlcanvas run {args.workflow}` first"
            f" (`--node {args.node}` runs just it and what it needs)",
            file=sys.stderr,
        )
        return 1
    except OutputNotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except PreviewError as exc:
        print(f"error: {exc}" + (f"; {exc.hint}" if exc.hint else ""), file=sys.stderr)
        return 2
    page = found.preview
    if isinstance(page, TablePreview):
        return _print_table(services.artifacts, found, page, args, limit)
    if isinstance(page, FileInfo):
        return _print_file(services.artifacts, found.ref, page, args)
    return _print_value(found.ref, page, args)


def _print_table(
    artifacts: ArtifactStore,
    found: NodeOutput,
    page: TablePreview,
    args: argparse.Namespace,
    limit: int | None,
) -> int:
    if args.csv:
        for chunk in csv_chunks(artifacts, found.ref, limit):
            sys.stdout.write(chunk)
        return 0
    if args.json:
        for line in json_lines(artifacts, found.ref, limit):
            sys.stdout.write(line + "\n")
        return 0
    assert limit is not None  # the text form always has one
    rows = list(page.rows)
    while len(rows) < min(limit, page.total_rows):  # more than one page asked for
        more = preview(artifacts, found.ref, len(rows), min(MAX_LIMIT, limit - len(rows)))
        if not isinstance(more, TablePreview) or not more.rows:
            break
        rows += more.rows
    names = [c.name for c in page.columns]
    ref = found.ref
    print(
        f"{ref.workflow}/{ref.node_id} {ref.port} ({page.data_type}):"
        f" {page.total_rows} rows, {len(names)} columns"
    )
    print(table([[cell_text(v) for v in row] for row in rows], names))
    if len(rows) < page.total_rows:
        print(
            f"... {page.total_rows - len(rows)} more rows (--limit N shows more; --csv or --json"
            " prints every row)"
        )
    return 0


def csv_chunks(artifacts: ArtifactStore, ref: ArtifactRef, limit: int | None) -> Iterator[str]:
    """The stored table as CSV, at most `limit` rows, written as the canvas's download writes
    it (canvas_assets/outputs/downloads.py)."""
    raw = os.environ.get(ENV_CSV_RAW, "").strip().lower() in ("1", "true", "yes")
    with open_parquet(artifacts, data_key(ref, read_meta(artifacts, ref))) as parquet:
        header, left = True, limit
        for batch in parquet.iter_batches(batch_size=CSV_BATCH_ROWS):
            if left is not None and left <= 0:
                break
            frame = batch.to_pandas()
            if left is not None:
                frame, left = frame.iloc[:left], left - min(left, len(frame))
            text = (frame if raw else neutralize_frame(frame)).to_csv(
                index=False, header=header, lineterminator=CSV_LINE_END
            )
            header = False
            yield text
        if header:  # no rows (or --limit 0): still the header line
            empty = parquet.schema_arrow.empty_table().to_pandas()
            yield (empty if raw else neutralize_frame(empty)).to_csv(
                index=False, lineterminator=CSV_LINE_END
            )


def json_lines(artifacts: ArtifactStore, ref: ArtifactRef, limit: int | None) -> Iterator[str]:
    """The stored table as one JSON object per row (column: value), at most `limit` rows;
    values as the previews give them (NaN as null, timestamps in ISO 8601), never cut."""
    if limit == 0:
        return
    count = 0
    with open_parquet(artifacts, data_key(ref, read_meta(artifacts, ref))) as parquet:
        for batch in parquet.iter_batches(batch_size=CSV_BATCH_ROWS):
            for row in batch.to_pylist():
                yield json.dumps(json_safe(row), ensure_ascii=False)
                count += 1
                if limit is not None and count >= limit:
                    return


def _print_file(
    artifacts: ArtifactStore, ref: ArtifactRef, page: FileInfo, args: argparse.Namespace
) -> int:
    path = stored_path(artifacts, ref)
    if args.csv:
        print(f"error: {_what(ref)} is a file ({page.name}); it has no CSV form", file=sys.stderr)
        return 2
    if args.json:
        entry = {
            "name": page.name,
            "media_type": page.media_type,
            "size_bytes": page.size_bytes,
            "path": path,
        }
        print(json.dumps(entry))
    else:
        print(path)
    return 0


def _print_value(ref: ArtifactRef, page: ValuePreview, args: argparse.Namespace) -> int:
    if args.json:
        print(json.dumps(page.value))
        return 0
    if page.data_type == DataType.METRICS.value:
        rows = metric_rows(page.value)
        if args.csv:
            out = io.StringIO()
            writer = csv.writer(out, lineterminator=CSV_LINE_END)
            writer.writerow(["metric", "value"])
            writer.writerows([name, "" if v is None else v] for name, v in rows)
            sys.stdout.write(out.getvalue())
        else:
            print(metrics_table(page.value))
        return 0
    if args.csv:
        print(
            f"error: {_what(ref)} is a {page.data_type} result; it has no CSV form (use --json)",
            file=sys.stderr,
        )
        return 2
    if page.data_type == DataType.PLOT.value and isinstance(page.value, dict):
        traces = page.value.get("data") or []
        kinds = sorted({str(t.get("type", "scatter")) for t in traces if isinstance(t, dict)})
        print(
            f"{_what(ref)}: a Plotly figure with {len(traces)} traces"
            + (f" ({', '.join(kinds)})" if kinds else "")
            + "; --json prints the figure"
        )
        return 0
    print(json.dumps(page.value, indent=2))
    return 0


def _what(ref: ArtifactRef) -> str:
    return f"{ref.workflow}/{ref.node_id} {ref.port}"


def metrics_table(value: Any) -> str:
    # whole values: a metric may be a sentence (a comparison's verdict)
    rows = [[name, cell_text(v, width=1000)] for name, v in metric_rows(value)]
    return table(rows, ["metric", "value"])


def metric_rows(value: Any) -> list[tuple[str, Any]]:
    """Metrics as (name, value) rows; nested objects give dotted names (per_class.a.recall)."""
    if not isinstance(value, dict):
        return [("value", value)]
    rows: list[tuple[str, Any]] = []
    for key, item in value.items():
        if isinstance(item, dict) and item:
            rows += [(f"{key}.{name}", v) for name, v in metric_rows(item)]
        else:
            rows.append((str(key), item))
    return rows


def stored_path(artifacts: ArtifactStore, ref: ArtifactRef) -> str:
    """Where a stored result's data is: a file path on the local folder, else its s3:// URL."""
    key = data_key(ref, read_meta(artifacts, ref))
    backend = artifacts.backend
    if isinstance(backend, LocalBackend):
        return str(backend.path(key))
    return f"{backend.describe().rstrip('/')}/{key}"


def run_results(services: CanvasServices, plan: Plan, report: RunReport) -> str:
    """What `run` prints below its per-node summary: the values of each metrics output and the
    path of each file output (exports, reports) among the nodes that have their result now
    (succeeded or already fresh). Empty when there are none."""
    metrics: list[str] = []
    files: list[list[str]] = []
    for node_id, node_plan in plan.nodes.items():
        node_run = report.nodes.get(node_id)
        node_type = services.registry.get(node_plan.type_id)
        if node_run is None or node_run.status not in ("succeeded", "fresh") or node_type is None:
            continue
        for port in node_type.outputs:
            if port.data_type not in (DataType.METRICS, DataType.FILE):
                continue
            ref = ArtifactRef(plan.slug, node_id, node_plan.cache_key, port.name)
            if not services.artifacts.exists(ref):  # a write that failed is reported above
                continue
            page = preview(services.artifacts, ref)
            if isinstance(page, ValuePreview) and port.data_type is DataType.METRICS:
                title = f"node {node_id!r}" + (
                    "" if port.name == "metrics" else f", port {port.name!r}"
                )
                metrics.append(f"metrics from {title}:\n{indent(metrics_table(page.value), '  ')}")
            elif isinstance(page, FileInfo):
                path = stored_path(services.artifacts, ref)
                files.append([node_id, page.name, byte_size(page.size_bytes), path])
    parts = metrics
    if files:
        listing = table(files, ["node", "file", "size", "written to"])
        parts.append(f"files:\n{indent(listing, '  ')}")
    return "\n\n".join(parts)
