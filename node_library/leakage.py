"""Leakage and misuse warnings, found from the graph and the inferred schemas before any run.

validate_workflow (node_library.validation) calls `leakage_issues` once its pass over the nodes
is done. Every finding is an Issue with Severity.WARNING, located on the node to change, naming
the nodes involved and the change that fixes it. Warnings never block a run: plans and partial
plans block on errors only.

What a node does with rows is read from its ports, so node types from plugins are covered when
they follow the same conventions as the built-in ones:
- a node *fits* on the rows of its tabular `train` input when it also has a `model` output
  (fitted transformers, models, tuning), and learns from its `validation` input too where it
  has one (boosting's early stopping picks the number of rounds on those rows); a node type may
  declare `fit_inputs` (a tuple of input port names) instead. Polynomial features are left
  out: their fit learns the number of columns, nothing from the values. Evaluation nodes that
  refit a model on folds of their `data` (Cross-validate, Compare models, Learning curve) are
  not fits here: the folds they score are held out from the folds they fit;
- a node *splits* rows when it has a tabular `test` output (Train/test split): each of its
  tabular outputs holds new rows, a part of its input's rows;
- elsewhere rows flow from tabular inputs to tabular outputs: an output named like an input
  comes from that input (a transformer's `train`), `applied` comes from `apply_to`, any other
  tabular output from every tabular input (a join, Predict's predictions).

Following where rows come from (sources and split outputs are their origins), four checks:
- `fitted_before_split`: a node fitted on rows that a split later divides, whose outputs reach
  that split or what its test rows reach (Scaling before the split): it has seen the test rows;
- `fitted_on_test_rows`: the test output of a split reaches a fit input, directly or through
  other nodes (Split.test -> Scaling.apply_to, Scaling.applied -> model.train);
- `target_as_feature` / `target_derived_feature`: a model learns from a column with the target
  role other than its own target, or from a column computed (Computed column, Aggregate) from its
  target, or predicts a target computed from one of its features. Derivations are followed by
  column name, so a renamed column loses its history; listing the target itself as a feature is
  already an error of the model (`target_in_features`);
- `stratify_continuous`: a stratified split on a float or date/time column. Before a run only
  the dtype is known, not the number of distinct values, so integer columns (often class codes)
  are not flagged; the run itself refuses classes with a single row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from node_library.contract import Issue, NodeType, Port, PortSchema, Severity
from node_library.datatypes import DataType
from node_library.expressions import ExpressionError, column_reference, compile_expression
from node_library.graph import Node
from node_library.roles import node_title
from node_library.schema import Dtype, Role, TableSchema

# the inputs a fitting node learns from: its training rows, and the rows early stopping scores
# after every boosting round (which choose the number of rounds)
LEARNED_INPUTS = ("train", "validation")
# node types whose fit learns nothing from the values of the rows (only their shape)
FIT_LEARNS_NOTHING = frozenset({"features.polynomial"})
# dtypes of a column that hardly ever holds classes: a value per row, or nearly so
CONTINUOUS = (Dtype.FLOAT, Dtype.DATETIME)

# (node id, output port): where rows were made (a source's output or a split's part)
Origin = tuple[str, str]
PortRef = tuple[str, str]


@dataclass(frozen=True)
class WorkflowFacts:
    """What validation knows about the workflow: the checks read nothing else."""

    order: list[str]  # node ids in topological order
    nodes: Mapping[str, Node]
    node_types: Mapping[str, NodeType[Any]]
    wiring: Mapping[str, Mapping[str, PortRef]]  # node -> input port -> (source node, port)
    schemas: Mapping[str, Mapping[str, PortSchema]]  # node -> output port -> schema
    params: Mapping[str, BaseModel]  # node -> resolved params (valid nodes only)

    def title(self, node_id: str) -> str:
        """A node as the canvas shows it, with its id: "Standardise" (scale)."""
        node, node_type = self.nodes[node_id], self.node_types[node_id]
        return node_title(node_id, node.label, node_type.display_name)

    def name(self, node_id: str) -> str:
        """A node mentioned again in the same sentence: "Standardise"."""
        node, node_type = self.nodes[node_id], self.node_types[node_id]
        return f'"{node.label.strip() or node_type.display_name}"'

    def port(self, node_id: str, port: str, *, output: bool) -> str:
        """A port as the canvas labels it: the Train output of "Train/test split"."""
        node_type = self.node_types[node_id]
        found = node_type.output_port(port) if output else node_type.input_port(port)
        label = found.label if found is not None and found.label else port
        return f"the {label} {'output' if output else 'input'} of {self.name(node_id)}"

    def input_schema(self, node_id: str, port: str) -> PortSchema:
        source = self.wiring.get(node_id, {}).get(port)
        if source is None:
            return None
        return self.schemas.get(source[0], {}).get(source[1])


def leakage_issues(facts: WorkflowFacts) -> list[Issue]:
    """The leakage and misuse warnings of a workflow (see the module docstring). Rows are only
    followed when the workflow has a split, and columns only when it has a model with a target:
    the checks cost nothing on the other workflows."""
    kinds = [_port_facts(type(t)) for t in facts.node_types.values()]
    issues: list[Issue] = []
    if any(k.splits for k in kinds):
        rows = _RowFlow(facts)
        issues += [*rows.fitted_on_test_rows(), *rows.fitted_before_split()]
        issues += _continuous_strata(facts)
    if any(k.learns_a_target for k in kinds):
        issues += _target_leaks(facts)
    return issues


@dataclass(frozen=True)
class _PortFacts:
    """What a node type does with rows, read once per node type from its ports."""

    fit: tuple[str, ...]  # the inputs it learns from
    splits: bool
    rows: Mapping[str, tuple[str, ...]]  # tabular output -> the inputs whose rows reach it
    tabular_inputs: tuple[str, ...]
    learns_a_target: bool  # fits, with `target` and `features` params (a supervised model)


_PORT_FACTS: dict[type[NodeType[Any]], _PortFacts] = {}


def _port_facts(node_class: type[NodeType[Any]]) -> _PortFacts:
    found = _PORT_FACTS.get(node_class)
    if found is None:
        found = _PORT_FACTS[node_class] = _read_port_facts(node_class)
    return found


def _read_port_facts(node_class: type[NodeType[Any]]) -> _PortFacts:
    declared = getattr(node_class, "fit_inputs", None)
    if declared is not None:
        fit = tuple(declared)
    elif node_class.type_id in FIT_LEARNS_NOTHING:
        fit = ()
    else:
        learns = [node_class.input_port(name) for name in LEARNED_INPUTS]
        fits = _has_model_output(node_class) and learns[0] is not None and _tabular(learns[0])
        fit = tuple(p.name for p in learns if p is not None and _tabular(p)) if fits else ()
    test = node_class.output_port("test")
    tabular = tuple(p.name for p in node_class.inputs if _tabular(p))
    rows: dict[str, tuple[str, ...]] = {}
    for out in node_class.outputs:
        if not _tabular(out):
            continue
        if out.name in tabular:
            rows[out.name] = (out.name,)
        elif out.name == "applied" and "apply_to" in tabular:
            rows[out.name] = ("apply_to",)
        else:
            rows[out.name] = tabular
    fields = set(getattr(node_class.Params, "model_fields", {}))
    return _PortFacts(
        fit=fit,
        splits=test is not None and _tabular(test),
        rows=rows,
        tabular_inputs=tabular,
        learns_a_target=bool(fit) and {"target", "features"} <= fields,
    )


def fit_ports(node_type: NodeType[Any]) -> tuple[str, ...]:
    """The input ports whose rows `node_type` learns from (see the module docstring)."""
    return _port_facts(type(node_type)).fit


def splits_rows(node_type: NodeType[Any]) -> bool:
    return _port_facts(type(node_type)).splits


def row_inputs(node_type: NodeType[Any], output: Port) -> tuple[str, ...]:
    """The input ports whose rows reach the tabular `output` (see the module docstring)."""
    return _port_facts(type(node_type)).rows.get(output.name, ())


def _tabular(port: Port) -> bool:
    return port.data_type in (DataType.DATAFRAME, DataType.SERIES)


def _has_model_output(node_class: type[NodeType[Any]]) -> bool:
    return any(p.data_type is DataType.MODEL for p in node_class.outputs)


def _warning(
    node_id: str,
    code: str,
    message: str,
    hint: str,
    *,
    port: str | None = None,
    param: str | None = None,
) -> Issue:
    return Issue(
        severity=Severity.WARNING,
        code=code,
        message=message,
        hint=hint,
        node_id=node_id,
        port=port,
        param=param,
    )


# -- where rows come from ------------------------------------------------------------------------


@dataclass
class _RowFlow:
    """The origins of the rows on every tabular output, and the checks that follow them."""

    facts: WorkflowFacts
    origins: dict[PortRef, frozenset[Origin]] = field(default_factory=dict)
    # a split's origin -> the origins of the rows the split divided
    parents: dict[Origin, frozenset[Origin]] = field(default_factory=dict)
    _lineage: dict[Origin, frozenset[Origin]] = field(default_factory=dict)
    _reach: dict[str, int] = field(default_factory=dict)
    _position: dict[str, int] = field(default_factory=dict)
    split_ids: list[str] = field(default_factory=list)  # in topological order
    # an origin -> the splits that divide its rows (or a part of them)
    divided_by: dict[Origin, list[str]] = field(default_factory=lambda: defaultdict(list))

    def __post_init__(self) -> None:
        facts = self.facts
        self._position = {node_id: i for i, node_id in enumerate(facts.order)}
        for node_id in facts.order:
            node_type = facts.node_types.get(node_id)
            if node_type is None:
                continue
            wired = facts.wiring.get(node_id, {})
            kind = _port_facts(type(node_type))
            if kind.splits:
                split_input = frozenset(
                    o for name in kind.tabular_inputs for o in self._of(wired.get(name))
                )
                self.split_ids.append(node_id)
                for origin in self.lineage_of(split_input):
                    self.divided_by[origin].append(node_id)
                for out_name in kind.rows:
                    self.origins[(node_id, out_name)] = frozenset({(node_id, out_name)})
                    self.parents[(node_id, out_name)] = split_input
                continue
            for out_name, sources in kind.rows.items():
                if not sources:  # a source: its rows start here
                    self.origins[(node_id, out_name)] = frozenset({(node_id, out_name)})
                    continue
                self.origins[(node_id, out_name)] = frozenset(
                    o for name in sources for o in self._of(wired.get(name))
                )

    def _of(self, ref: PortRef | None) -> frozenset[Origin]:
        return self.origins.get(ref, frozenset()) if ref else frozenset()

    def lineage(self, origin: Origin) -> frozenset[Origin]:
        """`origin` and every origin whose rows it is a part of (through splits)."""
        known = self._lineage.get(origin)
        if known is None:
            known = frozenset(
                {origin, *(a for p in self.parents.get(origin, ()) for a in self.lineage(p))}
            )
            self._lineage[origin] = known
        return known

    def lineage_of(self, origins: Iterable[Origin]) -> frozenset[Origin]:
        return frozenset(a for o in origins for a in self.lineage(o))

    def fits(self) -> Iterator[tuple[str, str, PortRef]]:
        """(node id, fit port, the output that feeds it) for every wired fit input."""
        facts = self.facts
        for node_id in facts.order:
            node_type = facts.node_types.get(node_id)
            if node_type is None:
                continue
            for port in fit_ports(node_type):
                source = facts.wiring.get(node_id, {}).get(port)
                if source is not None:
                    yield node_id, port, source

    # -- test rows reaching a fit ---------------------------------------------------------

    def fitted_on_test_rows(self) -> Iterator[Issue]:
        splits = set(self.split_ids)
        for node_id, port, source in self.fits():
            seen = self.lineage_of(self._of(source))
            tested = [n for n, port_name in seen if port_name == "test" and n in splits]
            for split in sorted(tested, key=self._position.__getitem__):
                path = self._path(source, (split, "test"))
                yield self._test_rows_issue(node_id, port, source, split, path[1:])

    def _test_rows_issue(
        self, node_id: str, port: str, source: PortRef, split: str, through: list[str]
    ) -> Issue:
        facts = self.facts
        via = " through " + ", ".join(facts.title(n) for n in through) if through else " directly"
        fit_input = facts.port(node_id, port, output=False)
        if port == "validation":
            train = facts.port(split, "train", output=True)
            fix = (
                f"hold validation rows out of the train rows: split {train} again with a second "
                f"Train/test split and connect its Test output to {fit_input}"
            )
        elif (
            through and source[1] == "applied" and facts.node_types[source[0]].output_port("train")
        ):
            fix = (
                f"connect {facts.port(source[0], 'train', output=True)} to {fit_input} "
                f"({facts.port(source[0], 'applied', output=True)} holds the transformed test "
                "rows, for Predict)"
            )
        else:
            fix = (
                f"feed {fit_input} from {facts.port(split, 'train', output=True)} (or from what "
                "it feeds), and use the test rows only to predict and score"
            )
        return _warning(
            node_id,
            "fitted_on_test_rows",
            f"{facts.title(node_id)} is fitted on the test rows of {facts.title(split)}: "
            f"{facts.port(split, 'test', output=True)} reaches {fit_input}{via}. The test rows "
            "must stay unseen until the model is scored, or its test scores look better than "
            "they are",
            fix if port == "validation" else f"fit on the train rows: {fix}",
            port=port,
        )

    def _path(self, ref: PortRef, origin: Origin) -> list[str]:
        """The nodes the rows of `origin` pass on their way to `ref`, nearest to the origin
        first (the origin's own node included)."""
        facts, path = self.facts, []
        current: PortRef | None = ref
        while current is not None and current != origin:
            node_id, port = current
            path.append(node_id)
            node_type = facts.node_types[node_id]
            wired = facts.wiring.get(node_id, {})
            if splits_rows(node_type):
                inputs: tuple[str, ...] = tuple(p.name for p in node_type.inputs if _tabular(p))
            else:
                out = node_type.output_port(port)
                inputs = row_inputs(node_type, out) if out else ()
            current = next(
                (
                    wired[name]
                    for name in inputs
                    if name in wired and origin in self.lineage_of(self._of(wired[name]))
                ),
                None,
            )
        if current == origin:
            path.append(origin[0])
        return path[::-1]

    # -- fits before a split --------------------------------------------------------------

    def fitted_before_split(self) -> Iterator[Issue]:
        for node_id, port, source in self.fits():
            # the splits that divide rows this node was fitted on (or a part of them)
            dividing = {s for o in self._of(source) for s in self.divided_by.get(o, ())}
            for split in sorted(dividing, key=self._position.__getitem__):
                reach = self._reaches(node_id)
                before = (reach >> self._position[split]) & 1
                meets = reach & self._fed_by((split, "test"))
                if not (before or meets):
                    continue  # e.g. a PCA of all rows for a chart, beside the split
                yield self._before_split_issue(node_id, port, split, bool(before))

    def _before_split_issue(self, node_id: str, port: str, split: str, before: bool) -> Issue:
        facts = self.facts
        fitted, at = facts.name(node_id), facts.name(split)
        where = "before" if before else "beside"
        message = (
            f"{facts.title(node_id)} is fitted {where} the split {facts.title(split)}, on rows "
            f"that {at} later puts in its test set: what {fitted} learns (means, categories, "
            "components, a model) includes the test rows, so the test scores look better than "
            "they are"
        )
        train = facts.port(split, "train", output=True)
        fit_input = facts.port(node_id, port, output=False)
        if before and facts.node_types[node_id].input_port("apply_to") is not None:
            hint = (
                f"move {fitted} after {at}: connect {train} to {fit_input} and "
                f"{facts.port(split, 'test', output=True)} to "
                f"{facts.port(node_id, 'apply_to', output=False)}, then use the Train and Applied "
                f"outputs of {fitted} where its output went"
            )
        else:
            hint = (
                f"fit {fitted} on the train rows: connect {train} (or what it feeds) to {fit_input}"
            )
        return _warning(node_id, "fitted_before_split", message, hint, port=port)

    def _reaches(self, node_id: str) -> int:
        """A bit set (by topological position) of `node_id` and every node downstream of it."""
        if not self._reach:
            children: dict[str, set[str]] = defaultdict(set)
            for target, ports in self.facts.wiring.items():
                for source, _ in ports.values():
                    children[source].add(target)
            for current in reversed(self.facts.order):
                bits = 1 << self._position[current]
                for child in children.get(current, ()):
                    bits |= self._reach.get(child, 0)
                self._reach[current] = bits
        return self._reach.get(node_id, 0)

    def _fed_by(self, ref: PortRef) -> int:
        """The nodes downstream of one output port (bit set, as `_reaches`)."""
        bits = 0
        for target, ports in self.facts.wiring.items():
            if ref in ports.values():
                bits |= self._reaches(target)
        return bits


# -- the target among the features ---------------------------------------------------------------

# column -> (the columns it was computed from, the node that computed it)
Derived = dict[str, tuple[frozenset[str], str]]


def _target_leaks(facts: WorkflowFacts) -> list[Issue]:
    derived: dict[PortRef, Derived] = {}
    issues: list[Issue] = []
    for node_id in facts.order:
        node_type = facts.node_types.get(node_id)
        if node_type is None:
            continue
        wired = facts.wiring.get(node_id, {})
        kind = _port_facts(type(node_type))
        inputs: dict[str, Derived] = {
            name: derived.get(wired[name], {}) for name in kind.tabular_inputs if name in wired
        }
        params = facts.params.get(node_id)
        for out_name, sources in kind.rows.items():
            merged: Derived = {}
            for name in sources:
                merged.update(inputs.get(name, {}))
            if params is not None and node_type.type_id in _DERIVING:
                merged.update(_derivations(node_type.type_id, params, facts, node_id, merged))
            schema = facts.schemas.get(node_id, {}).get(out_name)
            if schema is not None and merged:
                names = set(schema.names)
                merged = {c: d for c, d in merged.items() if c in names}
            derived[(node_id, out_name)] = merged
        if params is not None and _port_facts(type(node_type)).learns_a_target:
            issues += _model_target_leaks(facts, node_id, params, inputs.get("train", {}))
    return issues


# the node types that compute a column from others, as _derivations reads them
_DERIVING = frozenset({"transforms.computed_column", "transforms.aggregate"})


def _derivations(
    type_id: str, params: BaseModel, facts: WorkflowFacts, node_id: str, known: Derived
) -> Derived:
    """The columns this node computes from others (Computed column, Aggregate)."""
    made: dict[str, set[str]] = {}
    if type_id == "transforms.computed_column":
        name, text = getattr(params, "name", ""), getattr(params, "expression", "")
        referenced = _expression_columns(text, facts.input_schema(node_id, "data"))
        if name and referenced:
            made[name] = set(referenced)
    elif type_id == "transforms.aggregate":
        for aggregation in getattr(params, "aggregations", []):
            made[aggregation.output_name] = {aggregation.column}
    result: Derived = {}
    for name, sources in made.items():
        closed = set(sources)
        for column in sources:
            closed |= known.get(column, (frozenset(), ""))[0]
        result[name] = (frozenset(closed), node_id)
    return result


def _expression_columns(text: str, schema: PortSchema) -> frozenset[str]:
    try:
        return compile_expression(text, schema).columns
    except (ExpressionError, TypeError):
        return frozenset()


def _model_target_leaks(
    facts: WorkflowFacts, node_id: str, params: BaseModel, derived: Derived
) -> list[Issue]:
    target = getattr(params, "target", None)
    listed = getattr(params, "features", None)
    schema = facts.input_schema(node_id, "train")
    if not isinstance(target, str) or not target or listed is None or schema is None:
        return []
    if target in listed:
        return []  # the model's own error (target_in_features) says it
    names = schema.names
    present = set(names)
    features = [n for n in (listed or names) if n != target and n in present]
    other_targets = {n for n, role in schema.roles.items() if role is Role.TARGET and n != target}
    title = facts.title(node_id)
    issues: list[Issue] = []
    for name in features:
        if name in other_targets:
            issues.append(
                _warning(
                    node_id,
                    "target_as_feature",
                    f"{title} predicts {target!r} and learns from {name!r}, which has the target "
                    "role: a second answer among the features makes the model look better than "
                    "it is",
                    f"leave {name!r} out of the features, or give it the ignore role with a Set "
                    "roles node",
                    param="features",
                )
            )
    if not derived:
        return issues
    target_sources = derived.get(target, (frozenset(), ""))
    for name in features:
        sources, maker = derived.get(name, (frozenset(), ""))
        if target in sources:
            issues.append(
                _warning(
                    node_id,
                    "target_derived_feature",
                    f"{title} learns from {name!r}, which {facts.title(maker)} computes from the "
                    f"target {target!r}: the model sees the answer it should predict, so its "
                    "scores look better than they are",
                    f"leave {name!r} out of the features (list the features, or drop it with a "
                    "Select columns node)",
                    param="features",
                )
            )
        elif name in target_sources[0]:
            issues.append(
                _warning(
                    node_id,
                    "target_derived_feature",
                    f"{title} predicts {target!r}, which {facts.title(target_sources[1])} "
                    f"computes from {name!r}, and learns from {name!r} too: the model can "
                    "recompute the answer instead of learning to predict it",
                    f"leave {name!r} out of the features (list the features, or drop it with a "
                    "Select columns node)",
                    param="features",
                )
            )
    return issues


# -- a stratified split on a continuous column ---------------------------------------------------


def _continuous_strata(facts: WorkflowFacts) -> list[Issue]:
    issues = []
    for node_id in facts.order:
        node_type, params = facts.node_types.get(node_id), facts.params.get(node_id)
        if node_type is None or params is None or not splits_rows(node_type):
            continue
        column = getattr(params, "stratify_column", "")
        if getattr(params, "method", None) != "stratified" or not column:
            continue
        inputs = [p.name for p in node_type.inputs if _tabular(p)]
        schema = facts.input_schema(node_id, inputs[0]) if inputs else None
        dtype = schema.dtype_of(column) if isinstance(schema, TableSchema) else None
        if dtype not in CONTINUOUS:
            continue
        written = column_reference(column)
        if dtype is Dtype.FLOAT:
            kind, binned = "decimal numbers", f"if_else({written} < 10, 'low', 'high')"
        else:
            kind, binned = "dates and times", f"year({written})"
        issues.append(
            _warning(
                node_id,
                "stratify_continuous",
                f"{facts.title(node_id)} is stratified by {column!r}, which holds {kind} "
                f"({dtype.value}): a stratified split keeps the share of each distinct value, "
                "and such a column has about one row per value, so the strata mean little "
                "and the run stops when a value has a single row",
                "stratify by a class column (the target of a classifier), or use the random "
                f"method; to keep the spread of {column!r}, bin it first with a Computed column "
                f"(e.g. {binned}) and stratify by that",
                param="stratify_column",
            )
        )
    return issues
