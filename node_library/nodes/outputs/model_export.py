"""Export a fitted model as a downloadable zip: the model file and `metadata.json`.

Formats:
- native (default): the model family's own format, chosen by the estimator: skops for
  scikit-learn (`model.skops`), XGBoost's UBJSON (`model.ubj`), LightGBM's text (`model.txt`),
  the PyTorch MLP's config and weights as numpy arrays (`model.npz`, read with allow_pickle=False).
  These load without running code from the file.
- pickle: `model.pkl` from Python's pickle, for tools that only read pickles. It is a download
  only: loading a pickle runs code from it, so load it only if you trust where it came from. The
  server never loads a pickle back, and there is no node that imports one.

`metadata.json` holds what is needed to use the model safely elsewhere: the features in training
order with their dtypes, the target, the classes (in probability column order, and whether the
model predicts label codes that map back through them), the algorithm and params, the library
versions, the sha256 of every model file, the training rows and the training data fingerprint,
and how to load the file. Fitted steps (transformers applied before the model) are exported as
`step-<i>.<ext>` files, listed in order under "steps".

The zip's entries carry a fixed timestamp; the bytes are still not repeatable for scikit-learn
models, because a skops file records when it was written (the sha256 in metadata.json is of the
file in this zip).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from node_library import widgets
from node_library.contract import (
    ExecutionContext,
    Issue,
    NodeError,
    NodeParams,
    NodeType,
    Port,
    PortSchema,
    error,
)
from node_library.datatypes import DataType
from node_library.ml.fitted import FittedModel
from node_library.ml.lightgbm_booster import LightGBMBoosterModel
from node_library.ml.model_files import class_name, encode_estimator
from node_library.nodes.outputs.export import plain_file_name_issues
from node_library.settings import NodeSettings
from node_library.values import FileValue

ExportFormat = Literal["native", "pickle"]
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_LOADING = {
    "skops": "skops.io.load(path, trusted=skops.io.get_untrusted_types(file=path)) after"
    " reviewing the listed types",
    "xgboost-ubj": "model = xgboost.XGBClassifier() (or XGBRegressor()); model.load_model(path)",
    "lightgbm-text": "booster = lightgbm.Booster(model_file=path); booster.predict(X) gives"
    " probabilities for classifiers (the second class's for two classes)",
    "torch-mlp-npz": "numpy.load(path, allow_pickle=False): 'config' holds the network's JSON"
    " config (bytes), 'weight:<name>' its PyTorch state_dict; or"
    " node_library.ml.torch_mlp.TorchMLPClassifier.from_npz(open(path, 'rb').read())",
    "pickle": "pickle.load(open(path, 'rb')) only if you trust the source: loading a pickle runs"
    " code from it",
}


class ModelExportParams(NodeParams):
    format: ExportFormat = Field(
        "native",
        description="native: skops / XGBoost UBJSON / LightGBM text by model family; pickle: a"
        " download-only .pkl that the server never loads back.",
    )
    file_name: str = Field(
        "model",
        max_length=120,
        description="Download name of the zip: letters, digits, spaces, . _ -; .zip is added.",
        json_schema_extra=widgets.text(),
    )


class ModelExportNode(NodeType[ModelExportParams]):
    type_id = "outputs.model_export"
    display_name = "Export model"
    category = "outputs"
    description = (
        "Download a fitted model as a zip: the model file in its native format + metadata."
    )
    tags = ("export", "model", "download", "skops", "xgboost", "lightgbm", "pickle")
    Params = ModelExportParams
    inputs = (Port("model", DataType.MODEL, "Model"),)
    outputs = (Port("file", DataType.FILE, "Model file"),)

    def validate(
        self, params: ModelExportParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        return plain_file_name_issues(params.file_name)

    def compute(
        self, ctx: ExecutionContext, params: ModelExportParams, **inputs: Any
    ) -> dict[str, Any]:
        model = inputs["model"]
        if not isinstance(model, FittedModel):
            raise NodeError(
                error(
                    "not_a_model",
                    f"the model input holds a {type(model).__name__}, not a fitted model",
                    "connect the model output of a model node",
                    port="model",
                )
            )
        name = params.file_name.strip()
        if not name.lower().endswith(".zip"):
            name += ".zip"
        return {"file": FileValue(name, export_zip(model, params.format), "application/zip")}


def export_zip(model: FittedModel, export_format: ExportFormat) -> bytes:
    files: dict[str, bytes] = {}
    model_file, fmt = _write(model.estimator, "model", export_format, files)
    steps = []
    for index, step in enumerate(model.steps):
        step_file, step_fmt = _write(step.estimator, f"step-{index}", export_format, files)
        steps.append(
            {
                "file": step_file,
                "format": step_fmt,
                "sha256": _sha256(files[step_file]),
                "estimator_class": class_name(step.estimator),
                **step.meta.to_json(),
            }
        )
    meta = model.meta.to_json()
    metadata = {
        "model_file": model_file,
        "format": fmt,
        "sha256": _sha256(files[model_file]),
        "estimator_class": class_name(model.estimator),
        "how_to_load": _LOADING[fmt],
        **meta,
        "features": [
            {"name": n, "dtype": meta["feature_dtypes"].get(n, "unknown")} for n in meta["features"]
        ],
        "training_data_fingerprint": meta["training_fingerprint"],
        "steps": steps,
    }
    metadata.pop("feature_dtypes")
    metadata.pop("training_fingerprint")
    files["metadata.json"] = json.dumps(metadata, indent=2, sort_keys=False).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file_name, data in files.items():
            info = zipfile.ZipInfo(file_name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def _write(
    estimator: Any, stem: str, export_format: ExportFormat, files: dict[str, bytes]
) -> tuple[str, str]:
    if export_format == "pickle":
        import pickle

        # a LightGBM model loaded back from storage is our adapter: pickle its lightgbm.Booster so
        # the download needs nothing of this project to load
        plain = estimator.booster if isinstance(estimator, LightGBMBoosterModel) else estimator
        files[f"{stem}.pkl"] = pickle.dumps(plain, protocol=pickle.HIGHEST_PROTOCOL)
        return f"{stem}.pkl", "pickle"
    data, fmt, ext = encode_estimator(estimator)
    files[f"{stem}.{ext}"] = data
    return f"{stem}.{ext}", fmt


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
