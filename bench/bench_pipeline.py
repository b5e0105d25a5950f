"""Benchmark (not a test): a 1M-row x 20-column CSV through read -> filter -> computed column ->
join -> aggregate -> export, run with `mlcanvas run` and as the equivalent hand-written pandas
script, each in its own process, interleaved, side by side. Target: ratio <= 1.15.
Also a 10-node tiny-data workflow: total time and per-node orchestration overhead.

    .venv/bin/python bench/bench_pipeline.py [--rows 1000000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
BIN = Path(sys.executable).parent

HANDWRITTEN = """
import sys
import pandas as pd
sales = pd.read_csv(sys.argv[1], engine="pyarrow")
stores = pd.read_csv(sys.argv[2], engine="pyarrow")
sales = sales[(sales["qty"] > 0) & (sales["discount"] < 0.3)].reset_index(drop=True)
sales["revenue"] = sales["qty"] * sales["price"] * (1 - sales["discount"])
joined = sales.merge(stores, on="store_id", how="inner")
totals = joined.groupby(["region", "store_size"], observed=True, dropna=True).agg(
    revenue=("revenue", "sum"), orders=("order_id", "count"), mean_price=("price", "mean")
).reset_index()
data = totals.to_csv(index=False).encode()
open(sys.argv[3], "wb").write(data)
print(len(totals))
"""


def make_data(rows: int) -> tuple[Path, Path]:
    OUT.mkdir(exist_ok=True)
    sales, stores = OUT / f"sales_{rows}.csv", OUT / "stores.csv"
    if not sales.exists():
        rng = np.random.default_rng(42)
        frame = pd.DataFrame(
            {
                "order_id": np.arange(rows),
                "store_id": rng.integers(0, 1000, rows),
                "region": rng.choice(["north", "south", "east", "west"], rows),
                "category": rng.choice([f"cat_{i}" for i in range(10)], rows),
                "qty": rng.integers(0, 20, rows),
                "price": np.round(rng.uniform(1, 100, rows), 2),
                "discount": np.round(rng.choice([0, 0.1, 0.2, 0.3, 0.5], rows), 2),
            }
        )
        for i in range(13):
            frame[f"f{i}"] = np.round(rng.normal(size=rows), 4)
        frame.to_csv(sales, index=False)
        pd.DataFrame(
            {
                "store_id": np.arange(1000),
                "store_size": np.random.default_rng(1).choice(["s", "m", "l"], 1000),
            }
        ).to_csv(stores, index=False)
    return sales, stores


def workflow(sales: Path, stores: Path) -> dict:
    def node(node_id: str, type_id: str, **params: object) -> dict:
        return {"id": node_id, "type": type_id, "params": params}

    def edge(src: str, dst: str, port: str = "data") -> dict:
        return {
            "id": f"{src}_{dst}",
            "source": src,
            "source_port": "data",
            "target": dst,
            "target_port": port,
        }

    return {
        "slug": "bench_pipeline",
        "name": "Benchmark pipeline",
        "nodes": [
            node("sales", "sources.csv", path=sales.name),
            node("stores", "sources.csv", path=stores.name),
            node("keep", "transforms.filter_rows", expression="qty > 0 and discount < 0.3"),
            node(
                "revenue",
                "transforms.computed_column",
                name="revenue",
                expression="qty * price * (1 - discount)",
            ),
            node(
                "joined",
                "transforms.join",
                how="inner",
                keys=[{"left": "store_id", "right": "store_id"}],
            ),
            node(
                "totals",
                "transforms.aggregate",
                group_by=["region", "store_size"],
                aggregations=[
                    {"column": "revenue", "function": "sum", "as": "revenue"},
                    {"column": "order_id", "function": "count", "as": "orders"},
                    {"column": "price", "function": "mean", "as": "mean_price"},
                ],
            ),
            node("export", "outputs.export", format="csv", file_name="totals.csv"),
        ],
        "edges": [
            edge("sales", "keep"),
            edge("keep", "revenue"),
            edge("revenue", "joined", "left"),
            edge("stores", "joined", "right"),
            edge("joined", "totals"),
            edge("totals", "export"),
        ],
    }


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{command[0]} failed:\n{result.stdout}\n{result.stderr}")
    return elapsed


def pipeline(rows: int, repeats: int) -> None:
    sales, stores = make_data(rows)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "CANVAS_HOME": tmp, "DAGSTER_HOME": tmp, "CANVAS_DATA_ROOTS": str(OUT)}
        doc = Path(tmp) / "wf.json"
        doc.write_text(json.dumps(workflow(sales, stores)))
        subprocess.run(
            [str(BIN / "mlcanvas"), "import", str(doc)], env=env, check=True, capture_output=True
        )
        script = Path(tmp) / "handwritten.py"
        script.write_text(HANDWRITTEN)
        canvas, hand = [], []
        for _ in range(repeats):  # interleaved so machine noise hits both alike
            canvas.append(timed([str(BIN / "mlcanvas"), "run", "bench_pipeline", "--force"], env))
            hand.append(
                timed(
                    [
                        sys.executable,
                        str(script),
                        str(sales),
                        str(stores),
                        str(Path(tmp) / "out.csv"),
                    ],
                    env,
                )
            )
        cached = timed([str(BIN / "mlcanvas"), "run", "bench_pipeline"], env)
    c, h = statistics.median(canvas), statistics.median(hand)
    print(f"pipeline, {rows:,} rows x 20 columns, median of {repeats} (each in its own process)")
    print(f"  mlcanvas run --force : {c:6.2f} s   runs {[f'{x:.2f}' for x in canvas]}")
    print(f"  hand-written pandas  : {h:6.2f} s   runs {[f'{x:.2f}' for x in hand]}")
    print(f"  ratio                : {c / h:6.2f}x  (target <= 1.15)")
    print(f"  mlcanvas run, all fresh (nothing to do, process start included): {cached:.2f} s")


def tiny(repeats: int) -> None:
    from canvas_assets.config import CanvasConfig
    from canvas_assets.services import CanvasServices
    from node_library.contract import RecordingContext
    from node_library.graph import load_workflow
    from node_library.registry import default_registry
    from node_library.settings import NodeSettings

    steps = [
        ("transforms.filter_rows", {"expression": "target >= 0"}),
        (
            "transforms.computed_column",
            {"name": "ratio", "expression": "col('sepal length (cm)') / 2"},
        ),
        ("transforms.sort", {"by": [{"column": "ratio", "descending": True}]}),
        ("transforms.deduplicate", {}),
        ("transforms.missing_values", {"strategy": "drop_rows"}),
        ("transforms.sample", {"mode": "first_n", "n": 100}),
        ("transforms.computed_column", {"name": "big", "expression": "ratio > 2"}),
        ("transforms.filter_rows", {"expression": "big or not big"}),
        ("outputs.table", {}),
    ]
    nodes = [{"id": "iris", "type": "sources.sample_dataset", "params": {}}]
    edges = []
    for i, (type_id, params) in enumerate(steps):
        nodes.append({"id": f"n{i}", "type": type_id, "params": params})
        src = "iris" if i == 0 else f"n{i - 1}"
        edges.append(
            {
                "id": f"e{i}",
                "source": src,
                "source_port": "data",
                "target": f"n{i}",
                "target_port": "data",
            }
        )
    document = {"slug": "tiny", "name": "Tiny", "nodes": nodes, "edges": edges}

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        config = CanvasConfig(home, f"sqlite:///{home / 'c.db'}", str(home / "a"), None, home)
        services = CanvasServices(config, default_registry(), NodeSettings(data_roots=(home,)))
        services.store.create(load_workflow(document))
        services.run("tiny", force=True)  # warm-up: imports, instance creation
        totals = []
        for _ in range(repeats):
            report = services.run("tiny", force=True)
            totals.append(report.wall_s)
        registry = default_registry()
        direct = []
        for _ in range(repeats):
            started = time.perf_counter()
            value = None
            for node in load_workflow(document).nodes:
                node_type = registry.get(node.type)
                assert node_type is not None
                params = node_type.Params.model_validate(node.params)
                out = node_type.execute(
                    RecordingContext(node.id),
                    params,
                    **({"data": value} if value is not None else {}),
                )
                value = next(iter(out.values()))
            direct.append(time.perf_counter() - started)
        nothing = []
        for _ in range(repeats):
            nothing.append(services.run("tiny").wall_s)
    t, d = statistics.median(totals), statistics.median(direct)
    print(f"tiny workflow, 10 nodes on iris, median of {repeats} (in-process, warm)")
    print(f"  engine run --force   : {t * 1000:7.0f} ms")
    print(f"  plain node.execute   : {d * 1000:7.0f} ms")
    print(f"  overhead per node    : {(t - d) / 10 * 1000:7.1f} ms")
    print(f"  all fresh, nothing to do: {statistics.median(nothing) * 1000:5.0f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    tiny(max(args.repeats, 5))
    pipeline(args.rows, args.repeats)
