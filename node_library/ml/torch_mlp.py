"""A small multi-layer perceptron in PyTorch on the CPU, as a scikit-learn-style estimator (for
the deep-learning node, in the optional `deep` extra: pip install -e '.[deep]').

`TorchMLPClassifier` and `TorchMLPRegressor` have fit / predict (and predict_proba for the
classifier), `classes_`, get_params / set_params (so clone, cross-validation and tuning work as with
any scikit-learn model). The network is Linear -> activation for each hidden layer, then a Linear
output (one unit per class, or one unit). Training is the plain loop a careful script writes:

    torch.manual_seed(random_state); build the network; AdamW(lr, weight_decay)
    shuffle = torch.Generator().manual_seed(random_state)
    for each epoch: order = torch.randperm(n, generator=shuffle); one step per batch of `order`

with cross-entropy on the class codes (0..k-1, `classes_` sorted) or mean squared error on the
target standardized with the training mean and standard deviation (predictions are mapped back),
features as float32. It is deterministic on the CPU: during fit and predict the number of threads
is 1 and `torch.use_deterministic_algorithms(True)`; both are restored afterwards, and the global
random state is forked, so the caller's torch state is left as it was. Features are used as they
are: scale them first (the "Standard scale" node) as for any neural network.

Storage (no pickle): `to_npz` writes the config as JSON and every weight tensor as a numpy array
into one .npz, `from_npz` reads it with allow_pickle=False and rebuilds the same network, which
predicts exactly as before. torch itself is imported lazily inside the methods.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

from node_library.ml.layer_sizes import parse_layer_sizes

if TYPE_CHECKING:
    import torch

Activation = Literal["relu", "tanh", "sigmoid"]
# progress(epochs done, total epochs, mean training loss of that epoch)
EpochCallback = Callable[[int, int, float], None]
_CONFIG_KEY = "config"
_WEIGHT_PREFIX = "weight:"
# torch's thread count and deterministic switch are process-wide: one fit or predict at a time
_TORCH_STATE = threading.RLock()


@contextmanager
def deterministic_torch() -> Iterator[None]:
    """One thread and deterministic algorithms, restored afterwards (and the global RNG forked)."""
    import torch

    with _TORCH_STATE:
        threads = torch.get_num_threads()
        deterministic = torch.are_deterministic_algorithms_enabled()
        try:
            torch.set_num_threads(1)
            torch.use_deterministic_algorithms(True)
            with torch.random.fork_rng(devices=[]):
                yield
        finally:
            torch.use_deterministic_algorithms(deterministic)
            torch.set_num_threads(threads)


def build_network(
    n_inputs: int, hidden: Sequence[int], n_outputs: int, activation: Activation
) -> torch.nn.Sequential:
    import torch

    layers: list[torch.nn.Module] = []
    width = n_inputs
    for units in hidden:
        layers += [torch.nn.Linear(width, units), _activation(activation)]
        width = units
    layers.append(torch.nn.Linear(width, n_outputs))
    return torch.nn.Sequential(*layers)


def _activation(name: Activation) -> torch.nn.Module:
    import torch

    modules: dict[str, type[torch.nn.Module]] = {
        "relu": torch.nn.ReLU,
        "tanh": torch.nn.Tanh,
        "sigmoid": torch.nn.Sigmoid,
    }
    if name not in modules:
        raise ValueError(f"unknown activation {name!r}; use one of {sorted(modules)}")
    return modules[name]()


class _TorchMLP(BaseEstimator):  # type: ignore[misc]  # scikit-learn is untyped: its bases are Any
    """What the classifier and the regressor share (see the module docstring)."""

    _task: str

    def __init__(
        self,
        hidden_layer_sizes: str | Sequence[int] = "64, 32",
        activation: Activation = "relu",
        epochs: int = 100,
        batch_size: int = 32,
        learning_rate: float = 0.001,
        weight_decay: float = 0.0001,
        random_state: int = 0,
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.random_state = random_state

    # -- subclass hooks -----------------------------------------------------------------------

    def _encode_target(self, y: np.ndarray) -> tuple[torch.Tensor, int]:
        raise NotImplementedError

    def _loss(self, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def _config(self) -> dict[str, Any]:
        raise NotImplementedError

    def _restore(self, config: dict[str, Any]) -> None:
        raise NotImplementedError

    # -- fitting ----------------------------------------------------------------------------

    def fit(self, X: Any, y: Any, progress: EpochCallback | None = None) -> _TorchMLP:
        import torch

        features = self._matrix(X, fitting=True)
        if len(features) == 0:
            raise ValueError("cannot fit on 0 rows")
        hidden = parse_layer_sizes(self.hidden_layer_sizes)
        if self.epochs < 1 or self.batch_size < 1:
            raise ValueError("epochs and batch_size must be at least 1")
        with deterministic_torch():
            target, n_outputs = self._encode_target(np.asarray(y))
            torch.manual_seed(self.random_state)
            network = build_network(features.shape[1], hidden, n_outputs, self.activation)
            optimizer = torch.optim.AdamW(
                network.parameters(), lr=self.learning_rate, weight_decay=self.weight_decay
            )
            shuffle = torch.Generator().manual_seed(self.random_state)
            inputs = torch.from_numpy(features)
            n = len(features)
            losses: list[float] = []
            network.train()
            for epoch in range(self.epochs):
                order = torch.randperm(n, generator=shuffle)
                total = 0.0
                for start in range(0, n, self.batch_size):
                    batch = order[start : start + self.batch_size]
                    optimizer.zero_grad()
                    loss = self._loss(network(inputs[batch]), target[batch])
                    loss.backward()  # type: ignore[no-untyped-call]  # torch leaves backward unannotated
                    optimizer.step()
                    total += float(loss.item()) * len(batch)
                losses.append(total / n)
                if progress is not None:
                    progress(epoch + 1, self.epochs, losses[-1])
            network.eval()
        self.network_ = network
        self.loss_curve_ = losses
        return self

    def _raw(self, X: Any) -> np.ndarray:
        """The network's output for X as float32 numpy (one row per row of X)."""
        import torch

        if not hasattr(self, "network_"):
            raise ValueError(f"this {type(self).__name__} is not fitted yet: call fit first")
        features = self._matrix(X, fitting=False)
        with deterministic_torch(), torch.no_grad():
            output: np.ndarray = self.network_(torch.from_numpy(features)).numpy()
        return output

    def _matrix(self, X: Any, *, fitting: bool) -> np.ndarray:
        """X as a float32 array; records (fit) or checks (predict) the feature names."""
        names = None
        if hasattr(X, "columns"):
            names = np.asarray([str(c) for c in X.columns], dtype=object)
        matrix = np.asarray(X, dtype=np.float32)
        if matrix.ndim != 2:
            raise ValueError(f"X must be a 2-d table of features; got {matrix.ndim} dimensions")
        if not np.all(np.isfinite(matrix)):
            raise ValueError(
                "X has missing or infinite values; impute or drop them before the network"
            )
        if fitting:
            self.n_features_in_ = matrix.shape[1]
            if names is not None:
                self.feature_names_in_ = names
            elif hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
        else:
            if matrix.shape[1] != self.n_features_in_:
                raise ValueError(
                    f"X has {matrix.shape[1]} features; the network was fitted on"
                    f" {self.n_features_in_}"
                )
            known = getattr(self, "feature_names_in_", None)
            if names is not None and known is not None and list(names) != list(known):
                raise ValueError(
                    f"X's columns {list(names)} differ from the fitted features {list(known)}"
                )
        return np.ascontiguousarray(matrix)

    # -- storage (no pickle) ----------------------------------------------------------------

    def to_npz(self) -> bytes:
        """Config JSON and weights as numpy arrays in one .npz (read back with `from_npz`)."""
        if not hasattr(self, "network_"):
            raise ValueError("only a fitted network can be stored")
        config = {
            "class": type(self).__name__,
            "params": {
                **self.get_params(),
                "hidden_layer_sizes": list(parse_layer_sizes(self.hidden_layer_sizes)),
            },
            "n_features_in": int(self.n_features_in_),
            "feature_names_in": None
            if getattr(self, "feature_names_in_", None) is None
            else [str(n) for n in self.feature_names_in_],
            "loss_curve": list(self.loss_curve_),
            **self._config(),
        }
        arrays = {_CONFIG_KEY: np.frombuffer(json.dumps(config).encode(), dtype=np.uint8)}
        for name, tensor in self.network_.state_dict().items():
            arrays[f"{_WEIGHT_PREFIX}{name}"] = tensor.detach().cpu().numpy()
        buffer = io.BytesIO()
        np.savez(buffer, allow_pickle=False, **arrays)
        return buffer.getvalue()

    @staticmethod
    def from_npz(data: bytes) -> TorchMLPClassifier | TorchMLPRegressor:
        """Rebuild a network written by `to_npz`; ValueError when the file is not one."""
        import torch

        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        if _CONFIG_KEY not in arrays:
            raise ValueError("not a stored MLP: the config entry is missing")
        config = json.loads(arrays.pop(_CONFIG_KEY).tobytes().decode())
        classes: dict[str, type[TorchMLPClassifier | TorchMLPRegressor]] = {
            "TorchMLPClassifier": TorchMLPClassifier,
            "TorchMLPRegressor": TorchMLPRegressor,
        }
        cls = classes.get(config.get("class"))
        if cls is None:
            raise ValueError(f"unknown stored MLP class {config.get('class')!r}")
        params = dict(config["params"])
        params["hidden_layer_sizes"] = ", ".join(str(s) for s in params["hidden_layer_sizes"])
        model = cls(**params)
        model.n_features_in_ = int(config["n_features_in"])
        if config.get("feature_names_in") is not None:
            model.feature_names_in_ = np.asarray(config["feature_names_in"], dtype=object)
        model.loss_curve_ = [float(v) for v in config.get("loss_curve", [])]
        model._restore(config)
        hidden = parse_layer_sizes(model.hidden_layer_sizes)
        network = build_network(model.n_features_in_, hidden, model._n_outputs(), model.activation)
        state = {
            name.removeprefix(_WEIGHT_PREFIX): torch.from_numpy(array)
            for name, array in arrays.items()
            if name.startswith(_WEIGHT_PREFIX)
        }
        try:
            network.load_state_dict(state, strict=True)
        except RuntimeError as exc:
            raise ValueError(f"the stored weights do not fit the network: {exc}") from exc
        network.eval()
        model.network_ = network
        return model

    def _n_outputs(self) -> int:
        raise NotImplementedError


class TorchMLPClassifier(ClassifierMixin, _TorchMLP):  # type: ignore[misc]  # untyped sklearn base
    """Softmax classifier: `predict_proba` columns follow `classes_` (the sorted labels)."""

    def _encode_target(self, y: np.ndarray) -> tuple[torch.Tensor, int]:
        import torch

        classes, codes = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError("a classifier needs at least two classes in y")
        self.classes_ = classes
        return torch.from_numpy(codes.astype(np.int64)), len(classes)

    def _loss(self, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        import torch

        return torch.nn.functional.cross_entropy(output, target)

    def predict_proba(self, X: Any) -> np.ndarray:
        import torch

        logits = torch.from_numpy(self._raw(X))
        proba: np.ndarray = torch.softmax(logits, dim=1).numpy().astype(np.float64)
        return proba

    def predict(self, X: Any) -> np.ndarray:
        labels: np.ndarray = self.classes_[np.argmax(self._raw(X), axis=1)]
        return labels

    def _config(self) -> dict[str, Any]:
        return {
            "classes": [c.item() if hasattr(c, "item") else c for c in self.classes_],
            "classes_dtype": str(self.classes_.dtype),
        }

    def _restore(self, config: dict[str, Any]) -> None:
        dtype = config["classes_dtype"]
        self.classes_ = np.asarray(config["classes"], dtype=object if dtype == "object" else dtype)

    def _n_outputs(self) -> int:
        return len(self.classes_)


class TorchMLPRegressor(RegressorMixin, _TorchMLP):  # type: ignore[misc]  # untyped sklearn base
    """One output unit, trained on the standardized target; predictions in the target's units."""

    def _encode_target(self, y: np.ndarray) -> tuple[torch.Tensor, int]:
        import torch

        values = y.astype(np.float64)
        self.y_mean_ = float(values.mean())
        std = float(values.std())
        self.y_std_ = std if std > 0 else 1.0
        scaled = ((values - self.y_mean_) / self.y_std_).astype(np.float32)
        return torch.from_numpy(scaled), 1

    def _loss(self, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        import torch

        return torch.nn.functional.mse_loss(output.squeeze(1), target)

    def predict(self, X: Any) -> np.ndarray:
        raw = self._raw(X)[:, 0].astype(np.float64)
        predicted: np.ndarray = raw * self.y_std_ + self.y_mean_
        return predicted

    def _config(self) -> dict[str, Any]:
        return {"y_mean": self.y_mean_, "y_std": self.y_std_}

    def _restore(self, config: dict[str, Any]) -> None:
        self.y_mean_ = float(config["y_mean"])
        self.y_std_ = float(config["y_std"])

    def _n_outputs(self) -> int:
        return 1
