"""`mlcanvas`: the command line of Visual ML Canvas.

  mlcanvas up                      start and supervise the API, the engine, the Dagster UI
                                   (served by the API at /dagster/), its code server and daemon
  mlcanvas engine                  the warm engine that executes runs launched by the API
  mlcanvas worker                  a Celery worker: executes nodes of runs with executor "celery"
  mlcanvas run WORKFLOW [--node N] [--upstream|--only] [--stale] [--force]
  mlcanvas validate FILE           issues of a workflow file (exit 1 on errors)
  mlcanvas status WORKFLOW         fresh / stale / missing per node, with the reason
  mlcanvas output WORKFLOW NODE [--port P] [--json|--csv] [--limit N]
                                   a node's current result: table, metrics, file path, ...
  mlcanvas nodes [CATEGORY]        node types with their ports and params (--json: as JSON)
  mlcanvas import FILE             store a workflow file;  mlcanvas export WORKFLOW [-o FILE]
  mlcanvas list                    stored workflows;       mlcanvas examples  (re)load examples
  mlcanvas token create --name N --role viewer|editor|admin   (also: token list, token revoke)
  mlcanvas db upgrade              migrate the workflow store (also: db current, db check)
  mlcanvas backup -o FILE          store, run history, artifact list;  mlcanvas restore FILE
  mlcanvas gc [--dry-run]          delete stored results nothing references (retention)

`run` is cache-aware: it executes only the selected nodes that are stale or missing (that is what
--stale states explicitly); --force recomputes them even when fresh.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from canvas_assets.cli.database import add_database_parsers
from canvas_assets.cli.nodes import add_node_parsers
from canvas_assets.cli.outputs import add_output_parser
from canvas_assets.cli.processes import add_process_parsers
from canvas_assets.cli.retention import add_gc_parser
from canvas_assets.cli.tokens import add_token_parsers
from canvas_assets.cli.workflows import add_catalog_parsers, add_workflow_parsers
from canvas_assets.planning.plan import PlanError
from canvas_assets.services import RunRefused
from canvas_assets.storage.errors import StoreError
from node_library.graph import DocumentError

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
        return code
    except BrokenPipeError:
        # the reader went away (`mlcanvas output W N --csv | head`): stop quietly; stdout goes
        # to /dev/null so that flushing it at exit raises nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except (StoreError, RunRefused, DocumentError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except PlanError as exc:
        print("error: the workflow does not validate:", file=sys.stderr)
        for issue in exc.issues:
            print(f"  {issue}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mlcanvas", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    # `mlcanvas --help` lists the commands in the order they are added here
    add_process_parsers(sub)
    add_workflow_parsers(sub)
    add_output_parser(sub)
    add_token_parsers(sub)
    add_database_parsers(sub)
    add_catalog_parsers(sub)
    add_node_parsers(sub)
    add_gc_parser(sub)
    return parser
