"""One contract test over every registered node type: declarations, params schema,
defaults, JSON round trip, execution on fixture inputs, inferred schema == real schema, and the
roles of the columns a node keeps."""

from __future__ import annotations

import copy
import json

import pandas as pd
import pytest

from node_library import default_registry
from node_library.contract import NodeType, RecordingContext
from node_library.datatypes import DataType
from node_library.ml.fitted import FittedModel
from node_library.ml.spec import ModelSpec
from node_library.schema import Role, TableSchema, schema_of_frame
from node_library.values import FileValue
from tests.node_library.node_cases import CaseEnv, NodeCase, all_cases

REGISTRY = default_registry()
CASES = all_cases()
TYPE_IDS = REGISTRY.type_ids


def test_every_registered_node_has_a_contract_case() -> None:
    missing = sorted(set(TYPE_IDS) - set(CASES))
    assert not missing, (
        f"add a case for these node types in tests/node_library/cases_*.py: {missing}"
    )


def test_builtin_nodes_cover_the_core_catalogue() -> None:
    expected = {
        "sources.csv",
        "sources.parquet",
        "sources.json",
        "sources.excel",
        "sources.postgres",
        "sources.rest_api",
        "sources.s3_object",
        "sources.sample_dataset",
        "transforms.filter_rows",
        "transforms.select_columns",
        "transforms.computed_column",
        "transforms.convert_types",
        "transforms.sort",
        "transforms.deduplicate",
        "transforms.missing_values",
        "transforms.join",
        "transforms.aggregate",
        "transforms.sample",
        "outputs.table",
        "outputs.chart",
        "outputs.export",
    }
    assert expected <= set(TYPE_IDS), sorted(expected - set(TYPE_IDS))


@pytest.mark.parametrize("type_id", TYPE_IDS)
def test_node_declaration_is_complete(type_id: str) -> None:
    node = REGISTRY.get(type_id)
    assert node is not None
    check_declaration(node)


@pytest.mark.parametrize("type_id", TYPE_IDS)
def test_params_round_trip_through_json(type_id: str, tmp_path, request) -> None:
    node = REGISTRY.get(type_id)
    assert node is not None and type_id in CASES
    check_params_round_trip(node, CASES[type_id](CaseEnv(tmp_path, request)))


@pytest.mark.parametrize("type_id", TYPE_IDS)
def test_node_executes_and_matches_its_inferred_schema(type_id: str, tmp_path, request) -> None:
    node: NodeType | None = REGISTRY.get(type_id)
    assert node is not None and type_id in CASES
    env = CaseEnv(tmp_path, request)
    check_executes_and_matches_inferred_schema(node, CASES[type_id](env), env)


@pytest.mark.parametrize("type_id", TYPE_IDS)
def test_columns_a_node_keeps_keep_their_roles(type_id: str, tmp_path, request) -> None:
    node = REGISTRY.get(type_id)
    assert node is not None and type_id in CASES
    env = CaseEnv(tmp_path, request)
    check_kept_columns_keep_their_roles(node, CASES[type_id](env), env)


# -- the checks, one function each (tests/node_library/test_add_a_node_type_doc.py reuses them) --


def check_declaration(node: NodeType) -> None:
    type_id = node.type_id
    category, _, name = type_id.partition(".")
    assert node.category == category and name
    assert node.display_name and node.description and "\n" not in node.description
    assert node.outputs, "a node needs at least one output"
    schema = node.Params.model_json_schema()
    assert schema["type"] == "object"
    for field_name, field in node.Params.model_fields.items():
        assert field.description, f"{type_id}.{field_name} needs a description for the form"


def check_params_round_trip(node: NodeType, case: NodeCase) -> None:
    params = node.Params.model_validate(case.params)
    again = node.Params.model_validate(json.loads(params.model_dump_json()))
    assert again == params


def check_executes_and_matches_inferred_schema(
    node: NodeType, case: NodeCase, env: CaseEnv
) -> None:
    type_id = node.type_id
    settings = case.settings or env.settings
    params = node.Params.model_validate(case.params)

    input_schemas = {
        name: schema_of_frame(value)
        if isinstance(value, pd.DataFrame)
        else schema_of_frame(value.to_frame())
        if isinstance(value, pd.Series)
        else None
        for name, value in case.inputs.items()
    }
    # as validation does: the defaults that depend on roles first (none here: plain frames)
    params = node.resolve_params(params, input_schemas, {})
    issues = node.validate(params, input_schemas, settings)
    assert not [i for i in issues if i.severity == "error"], issues
    inferred = node.infer_schema(params, input_schemas, settings)
    assert set(inferred) == {p.name for p in node.outputs}

    before = {
        k: v.copy(deep=True) if isinstance(v, (pd.DataFrame, pd.Series)) else copy.deepcopy(v)
        for k, v in case.inputs.items()
        if isinstance(v, (pd.DataFrame, pd.Series, dict, list))  # JSON values: metrics, plots
    }
    outputs = node.execute(RecordingContext(node_id="n", settings=settings), params, **case.inputs)
    # execute must not mutate its inputs: the engine hands one output to several consumers.
    for name, original in before.items():
        if isinstance(original, pd.DataFrame):
            pd.testing.assert_frame_equal(case.inputs[name], original, obj=f"input {name!r}")
        elif isinstance(original, (dict, list)):
            # as JSON text: a plain == is ambiguous for values holding numpy arrays
            now, then = (
                json.dumps(v, sort_keys=True, default=str) for v in (case.inputs[name], original)
            )
            assert now == then, f"input {name!r} was mutated"
    assert set(outputs) == {p.name for p in node.outputs}
    for port in node.outputs:
        value = outputs[port.name]
        _assert_value_type(port.data_type, value, f"{type_id}.{port.name}")
        expected = inferred[port.name]
        if expected is not None and isinstance(value, (pd.DataFrame, pd.Series)):
            frame = value if isinstance(value, pd.DataFrame) else value.to_frame()
            actual = schema_of_frame(frame)
            assert isinstance(expected, TableSchema)
            # roles live in the schema only (a frame has none): compare names and dtypes
            assert actual == expected.without_roles(), (
                f"{type_id}.{port.name}: inferred {expected.model_dump()} but produced "
                f"{actual.model_dump()}"
            )


def check_kept_columns_keep_their_roles(node: NodeType, case: NodeCase, env: CaseEnv) -> None:
    """Every other input column the case's params do not mention gets the id role (every other
    one, so a transformer still has columns to act on); an output column of the same name must
    still have it (nodes derive schemas with the helpers that keep roles). A case whose node
    refuses the marked input proves nothing and passes."""
    settings = case.settings or env.settings
    mentioned = json.dumps(case.params)
    inputs: dict[str, TableSchema | None] = {}
    marked: set[str] = set()
    for name, value in case.inputs.items():
        if not isinstance(value, (pd.DataFrame, pd.Series)):
            inputs[name] = None
            continue
        schema = schema_of_frame(value if isinstance(value, pd.DataFrame) else value.to_frame())
        ids = [c for c in schema.names if c not in mentioned][::2]
        marked.update(ids)
        inputs[name] = schema.with_roles(dict.fromkeys(ids, Role.ID))
    if not marked:
        return
    roles = {port: schema.roles for port, schema in inputs.items() if schema is not None}
    params = node.resolve_params(node.Params.model_validate(case.params), inputs, roles)
    if [i for i in node.validate(params, inputs, settings) if i.severity == "error"]:
        return
    for port, schema in node.infer_schema(params, inputs, settings).items():
        if schema is None:
            continue
        lost = [c.name for c in schema.columns if c.name in marked and c.role is not Role.ID]
        assert not lost, f"{node.type_id}.{port}: {lost} lost their id role"


def _assert_value_type(data_type: DataType, value: object, where: str) -> None:
    checks = {
        DataType.DATAFRAME: lambda v: isinstance(v, pd.DataFrame),
        DataType.SERIES: lambda v: isinstance(v, pd.Series),
        DataType.METRICS: lambda v: isinstance(v, dict),
        DataType.PLOT: lambda v: isinstance(v, dict) and "data" in v,
        DataType.JSON: lambda v: json.dumps(v) is not None,
        DataType.FILE: lambda v: isinstance(v, FileValue) and bool(v.content),
        # a FittedModel (node_library/ml/fitted.py) wraps the estimator with its facts
        DataType.MODEL: lambda v: isinstance(v, FittedModel),
        # a JSON object naming the model node type and its params (node_library/ml/spec.py)
        DataType.MODEL_SPEC: lambda v: ModelSpec.from_json(json.loads(json.dumps(v))) is not None,
    }
    assert checks[data_type](value), f"{where}: {type(value).__name__} is not a {data_type.value}"
