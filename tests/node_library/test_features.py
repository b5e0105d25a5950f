"""Feature engineering nodes: equal to hand-written scikit-learn code (fit on train, transform
test), fitted on the training rows only, column naming and placement, the Apply node, bad input."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from pydantic import BaseModel
from sklearn.model_selection import StratifiedKFold, train_test_split

from node_library.contract import NodeError, NodeType, RecordingContext
from node_library.ml.fitted import FittedModel
from node_library.ml.model_files import class_name, decode_estimator, encode_estimator
from node_library.ml.transformers import apply_transformer
from node_library.nodes.features.apply import ApplyTransformerNode, ApplyTransformerParams
from node_library.nodes.features.datetime_parts import DatetimePartsNode
from node_library.nodes.features.impute import ImputeNode
from node_library.nodes.features.label_encode import LabelEncodeNode
from node_library.nodes.features.one_hot import OneHotNode
from node_library.nodes.features.ordinal import OrdinalNode
from node_library.nodes.features.pca import PcaNode
from node_library.nodes.features.polynomial import PolynomialNode, polynomial_names
from node_library.nodes.features.scaling import ScaleNode
from node_library.nodes.features.select_correlated import SelectCorrelatedNode
from node_library.nodes.features.select_from_model import SelectFromModelNode
from node_library.nodes.features.select_k_best import SelectKBestNode
from node_library.nodes.features.target_encode import TargetEncodeNode
from node_library.nodes.features.variance_threshold import VarianceThresholdNode
from node_library.nodes.sources.sample_dataset import load_sample
from node_library.schema import Dtype, Role, TableSchema, schema_of_frame
from node_library.settings import NodeSettings
from tests.node_library.cases_features import customers, train_test, with_gaps

SETTINGS = NodeSettings()


def run(
    node: NodeType[Any], params: dict[str, Any], train: pd.DataFrame, apply_to: Any = None
) -> dict[str, Any]:
    inputs = {"train": train} if apply_to is None else {"train": train, "apply_to": apply_to}
    return node.execute(RecordingContext(), node.Params.model_validate(params), **inputs)


def check(node: NodeType[Any], params: dict[str, Any], **frames: pd.DataFrame) -> list[str]:
    parsed: BaseModel = node.Params.model_validate(params)
    schemas = {name: schema_of_frame(frame) for name, frame in frames.items()}
    return [f"{i.code}:{i.param or i.port}" for i in node.validate(parsed, schemas, SETTINGS)]


def failure(node: NodeType[Any], params: dict[str, Any], train: pd.DataFrame, **more: Any) -> Any:
    with pytest.raises(NodeError) as caught:
        run(node, params, train, **more)
    return caught.value.issue


def wine_split() -> tuple[pd.DataFrame, pd.DataFrame]:
    wine = load_sample("wine")
    train, test = train_test_split(wine, test_size=0.3, random_state=0, stratify=wine["target"])
    return train.reset_index(drop=True), test.reset_index(drop=True)


WINE_FEATURES = [c for c in load_sample("wine").columns if c != "target"]


# -- correctness against hand-written scikit-learn ------------------------------------------


@pytest.mark.parametrize(
    ("method", "scaler"),
    [("standard", "StandardScaler"), ("min-max", "MinMaxScaler"), ("robust", "RobustScaler")],
)
def test_scaling_equals_sklearn_fitted_on_train(method: str, scaler: str) -> None:
    from sklearn import preprocessing

    train, test = wine_split()
    out = run(ScaleNode(), {"method": method, "exclude": ["target"]}, train, test)
    reference = getattr(preprocessing, scaler)()
    expected_train = reference.fit_transform(train[WINE_FEATURES])
    expected_test = reference.transform(test[WINE_FEATURES])
    np.testing.assert_array_equal(out["train"][WINE_FEATURES].to_numpy(), expected_train)
    np.testing.assert_array_equal(out["applied"][WINE_FEATURES].to_numpy(), expected_test)
    assert list(out["train"].columns) == list(train.columns)
    pd.testing.assert_series_equal(out["applied"]["target"], test["target"])
    assert out["model"].meta.algorithm == f"sklearn.preprocessing.{scaler}"


def test_scaler_statistics_come_from_the_training_rows_only() -> None:
    train, test = wine_split()
    model: FittedModel = run(ScaleNode(), {"columns": ["alcohol", "magnesium"]}, train, test)[
        "model"
    ]
    scaler = model.estimator
    np.testing.assert_array_equal(scaler.mean_, train[["alcohol", "magnesium"]].mean().to_numpy())
    np.testing.assert_allclose(  # numpy's std and sklearn's incremental variance sum differently
        scaler.scale_, train[["alcohol", "magnesium"]].std(ddof=0).to_numpy(), rtol=1e-12
    )
    everything = pd.concat([train, test])
    assert not np.allclose(scaler.mean_, everything[["alcohol", "magnesium"]].mean().to_numpy())
    assert model.meta.training_rows == len(train)
    assert model.meta.features == ["alcohol", "magnesium"]


def test_one_hot_equals_sklearn_with_named_columns_in_place() -> None:
    from sklearn.preprocessing import OneHotEncoder

    train, test = train_test(with_gaps(customers()))
    test = test.assign(region=test["region"].replace({"east": "atlantis"}))
    out = run(OneHotNode(), {"drop": "first"}, train, test)
    reference = OneHotEncoder(handle_unknown="ignore", drop="first", sparse_output=False)
    expected_train = reference.fit_transform(train[["region", "plan"]])
    expected_test = reference.transform(test[["region", "plan"]])
    names = ["region=north", "region=south", "region=west", "region=nan", "plan=plus", "plan=pro"]
    assert out["model"].meta.output_columns == names
    assert list(out["train"].columns) == [
        "customer_id", "age", "income", "visits", *names, "churned"
    ]  # fmt: skip
    np.testing.assert_array_equal(out["train"][names].to_numpy(), expected_train)
    np.testing.assert_array_equal(out["applied"][names].to_numpy(), expected_test)
    unseen = test["region"] == "atlantis"
    assert unseen.any() and (out["applied"].loc[unseen, names[:4]] == 0).all().all()


def test_one_hot_output_schema_is_unknown_before_a_run() -> None:
    train, _ = train_test()
    params = OneHotNode.Params.model_validate({})
    inferred = OneHotNode().infer_schema(params, {"train": schema_of_frame(train)}, SETTINGS)
    assert inferred == {"train": None, "applied": None, "model": None}


@pytest.mark.parametrize(("unknown", "code"), [("minus_one", -1), ("nan", np.nan)])
def test_ordinal_equals_sklearn_with_unknown_codes(unknown: str, code: float) -> None:
    from sklearn.preprocessing import OrdinalEncoder

    train, test = train_test(with_gaps(customers()))
    test = test.assign(region=test["region"].replace({"east": "atlantis"}))
    out = run(OrdinalNode(), {"columns": ["region", "plan"], "unknown": unknown}, train, test)
    reference = OrdinalEncoder(
        handle_unknown="use_encoded_value", unknown_value=code, encoded_missing_value=np.nan
    )
    expected_train = reference.fit_transform(train[["region", "plan"]])
    expected_test = reference.transform(test[["region", "plan"]])
    np.testing.assert_array_equal(out["train"][["region", "plan"]].to_numpy(), expected_train)
    np.testing.assert_array_equal(out["applied"][["region", "plan"]].to_numpy(), expected_test)
    unseen = out["applied"].loc[test["region"] == "atlantis", "region"]
    assert len(unseen) and (unseen.isna().all() if np.isnan(code) else (unseen == code).all())
    assert out["train"]["region"].isna().sum() == train["region"].isna().sum()


def test_label_encoding_gives_integer_codes_and_classes() -> None:
    train, test = train_test()
    test = test.assign(plan=test["plan"].cat.add_categories(["gold"]))
    test.loc[0, "plan"] = "gold"
    out = run(LabelEncodeNode(), {"columns": ["plan"]}, train, test)
    assert out["model"].meta.classes == ["basic", "plus", "pro"]
    codes = {"basic": 0, "plus": 1, "pro": 2}
    assert list(out["train"]["plan"]) == [codes[p] for p in train["plan"]]
    assert out["train"]["plan"].dtype == np.int64
    assert out["applied"]["plan"].iloc[0] == -1
    assert list(out["applied"]["plan"].iloc[1:]) == [codes[p] for p in test["plan"].iloc[1:]]


def test_label_encoding_needs_a_column_and_refuses_missing_labels() -> None:
    train, _ = train_test(with_gaps(customers()))
    assert check(LabelEncodeNode(), {}, train=train) == ["missing_column_param:columns"]
    issue = failure(LabelEncodeNode(), {"columns": ["region"]}, train)
    assert issue.code == "missing_values" and "region" in issue.message


@pytest.mark.parametrize("seed", [0, 11])
def test_target_encoding_is_cross_fitted_on_train_like_sklearn(seed: int) -> None:
    from sklearn.preprocessing import TargetEncoder

    train, test = train_test(customers(rows=200, seed=4))
    params = {"target": "churned", "random_state": seed}
    out = run(TargetEncodeNode(), params, train, test)
    reference = TargetEncoder(cv=StratifiedKFold(5, shuffle=True, random_state=seed))
    x = train[["region", "plan"]]
    expected_train = reference.fit_transform(x, train["churned"])
    expected_test = reference.transform(test[["region", "plan"]])
    np.testing.assert_array_equal(out["train"][["region", "plan"]].to_numpy(), expected_train)
    np.testing.assert_array_equal(out["applied"][["region", "plan"]].to_numpy(), expected_test)
    # cross-fitting: the train encoding is not the plain transform of the refitted encoder
    assert not np.array_equal(expected_train, reference.transform(x))
    pd.testing.assert_series_equal(out["train"]["churned"], train["churned"])


def test_target_encoding_matches_the_pre_1_9_shuffle_api() -> None:
    from sklearn.preprocessing import TargetEncoder

    train, _ = train_test(customers(rows=200, seed=4))
    out = run(TargetEncodeNode(), {"target": "churned", "random_state": 5}, train)
    with pytest.warns(FutureWarning):
        old = TargetEncoder(cv=5, shuffle=True, random_state=5).fit_transform(
            train[["region", "plan"]], train["churned"]
        )
    np.testing.assert_array_equal(out["train"][["region", "plan"]].to_numpy(), old)


def test_target_encoding_of_a_multiclass_target_names_one_column_per_class() -> None:
    train, test = train_test()
    params = {"target": "plan", "columns": ["region"]}
    out = run(TargetEncodeNode(), params, train, test)
    names = ["region=basic", "region=plus", "region=pro"]
    assert out["model"].meta.output_columns == names
    assert list(out["train"].columns) == [
        "customer_id", "age", "income", "visits", *names, "plan", "churned"
    ]  # fmt: skip
    assert out["model"].meta.classes == ["basic", "plus", "pro"]


def test_imputation_equals_sklearn_simple_imputers_fitted_on_train() -> None:
    from sklearn.impute import SimpleImputer

    train, test = train_test(with_gaps(customers()))
    params = {"numeric_strategy": "median", "text_strategy": "constant", "fill_text": "?"}
    out = run(ImputeNode(), {**params, "exclude": ["customer_id", "churned"]}, train, test)
    numeric, text = ["age", "income", "visits"], ["region", "plan"]
    num = SimpleImputer(strategy="median", keep_empty_features=True).fit(train[numeric])
    txt = SimpleImputer(strategy="constant", fill_value="?", keep_empty_features=True).fit(
        train[text]
    )
    for frame, result in ((train, out["train"]), (test, out["applied"])):
        np.testing.assert_array_equal(result[numeric].to_numpy(), num.transform(frame[numeric]))
        np.testing.assert_array_equal(
            result[text].to_numpy(dtype=object), txt.transform(frame[text])
        )
        assert not result[numeric + text].isna().any().any()
    # test gaps are filled with the training medians
    assert out["applied"].loc[test["income"].isna(), "income"].eq(train["income"].median()).all()
    assert list(out["train"].columns) == list(train.columns)
    assert schema_of_frame(out["train"]).dtype_of("plan") is Dtype.STRING


def test_pca_equals_sklearn_and_names_components() -> None:
    from sklearn.decomposition import PCA

    train, test = wine_split()
    params = {"exclude": ["target"], "n_components": 3, "whiten": True, "random_state": 2}
    out = run(PcaNode(), params, train, test)
    reference = PCA(n_components=3, whiten=True, random_state=2)
    expected_train = reference.fit_transform(train[WINE_FEATURES])
    np.testing.assert_array_equal(out["train"][["pc1", "pc2", "pc3"]].to_numpy(), expected_train)
    np.testing.assert_array_equal(
        out["applied"][["pc1", "pc2", "pc3"]].to_numpy(), reference.transform(test[WINE_FEATURES])
    )
    assert list(out["train"].columns) == ["pc1", "pc2", "pc3", "target"]


def test_polynomial_equals_sklearn_with_readable_names() -> None:
    from sklearn.preprocessing import PolynomialFeatures

    train, test = train_test()
    out = run(PolynomialNode(), {"columns": ["age", "visits"], "degree": 2}, train, test)
    reference = PolynomialFeatures(degree=2, include_bias=False)
    expected = reference.fit_transform(train[["age", "visits"]])
    names = ["age", "visits", "age^2", "age*visits", "visits^2"]
    assert out["model"].meta.output_columns == names
    np.testing.assert_array_equal(out["train"][names].to_numpy(), expected)
    np.testing.assert_array_equal(
        out["applied"][names].to_numpy(), reference.transform(test[["age", "visits"]])
    )
    assert list(out["train"].columns)[:6] == ["customer_id", *names]


@pytest.mark.parametrize("interaction_only", [False, True])
def test_polynomial_names_before_a_run_follow_sklearn_order(interaction_only: bool) -> None:
    from sklearn.preprocessing import PolynomialFeatures

    columns = ["a", "b", "c"]
    reference = PolynomialFeatures(3, interaction_only=interaction_only, include_bias=False)
    reference.fit(pd.DataFrame(np.ones((2, 3)), columns=columns))
    sklearn_names = [n.replace(" ", "*") for n in reference.get_feature_names_out()]
    assert polynomial_names(columns, 3, interaction_only) == sklearn_names


@pytest.mark.parametrize("score", ["f_classif", "chi2", "mutual_info_classif"])
def test_select_k_best_equals_sklearn(score: str) -> None:
    from functools import partial

    from sklearn import feature_selection

    train, test = wine_split()
    out = run(SelectKBestNode(), {"target": "target", "k": 4, "score": score}, train, test)
    function = getattr(feature_selection, score)
    if score.startswith("mutual_info"):
        function = partial(function, random_state=0)
    reference = feature_selection.SelectKBest(function, k=4).fit(
        train[WINE_FEATURES], train["target"]
    )
    kept = list(reference.get_feature_names_out())
    assert out["model"].meta.output_columns == kept
    assert list(out["train"].columns) == [*kept, "target"]
    np.testing.assert_array_equal(out["applied"][kept].to_numpy(), test[kept].to_numpy())


def test_variance_threshold_removes_low_variance_columns_like_sklearn() -> None:
    from sklearn.feature_selection import VarianceThreshold

    train, test = wine_split()
    out = run(VarianceThresholdNode(), {"threshold": 0.5, "exclude": ["target"]}, train, test)
    reference = VarianceThreshold(0.5).fit(train[WINE_FEATURES])
    kept = list(reference.get_feature_names_out())
    assert 0 < len(kept) < len(WINE_FEATURES)
    assert list(out["applied"].columns) == [*kept, "target"]


# -- the Apply node and the `applied` port ----------------------------------------------------


def test_apply_node_equals_the_nodes_own_applied_output() -> None:
    train, test = train_test(with_gaps(customers()))
    fitted = run(OneHotNode(), {}, train, test)
    out = ApplyTransformerNode().execute(
        RecordingContext(), ApplyTransformerParams(), model=fitted["model"], data=test
    )
    pd.testing.assert_frame_equal(out["data"], fitted["applied"])


def test_apply_node_lists_the_missing_columns() -> None:
    train, test = train_test()
    model = run(ScaleNode(), {"columns": ["age", "income"]}, train)["model"]
    with pytest.raises(NodeError) as caught:
        ApplyTransformerNode().execute(
            RecordingContext(),
            ApplyTransformerParams(),
            model=model,
            data=test.drop(columns=["income"]),
        )
    issue = caught.value.issue
    assert issue.code == "column_mismatch" and issue.port == "data"
    assert "missing income" in issue.message


def test_apply_node_refuses_a_model_that_is_not_a_transformer() -> None:
    train, test = train_test()
    model = run(ScaleNode(), {}, train)["model"]
    classifier = FittedModel(model.estimator, model.meta.__class__(**{
        **model.meta.__dict__, "kind": "classifier"
    }))  # fmt: skip
    with pytest.raises(NodeError) as caught:
        ApplyTransformerNode().execute(
            RecordingContext(), ApplyTransformerParams(), model=classifier, data=test
        )
    assert caught.value.issue.code == "not_a_transformer"


def test_applied_is_an_empty_frame_with_the_train_columns_without_apply_to() -> None:
    train, _ = train_test()
    out = run(ScaleNode(), {"columns": ["age"]}, train)
    assert out["applied"].empty
    assert schema_of_frame(out["applied"]) == schema_of_frame(out["train"])
    inferred = ScaleNode().infer_schema(
        ScaleNode.Params.model_validate({"columns": ["age"]}),
        {"train": schema_of_frame(train)},
        SETTINGS,
    )
    assert inferred["applied"] == inferred["train"] == schema_of_frame(out["train"])


def test_apply_to_with_unknown_schema_gives_an_unknown_applied_schema() -> None:
    train, _ = train_test()
    params = ScaleNode.Params.model_validate({})
    inferred = ScaleNode().infer_schema(
        params, {"train": schema_of_frame(train), "apply_to": None}, SETTINGS
    )
    assert inferred["applied"] is None and isinstance(inferred["train"], TableSchema)


def test_fitted_transformers_load_back_through_the_model_file_path() -> None:
    """Stored as skops with only trusted types (node_library/ml/model_files.py), and the loaded
    transformer gives the same frame: no custom class sits inside a fitted transformer."""
    train, test = train_test(with_gaps(customers()))
    cases: list[tuple[NodeType[Any], dict[str, Any]]] = [
        (ScaleNode(), {}),
        (OneHotNode(), {}),
        (OrdinalNode(), {}),
        (ImputeNode(), {}),
        (
            SelectKBestNode(),
            {"target": "churned", "columns": ["visits"], "k": 1, "score": "mutual_info_classif"},
        ),
        (TargetEncodeNode(), {"target": "churned"}),
        (SelectKBestNode(), {"target": "churned", "columns": ["visits", "customer_id"], "k": 1}),
        (PcaNode(), {"columns": ["visits", "customer_id"], "n_components": 1}),
        (PolynomialNode(), {"columns": ["visits", "customer_id"]}),
        (VarianceThresholdNode(), {}),
        (LabelEncodeNode(), {"columns": ["plan"]}),
        (SelectCorrelatedNode(), {"threshold": 0.5}),
        (SelectFromModelNode(), {"target": "churned", "columns": ["visits", "customer_id"]}),
    ]
    for node, params in cases:
        fitted = run(node, params, train, test)
        model: FittedModel = fitted["model"]
        data, fmt, _ = encode_estimator(model.estimator)
        assert fmt == "skops"
        estimator = decode_estimator(fmt, data, class_name(model.estimator), model.meta)
        loaded = FittedModel(estimator, model.meta)
        pd.testing.assert_frame_equal(apply_transformer(loaded, test), fitted["applied"])


# -- bad input ---------------------------------------------------------------------------------


def test_text_columns_into_the_scaler_are_named_with_the_encoding_hint() -> None:
    train, _ = train_test()
    found = ScaleNode().validate(
        ScaleNode.Params.model_validate({"columns": ["age", "region"]}),
        {"train": schema_of_frame(train)},
        SETTINGS,
    )
    assert [i.code for i in found] == ["wrong_dtype"]
    assert "'region' is string" in found[0].message and "encoding" in found[0].hint


def test_missing_values_into_pca_suggest_imputation() -> None:
    train, _ = train_test(with_gaps(customers()))
    issue = failure(PcaNode(), {"columns": ["age", "income", "visits"]}, train)
    assert issue.code == "missing_values" and "Imputation" in issue.hint
    assert "age (5)" in issue.message and "income (7)" in issue.message


def test_supervised_nodes_need_a_target_that_exists() -> None:
    train, _ = train_test()
    assert check(TargetEncodeNode(), {}, train=train) == ["missing_target:target"]
    assert check(TargetEncodeNode(), {"target": "churn"}, train=train) == ["missing_column:target"]
    assert check(
        TargetEncodeNode(), {"target": "churned", "columns": ["churned"]}, train=train
    ) == ["target_in_columns:columns"]


def test_a_constant_target_is_refused() -> None:
    train, _ = train_test()
    issue = failure(TargetEncodeNode(), {"target": "churned"}, train.assign(churned=1))
    assert issue.code == "constant_target" and issue.param == "target"


def test_a_target_with_missing_values_is_refused() -> None:
    train, _ = train_test()
    churned = train["churned"].astype("float64").mask(train.index < 3)
    issue = failure(TargetEncodeNode(), {"target": "churned"}, train.assign(churned=churned))
    assert issue.code == "missing_target" and "3 missing" in issue.message


def test_an_empty_train_frame_is_refused() -> None:
    train, _ = train_test()
    issue = failure(ScaleNode(), {}, train.iloc[0:0])
    assert issue.code == "empty_input" and issue.port == "train"


def test_apply_to_without_a_training_column_is_refused_before_and_during_a_run() -> None:
    train, test = train_test()
    smaller = test.drop(columns=["income"])
    assert check(ScaleNode(), {}, train=train, apply_to=smaller) == ["missing_column:columns"]
    issue = failure(ScaleNode(), {}, train, apply_to=smaller)
    assert issue.code == "missing_column" and issue.port == "apply_to"


def test_an_output_name_taken_by_another_column_is_refused() -> None:
    train, _ = train_test()
    taken = train.assign(pc1=1.0)
    params = {"columns": ["age", "income"], "n_components": 1}
    assert check(PcaNode(), params, train=taken) == ["output_collision:columns"]


def test_too_many_components_are_refused_before_a_run() -> None:
    train, _ = train_test()
    params = {"columns": ["age", "income"], "n_components": 3}
    assert check(PcaNode(), params, train=train) == ["too_many_components:n_components"]


def test_one_hot_of_an_id_like_column_is_refused_with_a_hint() -> None:
    train, _ = train_test()
    train = train.assign(code=[f"c{i}" for i in range(len(train))])
    issue = failure(OneHotNode(), {"columns": ["code"], "max_columns": 20}, train)
    assert issue.code == "too_many_categories" and "code (45)" in issue.message


def test_no_matching_columns_is_an_issue() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0]})
    assert check(OneHotNode(), {}, train=frame) == ["no_columns:columns"]


# -- correlation, importance and date/time parts ------------------------------------------------


def test_correlated_columns_are_dropped_like_the_upper_triangle_recipe() -> None:
    train, test = wine_split()
    out = run(SelectCorrelatedNode(), {"threshold": 0.7, "exclude": ["target"]}, train, test)
    corr = train[WINE_FEATURES].corr().abs()
    upper = corr.where(np.triu(np.ones(corr.shape, dtype=bool), k=1))
    dropped = [c for c in upper.columns if (upper[c] > 0.7).any()]
    kept = [c for c in WINE_FEATURES if c not in dropped]
    assert dropped and kept
    assert list(out["train"].columns) == [*kept, "target"]
    np.testing.assert_array_equal(out["applied"][kept].to_numpy(), test[kept].to_numpy())


def test_correlation_keeps_the_earlier_column_of_a_pair() -> None:
    frame = pd.DataFrame({"b": [1.0, 2.0, 3.0, 4.0], "a": [2.0, 4.0, 6.0, 8.1], "c": [1, 0, 1, 0]})
    out = run(SelectCorrelatedNode(), {"threshold": 0.9}, frame)
    assert list(out["train"].columns) == ["b", "c"]


def test_select_from_model_equals_sklearn_with_a_seeded_forest() -> None:
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.feature_selection import SelectFromModel

    train, test = wine_split()
    params = {"target": "target", "n_estimators": 50, "threshold": "median", "random_state": 3}
    out = run(SelectFromModelNode(), params, train, test)
    reference = SelectFromModel(
        RandomForestClassifier(n_estimators=50, random_state=3), threshold="median"
    ).fit(train[WINE_FEATURES], train["target"])
    kept = list(reference.get_feature_names_out())
    assert out["model"].meta.output_columns == kept
    assert list(out["applied"].columns) == [*kept, "target"]
    np.testing.assert_array_equal(
        out["model"].estimator.estimator_.feature_importances_,
        reference.estimator_.feature_importances_,
    )


def test_select_from_model_uses_a_regressor_for_a_float_target() -> None:
    diabetes = load_sample("diabetes")
    out = run(SelectFromModelNode(), {"target": "target", "n_estimators": 5}, diabetes)
    assert type(out["model"].estimator.estimator_).__name__ == "RandomForestRegressor"


def test_datetime_parts_are_named_placed_and_typed() -> None:
    frame = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "at": pd.to_datetime(["2026-01-03 10:30", "2026-02-15 23:00", None]),
            "v": [1.0, 2.0, 3.0],
        }
    )
    params = {"parts": ["year", "month", "weekday", "hour", "week", "is_weekend"]}
    out = run(DatetimePartsNode(), params, frame.iloc[:2], frame.iloc[2:])
    train = out["train"]
    assert list(train.columns) == [
        "id", "at_year", "at_month", "at_weekday", "at_hour", "at_week", "at_is_weekend", "v"
    ]  # fmt: skip
    assert list(train["at_weekday"]) == [5, 6] and list(train["at_week"]) == [1, 7]
    assert list(train["at_is_weekend"]) == [True, True] and list(train["at_hour"]) == [10, 23]
    applied = out["applied"]
    assert applied["at_year"].dtype == "Int64" and applied["at_year"].isna().all()
    assert schema_of_frame(applied).dtype_of("at_year") is Dtype.INTEGER


def test_datetime_parts_refuse_a_text_column() -> None:
    frame = pd.DataFrame({"at": ["2026-01-01"]})
    assert check(DatetimePartsNode(), {"columns": ["at"]}, train=frame) == ["wrong_dtype:columns"]
    assert check(DatetimePartsNode(), {}, train=frame) == ["no_columns:columns"]


def test_feature_nodes_report_progress_and_a_summary() -> None:
    train, _ = train_test()
    ctx = RecordingContext()
    ScaleNode().execute(ctx, ScaleNode.Params.model_validate({"columns": ["age"]}), train=train)
    lines = [line for _, line in ctx.events]
    assert lines[0] == "progress 0/2 fitting on 45 train rows"
    assert "progress 2/2" in lines and lines[-1] == "fitted on 45 rows, 1 column(s) -> 1"


def test_a_workflow_of_split_scaling_and_pca_validates_with_exact_schemas() -> None:
    from node_library import default_registry
    from node_library.graph import Edge, Node, Workflow
    from node_library.validation import validate_workflow

    def edge(source: str, port: str, target: str, target_port: str) -> Edge:
        return Edge(
            id=f"{source}-{target}-{target_port}",
            source=source,
            source_port=port,
            target=target,
            target_port=target_port,
        )

    workflow = Workflow(
        slug="wine",
        name="wine",
        nodes=[
            Node(id="wine", type="sources.sample_dataset", params={"dataset": "wine"}),
            Node(
                id="split",
                type="split.train_test_split",
                params={"method": "stratified", "stratify_column": "target"},
            ),
            Node(id="scale", type="features.scale", params={"exclude": ["target"]}),
            Node(id="pca", type="features.pca", params={"exclude": ["target"], "n_components": 2}),
        ],
        edges=[
            edge("wine", "data", "split", "data"),
            edge("split", "train", "scale", "train"),
            edge("split", "test", "scale", "apply_to"),
            edge("scale", "train", "pca", "train"),
        ],
    )
    result = validate_workflow(workflow, default_registry(), SETTINGS)
    assert not result.issues, result.issues
    scaled = result.schemas["scale"]["applied"]
    assert isinstance(scaled, TableSchema) and scaled.names == [*WINE_FEATURES, "target"]
    assert {scaled.dtype_of(c) for c in WINE_FEATURES} == {Dtype.FLOAT}
    pca = result.schemas["pca"]
    expected = TableSchema.of(pc1="float", pc2="float", target="integer")
    # the sample dataset's target keeps its role through the split, scaling and PCA
    assert pca["applied"] == pca["train"] == expected.with_roles({"target": Role.TARGET})


@pytest.mark.parametrize(
    ("node", "params"),
    [
        (SelectKBestNode(), {"target": "churned", "k": 2, "columns": ["age", "income", "visits"]}),
        (VarianceThresholdNode(), {"columns": ["age", "income", "visits"]}),
        (SelectCorrelatedNode(), {"columns": ["age", "income", "visits"], "threshold": 0.99}),
    ],
)
def test_selectors_keep_the_dtypes_of_the_kept_columns(
    node: NodeType[Any], params: dict[str, Any]
) -> None:
    train, test = train_test()
    out = run(node, params, train, test)
    kept = out["model"].meta.output_columns
    assert "age" in kept  # integer column between float ones
    for frame, result in ((train, out["train"]), (test, out["applied"])):
        pd.testing.assert_frame_equal(result[kept], frame[kept])
