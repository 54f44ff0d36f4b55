"""Run presets: the one place that says how big a run of the course notebooks is.

Every notebook's parameters cell declares `preset` and a few names from the table below, each
defaulting to `None` ("take it from the preset"); the cell after it calls `resolve_params`.
`cifar-lab run --preset P -p NAME VALUE` overrides single values the same way.

Example:

    >>> from cifar_lab.presets import resolve_params
    >>> resolve_params("ci", epochs=1)["epochs"]
    1
"""

from __future__ import annotations

from typing import Any

from cifar_lab.errors import UsageError, did_you_mean
from cifar_lab.project import default_run_dir

# Parameter name -> value, per preset. Every preset lists every name, so a typo in one cannot hide.
# learning_rate / optimizer None: the model's own recipe (the original CNN: RMSprop, Keras defaults).
# run_dir None: the preset's folder under the project's runs/ (cifar_lab.project.default_run_dir).
PRESETS: dict[str, dict[str, Any]] = {
    # CI and the nbval goldens: offline synthetic data, a tiny stratified subset, deterministic.
    "ci": {
        "data": "synthetic",
        "model": "original",
        "augmentation": "recommended",
        "epochs": 2,  # two points make a learning curve; still seconds per notebook
        "batch_size": 32,  # 400 images make 3 steps at 128 and a chance-level model; 32 learns (~34% test), same cost
        "seed": 0,
        "n_per_class": 50,  # 500 images before the validation split
        "val_fraction": 0.2,
        "learning_rate": None,
        "optimizer": None,
        "canaries": 20,  # 05_ethics_report: wrong-label copies, each trained on with probability 1/2
        "sampling_bias": True,  # 05_ethics_report: retrain with one class cut to 10% (three small trainings)
        "reference_models": 2,  # 05_ethics_report: offline LiRA's reference models (the fewest it works with)
        "run_dir": None,
    },
    # A first real result in minutes on a laptop CPU: real CIFAR-10 (downloaded or cached), a subset.
    "quick": {
        "data": "auto",
        "model": "original",
        "augmentation": "recommended",
        "epochs": 5,
        "batch_size": 128,
        "seed": 0,
        "n_per_class": 1000,  # 10,000 images: about 5 s per epoch of the original CNN at ~1,500 images/s
        "val_fraction": 0.2,
        "learning_rate": None,
        "optimizer": None,
        "canaries": 100,  # 05_ethics_report: enough for an exposure histogram
        "sampling_bias": True,
        "reference_models": 4,  # each about half the audited model's training time; 4 found 8x more at 1% FPR
        "run_dir": None,
    },
    # The original assignment: all 50,000 training images, 20 epochs, batch 128, 20% held out.
    "full": {
        "data": "auto",
        "model": "original",
        "augmentation": "recommended",
        "epochs": 20,
        "batch_size": 128,
        "seed": 0,
        "n_per_class": None,  # None: every image
        "val_fraction": 0.2,
        "learning_rate": None,
        "optimizer": None,
        "canaries": 100,
        "sampling_bias": False,  # three more full-size trainings: opt in with -p sampling_bias True
        "reference_models": 4,  # four more trainings on half the images each; -p reference_models 0 skips LiRA
        "run_dir": None,
    },
}

# Seconds one notebook cell may run before `cifar-lab run` fails it (papermill waits forever by default).
# Sized for the slowest cell (training) at each preset's scale on a slow 2-core laptop, with headroom.
CELL_TIMEOUT_S: dict[str, int] = {"ci": 600, "quick": 1800, "full": 4 * 3600}


def check_preset(preset: str) -> None:
    """Raise `UsageError` naming the valid presets when `preset` is not one of them.

    Example:
        >>> check_preset("quick")
    """
    if preset not in PRESETS:
        raise UsageError(
            f"Unknown preset {preset!r}.{did_you_mean(str(preset), list(PRESETS))} "
            f"Valid presets: {', '.join(PRESETS)} (see cifar_lab.presets.PRESETS)."
        )


def resolve_params(preset: str, **explicit: Any) -> dict[str, Any]:
    """Return the preset's parameters, each overridden by an explicit value that is not `None`.

    `run_dir` left at `None` becomes the preset's folder in the project's runs
    (`cifar_lab.project.default_run_dir`), the same whichever directory a notebook or command runs in.

    Raises:
        UsageError: unknown preset or parameter name, with the closest valid name.

    Example:
        >>> from pathlib import Path
        >>> params = resolve_params("quick", data=None, epochs=2)
        >>> params["data"], params["epochs"], Path(params["run_dir"]).parts[-2:]
        ('auto', 2, ('runs', 'quick'))
    """
    check_preset(preset)
    params = dict(PRESETS[preset])
    for name, value in explicit.items():
        if name not in params:
            raise UsageError(
                f"Unknown parameter {name!r}.{did_you_mean(name, list(params))} "
                f"Valid parameters: {', '.join(params)} (see cifar_lab.presets.PRESETS)."
            )
        if value is not None:
            params[name] = value
    if params["run_dir"] is None:
        params["run_dir"] = str(default_run_dir(preset))
    return params
