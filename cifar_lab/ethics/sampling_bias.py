"""The sampling-bias experiment: what happens to a class when the training data under-represents it.

Three models are trained with the same architecture, seed and number of epochs: on the full training
set (baseline), with one class cut to `fraction` of its images (cut), and on the cut data with a
mitigation (mitigated): class weights `1/f` (`f` = the class's count relative to the largest
class, so the cut class's loss counts `1/fraction` times) or oversampling (the kept images of the
cut class repeated back to the baseline count). On the test set we compare the cut class's recall and
precision, which classes absorb the images it loses, and the overall accuracy, which barely moves:
the harm is concentrated on the under-represented class while the headline number hides it, as in
the cited work (Buolamwini & Gebru 2018; Wilson, Hoffman & Morgenstern 2019).

Three trainings are the expensive part of the ethics report, so it is optional and sized by
parameters (`epochs`, and the caller's choice of training set).

Not run in the tests: the experiment trains three models (minutes); the data-shaping steps it uses
are shown running below and in their own examples.

Example:
    >>> from cifar_lab.data import make_synthetic
    >>> data = make_synthetic(2000, 500)
    >>> _, y_cut = undersample_class(data.x_train, data.y_train, data.class_names.index("cat"), 0.1)
    >>> int((data.y_train == 3).sum()), int((y_cut == 3).sum())
    (200, 20)
    >>> result = sampling_bias_experiment(data, cut_class="cat", epochs=2)                        # doctest: +SKIP
    >>> result["runs"]["cut"]["recall"] < result["runs"]["baseline"]["recall"]                    # doctest: +SKIP
    True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cifar_lab.errors import UsageError
from cifar_lab.ethics.fairness import absorbed_by, change_interval
from cifar_lab.evaluate.metrics import per_class_metrics

MITIGATIONS = ("class_weight", "oversample")

# The changes from baseline the card reports: (run compared with the baseline, figure).
CHANGES = (
    ("cut", "recall"),
    ("cut", "precision"),
    ("cut", "accuracy"),
    ("mitigated", "recall"),
    ("mitigated", "accuracy"),
)

# A baseline recall of the cut class below this leaves the cut nothing to take: no finding either way.
NOTHING_TO_TAKE = 0.1


def undersample_class(
    x: np.ndarray, y: np.ndarray, class_index: int, fraction: float, *, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Keep a random `fraction` (at least one image) of class `class_index`; every other image stays.

    Example:
        >>> x = np.zeros((100, 2, 2, 3), np.uint8); y = np.arange(100) % 2
        >>> _, y_cut = undersample_class(x, y, 1, 0.1)
        >>> np.bincount(y_cut).tolist()
        [50, 5]
    """
    if not 0.0 < fraction <= 1.0:
        raise UsageError(f"fraction must be in (0, 1]; got {fraction}. Pass e.g. 0.1 to keep 10% of the class.")
    y = np.asarray(y).astype(np.int64)
    members = np.flatnonzero(y == class_index)
    if members.size == 0:
        raise UsageError(f"Class {class_index} has no training images to cut. Pick a class present in y.")
    rng = np.random.default_rng(seed)
    kept = rng.choice(members, size=max(1, round(fraction * members.size)), replace=False)
    keep = np.sort(np.r_[np.flatnonzero(y != class_index), kept])
    return np.asarray(x)[keep], y[keep]


def balancing_class_weights(y: np.ndarray, num_classes: int) -> dict[int, float]:
    """Class weights `1/f`, `f` = each class's count divided by the largest class's count.

    Example:
        >>> balancing_class_weights(np.array([0, 0, 0, 0, 1]), 2)
        {0: 1.0, 1: 4.0}
    """
    counts = np.bincount(np.asarray(y).astype(np.int64), minlength=num_classes)
    return {c: float(counts.max() / counts[c]) for c in range(num_classes) if counts[c] > 0}


def oversample_class(
    x: np.ndarray, y: np.ndarray, class_index: int, target_count: int, *, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Repeat random images of `class_index` (with replacement) until it has `target_count` images.

    Example:
        >>> x = np.zeros((12, 2, 2, 3), np.uint8); y = np.r_[np.zeros(10, int), np.ones(2, int)]
        >>> np.bincount(oversample_class(x, y, 1, 10)[1]).tolist()
        [10, 10]
    """
    y = np.asarray(y).astype(np.int64)
    members = np.flatnonzero(y == class_index)
    extra = np.random.default_rng(seed).choice(members, size=max(0, target_count - members.size), replace=True)
    rows = np.r_[np.arange(len(y)), extra]
    return np.asarray(x)[rows], y[rows]


def _train_and_predict(
    x: np.ndarray,
    y: np.ndarray,
    x_test: np.ndarray,
    *,
    model: str,
    epochs: int,
    batch_size: int,
    seed: int,
    augmentation: str,
    class_weight: dict[int, float] | None,
    hparams: dict[str, Any],
    verbose: str | int,
) -> np.ndarray:
    # Imported here: importing cifar_lab.ethics must not import TensorFlow (only training needs it).
    from cifar_lab.augment.augmenter import build_augmenter
    from cifar_lab.evaluate.predict import predict_proba
    from cifar_lab.models.registry import build_model
    from cifar_lab.train.loop import train_model

    network = build_model(model, seed=seed, **hparams)
    train_model(
        network,
        x,
        y,
        epochs=epochs,
        batch_size=batch_size,
        seed=seed,
        augment=build_augmenter(augmentation, seed=seed),
        verbose=verbose,
        class_weight=class_weight,
    )
    return predict_proba(network, x_test).argmax(axis=1)


def sampling_bias_experiment(
    data: Any,
    *,
    cut_class: str = "cat",
    fraction: float = 0.1,
    model: str = "original",
    epochs: int = 2,
    batch_size: int = 128,
    seed: int = 0,
    augmentation: str = "none",
    mitigation: str = "class_weight",
    learning_rate: float | None = None,
    optimizer: str | None = None,
    verbose: str | int = "silent",
) -> dict:
    """Train baseline, cut and mitigated models on `data` (a `CifarData`) and compare them on its test set.

    Returns a dict with the settings, `runs` (`baseline`/`cut`/`mitigated` -> accuracy, recall and
    precision of the cut class), the changes from baseline (`recall_change`, `precision_change`,
    `accuracy_change`, `mitigated_recall_change`, `mitigated_accuracy_change`), `absorbed_by`
    (classes that take more of the cut class's test images after the cut, largest increase first) and a
    plain-language `statement`. Each training announces itself in one line, then shows its progress
    as `verbose` says (`cifar_lab.train.train_model`; `"auto"` for a bar in a notebook). To size it for
    CI, pass a small `data` (e.g. a stratified subset) and
    few `epochs`.

    Not run in the tests: it trains three models, which takes minutes.

    Raises:
        UsageError: for an unknown `cut_class` or `mitigation`, before anything is trained.

    Example:
        >>> from cifar_lab.data import make_synthetic
        >>> data = make_synthetic(2000, 500)
        >>> r = sampling_bias_experiment(data, cut_class="cat", fraction=0.1, epochs=3)  # doctest: +SKIP
        >>> sorted(r["runs"])  # doctest: +SKIP
        ['baseline', 'cut', 'mitigated']
        >>> sampling_bias_experiment(data, cut_class="cats")
        Traceback (most recent call last):
        ...
        cifar_lab.errors.UsageError: Unknown class 'cats'. Valid classes: airplane, automobile, bird, cat, ...
    """
    names = tuple(data.class_names)
    if cut_class not in names:
        raise UsageError(f"Unknown class {cut_class!r}. Valid classes: {', '.join(names)}.")
    if mitigation not in MITIGATIONS:
        raise UsageError(f"Unknown mitigation {mitigation!r}. Valid mitigations: {', '.join(MITIGATIONS)}.")
    target = names.index(cut_class)
    hparams = {k: v for k, v in (("learning_rate", learning_rate), ("optimizer", optimizer)) if v is not None}
    settings = dict(
        model=model,
        epochs=epochs,
        batch_size=batch_size,
        seed=seed,
        augmentation=augmentation,
        hparams=hparams,
        verbose=verbose,
    )
    x_cut, y_cut = undersample_class(data.x_train, data.y_train, target, fraction, seed=seed)
    baseline_count = int(np.sum(np.asarray(data.y_train) == target))
    x_mit, y_mit, weights = _mitigated(x_cut, y_cut, target, mitigation, baseline_count, len(names), seed=seed)
    runs = {
        "baseline": (data.x_train, data.y_train, None),
        "cut": (x_cut, y_cut, None),
        "mitigated": (x_mit, y_mit, weights),
    }
    predictions = {}
    for i, (run, (x, y, class_weight)) in enumerate(runs.items()):
        if verbose not in ("silent", 0):
            print(f"Sampling bias, training {i + 1} of 3 ({run}): {len(y)} images")
        predictions[run] = _train_and_predict(x, y, data.x_test, class_weight=class_weight, **settings)
    spec = {**settings, "cut_class": cut_class, "fraction": fraction, "mitigation": mitigation, "target": target}
    return _result(predictions, data, spec, baseline_count, y_cut)


def _result(predictions: dict, data: Any, settings: dict[str, Any], baseline_count: int, y_cut: np.ndarray) -> dict:
    """The experiment's settings, each run's figures, the changes from baseline and the statement."""
    cut_class, fraction, mitigation, target = (settings[k] for k in ("cut_class", "fraction", "mitigation", "target"))
    names = tuple(data.class_names)
    y_test = np.asarray(data.y_test).astype(np.int64)
    runs = _run_metrics(predictions, y_test, target, len(names))
    model, epochs, batch_size = settings["model"], settings["epochs"], settings["batch_size"]
    seed, augmentation = settings["seed"], settings["augmentation"]
    result = {
        "cut_class": cut_class,
        "fraction": float(fraction),
        "mitigation": mitigation,
        "model": model,
        "epochs": epochs,
        "batch_size": batch_size,
        "seed": seed,
        "augmentation": augmentation,
        "n_train_images": int(len(data.y_train)),
        "n_cut_class_images": baseline_count,
        "n_cut_class_kept": int(np.sum(y_cut == target)),
        "runs": runs,
        "absorbed_by": absorbed_by(predictions["baseline"], predictions["cut"], y_test, target, names),
    }
    for run, figure in CHANGES:  # e.g. "recall_change" (cut) and "mitigated_recall_change", with intervals
        name = f"{'mitigated_' if run == 'mitigated' else ''}{figure}_change"
        result[name] = runs[run][figure] - runs["baseline"][figure]
        interval = change_interval(predictions["baseline"], predictions[run], y_test, target, figure)
        result[f"{name}_low"], result[f"{name}_high"] = interval
    result["statement"] = _statement(result)
    return result


def _mitigated(
    x_cut: np.ndarray,
    y_cut: np.ndarray,
    target: int,
    mitigation: str,
    baseline_count: int,
    num_classes: int,
    *,
    seed: int,
) -> tuple[np.ndarray, np.ndarray, dict[int, float] | None]:
    """The mitigated run's training data and class weights (`None` for oversampling)."""
    if mitigation == "class_weight":
        return x_cut, y_cut, balancing_class_weights(y_cut, num_classes)
    x_mit, y_mit = oversample_class(x_cut, y_cut, target, baseline_count, seed=seed)
    return x_mit, y_mit, None


def _run_metrics(predictions: dict[str, np.ndarray], y_test: np.ndarray, target: int, num_classes: int) -> dict:
    """Each run's overall accuracy, and the recall and precision of the cut class."""
    runs = {}
    for run, y_pred in predictions.items():
        metrics = per_class_metrics(y_test, y_pred, num_classes=num_classes)
        runs[run] = {
            "accuracy": float(np.mean(y_pred == y_test)),
            "recall": float(metrics["recall"][target]),
            "precision": float(metrics["precision"][target]),
        }
    return runs


def _statement(result: dict) -> str:
    """The experiment's outcome in one paragraph."""
    absorbers = ", ".join(f"{a['class']} (+{a['increase']})" for a in result["absorbed_by"]) or "no single class"
    baseline_recall = result["runs"]["baseline"]["recall"]
    if baseline_recall < NOTHING_TO_TAKE:
        return (
            f"Not a finding: the baseline already recognised almost no {result['cut_class']} (recall "
            f"{baseline_recall:.3f}), so cutting it to {result['n_cut_class_kept']} of {result['n_cut_class_images']} "
            f"training images had nothing left to take (recall change {result['recall_change']:+.3f}). Train "
            "longer or on more images (a stronger baseline) to see what under-representation does."
        )
    return (
        f"Cutting {result['cut_class']} to {result['n_cut_class_kept']} of {result['n_cut_class_images']} training "
        f"images changed its recall by {result['recall_change']:+.3f} and its precision by "
        f"{result['precision_change']:+.3f}, while overall accuracy changed by {result['accuracy_change']:+.3f}. "
        f"Its test images went instead to {absorbers}. With {result['mitigation'].replace('_', ' ')} the recall "
        f"change from baseline was {result['mitigated_recall_change']:+.3f}."
    )
