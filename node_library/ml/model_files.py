"""Estimators as files in their native formats, and back: what the artifact store and the model
export node both use. Nothing here unpickles.

- scikit-learn: skops. Loading trusts only the types skops trusts by default plus scikit-learn's,
  numpy's and scipy's own (`trusted_model_types`); anything else (a planted builtins function, a
  pandas object, a class of some other package) is refused before any object is built.
- XGBoost sklearn wrappers: UBJSON with the marker `XGBModel.save_model` writes, so the file loads
  back as XGBClassifier/XGBRegressor with predict and predict_proba as before.
- LightGBM: the booster's text format. It loads back as LightGBMBoosterModel, which predicts like
  the fitted LGBMClassifier/LGBMRegressor (its sklearn classes cannot be rebuilt from a file).
- The PyTorch MLP (node_library.ml.torch_mlp): its config as JSON and its weights as numpy arrays
  in one .npz, read with allow_pickle=False; it loads back as the same estimator class.
"""

from __future__ import annotations

import json
from typing import Any

from node_library.ml.fitted import ModelMeta

XGBOOST_CLASSES = ("XGBClassifier", "XGBRegressor")
TORCH_MLP_MODULE = "node_library.ml.torch_mlp"
_TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.")


class ModelFileError(ValueError):
    """A model file that cannot or must not be loaded."""


def class_name(estimator: Any) -> str:
    return f"{type(estimator).__module__}.{type(estimator).__name__}"


def native_format(estimator: Any) -> tuple[str, str]:
    """(format, file extension) an estimator is stored in."""
    module = type(estimator).__module__
    if module.startswith("xgboost"):
        return "xgboost-ubj", "ubj"
    if module.startswith("lightgbm") or module == "node_library.ml.lightgbm_booster":
        return "lightgbm-text", "txt"
    if module == TORCH_MLP_MODULE:
        return "torch-mlp-npz", "npz"
    return "skops", "skops"


def encode_estimator(estimator: Any) -> tuple[bytes, str, str]:
    """One estimator in its native format: (bytes, format, file extension)."""
    fmt, ext = native_format(estimator)
    if fmt == "xgboost-ubj":
        booster = estimator.get_booster()
        # the marker XGBModel.save_model records, so the sklearn wrapper loads back as itself
        booster.set_attr(scikit_learn=json.dumps({"_estimator_type": estimator._get_type()}))
        try:
            raw = booster.save_raw(raw_format="ubj")
        finally:
            booster.set_attr(scikit_learn=None)
        return bytes(raw), fmt, ext
    if fmt == "lightgbm-text":
        booster = getattr(estimator, "booster_", None) or getattr(estimator, "booster", estimator)
        return str(booster.model_to_string()).encode(), fmt, ext
    if fmt == "torch-mlp-npz":
        return bytes(estimator.to_npz()), fmt, ext
    import skops.io as sio

    return sio.dumps(estimator), fmt, ext


def decode_estimator(fmt: str, data: bytes, stored_class: str, meta: ModelMeta) -> Any:
    """Load one estimator written by `encode_estimator`."""
    if fmt == "xgboost-ubj":
        import xgboost

        short = stored_class.rsplit(".", 1)[-1]
        if short not in XGBOOST_CLASSES:
            raise ModelFileError(f"unexpected XGBoost model class {stored_class!r}")
        estimator = getattr(xgboost, short)()
        estimator.load_model(bytearray(data))
        return estimator
    if fmt == "lightgbm-text":
        import lightgbm

        from node_library.ml.lightgbm_booster import LightGBMBoosterModel

        booster = lightgbm.Booster(model_str=data.decode())
        return LightGBMBoosterModel(booster, meta.classes if meta.kind == "classifier" else None)
    if fmt == "torch-mlp-npz":
        try:
            import torch  # noqa: F401  (imported only to learn whether torch is installed)
        except ImportError as exc:
            raise ModelFileError(
                "this model is a PyTorch network: install the `deep` extra to load it"
                " (pip install -e '.[deep]')"
            ) from exc
        from node_library.ml.torch_mlp import TorchMLPClassifier

        try:
            return TorchMLPClassifier.from_npz(data)
        except (ValueError, KeyError, TypeError, OSError) as exc:
            raise ModelFileError(f"the stored network is unreadable: {exc}") from exc
    if fmt == "skops":
        import skops.io as sio

        untrusted = sio.get_untrusted_types(data=data)
        return sio.loads(data, trusted=trusted_model_types(untrusted))
    raise ModelFileError(f"unknown model file format {fmt!r}")


def trusted_model_types(types: list[str]) -> list[str]:
    """The types skops reported as untrusted, if every one is trusted here; ModelFileError naming
    the others otherwise. Trusted: classes of scikit-learn, numpy and scipy, and scikit-learn's
    own functions (score functions such as f_classif are stored by reference). Functions of
    numpy or scipy (numpy.load, ...) and everything else are refused."""
    refused = [t for t in types if not _is_trusted(t)]
    if refused:
        raise ModelFileError(f"model file contains types that are not trusted: {refused}")
    return types


def _is_trusted(name: str) -> bool:
    if not name.startswith(_TRUSTED_PREFIXES):
        return False
    target = _resolve(name)
    if isinstance(target, type):
        return True
    return name.startswith("sklearn.") and callable(target)


def _resolve(name: str) -> Any:
    """The object a dotted name points to, importing only modules of the trusted packages."""
    import importlib

    parts = name.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            target: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            target = getattr(target, attr, None)
            if target is None:
                return None
        return target
    return None
