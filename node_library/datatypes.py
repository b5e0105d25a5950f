"""The data types that flow along edges, and the one table that says which may connect.

The same table is served to the canvas by the API, so the browser and the server agree on what fits.
"""

from __future__ import annotations

from enum import StrEnum


class DataType(StrEnum):
    DATAFRAME = "dataframe"
    SERIES = "series"
    MODEL = "model"
    # an unfitted model: the model node and params that build its estimator (node_library.ml.spec)
    MODEL_SPEC = "model_spec"
    METRICS = "metrics"
    PLOT = "plot"
    JSON = "json"
    FILE = "file"


# (source type, target type) pairs that connect without an explicit declaration on the target port.
# Identity always connects. Anything else (for example a series into a dataframe port) must be
# declared by the target port's `accepts` tuple, so a node opts in to the conversion it handles.
CONNECTION_TABLE: frozenset[tuple[DataType, DataType]] = frozenset(
    {
        # metrics are a JSON object of named numbers: anything that takes JSON can read them.
        (DataType.METRICS, DataType.JSON),
        # a fitted model carries its settings: nodes that re-fit (cross-validation, tuning,
        # comparison) take either, so workflows wired before specs existed keep working
        (DataType.MODEL, DataType.MODEL_SPEC),
    }
)


def can_connect(source: DataType, target: DataType, accepts: tuple[DataType, ...] = ()) -> bool:
    """True when an output of type `source` may feed an input port of type `target`."""
    return source == target or source in accepts or (source, target) in CONNECTION_TABLE


def connection_refusal(source: DataType, target: DataType) -> str:
    """The sentence the canvas shows when a connection is refused."""
    return (
        f"a {source.value} output cannot feed a {target.value} input; "
        f"connect a node that produces a {target.value}"
    )
