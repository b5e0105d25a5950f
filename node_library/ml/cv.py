"""Cross-validation schemes: the `CVScheme` params block and the scikit-learn splitter it builds.

Nodes that cross-validate (evaluate.cross_validate, evaluate.learning_curve) subclass `CVScheme`
for their Params, so the scheme's fields sit flat in the properties form: kind, n_splits, shuffle,
random_state, group_column.

- kfold: `KFold`; stratified_kfold: `StratifiedKFold` (classification targets; every class needs
  at least n_splits rows); group_kfold: `GroupKFold` (rows sharing a group value never straddle a
  training and a test fold; needs `group_column` and at least n_splits groups); time_series:
  `TimeSeriesSplit` (each test fold follows its training rows in frame order; never shuffled).
- scikit-learn refuses a `random_state` when `shuffle` is off, so the seed is only passed on when
  shuffling; the param keeps its value so turning shuffle back on restores the same folds. A
  seed other than the default with shuffle off (or with time_series folds) is a warning
  (`unused_seed`) rather than silently ignored: whoever typed it expected shuffled folds.

`scheme_issues` finds what the schemas show before a run; `fold_issues` what only the data shows
(class and group counts). Both name the param to fix.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from node_library import widgets
from node_library.checks import require_columns
from node_library.contract import Issue, Severity, error
from node_library.schema import TableSchema

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

CVKind = Literal["kfold", "stratified_kfold", "group_kfold", "time_series"]
DEFAULT_SEED = 0  # `random_state` at its default counts as "no seed given"


class CVScheme(BaseModel):
    """How rows are split into training and test folds."""

    model_config = ConfigDict(extra="forbid")

    kind: CVKind = Field(
        "kfold",
        description=(
            "How rows are split into folds: kfold, stratified_kfold (keeps class shares per "
            "fold), group_kfold (keeps each group in one fold) or time_series (tests on later "
            "rows)."
        ),
    )
    n_splits: int = Field(5, ge=2, le=100, description="Number of folds.")
    shuffle: bool = Field(
        False,
        description="Shuffle rows before splitting (kfold, stratified and group k-fold only).",
    )
    random_state: int = Field(
        DEFAULT_SEED,
        ge=0,
        le=2**32 - 1,
        description="Seed of the shuffle, so the folds are repeatable (used with shuffle on).",
    )
    group_column: str | None = Field(
        None,
        description="group_kfold: column whose values identify groups kept together.",
        json_schema_extra=widgets.column(),
    )


def build_splitter(scheme: CVScheme) -> Any:
    """The scikit-learn splitter of `scheme` (a fresh object; splitters keep no state)."""
    from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold, TimeSeriesSplit

    seed = scheme.random_state if scheme.shuffle else None
    if scheme.kind == "kfold":
        return KFold(n_splits=scheme.n_splits, shuffle=scheme.shuffle, random_state=seed)
    if scheme.kind == "stratified_kfold":
        return StratifiedKFold(n_splits=scheme.n_splits, shuffle=scheme.shuffle, random_state=seed)
    if scheme.kind == "group_kfold":
        return GroupKFold(n_splits=scheme.n_splits, shuffle=scheme.shuffle, random_state=seed)
    return TimeSeriesSplit(n_splits=scheme.n_splits)


def scheme_issues(scheme: CVScheme, schema: TableSchema | None, *, port: str) -> list[Issue]:
    """Problems of `scheme` visible before a run (`schema` is the data input's schema)."""
    issues: list[Issue] = []
    if scheme.kind == "group_kfold":
        if not scheme.group_column:
            issues.append(
                error(
                    "missing_group_column",
                    "group_kfold needs the column that identifies the groups",
                    "pick a group column, or choose another kind of split",
                    param="group_column",
                )
            )
        else:
            issues += require_columns(
                schema, [scheme.group_column], param="group_column", port=port
            )
    elif scheme.group_column:
        issues.append(
            error(
                "ignored_param",
                f"group_column is only used by group_kfold, not by {scheme.kind}",
                "clear group_column, or choose group_kfold",
                param="group_column",
            ).model_copy(update={"severity": Severity.WARNING})
        )
    if scheme.kind == "time_series" and scheme.shuffle:
        issues.append(
            error(
                "ignored_param",
                "time_series folds keep the row order; shuffle is ignored",
                "turn shuffle off",
                param="shuffle",
            ).model_copy(update={"severity": Severity.WARNING})
        )
    if scheme.random_state != DEFAULT_SEED and (scheme.kind == "time_series" or not scheme.shuffle):
        issues.append(unused_seed_issue(scheme.random_state, scheme.kind))
    return issues


def unused_seed_issue(seed: int, kind: str) -> Issue:
    """The warning for a seed that changes nothing: the folds are only shuffled (and the seed
    only used) with shuffle on, and time_series folds never are."""
    if kind == "time_series":
        why, fix = "time_series folds are never shuffled", "set random_state back to 0"
    else:
        why = "shuffle is off, so the folds follow the row order"
        fix = "turn shuffle on for shuffled folds with this seed, or set random_state back to 0"
    return error(
        "unused_seed",
        f"random_state {seed} is not used: {why}",
        fix,
        param="random_state",
    ).model_copy(update={"severity": Severity.WARNING})


def fold_issues(scheme: CVScheme, target: pd.Series, groups: pd.Series | None) -> list[Issue]:
    """Problems only the data shows: too few rows, classes or groups for n_splits."""
    from sklearn.utils.multiclass import type_of_target

    n = scheme.n_splits
    rows = len(target)
    if rows < n + (1 if scheme.kind == "time_series" else 0):
        return [
            error(
                "too_few_rows",
                f"{scheme.kind} with {n} folds needs more than {n} rows; the data has {rows}",
                "lower n_splits, or feed more rows",
                param="n_splits",
            )
        ]
    if scheme.kind == "stratified_kfold":
        kind = type_of_target(target.to_numpy())
        if kind not in ("binary", "multiclass"):
            return [
                error(
                    "not_a_class_target",
                    f"stratified_kfold needs class labels; target {target.name!r} is {kind}",
                    "use kfold for a regression target",
                    param="kind",
                )
            ]
        counts = target.value_counts()
        small = counts[counts < n]
        if len(small):
            listed = ", ".join(f"{label!r} ({count})" for label, count in small.items())
            return [
                error(
                    "class_too_small",
                    f"stratified_kfold with {n} folds needs at least {n} rows of every class; "
                    f"too few rows of {listed}",
                    f"lower n_splits to {int(counts.min())} or less, or use kfold",
                    param="n_splits",
                )
            ]
    if scheme.kind == "group_kfold" and groups is not None:
        if bool(groups.isna().any()):
            return [
                error(
                    "missing_groups",
                    f"group column {groups.name!r} has {int(groups.isna().sum())} missing values",
                    "fill or drop the rows without a group first",
                    param="group_column",
                )
            ]
        count = groups.nunique()
        if count < n:
            return [
                error(
                    "too_few_groups",
                    f"group_kfold with {n} folds needs at least {n} groups; "
                    f"{groups.name!r} has {count}",
                    f"lower n_splits to {count} or less",
                    param="n_splits",
                )
            ]
    return []


def iter_folds(
    scheme: CVScheme, features: pd.DataFrame, target: pd.Series, groups: pd.Series | None
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(train positions, test positions) per fold, as scikit-learn's splitter yields them."""
    splitter = build_splitter(scheme)
    group_values = None if groups is None else groups.to_numpy()
    yield from splitter.split(features, target, group_values)
