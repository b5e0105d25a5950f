"""The bundled ML example workflows: they validate, they are laid out for a reader, and each one,
run by the real engine from a clean home, gives exactly the numbers of the hand-written
scikit-learn script a data scientist would write for it (same classes, params and seeds).

Equality is exact (==, assert_array_equal): the nodes run the same scikit-learn calls on the same
rows and columns in the same order, and the artifact store keeps float64 values bit for bit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from canvas_assets.config import CanvasConfig
from canvas_assets.examples import example_workflows
from canvas_assets.services import CanvasServices
from canvas_assets.storage.artifacts import ArtifactRef
from node_library.contract import Severity
from node_library.graph import load_workflow
from node_library.registry import default_registry
from node_library.settings import NodeSettings

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "canvas_assets" / "examples"
ML_CATEGORIES = ("split", "features", "models", "evaluate", "tune")


def _is_ml(path: Path) -> bool:
    nodes = json.loads(path.read_text())["nodes"]
    return any(n["type"].split(".")[0] in ML_CATEGORIES for n in nodes)


ALL_EXAMPLES = sorted(EXAMPLES.glob("*.json"))
ML_EXAMPLES = [p for p in ALL_EXAMPLES if _is_ml(p)]


@pytest.fixture
def services(tmp_path: Path) -> Iterator[CanvasServices]:
    """A clean home: empty store, empty artifact store, fresh Dagster instance; file sources read
    the repository's data/ folder, as `mlcanvas up` does from the repository root."""
    home = tmp_path / "home"
    config = CanvasConfig(
        home, f"sqlite:///{home / 'canvas.db'}", str(home / "artifacts"), None, home
    )
    settings = NodeSettings(data_roots=((REPO / "data").resolve(),))
    services = CanvasServices(config, default_registry(), settings)
    yield services
    services.store.dispose()


def _run_template(services: CanvasServices, slug: str) -> Any:
    """Create a workflow from the template, run every node, and return a reader of its outputs."""
    stored = services.create_from_template(slug)
    report = services.run(stored.workflow.slug)
    failed = {n: r.message for n, r in report.nodes.items() if r.status != "succeeded"}
    assert report.success and not failed, failed
    plan = services.plan(services.store.get(stored.workflow.slug))

    def read(node_id: str, port: str) -> Any:
        ref = ArtifactRef(stored.workflow.slug, node_id, plan.nodes[node_id].cache_key, port)
        return services.artifacts.read(ref)

    return read


# -- every example ----------------------------------------------------------------------------


def test_the_ml_examples_are_found() -> None:
    assert {p.stem for p in ML_EXAMPLES} == {
        "breast_cancer_classification",
        "breast_cancer_report",
        "breast_cancer_tuning",
        "diabetes_model_comparison",
        "diabetes_regression",
        "wine_clustering",
    }


@pytest.mark.parametrize("path", ALL_EXAMPLES, ids=lambda p: p.stem)
def test_every_bundled_example_validates_with_no_issues(
    services: CanvasServices, path: Path
) -> None:
    workflow = load_workflow(path.read_text(), services.registry)
    result = services.validate(workflow)
    assert [str(i) for i in result.issues] == []
    assert workflow.slug == path.stem
    assert workflow.description.strip() and workflow.name.strip()


@pytest.mark.parametrize("path", ML_EXAMPLES, ids=lambda p: p.stem)
def test_every_ml_example_reads_left_to_right_with_a_label_on_each_node(path: Path) -> None:
    workflow = load_workflow(path.read_text(), default_registry())
    where = {n.id: n.position for n in workflow.nodes}
    assert all(n.label and n.label.strip() for n in workflow.nodes)
    for edge in workflow.edges:
        step = where[edge.target].x - where[edge.source].x
        assert step >= 200, f"{edge.source} -> {edge.target} is not laid out left to right"
    labels = [n.label for n in workflow.nodes]
    assert len(set(labels)) == len(labels), "two nodes share a label"


def test_the_ml_examples_are_offered_as_templates(services: CanvasServices) -> None:
    slugs = {t.slug for t in example_workflows(services.registry)}
    assert {p.stem for p in ML_EXAMPLES} <= slugs
    assert all(
        i.severity is not Severity.ERROR
        for t in services.templates()
        for i in services.validate(t).issues
    )


# -- the numbers equal the hand-written scripts -------------------------------------------------


def test_breast_cancer_classification_equals_a_hand_written_sklearn_script(
    services: CanvasServices,
) -> None:
    from sklearn import metrics as skm
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    read = _run_template(services, "breast_cancer_classification")

    frame = load_breast_cancer(as_frame=True).frame.rename(columns={"target": "diagnosis"})
    radius = frame["mean radius"]
    frame["tumour_size"] = np.where(radius < 12, "small", np.where(radius < 16, "medium", "large"))
    train, test = train_test_split(
        frame, test_size=0.25, random_state=42, stratify=frame["diagnosis"]
    )
    numeric = [c for c in frame.columns if c not in ("diagnosis", "tumour_size")]
    scaler = StandardScaler().set_output(transform="pandas").fit(train[numeric])
    encoder = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    encoder.set_output(transform="pandas").fit(train[["tumour_size"]])

    def features(part: pd.DataFrame) -> pd.DataFrame:
        parts: list[pd.DataFrame] = [
            scaler.transform(part[numeric]),
            encoder.transform(part[["tumour_size"]]),
        ]
        return pd.concat(parts, axis=1)

    model = LogisticRegression(C=1.0, max_iter=1000, random_state=0)
    model.fit(features(train), train["diagnosis"])
    y = test["diagnosis"].to_numpy()
    pred = model.predict(features(test))
    proba = model.predict_proba(features(test))
    malignant = 0

    scored = read("predict", "predictions")
    np.testing.assert_array_equal(scored["diagnosis"].to_numpy(), y)
    np.testing.assert_array_equal(scored["prediction"].to_numpy(), pred)
    np.testing.assert_array_equal(scored[["proba_0", "proba_1"]].to_numpy(), proba)
    assert read("metrics", "metrics") == {
        "rows": len(y),
        "accuracy": skm.accuracy_score(y, pred),
        "balanced_accuracy": skm.balanced_accuracy_score(y, pred),
        "precision": skm.precision_score(y, pred, pos_label=malignant),
        "recall": skm.recall_score(y, pred, pos_label=malignant),
        "f1": skm.f1_score(y, pred, pos_label=malignant),
        "roc_auc": skm.roc_auc_score(y == malignant, proba[:, 0]),
        "log_loss": skm.log_loss(y, proba, labels=[0, 1]),
    }
    cells = read("confusion", "cells")
    np.testing.assert_array_equal(
        cells["count"].to_numpy(), skm.confusion_matrix(y, pred, labels=[0, 1]).ravel()
    )
    assert read("roc", "metrics")["roc_auc"] == skm.roc_auc_score(y == malignant, proba[:, 0])
    assert read("roc", "plot")["data"], "the ROC curve has no trace"


def test_diabetes_regression_equals_a_hand_written_sklearn_script(
    services: CanvasServices,
) -> None:
    from sklearn import metrics as skm
    from sklearn.datasets import load_diabetes
    from sklearn.ensemble import GradientBoostingRegressor
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    read = _run_template(services, "diabetes_regression")

    frame = load_diabetes(as_frame=True).frame.rename(columns={"target": "progression"})
    train, test = train_test_split(frame, test_size=0.25, random_state=42)
    features = [c for c in frame.columns if c != "progression"]
    scaler = StandardScaler().fit(train[features])
    train, test = train.copy(), test.copy()
    train[features] = scaler.transform(train[features])
    test[features] = scaler.transform(test[features])
    x_train, x_test = train[features], test[features]
    y_train, y = train["progression"], test["progression"].to_numpy()
    models = {
        "ridge": Ridge(alpha=1.0, random_state=0),
        "gbm": GradientBoostingRegressor(
            n_estimators=100, learning_rate=0.05, max_depth=3, random_state=0
        ),
    }
    for name, model in models.items():
        pred = model.fit(x_train, y_train).predict(x_test)
        np.testing.assert_array_equal(read(f"{name}_predict", "predictions")["prediction"], pred)
        assert read(f"{name}_metrics", "metrics") == {
            "rows": len(y),
            "rmse": skm.root_mean_squared_error(y, pred),
            "mae": skm.mean_absolute_error(y, pred),
            "mape": skm.mean_absolute_percentage_error(y, pred),
            "r2": skm.r2_score(y, pred),
        }, name
        assert read(f"{name}_residuals", "plot")["data"], f"{name}: the residual plot is empty"


def test_wine_clustering_equals_a_hand_written_sklearn_script(services: CanvasServices) -> None:
    from sklearn import metrics as skm
    from sklearn.cluster import KMeans
    from sklearn.datasets import load_wine
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler

    read = _run_template(services, "wine_clustering")

    wines = load_wine(as_frame=True).frame.drop(columns="target")
    measurements = list(wines.columns)
    wines[measurements] = StandardScaler().fit_transform(wines[measurements])
    kmeans = KMeans(n_clusters=3, n_init=10, random_state=0).fit(wines[measurements])
    wines["cluster"] = kmeans.labels_
    labels = wines["cluster"].to_numpy()
    scaled = wines[measurements]
    components = PCA(n_components=2, random_state=0).fit_transform(scaled)

    clustered = read("kmeans", "clustered")
    np.testing.assert_array_equal(clustered["cluster"].to_numpy(), labels)
    assert read("scores", "metrics") == {
        "rows": len(wines),
        "clusters": 3,
        "silhouette": skm.silhouette_score(scaled, labels),
        "davies_bouldin": skm.davies_bouldin_score(scaled, labels),
    }
    projected = read("pca", "train")
    np.testing.assert_array_equal(projected[["pc1", "pc2"]].to_numpy(), components)
    assert projected["cluster"].tolist() == [str(c) for c in labels]
    chart = read("chart", "plot")
    assert sorted(trace["name"] for trace in chart["data"]) == ["0", "1", "2"]


def test_breast_cancer_tuning_equals_a_hand_written_grid_search(
    services: CanvasServices,
) -> None:
    from sklearn import metrics as skm
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
    from sklearn.preprocessing import StandardScaler

    read = _run_template(services, "breast_cancer_tuning")

    frame = load_breast_cancer(as_frame=True).frame.rename(columns={"target": "diagnosis"})
    train, test = train_test_split(
        frame, test_size=0.25, random_state=42, stratify=frame["diagnosis"]
    )
    features = [c for c in frame.columns if c != "diagnosis"]
    scaler = StandardScaler().fit(train[features])
    train, test = train.copy(), test.copy()
    train[features] = scaler.transform(train[features])
    test[features] = scaler.transform(test[features])
    search = GridSearchCV(
        LogisticRegression(max_iter=1000, random_state=0),
        {"C": [0.01, 0.1, 1.0, 10.0, 100.0]},
        cv=StratifiedKFold(n_splits=5),
        scoring="roc_auc",
    ).fit(train[features], train["diagnosis"])

    found = read("search", "metrics")
    assert found == {
        "scoring": "roc_auc",
        "best_score": search.best_score_,
        "best_std": search.cv_results_["std_test_score"][search.best_index_],
        "candidates": 5,
        "failed_candidates": 0,
        "folds": 5,
        "best_C": found["best_C"],
    }
    assert float(found["best_C"]) == search.best_params_["C"]
    results = read("search", "results")
    np.testing.assert_array_equal(results["mean_score"], search.cv_results_["mean_test_score"])
    np.testing.assert_array_equal(results["rank"], search.cv_results_["rank_test_score"])

    y = test["diagnosis"].to_numpy()
    pred = search.best_estimator_.predict(test[features])
    proba = search.best_estimator_.predict_proba(test[features])
    metrics = read("metrics", "metrics")
    assert metrics["accuracy"] == skm.accuracy_score(y, pred)
    assert metrics["recall"] == skm.recall_score(y, pred, pos_label=0)
    assert metrics["roc_auc"] == skm.roc_auc_score(y == 0, proba[:, 0])
    assert metrics["log_loss"] == skm.log_loss(y, proba, labels=[0, 1])


def test_diabetes_model_comparison_equals_hand_written_cross_validation(
    services: CanvasServices,
) -> None:
    from scipy.stats import t as student_t
    from sklearn.ensemble import GradientBoostingRegressor, RandomForestRegressor
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import RepeatedKFold, cross_val_score

    from node_library.nodes.sources.sample_dataset import load_sample

    read = _run_template(services, "diabetes_model_comparison")

    # load_sample is load_diabetes(as_frame=True).frame copied into one float block, as the
    # engine holds it; on sklearn's own two-block frame LinearRegression's lstsq lands 1 ulp
    # away on 2 of the 10 folds (a different memory layout, so a different summation order).
    frame = load_sample("diabetes", "progression")
    x, y = frame.drop(columns="progression"), frame["progression"]
    folds = RepeatedKFold(n_splits=5, n_repeats=2, random_state=0)
    models = {
        "model_a": LinearRegression(),
        "model_b": RandomForestRegressor(n_estimators=100, min_samples_leaf=5, random_state=0),
        "model_c": GradientBoostingRegressor(
            n_estimators=100, learning_rate=0.05, max_depth=3, random_state=0
        ),
    }
    rmse = {
        port: -cross_val_score(model, x, y, cv=folds, scoring="neg_root_mean_squared_error")
        for port, model in models.items()
    }
    best = min(rmse, key=lambda port: rmse[port].mean())
    # Nadeau-Bengio: 10 folds of 442 rows, test share 1/5 of the rows, train share 4/5
    correction = 1 / 10 + (442 / 5) / (442 * 4 / 5)

    found = read("compare", "metrics")
    assert found["folds"] == 10 and found["best"] == best
    for port, scores in rmse.items():
        np.testing.assert_array_equal(read("compare", "scores")[port], scores)
    for port, scores in rmse.items():
        assert found[f"{port}_mean"] == np.mean(scores), port
        assert found[f"{port}_std"] == np.std(scores), port
        if port == best:
            continue
        differences = rmse[best] - scores
        t = differences.mean() / np.sqrt(correction * differences.var(ddof=1))
        p_value = 2 * student_t.sf(abs(t), 9)
        assert found[f"{port}_p_value"] == pytest.approx(p_value, rel=1e-12), port
    assert found["verdict"].startswith(found["best_model"][:1].upper())


def test_the_report_example_scores_like_a_hand_written_forest_and_writes_a_pdf(
    services: CanvasServices,
) -> None:
    import io

    from pypdf import PdfReader
    from sklearn import metrics as skm
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import train_test_split

    read = _run_template(services, "breast_cancer_report")

    frame = load_breast_cancer(as_frame=True).frame.rename(columns={"target": "diagnosis"})
    train, test = train_test_split(
        frame, test_size=0.25, random_state=42, stratify=frame["diagnosis"]
    )
    features = [c for c in frame.columns if c != "diagnosis"]
    forest = RandomForestClassifier(n_estimators=200, random_state=0)
    forest.fit(train[features], train["diagnosis"])
    y = test["diagnosis"].to_numpy()
    pred = forest.predict(test[features])
    proba = forest.predict_proba(test[features])
    metrics = read("metrics", "metrics")
    assert metrics["accuracy"] == skm.accuracy_score(y, pred)
    assert metrics["f1"] == skm.f1_score(y, pred, pos_label=0)
    assert metrics["roc_auc"] == skm.roc_auc_score(y == 0, proba[:, 0])

    report = read("report", "file")
    assert report.name == "breast-cancer-model-report.pdf"
    assert report.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(report.content)).pages)
    assert "Breast cancer model report" in text
    assert "Confusion matrix" in text


def test_two_runs_metrics_are_read_back_for_comparison(services: CanvasServices) -> None:
    """Run.metrics: each run's metrics, flattened, from the artifacts its materializations name."""
    from canvas_assets.runs.metrics import flatten, run_metrics

    stored = services.create_from_template("breast_cancer_classification")
    slug = stored.workflow.slug
    first = services.run(slug)
    model = next(n for n in stored.workflow.nodes if n.type.startswith("models."))
    changed = stored.workflow.model_copy(deep=True)
    next(n for n in changed.nodes if n.id == model.id).params["C"] = 0.01
    services.store.save(changed, stored.revision)
    second = services.run(slug)
    assert first.run_id and second.run_id and second.success

    a = {
        m.node_id: m.values
        for m in run_metrics(services.instance, services.artifacts, first.run_id)
    }
    b = {
        m.node_id: m.values
        for m in run_metrics(services.instance, services.artifacts, second.run_id)
    }
    assert {"metrics", "roc"} <= set(a) and set(a) == set(b)
    plan = services.plan(services.store.get(slug))
    stored_now = services.artifacts.read(
        ArtifactRef(slug, "metrics", plan.nodes["metrics"].cache_key, "metrics")
    )
    assert b["metrics"] == flatten(stored_now)
    assert isinstance(a["metrics"]["accuracy"], float)
    assert a["metrics"]["accuracy"] != b["metrics"]["accuracy"]  # C changed the model
    assert flatten({"r": {"a": {"f1": float("nan")}}, "m": [[1, 2]]}) == {"r.a.f1": None}
