"""Contract cases for the split and feature-engineering nodes: a train/test pair with numbers,
text with gaps, and a class target, so every node fits on `train` and applies to `apply_to`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.node_library.node_cases import CaseEnv, CaseFactory, NodeCase, sales_frame


def customers(rows: int = 60, seed: int = 0) -> pd.DataFrame:
    """Numbers (one integer, two floats), text with gaps, a category and a binary target."""
    rng = np.random.default_rng(seed)
    plans = ["basic", "plus", "pro"]
    regions = ["north", "south", "east", "west"]
    age = rng.integers(18, 80, rows)
    income = rng.normal(50_000, 12_000, rows).round(2)
    visits = rng.poisson(4, rows).astype("float64")
    return pd.DataFrame(
        {
            "customer_id": range(1, rows + 1),
            "age": age,
            "income": income,
            "visits": visits,
            "region": pd.Series([regions[i % 4] for i in range(rows)], dtype="str"),
            "plan": pd.Categorical([plans[(i * 7) % 3] for i in range(rows)]),
            "churned": ((age > 50) ^ (rng.random(rows) < 0.2)).astype("int64"),
        }
    )


def with_gaps(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(
        income=frame["income"].mask(frame.index % 7 == 0),
        region=frame["region"].mask(frame.index % 5 == 0),
        age=frame["age"].astype("float64").mask(frame.index % 9 == 0),
    )


def train_test(frame: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = customers() if frame is None else frame
    return frame.iloc[:45].reset_index(drop=True), frame.iloc[45:].reset_index(drop=True)


def _fitted(params: dict[str, object], frame: pd.DataFrame | None = None) -> NodeCase:
    train, test = train_test(frame)
    return NodeCase(params=params, inputs={"train": train, "apply_to": test})


def _split(env: CaseEnv) -> NodeCase:
    return NodeCase(
        params={"method": "stratified", "stratify_column": "region", "test_size": 0.3},
        inputs={"data": sales_frame()},
    )


def _scale(env: CaseEnv) -> NodeCase:
    return _fitted({"method": "robust", "exclude": ["customer_id", "churned"]})


def _one_hot(env: CaseEnv) -> NodeCase:
    return _fitted({"drop": "if_binary"}, with_gaps(customers()))


def _ordinal(env: CaseEnv) -> NodeCase:
    return _fitted({"columns": ["region", "plan"]}, with_gaps(customers()))


def _label(env: CaseEnv) -> NodeCase:
    return _fitted({"columns": ["plan"]})


def _target(env: CaseEnv) -> NodeCase:
    return _fitted({"target": "churned", "target_type": "binary"})


def _impute(env: CaseEnv) -> NodeCase:
    return _fitted(
        {"numeric_strategy": "median", "exclude": ["customer_id"]}, with_gaps(customers())
    )


def _pca(env: CaseEnv) -> NodeCase:
    return _fitted({"columns": ["age", "income", "visits"], "n_components": 2, "whiten": True})


def _polynomial(env: CaseEnv) -> NodeCase:
    return _fitted({"columns": ["age", "visits"], "degree": 3})


def _k_best(env: CaseEnv) -> NodeCase:
    return _fitted({"target": "churned", "k": 2, "exclude": ["customer_id"]})


def _variance(env: CaseEnv) -> NodeCase:
    return _fitted({"threshold": 1.0})


def _correlated(env: CaseEnv) -> NodeCase:
    frame = customers()
    return _fitted({"threshold": 0.5}, frame.assign(age_months=frame["age"] * 12 + 3))


def _from_model(env: CaseEnv) -> NodeCase:
    return _fitted({"target": "churned", "n_estimators": 10, "exclude": ["customer_id"]})


def _datetime_parts(env: CaseEnv) -> NodeCase:
    frame = sales_frame()
    frame["shipped_at"] = (frame["ordered_at"] + pd.Timedelta(hours=30)).mask(frame.index % 6 == 0)
    return NodeCase(
        params={"parts": ["year", "week", "hour", "is_weekend"], "keep_original": True},
        inputs={"train": frame.iloc[:30], "apply_to": frame.iloc[30:]},
    )


def _apply(env: CaseEnv) -> NodeCase:
    from node_library.contract import RecordingContext
    from node_library.nodes.features.scaling import ScaleNode, ScaleParams

    train, test = train_test()
    fitted = ScaleNode().execute(
        RecordingContext(), ScaleParams(columns=["age", "income"]), train=train
    )
    return NodeCase(params={}, inputs={"model": fitted["model"], "data": test})


CASES: dict[str, CaseFactory] = {
    "split.train_test_split": _split,
    "features.scale": _scale,
    "features.one_hot": _one_hot,
    "features.ordinal": _ordinal,
    "features.label_encode": _label,
    "features.target_encode": _target,
    "features.impute": _impute,
    "features.pca": _pca,
    "features.polynomial": _polynomial,
    "features.select_k_best": _k_best,
    "features.variance_threshold": _variance,
    "features.select_correlated": _correlated,
    "features.select_from_model": _from_model,
    "features.datetime_parts": _datetime_parts,
    "features.apply": _apply,
}
