"""Benchmark: canvas frame times against a bare React Flow page (the performance targets).

Not a test: it prints figures and verdicts and exits 0, unless the harness itself broke (a build
failed, a page did not open, a browser is missing): then it says what broke and exits 1.

What it measures, in headless Debian Chromium with an unlimited frame rate
(`--disable-frame-rate-limit --disable-gpu-vsync`, so the interval between two animation frames is
the real cost of a frame), on production builds only:
- two pages showing the same generated graph (100/500/1000 nodes, ~1.2 edges per node, real node
  types so the app draws real CanvasNodes): `app` = the canvas (canvas_frontend, built into
  /tmp/dist-bench-app) served by a real API server holding the imported workflow, and `bare` = React
  Flow with built-in nodes and bezier edges, uncontrolled, nothing else (canvas_frontend/bench/,
  built into canvas_frontend/dist-bench by vite.bench.config.ts). The app is opened once first
  (a warm-up) to read its canvas pane's size, which the bare canvas then takes, so both paint the
  same area (`--bare-full-window` lets bare fill the window instead);
- three scenarios at zoom 1, one input step per animation frame, 240 frames kept after 10
  dropped: `pan` (from viewport x 0, y 0) drags the pane 6 px left and 2 px up per frame; `zoom`
  (from the same viewport) turns the wheel so the zoom follows 1 -> 0.25 -> 1 on a cosine around
  the pane's centre; `drag` centres a join node (two inputs, three edges) in the pane, presses its
  header and moves it `step` px right and step/2 down per frame, turning back after 120 px so it
  stays clear of the pane's edges (where React Flow's auto-pan would take over), and releases it
  where it started (the app saves the drop; the node stays put for the next rep). `step` is 2 px,
  or the app's snap grid when it snaps (read from React Flow's store), on both pages: a smaller
  step would leave most frames with nothing to draw. Every scenario must change the view or the
  node on >= 90% of the frames, or the harness stops;
- the input is synthetic pointer and mouse events dispatched inside the page from the frame
  callback (d3-zoom and d3-drag, which React Flow uses, handle them like real ones). Playwright's
  `page.mouse` would bound every frame by a CDP round trip (~17 ms here), which hides the frame
  cost; in-page events keep the frame rate unlimited for drag as well as pan and zoom. Unlike a
  scripted `setViewport`, a drag or wheel gesture fires React Flow's move start/end once, as a
  user's gesture does, so the app shows its move-only MiniMap as it would for a user;
- per frame: p50 and p95 of the intervals, pooled over reps; from CDP `Performance.getMetrics`,
  the renderer main thread's CPU time (`ThreadTime`) and the renderer process's (`ProcessTime`,
  raster threads too) per frame, which other load on the machine disturbs much less than wall
  time, and the main thread's script / style recalculation / layout split;
- JS heap after opening (CDP `HeapProfiler.collectGarbage`, then `Runtime.getHeapUsage` usedSize);
- time to open: from navigation start (`performance.timeOrigin`, a fresh browser context so nothing
  is cached) to the first animation frame where the graph is drawn: React Flow nodes are in the
  DOM, none is still hidden waiting to be measured, and fitView has moved the viewport. For the app
  that includes loading the bundle, the node registry and the workflow over GraphQL; for bare,
  loading its bundle and the graph JSON. The report splits it: scripts loaded, the last graph data
  received (resource timing), drawn.
Reps are interleaved (bare, app, then app, bare on the next rep, for each size) so machine drift
touches both pages alike; the ratios app/bare are the figures that count.

Run: `.venv/bin/python bench/bench_canvas.py [--sizes 100,500,1000] [--reps 3] [--quick]`.
`--quick` is a smoke run (100 nodes, 1 rep, 60 frames). `--skip-build` reuses existing builds.
For a diagnosis: `--profile` records a CDP CPU profile of an unminified app build per scenario and
prints self time per original source file (through the build's source maps) and the app's own
functions by inclusive time; `--hide-in-app '.react-flow__background'` measures a what-if app with
those elements hidden (what a piece costs); `--screenshots DIR` saves what each page showed.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import math
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
FRONTEND = REPO / "canvas_frontend"
APP_DIST = Path("/tmp/dist-bench-app")
BARE_DIST = FRONTEND / "dist-bench"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-frame-rate-limit",
    "--disable-gpu-vsync",
]
VIEWPORT = {"width": 1600, "height": 900}
DROPPED = 10  # first intervals dropped: gesture start, first renders
FRAME_BUDGET_MS = 16.7
RATIO_TARGET = 1.3
RATIO_SIZE = 500
HEAP_TARGET_MB = 100.0
SCENARIOS = ("pan", "zoom", "drag")
PAGES = ("bare", "app")

# The generated graph: rows of COLUMNS nodes, a CSV source then a repeating block of four
# transforms (a row step, a computed column, a join with the neighbouring row, a select back to the
# source's columns). 24 chain edges + 6 join edges per 25 nodes = 1.2 edges per node.
COLUMNS = 25
COL_DX, ROW_DY, JITTER = 300, 150, 20
SALES_COLUMNS = ["order_id", "ordered_at", "region", "product", "units", "unit_price", "discount"]


class HarnessError(Exception):
    """The benchmark could not measure (not a slow result): what broke and how to fix it."""


# --- the graph --------------------------------------------------------------------------------


def _node(
    node_id: str, type_id: str, label: str, params: dict[str, Any], x: int, y: int
) -> dict[str, Any]:
    return {
        "id": node_id,
        "type": type_id,
        "type_version": 1,
        "label": label,
        "params": params,
        "position": {"x": x, "y": y},
    }


def _row_step(block: int, col: int) -> tuple[str, str, dict[str, Any]]:
    kind = block % 3
    if kind == 0:
        return "transforms.filter_rows", "Filter", {"expression": f"units > {col % 5}"}
    if kind == 1:
        return "transforms.sort", "Sort", {"by": [{"column": "units", "descending": True}]}
    return "transforms.deduplicate", "Deduplicate", {"subset": ["order_id"], "keep": "first"}


def generate_workflow(n: int, seed: int) -> dict[str, Any]:
    """A deterministic workflow document of `n` nodes (ids `r<row>c<col>`) laid out in layers.
    It validates without issues, so the app draws no error badges the bare page has no match for.
    """
    if n < 2:
        raise ValueError(f"a benchmark graph needs at least 2 nodes, got {n}")
    rng = random.Random(seed)
    rows = math.ceil(n / COLUMNS)
    cells = [(r, c) for r in range(rows) for c in range(COLUMNS)][:n]
    present = set(cells)
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []

    def nid(r: int, c: int) -> str:
        return f"r{r:02d}c{c:02d}"

    def edge(source: tuple[int, int], target: tuple[int, int], port: str) -> None:
        edges.append(
            {
                "id": f"e_{nid(*source)}_{nid(*target)}_{port}",
                "source": nid(*source),
                "source_port": "data",
                "target": nid(*target),
                "target_port": port,
            }
        )

    for r, c in cells:
        x = c * COL_DX + rng.randint(-JITTER, JITTER)
        y = r * ROW_DY + rng.randint(-JITTER, JITTER)
        tag = f"{r + 1}.{c}"
        if c == 0:
            nodes.append(
                _node(
                    nid(r, c),
                    "sources.csv",
                    f"Orders {r + 1}",
                    {"path": "examples/sales.csv", "parse_dates": ["ordered_at"]},
                    x,
                    y,
                )
            )
            continue
        block, step = divmod(c - 1, 4)
        neighbours = [(r + d, c - 1) for d in (-1, 1) if (r + d, c - 1) in present]
        if step == 2 and neighbours:
            right = rng.choice(neighbours)
            # An empty left suffix keeps the left names, so the select after the join finds them.
            params = {
                "how": "inner",
                "keys": [{"left": "order_id", "right": "order_id"}],
                "left_suffix": "",
                "right_suffix": "_r",
            }
            nodes.append(_node(nid(r, c), "transforms.join", f"Join {tag}", params, x, y))
            edge((r, c - 1), (r, c), "left")
            edge(right, (r, c), "right")
            continue
        if step == 1:
            type_id, title = "transforms.computed_column", "Computed"
            params = {"name": f"v{c}", "expression": "units * unit_price"}
        elif step == 3:
            type_id, title = "transforms.select_columns", "Select"
            params = {"mode": "select", "columns": SALES_COLUMNS}
        else:
            type_id, title, params = _row_step(block, c)
        nodes.append(_node(nid(r, c), type_id, f"{title} {tag}", params, x, y))
        edge((r, c - 1), (r, c), "data")
    return {
        "schema_version": 1,
        "slug": f"bench_canvas_{n}",
        "name": f"Canvas benchmark, {n} nodes",
        "description": "Generated by bench/bench_canvas.py.",
        "nodes": nodes,
        "edges": edges,
        "groups": [],
        "settings": {"executor": "in_process"},
    }


def bare_graph(workflow: dict[str, Any]) -> dict[str, Any]:
    """The same nodes, positions and edges in the bare page's format (bench/benchGraph.ts)."""
    return {
        "nodes": [
            {"id": n["id"], "x": n["position"]["x"], "y": n["position"]["y"], "label": n["label"]}
            for n in workflow["nodes"]
        ],
        "edges": [
            {"id": e["id"], "source": e["source"], "target": e["target"]} for e in workflow["edges"]
        ],
    }


def drag_node_id(workflow: dict[str, Any]) -> str:
    """A join in the second row: two inputs, and its upstream node fans out to another join."""
    ids = {n["id"] for n in workflow["nodes"]}
    for candidate in ("r01c03", "r00c03", "r00c01"):
        if candidate in ids:
            return candidate
    raise HarnessError("the generated graph has no node to drag")


# --- builds and servers -----------------------------------------------------------------------


def _run_build(args: list[str], what: str) -> float:
    npx = shutil.which("npx")
    if npx is None:
        raise HarnessError("npx is not on PATH; install Node.js >= 20.19 to build the pages")
    if not (FRONTEND / "node_modules").is_dir():
        raise HarnessError(f"{FRONTEND}/node_modules is missing; run `make frontend` first")
    started = time.perf_counter()
    done = subprocess.run(
        [npx, *args],
        cwd=FRONTEND,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"},
    )
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-20:])
        raise HarnessError(f"building {what} failed (npx {' '.join(args)}):\n{tail}")
    return time.perf_counter() - started


def build_pages(app_dist: Path) -> None:
    seconds = _run_build(
        ["vite", "build", "--outDir", str(app_dist), "--emptyOutDir", "--logLevel", "warn"],
        f"the app into {app_dist}",
    )
    print(f"built the app into {app_dist} in {seconds:.1f} s")
    seconds = _run_build(
        ["vite", "build", "--config", "vite.bench.config.ts", "--logLevel", "warn"],
        "the bare page",
    )
    print(f"built the bare page into {BARE_DIST} in {seconds:.1f} s")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ApiServer:
    url: str
    services: Any


@contextlib.contextmanager
def api_server(app_dist: Path, home: Path) -> Iterator[ApiServer]:
    """The real API app serving the app's build, on SQLite under `home` (as tests/e2e does)."""
    home.mkdir(parents=True, exist_ok=True)
    import uvicorn

    from canvas_assets import CanvasServices
    from canvas_assets.config import CanvasConfig
    from graphql_api.app import create_app
    from node_library.registry import default_registry
    from node_library.settings import NodeSettings

    services = CanvasServices(
        CanvasConfig(
            home=home,
            database_url=f"sqlite:///{home / 'canvas.db'}",
            artifacts=str(home / "artifacts"),
            s3_endpoint_url=None,
            dagster_home=home,
        ),
        default_registry(),
        NodeSettings(data_roots=((REPO / "data").resolve(),)),
    )
    app = create_app(services, local_admin=True, frontend_dir=app_dist)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise HarnessError("the API server (uvicorn) did not start within 30 s")
            time.sleep(0.05)
        yield ApiServer(f"http://127.0.0.1:{port}", services)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        services.store.dispose()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def static_server(root: Path) -> Iterator[str]:
    """Serve `root` (the bare build plus graphs/<n>.json) over HTTP: module scripts need http."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# --- in-page drivers --------------------------------------------------------------------------

# Shared by every driver: React Flow's own store, found through React's fiber tree from the
# viewport element, so both pages are driven by the same code and the app needs no test hook.
_FLOW_STORE = """
function flowStore() {
  const el = document.querySelector('.react-flow__viewport');
  if (!el) return null;
  const key = Object.keys(el).find((k) => k.startsWith('__reactFiber$'));
  for (let f = key ? el[key] : null; f; f = f.return) {
    const v = f.memoizedProps && f.memoizedProps.value;
    if (v && typeof v.getState === 'function' && v.getState().panZoom) return v;
  }
  return null;
}
function fire(target, type, x, y, extra) {
  const init = { bubbles: true, cancelable: true, view: window, clientX: x, clientY: y,
                 button: 0, buttons: type.endsWith('up') ? 0 : 1, ...extra };
  if (type.startsWith('pointer')) {
    target.dispatchEvent(new PointerEvent(type, { pointerId: 1, pointerType: 'mouse',
                                                  isPrimary: true, ...init }));
  } else if (type === 'wheel') {
    target.dispatchEvent(new WheelEvent('wheel', init));
  } else {
    target.dispatchEvent(new MouseEvent(type, init));
  }
}
function at(x, y) { return document.elementFromPoint(x, y) || document.body; }
"""

OPENED_JS = """
() => {
  const nodes = document.querySelectorAll('.react-flow__node');
  if (nodes.length === 0) return false;
  for (const n of nodes) if (n.style.visibility === 'hidden') return false;
  const vp = document.querySelector('.react-flow__viewport');
  const t = vp ? getComputedStyle(vp).transform : 'none';
  if (t === 'none' || t === 'matrix(1, 0, 0, 1, 0, 0)') return false;
  if (window.__benchOpened === undefined) {
    // Where the time went: the page's scripts arrived, the graph's data arrived, the graph drawn.
    const ended = (test) => Math.max(0, ...performance.getEntriesByType('resource')
      .filter((e) => test(e.name)).map((e) => e.responseEnd));
    window.__benchOpened = {
      ms: performance.now(), nodes: nodes.length,
      scripts: ended((name) => name.endsWith('.js')),
      data: ended((name) => name.includes('/graphql') || name.endsWith('.json')),
    };
  }
  return window.__benchOpened;
}
"""

SET_VIEWPORT_JS = (
    "async ({x, y, zoom, centerOn}) => {"
    + _FLOW_STORE
    + """
  const store = flowStore();
  if (!store) return 'React Flow store not found from .react-flow__viewport';
  if (centerOn) {
    // Put the node's centre at the pane's centre, far from the edges where auto-pan starts.
    const node = store.getState().nodeLookup.get(centerOn);
    if (!node) return `node ${centerOn} is not in React Flow's store`;
    const pane = document.querySelector('.react-flow__pane').getBoundingClientRect();
    const w = node.measured?.width ?? 150, h = node.measured?.height ?? 40;
    x = pane.width / 2 - (node.internals.positionAbsolute.x + w / 2) * zoom;
    y = pane.height / 2 - (node.internals.positionAbsolute.y + h / 2) * zoom;
  }
  await store.getState().panZoom.setViewport({ x, y, zoom }, { duration: 0 });
  const vp = store.getState().transform;
  return [vp[0], vp[1], vp[2]];
}"""
)


PANE_PROBE_JS = (
    "() => {"
    + _FLOW_STORE
    + """
  const pane = document.querySelector('.react-flow__pane');
  if (!pane) return null;
  const r = pane.getBoundingClientRect();
  const s = flowStore()?.getState();
  return { width: Math.round(r.width), height: Math.round(r.height),
           snapGrid: s && s.snapToGrid ? s.snapGrid : null };
}"""
)

# Every driver runs `frames + DROPPED` input steps, one per animation frame, and returns the
# intervals between frame timestamps after the first DROPPED.
_LOOP = """
  const store = flowStore();
  if (!store) return { error: 'React Flow store not found from .react-flow__viewport' };
  const effect = { minZoom: Infinity, panX: 0, panY: 0, nodeMoved: 0, changed: 0, observed: 0 };
  let last = '';
  const start = store.getState().transform.slice();
  const startPos = nodeId ? store.getState().nodeLookup.get(nodeId)?.position : undefined;
  const observe = (i) => {
    const s = store.getState();
    effect.minZoom = Math.min(effect.minZoom, s.transform[2]);
    effect.panX = s.transform[0] - start[0];
    effect.panY = s.transform[1] - start[1];
    const p = nodeId ? s.nodeLookup.get(nodeId)?.position : undefined;
    // Frames where nothing moved cost nothing (a snap grid swallowing small steps, say) and
    // would flatter the page; count them.
    const now = JSON.stringify([s.transform, p]);
    if (i > dropped) {
      effect.observed += 1;
      if (now !== last) effect.changed += 1;
    }
    last = now;
    if (p && startPos) {
      effect.nodeMoved = Math.max(effect.nodeMoved, Math.hypot(p.x - startPos.x, p.y - startPos.y));
    }
  };
  return new Promise((resolve, reject) => {
    // An error inside a frame callback would otherwise leave page.evaluate waiting forever.
    const watchdog = setTimeout(() => reject(new Error('the gesture took over 120 s')), 120000);
    const ts = [];
    let i = 0;
    const tick = (t) => {
      try {
        ts.push(t);
        observe(i);
        step(i);
        i += 1;
        if (i <= total) requestAnimationFrame(tick);
        else {
          clearTimeout(watchdog);
          finish();
          const intervals = [];
          for (let k = dropped + 1; k < ts.length; k++) intervals.push(ts[k] - ts[k - 1]);
          resolve({ intervals, ticks: ts.length, effect });
        }
      } catch (err) {
        clearTimeout(watchdog);
        reject(err);
      }
    };
    requestAnimationFrame(tick);
  });
}"""

PAN_JS = (
    "({frames, dropped, nodeId}) => {"
    + _FLOW_STORE
    + """
  const pane = document.querySelector('.react-flow__pane');
  const r = pane.getBoundingClientRect();
  const x0 = r.left + r.width * 0.8, y0 = r.top + r.height * 0.7;
  const total = frames + dropped;
  let x = x0, y = y0;
  const step = (i) => {
    if (i === 0) { fire(pane, 'pointerdown', x, y); fire(pane, 'mousedown', x, y); return; }
    x = x0 - 6 * i; y = y0 - 2 * i;
    const target = at(x, y);
    fire(target, 'pointermove', x, y); fire(target, 'mousemove', x, y);
  };
  const finish = () => {
    const t = at(x, y);
    fire(t, 'pointerup', x, y); fire(t, 'mouseup', x, y);
  };
"""
    + _LOOP
)

ZOOM_JS = (
    "({frames, dropped, nodeId}) => {"
    + _FLOW_STORE
    + """
  const r = document.querySelector('.react-flow__pane').getBoundingClientRect();
  const x = r.left + r.width / 2, y = r.top + r.height / 2;
  const total = frames + dropped;
  // React Flow's wheelDelta: zoom *= 2 ** (-deltaY * 0.002) for pixel-mode wheel events.
  const zoomAt = (i) => 0.625 + 0.375 * Math.cos((2 * Math.PI * i) / total);
  const step = (i) => {
    if (i === 0) return;
    const deltaY = -Math.log2(zoomAt(i) / zoomAt(i - 1)) / 0.002;
    fire(at(x, y), 'wheel', x, y, { deltaY, deltaMode: 0, buttons: 0 });
  };
  const finish = () => {};
"""
    + _LOOP
)

DRAG_JS = (
    "({frames, dropped, nodeId, step: px}) => {"
    + _FLOW_STORE
    + """
  const node = document.querySelector(`.react-flow__node[data-id="${nodeId}"]`);
  if (!node) {
    const s = flowStore()?.getState();
    const n = s?.nodeLookup.get(nodeId);
    return { error: `node ${nodeId} is not rendered (position in React Flow's store: ` +
      `${JSON.stringify(n?.position)}, viewport ${JSON.stringify(s?.transform)}, ` +
      `${document.querySelectorAll('.react-flow__node').length} nodes rendered)` };
  }
  const r = node.getBoundingClientRect();
  const x0 = r.left + r.width / 2, y0 = r.top + Math.min(10, r.height / 4);
  const hit = at(x0, y0);
  const grip = node.contains(hit) ? hit : node;
  const total = frames + dropped;
  let x = x0, y = y0;
  const step = (i) => {
    if (i === 0) { fire(grip, 'pointerdown', x, y); fire(grip, 'mousedown', x, y); return; }
    // `px` right, px/2 down per frame (one snap cell when the page snaps, so every frame moves
    // the node), turning back after 120 px: stays clear of the edges.
    const dir = Math.floor((i - 1) / Math.max(1, Math.floor(120 / px))) % 2 === 0 ? 1 : -1;
    x += px * dir; y += (px / 2) * dir;
    const target = at(x, y);
    fire(target, 'pointermove', x, y); fire(target, 'mousemove', x, y);
  };
  const finish = () => {
    // Back to the start before releasing, so the app saves the node where it was.
    const t = at(x0, y0);
    fire(t, 'pointermove', x0, y0); fire(t, 'mousemove', x0, y0);
    fire(t, 'pointerup', x0, y0); fire(t, 'mouseup', x0, y0);
  };
"""
    + _LOOP
)

DRIVERS = {"pan": PAN_JS, "zoom": ZOOM_JS, "drag": DRAG_JS}
CDP_METRICS = {
    "script": "ScriptDuration",
    "style": "RecalcStyleDuration",
    "layout": "LayoutDuration",
    "task": "TaskDuration",
    # CPU time rather than wall time: what the frame costs, whatever else the machine runs.
    "cpu": "ThreadTime",  # the renderer's main thread
    "process": "ProcessTime",  # the whole renderer process (raster threads too; 10 ms ticks)
}


# --- measuring --------------------------------------------------------------------------------


@dataclass
class Sample:
    """One page's figures for one scenario and size, pooled over reps."""

    intervals: list[float] = field(default_factory=list)
    cost: dict[str, list[float]] = field(default_factory=dict)  # CDP ms per frame, one per rep

    def add(self, intervals: list[float], cost: dict[str, float]) -> None:
        self.intervals += intervals
        for key, value in cost.items():
            self.cost.setdefault(key, []).append(value)

    def pct(self, q: float) -> float:
        ordered = sorted(self.intervals)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else math.nan

    def mean_cost(self, key: str) -> float:
        values = self.cost.get(key, [])
        return statistics.fmean(values) if values else math.nan


@dataclass
class Results:
    frames: dict[tuple[str, int, str], Sample] = field(default_factory=dict)
    heap_mb: dict[tuple[str, int], list[float]] = field(default_factory=dict)
    open_ms: dict[tuple[str, int], list[float]] = field(default_factory=dict)
    # (scripts loaded, data loaded) ms after navigation start, per open
    open_steps: dict[tuple[str, int], list[tuple[float, float]]] = field(default_factory=dict)
    open_nodes: dict[tuple[str, int], int] = field(default_factory=dict)
    pane: dict[str, tuple[int, int]] = field(default_factory=dict)
    page_errors: list[str] = field(default_factory=list)
    profiles: list[str] = field(default_factory=list)

    def sample(self, page: str, size: int, scenario: str) -> Sample:
        return self.frames.setdefault((page, size, scenario), Sample())


def _cdp_metrics(cdp: Any) -> dict[str, float]:
    reply = cdp.send("Performance.getMetrics")
    return {m["name"]: float(m["value"]) for m in reply["metrics"]}


def _drive(
    page: Any, scenario: str, frames: int, drag_id: str, drag_step: int, where: str
) -> dict[str, Any]:
    """Run one scenario's driver in the page; its reply, or a HarnessError naming what broke."""
    args = {"frames": frames, "dropped": DROPPED, "nodeId": drag_id, "step": drag_step}
    try:
        reply: dict[str, Any] = page.evaluate(DRIVERS[scenario], args)
    except Exception as exc:  # playwright's Error: the driver threw inside the page
        raise HarnessError(f"{where}, {scenario}: the driver failed in the page: {exc}") from exc
    if "error" in reply:
        raise HarnessError(f"{where}, {scenario}: {reply['error']}")
    return reply


def _set_viewport(page: Any, where: str, center_on: str | None = None) -> None:
    reply = page.evaluate(SET_VIEWPORT_JS, {"x": 0, "y": 0, "zoom": 1, "centerOn": center_on})
    if isinstance(reply, str):
        raise HarnessError(f"{where}: {reply}; has React Flow's DOM or React's fiber key changed?")
    page.wait_for_timeout(400)  # culled nodes mount, move end fires, the app's MiniMap goes away


def _check_effect(scenario: str, effect: dict[str, float], frames: int, where: str) -> None:
    """Fail loudly when the synthetic gesture did not do what it should: a benchmark of a canvas
    that does not move would report fine-looking numbers."""
    problem = None
    if effect["changed"] < 0.9 * effect["observed"]:
        problem = (
            f"only {effect['changed']:.0f} of {effect['observed']:.0f} frames changed the view or "
            "the node (a snap grid larger than the drag step?)"
        )
    elif scenario == "pan" and effect["panX"] > -4 * frames:
        problem = f"the viewport moved {effect['panX']:.0f} px, expected about {-6 * frames} px"
    elif scenario == "zoom" and effect["minZoom"] > 0.3:
        problem = f"the zoom went down to {effect['minZoom']:.2f} only, expected 0.25"
    elif scenario == "drag" and effect["nodeMoved"] < 60:
        problem = f"the node moved {effect['nodeMoved']:.0f} px, expected about 130 px"
    elif scenario == "drag" and abs(effect["panX"]) + abs(effect["panY"]) > 1:
        problem = "the viewport moved during the drag (auto-pan at the pane's edge?)"
    if problem:
        raise HarnessError(
            f"{where}, {scenario}: {problem}; React Flow no longer reacts to the synthetic "
            "pointer events (check the drivers in bench/bench_canvas.py)"
        )


def run_session(
    browser: Any,
    page_name: str,
    url: str,
    size: int,
    drag_id: str,
    drag_step: int,
    frames: int,
    out: Results,
    screenshots: Path | None = None,
    hide: str | None = None,
) -> None:
    """Open `url` in a fresh context, then measure open time, heap and the three scenarios."""
    where = f"{page_name} page, {size} nodes"
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    try:
        page = context.new_page()
        page.set_default_timeout(120_000)
        if hide:
            css = json.dumps(f"{hide} {{ display: none !important; }}")
            page.add_init_script(
                "document.addEventListener('DOMContentLoaded', () => {"
                f" const s = document.createElement('style'); s.textContent = {css};"
                " document.head.appendChild(s); });"
            )
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable", {"timeDomain": "timeTicks"})
        page.goto(url)
        try:
            opened = page.wait_for_function(OPENED_JS, polling="raf", timeout=120_000).json_value()
        except Exception as exc:  # playwright's TimeoutError; the page's own errors say more
            raise HarnessError(
                f"{where}: the graph was not drawn within 120 s ({url}); "
                f"page errors: {errors or 'none'}; {type(exc).__name__}: {exc}"
            ) from exc
        out.open_ms.setdefault((page_name, size), []).append(float(opened["ms"]))
        out.open_steps.setdefault((page_name, size), []).append(
            (float(opened["scripts"]), float(opened["data"]))
        )
        out.open_nodes[(page_name, size)] = int(opened["nodes"])
        page.wait_for_timeout(1500)  # the app's follow-up queries (validation, freshness) settle
        cdp.send("HeapProfiler.collectGarbage")
        heap = cdp.send("Runtime.getHeapUsage")
        out.heap_mb.setdefault((page_name, size), []).append(heap["usedSize"] / 1e6)
        found = page.evaluate(PANE_PROBE_JS)
        out.pane[page_name] = (found["width"], found["height"])
        if screenshots:
            screenshots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshots / f"{page_name}-{size}-opened.png"))
        for scenario in SCENARIOS:
            _set_viewport(page, where, drag_id if scenario == "drag" else None)
            before = _cdp_metrics(cdp)
            reply = _drive(page, scenario, frames, drag_id, drag_step, where)
            after = _cdp_metrics(cdp)
            _check_effect(scenario, reply["effect"], frames, where)
            ticks = int(reply["ticks"])
            cost = {
                key: (after[name] - before[name]) * 1000 / ticks
                for key, name in CDP_METRICS.items()
            }
            out.sample(page_name, size, scenario).add(list(reply["intervals"]), cost)
            if screenshots:
                page.screenshot(path=str(screenshots / f"{page_name}-{size}-after-{scenario}.png"))
            page.wait_for_timeout(300)  # the app saves a dragged node after the gesture
        out.page_errors += [f"{where}: {e}" for e in errors]
    finally:
        context.close()


# --- profile (diagnosis, not figures) --------------------------------------------------------


_VLQ = {
    c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
}


def _vlq(segment: str) -> list[int]:
    values, shift, value = [], 0, 0
    for char in segment:
        digit = _VLQ[char]
        value += (digit & 31) << shift
        if digit & 32:
            shift += 5
            continue
        values.append(-(value >> 1) if value & 1 else value >> 1)
        shift = value = 0
    return values


class SourceMaps:
    """Maps a bundle's (line, column) back to `original file:line` through its .js.map (source
    map v3), so a profile of the production build names the app's own files."""

    def __init__(self, dist: Path) -> None:
        self._maps: dict[str, tuple[list[str], list[list[tuple[int, int, int]]]]] = {}
        for map_file in (dist / "assets").glob("*.js.map"):
            doc = json.loads(map_file.read_text())
            lines: list[list[tuple[int, int, int]]] = []
            source = line = 0
            for text in doc["mappings"].split(";"):
                column, row = 0, []
                for segment in filter(None, text.split(",")):
                    fields = _vlq(segment)
                    column += fields[0]
                    if len(fields) >= 4:
                        source += fields[1]
                        line += fields[2]
                        row.append((column, source, line))
                lines.append(row)
            self._maps[map_file.name.removesuffix(".map")] = (doc["sources"], lines)

    def locate(self, url: str, line: int, column: int) -> str | None:
        found = self._maps.get(url.rsplit("/", 1)[-1])
        if found is None or line < 0 or line >= len(found[1]):
            return None
        sources, lines = found
        if not lines[line]:
            return None
        # A column before the line's first segment (indentation) belongs to that segment.
        best = lines[line][0][1:]
        for seg_column, source, src_line in lines[line]:
            if seg_column > column:
                break
            best = (source, src_line)
        path = sources[best[0]]
        for marker in ("node_modules/", "canvas_frontend/"):
            if marker in path:
                path = path.rsplit(marker, 1)[1]
                break
        return f"{path}:{best[1] + 1}"


def _profile_table(profile: dict[str, Any], maps: SourceMaps, top: int) -> list[str]:
    """Self time per original file, and the app's own functions with the most inclusive time
    (counted once per stack), from a CDP CPU profile."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    parent = {c: n["id"] for n in profile["nodes"] for c in n.get("children", [])}
    keys: dict[int, tuple[str, str]] = {}

    def key(node_id: int) -> tuple[str, str]:
        if node_id not in keys:
            frame = nodes[node_id]["callFrame"]
            name = frame["functionName"] or "(anonymous)"
            where = maps.locate(frame["url"], frame["lineNumber"], frame["columnNumber"])
            if where is None:
                where = frame["url"].rsplit("/", 1)[-1] or "(browser)"
            keys[node_id] = (name, where)
        return keys[node_id]

    by_file: dict[str, float] = {}
    total_ms: dict[str, float] = {}
    for sample, delta in zip(profile["samples"], profile["timeDeltas"], strict=False):
        ms = delta / 1000
        name, where = key(sample)
        file = where.rsplit(":", 1)[0] if name not in ("(program)", "(idle)") else name
        by_file[file] = by_file.get(file, 0.0) + ms
        seen: set[str] = set()
        node: int | None = sample
        while node is not None:
            name, where = key(node)
            if where.startswith("src/"):
                seen.add(f"{name}  {where}")
            node = parent.get(node)
        for k in seen:
            total_ms[k] = total_ms.get(k, 0.0) + ms
    lines = ["  self ms by file (program = the browser's own work outside JS):"]
    lines += [
        f"    {ms:7.0f}  {file}"
        for file, ms in sorted(by_file.items(), key=lambda kv: -kv[1])[:top]
        if file != "(idle)"
    ]
    lines.append("  incl ms by the app's own functions (src/; a component's own render and hooks):")
    lines += [f"    {ms:7.0f}  {k}" for k, ms in sorted(total_ms.items(), key=lambda kv: -kv[1])][
        :top
    ]
    return lines


def profile_app(
    browser: Any,
    url: str,
    maps: SourceMaps,
    size: int,
    drag_id: str,
    drag_step: int,
    frames: int,
) -> list[str]:
    """Print where the app's main thread spends each scenario (an unminified build, so names are
    readable; its timings are not comparable with the figures above)."""
    where = f"app page (unminified), {size} nodes"
    lines: list[str] = []
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        page.goto(url)
        page.wait_for_function(OPENED_JS, polling="raf", timeout=120_000)
        page.wait_for_timeout(1500)
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 200})
        for scenario in SCENARIOS:
            _set_viewport(page, where, drag_id if scenario == "drag" else None)
            cdp.send("Profiler.start")
            reply = _drive(page, scenario, frames, drag_id, drag_step, where)
            profile = cdp.send("Profiler.stop")["profile"]
            lines.append(f"\nprofile: {where}, {scenario}, {reply['ticks']} frames")
            lines += _profile_table(profile, maps, top=15)
            page.wait_for_timeout(300)
    finally:
        context.close()
    return lines


# --- report -----------------------------------------------------------------------------------


def _ms(value: float) -> str:
    return f"{value:5.1f}" if math.isfinite(value) else "  n/a"


def _split(sample: Sample) -> str:
    return "/".join(_ms(sample.mean_cost(k)).strip() for k in ("script", "style", "layout"))


def report(out: Results, sizes: list[int], reps: int, frames: int) -> None:
    print()
    print(
        f"Frame times, ms per frame ({reps} interleaved rep(s) x {frames} frames, unlimited "
        "frame rate). p50/p95: wall-clock intervals between frames; cpu: the renderer main "
        "thread's CPU time per frame (less sensitive to other load); proc: the renderer process's."
    )
    print(
        f"{'scenario':8} {'nodes':>5}  {'bare p50/p95':>13}  {'app p50/p95':>13}  "
        f"{'ratio p50':>9} {'ratio p95':>9}  {'cpu bare/app':>12} {'ratio':>6}  "
        f"{'proc bare/app':>13} {'ratio':>6}"
    )
    for scenario in SCENARIOS:
        for size in sizes:
            bare, app = out.sample("bare", size, scenario), out.sample("app", size, scenario)
            cpu = [s.mean_cost("cpu") for s in (bare, app)]
            proc = [s.mean_cost("process") for s in (bare, app)]
            print(
                f"{scenario:8} {size:>5}  {_ms(bare.pct(0.5))} /{_ms(bare.pct(0.95))}  "
                f"{_ms(app.pct(0.5))} /{_ms(app.pct(0.95))}  "
                f"{app.pct(0.5) / bare.pct(0.5):>8.2f}x {app.pct(0.95) / bare.pct(0.95):>8.2f}x  "
                f"{_ms(cpu[0])} /{_ms(cpu[1])} {cpu[1] / cpu[0]:>5.2f}x  "
                f"{_ms(proc[0])} /{_ms(proc[1])}  {proc[1] / proc[0]:>5.2f}x"
            )
    print()
    print("Main-thread split, ms per frame script/style/layout (CDP Performance.getMetrics):")
    print(f"{'scenario':8} {'nodes':>5}  {'bare':>16}  {'app':>16}")
    for scenario in SCENARIOS:
        for size in sizes:
            bare, app = out.sample("bare", size, scenario), out.sample("app", size, scenario)
            print(f"{scenario:8} {size:>5}  {_split(bare):>16}  {_split(app):>16}")
    print()
    print("JS heap after a forced GC (MB) and time to open (ms, navigation start -> graph drawn):")
    print(f"{'nodes':>5}  {'bare heap':>9} {'app heap':>9}  {'bare open':>9} {'app open':>9}")
    for size in sizes:
        cells = []
        for table in (out.heap_mb, out.open_ms):
            for name in PAGES:
                values = table.get((name, size), [])
                cells.append(f"{statistics.median(values):9.1f}" if values else f"{'n/a':>9}")
        print(f"{size:>5}  {cells[0]} {cells[1]}  {cells[2]} {cells[3]}")
    print(
        "open, median ms after navigation start: scripts loaded / graph data loaded "
        "(GraphQL for the app, the JSON for bare) / graph drawn"
    )
    for size in sizes:
        cells = []
        for name in PAGES:
            steps = out.open_steps.get((name, size), [])
            drawn_ms = out.open_ms.get((name, size), [])
            if steps:
                scripts = statistics.median(s[0] for s in steps)
                data = statistics.median(s[1] for s in steps)
                cells.append(
                    f"{name} {scripts:.0f} / {data:.0f} / {statistics.median(drawn_ms):.0f}"
                )
        print(f"{size:>5}  " + "   ".join(cells))
    drawn = ", ".join(
        f"{name} {size}: {count}" for (name, size), count in sorted(out.open_nodes.items())
    )
    print(f"nodes in the DOM when the graph was first drawn: {drawn}")
    print(f"pane size (px): {out.pane}")
    print()
    verdicts(out, sizes)


def verdicts(out: Results, sizes: list[int]) -> None:
    print("Targets:")
    if RATIO_SIZE in sizes:
        for scenario in SCENARIOS:
            bare, app = (
                out.sample("bare", RATIO_SIZE, scenario),
                out.sample("app", RATIO_SIZE, scenario),
            )
            ratios = [app.pct(q) / bare.pct(q) for q in (0.5, 0.95)]
            ok = all(r <= RATIO_TARGET for r in ratios)
            print(
                f"  {'PASS' if ok else 'FAIL'}  {scenario} at {RATIO_SIZE} nodes within "
                f"{RATIO_TARGET}x bare: p50 {ratios[0]:.2f}x, p95 {ratios[1]:.2f}x"
            )
        heap = out.heap_mb.get(("app", RATIO_SIZE), [])
        if heap:
            mb = statistics.median(heap)
            print(
                f"  {'PASS' if mb < HEAP_TARGET_MB else 'FAIL'}  JS heap at {RATIO_SIZE} nodes "
                f"< {HEAP_TARGET_MB:.0f} MB: {mb:.1f} MB"
            )
    else:
        print(
            f"  (the {RATIO_SIZE}-node ratio and heap targets need --sizes to include {RATIO_SIZE})"
        )
    for scenario in SCENARIOS:
        for size in sizes:
            bare, app = out.sample("bare", size, scenario), out.sample("app", size, scenario)
            if bare.pct(0.95) > FRAME_BUDGET_MS:
                print(
                    f"  n/a   {scenario} at {size}: bare p95 {bare.pct(0.95):.1f} ms is over "
                    f"{FRAME_BUDGET_MS} ms itself (app {app.pct(0.95):.1f} ms)"
                )
                continue
            ok = app.pct(0.95) <= FRAME_BUDGET_MS
            print(
                f"  {'PASS' if ok else 'FAIL'}  {scenario} at {size}: app p95 "
                f"{app.pct(0.95):.1f} ms <= {FRAME_BUDGET_MS} ms (bare reaches it: "
                f"{bare.pct(0.95):.1f} ms)"
            )
    if out.page_errors:
        print("Page errors seen while measuring (figures may be off):")
        for error in out.page_errors:
            print(f"  {error}")


# --- main -------------------------------------------------------------------------------------


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--sizes takes node counts separated by commas, like 100,500,1000; got {text!r}"
        ) from None
    if not sizes or min(sizes) < 2:
        raise argparse.ArgumentTypeError(f"--sizes needs counts of at least 2 nodes; got {text!r}")
    return sizes


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=_sizes, default=[100, 500, 1000], help="node counts")
    parser.add_argument("--reps", type=int, default=3, help="interleaved repetitions")
    parser.add_argument("--frames", type=int, default=240, help="frames kept per scenario")
    parser.add_argument("--seed", type=int, default=7, help="seed of the generated graph")
    parser.add_argument("--quick", action="store_true", help="smoke run: 100 nodes, 1 rep")
    parser.add_argument("--skip-build", action="store_true", help="reuse the existing builds")
    parser.add_argument(
        "--screenshots", type=Path, help="save screenshots of the first rep into this folder"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="after measuring, profile the app (an unminified build) at each size and print the "
        "functions that cost the most",
    )
    parser.add_argument(
        "--bare-full-window",
        action="store_true",
        help="let the bare canvas fill the window instead of taking the app's pane size",
    )
    parser.add_argument(
        "--hide-in-app",
        metavar="SELECTORS",
        help="what-if: hide these CSS selectors in the app (e.g. '.react-flow__background') to "
        "see what they cost; the figures are then not the app as shipped",
    )
    parser.add_argument("--app-dist", type=Path, default=APP_DIST, help="the app's build folder")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.reps, args.frames = [100], 1, 60
    if args.reps < 1 or args.frames < 10:
        parser.error("--reps must be >= 1 and --frames >= 10")
    return args


@dataclass
class AppProbe:
    width: int
    height: int
    drag_step: int  # px per frame: the app's snap grid when it snaps, else 2


def probe_app(browser: Any, url: str) -> AppProbe:
    """Open the app once (a warm-up too): its canvas pane's size and snap grid."""
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    try:
        page = context.new_page()
        page.goto(url)
        try:
            page.wait_for_function(OPENED_JS, polling="raf", timeout=120_000)
        except Exception as exc:  # playwright's TimeoutError
            raise HarnessError(f"the app did not draw the graph at {url}: {exc}") from exc
        page.wait_for_timeout(500)
        found = page.evaluate(PANE_PROBE_JS)
        if not found:
            raise HarnessError("the app has no .react-flow__pane; has React Flow's DOM changed?")
        grid = found["snapGrid"]
        # At least one snap cell per frame in x (even, so the y step, half of it, is whole).
        step = 2 * math.ceil(max(grid[0], 2) / 2) if grid else 2
        return AppProbe(int(found["width"]), int(found["height"]), step)
    finally:
        context.close()


def _build_unminified(app_dist: Path) -> Path:
    prof_dist = app_dist.with_name(app_dist.name + "-unminified")
    command = ["vite", "build", "--outDir", str(prof_dist), "--emptyOutDir", "--minify", "false"]
    seconds = _run_build(
        [*command, "--logLevel", "warn"],
        f"the unminified app into {prof_dist}",
    )
    print(f"built the unminified app into {prof_dist} in {seconds:.1f} s")
    return prof_dist


def measure(args: argparse.Namespace) -> Results:
    if not CHROMIUM.is_file():
        raise HarnessError(f"{CHROMIUM} is missing; install it with `apt-get install -y chromium`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise HarnessError(
            "the Python `playwright` package is missing; install the dev extras"
        ) from None
    if not args.skip_build:
        build_pages(args.app_dist)
    for index, what in ((args.app_dist / "index.html", "app"), (BARE_DIST / "bare.html", "bare")):
        if not index.is_file():
            raise HarnessError(f"the {what} build is missing ({index}); run without --skip-build")
    prof_dist = _build_unminified(args.app_dist) if args.profile else None
    workflows = {size: generate_workflow(size, args.seed) for size in args.sizes}
    for size, workflow in workflows.items():
        edges = len(workflow["edges"])
        print(f"graph {size}: {size} nodes, {edges} edges ({edges / size:.2f} per node)")
    out = Results()
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-canvas-")))
        static = tmp / "static"
        shutil.copytree(BARE_DIST, static)
        (static / "graphs").mkdir()
        api = stack.enter_context(api_server(args.app_dist, tmp / "home"))
        static_url = stack.enter_context(static_server(static))
        app_urls: dict[int, str] = {}
        for size, workflow in workflows.items():
            (static / "graphs" / f"{size}.json").write_text(json.dumps(bare_graph(workflow)))
            stored = api.services.import_workflow(workflow)
            app_urls[size] = f"{api.url}/#/w/{stored.workflow.id}"
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        # The bare canvas gets the app's pane size, so both paint the same area per frame.
        probe = probe_app(browser, app_urls[min(args.sizes)])
        bare_size = "" if args.bare_full_window else f"&width={probe.width}&height={probe.height}"
        print(
            f"app canvas pane {probe.width}x{probe.height} px; bare canvas "
            + ("fills the window" if args.bare_full_window else "the same size")
            + f"; drag step {probe.drag_step} px per frame on both pages"
        )
        urls = {("app", size): url for size, url in app_urls.items()}
        for size in args.sizes:
            urls[("bare", size)] = f"{static_url}/bare.html?graph=graphs/{size}.json{bare_size}"
        for rep in range(args.reps):
            order = PAGES if rep % 2 == 0 else PAGES[::-1]
            for size in args.sizes:
                for name in order:
                    started = time.perf_counter()
                    run_session(
                        browser,
                        name,
                        urls[(name, size)],
                        size,
                        drag_node_id(workflows[size]),
                        probe.drag_step,
                        args.frames,
                        out,
                        args.screenshots if rep == 0 else None,
                        args.hide_in_app if name == "app" else None,
                    )
                    print(
                        f"  rep {rep + 1}/{args.reps} {name:4} {size:>5} nodes: "
                        f"{time.perf_counter() - started:.1f} s",
                        flush=True,
                    )
        if prof_dist is not None:
            prof_api = stack.enter_context(api_server(prof_dist, tmp / "profile"))
            maps = SourceMaps(prof_dist)
            for size, workflow in workflows.items():
                stored = prof_api.services.import_workflow(workflow)
                out.profiles += profile_app(
                    browser,
                    f"{prof_api.url}/#/w/{stored.workflow.id}",
                    maps,
                    size,
                    drag_node_id(workflow),
                    probe.drag_step,
                    args.frames,
                )
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    if args.hide_in_app:
        print(f"WHAT-IF RUN: the app is measured with {args.hide_in_app!r} hidden")
    load = os.getloadavg()
    print(
        f"bench_canvas: sizes {args.sizes}, {args.reps} rep(s), {args.frames} frames; "
        f"{os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    try:
        out = measure(args)
    except HarnessError as exc:
        print(f"bench_canvas could not measure: {exc}", file=sys.stderr)
        return 1
    report(out, args.sizes, args.reps, args.frames)
    if out.profiles:
        print("\n".join(out.profiles))
    load = os.getloadavg()
    print(
        f"\ndone in {time.perf_counter() - started:.0f} s; load average now "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (other work on the machine skews absolute "
        "figures; the interleaved ratios much less)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
