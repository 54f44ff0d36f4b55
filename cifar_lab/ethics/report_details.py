"""What the model card records about the data, the model and the run: the report's bookkeeping.

Example:
    >>> run_parameters({"epochs": 5}, 1000, 0, None, None, None)["report_offline_lira"]
    'off (no reference models)'
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cifar_lab.ethics.canaries import Canaries
from cifar_lab.ethics.lira import References


def data_details(data: Any, members: np.ndarray, n_test: int, names: tuple[str, ...]) -> dict:
    """The card's data section: source, counts, and the fewest and most training images of a class.

    Example:
        >>> from cifar_lab.data import make_synthetic
        >>> data = make_synthetic(n_train=20, n_test=10)
        >>> data_details(data, np.arange(20), 10, data.class_names)["n_train"]
        20
    """
    per_class = np.bincount(np.asarray(data.y_train)[members].astype(np.int64), minlength=len(names))
    return {
        "train_per_class_min": int(per_class.min()),
        "train_per_class_max": int(per_class.max()),
        "source": str(data.source),
        "synthetic": bool(data.synthetic),
        "warning": getattr(data, "warning", None),
        "n_train": int(members.size),
        "n_test": n_test,
        "class_names": list(names),
    }


def model_details(model: Any) -> dict:
    """The model's name, parameter count and the framework versions.

    Not run in the tests: `ethics_report`'s example runs it on a real model.

    Example:
        >>> model_details(model)["n_parameters"]  # doctest: +SKIP
        1676842
    """
    return {
        "name": getattr(model, "name", type(model).__name__),
        "n_parameters": int(model.count_params()),
        "framework": _framework(),
    }


def run_parameters(
    parameters: dict[str, Any] | None,
    max_members: int,
    seed: int,
    canaries: Canaries | None,
    sampling_bias: dict | None,
    references: References | None,
) -> dict[str, Any]:
    """The caller's training parameters, then the report's own (prefixed `report_`).

    Example:
        >>> run_parameters(None, 50, 1, None, None, None)["report_max_members"]
        50
    """
    lira = "off (no reference models)"
    if references is not None:
        how = references.settings
        lira = (
            f"{how['reference_models']} reference models "
            f"({how['model']}, {how['epochs']} epochs, batch {how['batch_size']})"
        )
    return {
        **(parameters or {}),
        "report_max_members": int(max_members),
        "report_seed": int(seed),
        "report_canaries": "none"
        if canaries is None
        else f"{len(canaries.labels)} {canaries.kind} canaries, seed {canaries.seed}",
        "report_sampling_bias": "off" if sampling_bias is None else "on",
        "report_offline_lira": lira,
    }


def _framework() -> str:
    import keras
    import tensorflow as tf

    return f"TensorFlow {tf.__version__}, Keras {keras.__version__}"
