"""Declared hyperparameter search spaces of the tuning nodes: what a user writes, what it is
checked against, and the candidates it yields.

A space is a list of entries, one per hyperparameter of the model's estimator (the names of
`estimator.get_params()`, which for the built-in model nodes are the nodes' own param names):

- `{param, values}`: a list of numbers, strings, booleans or nulls (grid and random search);
- `{param, low, high, log, integer}` (random search only): a uniform draw from [low, high], on a
  log scale with `log` (`scipy.stats.loguniform`), whole numbers with `integer` (`randint(low,
  high + 1)`: both ends included; with `log` too, the floor of a log-uniform draw from
  [low, high + 1)).

Candidates come from scikit-learn's own `ParameterGrid` and `ParameterSampler` with these
distributions, so a search equals GridSearchCV / RandomizedSearchCV given the same space and seed
(sampled without replacement when every entry is a list, as scikit-learn does).

`space_issues` finds what the params alone show (before a run); `name_issue` and
`refused_candidates` need the estimator (at the start of a run, before any fitting).

The results table has one column per hyperparameter, typed from the declared values: integers,
floats, booleans or strings (nullable when null is one of the values; a list mixing kinds is
shown as text), so its schema is known before the run.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from node_library.contract import Issue, Severity, error
from node_library.schema import Dtype

if TYPE_CHECKING:
    import pandas as pd

Value = bool | int | float | str | None


class GridEntry(BaseModel):
    """One hyperparameter of a grid search and the values it takes."""

    model_config = ConfigDict(extra="forbid")

    param: str = Field(description="Hyperparameter name of the model's estimator, e.g. C.")
    values: list[Value] = Field(description="Values to try (numbers, text, true/false, null).")


class RandomEntry(BaseModel):
    """One hyperparameter of a random search: a list of values or a numeric range."""

    model_config = ConfigDict(extra="forbid")

    param: str = Field(description="Hyperparameter name of the model's estimator, e.g. C.")
    values: list[Value] | None = Field(
        None, description="Values drawn from with equal chance; leave empty to give a range."
    )
    low: float | None = Field(None, description="Smallest value of the range.")
    high: float | None = Field(None, description="Largest value of the range.")
    log: bool = Field(False, description="Draw on a log scale (for C, alpha, learning_rate).")
    integer: bool = Field(False, description="Draw whole numbers (both ends included).")


Entry = GridEntry | RandomEntry


def space_issues(space: Sequence[Entry]) -> list[Issue]:
    """Problems of the declared space itself: empty, repeated names, empty lists, bad ranges."""
    if not space:
        return [
            _space_error(
                "empty_space",
                "the search space is empty",
                'add at least one entry such as {"param": "C", "values": [0.1, 1, 10]}',
            )
        ]
    issues: list[Issue] = []
    seen: set[str] = set()
    for number, entry in enumerate(space, start=1):
        where = f"entry {number} ({entry.param!r})"
        if not entry.param.strip():
            issues.append(
                _space_error("missing_param", f"entry {number} names no hyperparameter", "")
            )
        elif entry.param in seen:
            issues.append(
                _space_error(
                    "duplicate_param",
                    f"{where}: {entry.param!r} is listed twice",
                    "merge the two entries into one list of values",
                )
            )
        seen.add(entry.param)
        issues += _entry_issues(entry, where)
    return issues


def _entry_issues(entry: Entry, where: str) -> list[Issue]:
    ranged = isinstance(entry, RandomEntry) and (entry.low is not None or entry.high is not None)
    if entry.values is not None and ranged:
        return [
            _space_error(
                "values_and_range",
                f"{where} gives both values and a low/high range",
                "keep either the list of values or the range",
            )
        ]
    if entry.values is not None:
        if not entry.values:
            return [
                _space_error(
                    "empty_values", f"{where} has an empty list of values", "list values to try"
                )
            ]
        return []
    if not isinstance(entry, RandomEntry):
        return [_space_error("empty_values", f"{where} has no values", "list values to try")]
    if entry.low is None or entry.high is None:
        return [
            _space_error(
                "incomplete_range",
                f"{where} needs values, or both low and high",
                'e.g. {"param": "C", "low": 0.01, "high": 100, "log": true}',
            )
        ]
    if entry.low >= entry.high:
        return [
            _space_error(
                "bad_range",
                f"{where}: low ({entry.low:g}) must be below high ({entry.high:g})",
                "swap or widen the range",
            )
        ]
    if entry.log and entry.low <= 0:
        return [
            _space_error(
                "bad_log_range",
                f"{where}: a log-scale range must start above 0 (low is {entry.low:g})",
                "raise low above 0, or turn log off",
            )
        ]
    if entry.integer and not (entry.low.is_integer() and entry.high.is_integer()):
        return [
            _space_error(
                "bad_integer_range",
                f"{where}: an integer range needs whole-number ends "
                f"({entry.low:g}, {entry.high:g})",
                "round low and high",
            )
        ]
    return []


def grid_size(space: Sequence[Entry]) -> int | None:
    """Number of candidates of a space of value lists (None when an entry is a range)."""
    size = 1
    for entry in space:
        if entry.values is None:
            return None
        size *= max(len(entry.values), 1)
    return size


def name_issue(space: Sequence[Entry], valid: Sequence[str], estimator_name: str) -> Issue | None:
    """An issue naming the entries whose param the estimator does not have, with suggestions."""
    unknown = [e.param for e in space if e.param not in valid]
    if not unknown:
        return None
    parts = []
    for name in unknown:
        close = difflib.get_close_matches(name, valid, n=1)
        parts.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    return _space_error(
        "unknown_param",
        f"{estimator_name} has no hyperparameter {', '.join(parts)}",
        f"use one of: {', '.join(sorted(valid))}",
    )


def candidates(space: Sequence[Entry], *, n_iter: int | None, seed: int) -> list[dict[str, Any]]:
    """Every grid candidate (n_iter None), or n_iter random draws, in scikit-learn's order."""
    from sklearn.model_selection import ParameterGrid, ParameterSampler

    if n_iter is None:
        return list(ParameterGrid({e.param: list(e.values or []) for e in space}))
    distributions = {e.param: _distribution(e) for e in space}
    count = n_iter
    size = grid_size(space)
    if size is not None:
        count = min(n_iter, size)  # scikit-learn warns and runs the whole grid; so do we
    return list(ParameterSampler(distributions, count, random_state=seed))


class IntLogUniform:
    """Whole numbers in [low, high], log-uniform: floor of loguniform(low, high + 1)."""

    def __init__(self, low: int, high: int) -> None:
        from scipy.stats import loguniform

        self.low, self.high = low, high
        self._float = loguniform(low, high + 1)

    def rvs(self, random_state: Any = None) -> int:
        return min(int(self._float.rvs(random_state=random_state)), self.high)


def _distribution(entry: Entry) -> Any:
    if entry.values is not None:
        return list(entry.values)
    from scipy.stats import loguniform, randint, uniform

    assert isinstance(entry, RandomEntry) and entry.low is not None and entry.high is not None
    low, high = entry.low, entry.high
    if entry.integer:
        return IntLogUniform(int(low), int(high)) if entry.log else randint(int(low), int(high) + 1)
    return loguniform(low, high) if entry.log else uniform(low, high - low)


def refusal(estimator: Any, candidate: dict[str, Any]) -> str | None:
    """Why the estimator's declared parameter constraints refuse `candidate`, or None: the check
    scikit-learn's own `fit` runs first (`_validate_params`, private; test_tune pins it), so a
    refused candidate is the one GridSearchCV would score NaN. Estimators without declared
    constraints (XGBoost, LightGBM) are only checked by fitting."""
    from sklearn.base import clone
    from sklearn.utils._param_validation import InvalidParameterError

    if not hasattr(type(estimator), "_parameter_constraints"):
        return None
    trial = clone(estimator).set_params(**candidate)
    try:
        trial._validate_params()
    except InvalidParameterError as exc:
        return str(exc)
    return None


# -- the results table's parameter columns -------------------------------------------------


def column_dtype(entry: Entry) -> Dtype:
    """The logical dtype of the results column of `entry` (see the module docstring)."""
    if entry.values is None:
        return Dtype.INTEGER if isinstance(entry, RandomEntry) and entry.integer else Dtype.FLOAT
    present = [v for v in entry.values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return Dtype.BOOLEAN
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return Dtype.INTEGER
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return Dtype.FLOAT
    return Dtype.STRING


def param_column(entry: Entry, values: list[Any]) -> pd.Series:
    """The results column of `entry`: the candidates' values in the entry's column dtype."""
    import pandas as pd

    dtype = column_dtype(entry)
    nullable = entry.values is not None and None in entry.values
    plain = [_plain(v) for v in values]
    if dtype is Dtype.BOOLEAN:
        return pd.Series(plain, dtype="boolean" if nullable else "bool", name=entry.param)
    if dtype is Dtype.INTEGER:
        return pd.Series(plain, dtype="Int64" if nullable else "int64", name=entry.param)
    if dtype is Dtype.FLOAT:
        return pd.Series([float("nan") if v is None else v for v in plain], dtype="float64")
    text = [None if v is None else (v if isinstance(v, str) else str(v)) for v in plain]
    return pd.Series(text, dtype="object", name=entry.param)


def shown(value: Any) -> str:
    """A hyperparameter value as text (metrics, hover labels): 0.1, 5, sqrt, None, True."""
    value = _plain(value)
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _space_error(code: str, message: str, hint: str) -> Issue:
    return error(code, message, hint, param="space")


def as_warning(issue: Issue) -> Issue:
    return issue.model_copy(update={"severity": Severity.WARNING})
