"""Memorization canaries: the Secret Sharer (Carlini et al. 2019), for images.

A canary is a training example nobody could learn from the data's patterns, only by memorising it:
a real training image given a random *wrong* label (`kind="label"`) or an image of pure noise with a
random label (`kind="noise"`). `make_canaries` draws them before training and flips a seeded coin
for each: heads it is trained on (IN), tails it is never seen (OUT). The OUT canaries are the reference:
they are what an un-memorised canary looks like to the model.

After training, `canary_report` measures how far each IN canary stands out from the reference:

- **exposure** = `log2(|R|) - log2(rank)`, where the candidate set `R` is the canary together with
  the reference (OUT) canaries and `rank` is the canary's position when `R` is sorted by the
  model's loss on each candidate's canary label (1 = lowest loss; ties count one half). The inserted
  secret is one of the candidates, as in Carlini et al.'s definition. Exposure is capped at
  `log2(|R|)`: with few OUT canaries a well-memorised canary sits at the cap, and the share of IN
  canaries there (`share_in_at_cap`) says the measurement has saturated (draw more canaries).
  The OUT canaries' mean exposure is not a measurement: each OUT canary ranked against the others
  averages `log2 n - log2(n!)/n` whatever the model does.
- the **IN-vs-OUT AUC** of the attack "low loss on the canary label means trained on", with its 95%
  bootstrap interval (`cifar_lab.ethics.intervals`);
- the **share of IN and of OUT canaries predicted as their canary label**.

Pure numpy.

Example:

    >>> import numpy as np
    >>> exposure(np.array([0.1]), np.array([0.5, 0.9, 1.3])).round(3).tolist()
    [2.0]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cifar_lab.errors import UsageError
from cifar_lab.ethics.intervals import bootstrap_interval
from cifar_lab.ethics.privacy import PROBABILITY_FLOOR, roc_auc

CANARY_KINDS = ("label", "noise")

# Each canary is trained on with this probability (heads), otherwise kept out as a reference.
INCLUSION_PROBABILITY = 0.5


@dataclass(frozen=True)
class Canaries:
    """Canaries drawn by `make_canaries`.

    Attributes:
        images: uint8 `(n, H, W, C)` canary images.
        labels: int64 `(n,)` canary labels (wrong labels for `kind="label"`).
        included: bool `(n,)`: True for IN canaries (trained on), False for OUT (reference).
        source_indices: int64 positions in the training set the images came from (empty for noise);
            `training_set` removes those images so OUT canaries are never seen at all.
        kind: `"label"` or `"noise"`.
        seed: the seed they were drawn with.
    """

    images: np.ndarray
    labels: np.ndarray
    included: np.ndarray
    source_indices: np.ndarray
    kind: str
    seed: int

    @property
    def n_in(self) -> int:
        """How many canaries are trained on."""
        return int(self.included.sum())

    @property
    def n_out(self) -> int:
        """How many canaries are kept out as the reference."""
        return int((~self.included).sum())


def make_canaries(
    x_train: np.ndarray,
    y_train: np.ndarray,
    n_canaries: int = 100,
    *,
    kind: str = "label",
    seed: int = 0,
    num_classes: int = 10,
) -> Canaries:
    """Draw `n_canaries` canaries, each trained on with probability 1/2 (seeded).

    Example:
        >>> x = np.zeros((50, 8, 8, 3), np.uint8); y = np.arange(50) % 10
        >>> c = make_canaries(x, y, 20, seed=1)
        >>> c.images.shape, bool(np.all(c.labels != y[c.source_indices])), c.n_in + c.n_out
        ((20, 8, 8, 3), True, 20)
    """
    x_train = np.asarray(x_train)
    y_train = np.asarray(y_train).astype(np.int64).ravel()
    if kind not in CANARY_KINDS:
        raise UsageError(f"Unknown canary kind {kind!r}. Valid kinds: {', '.join(CANARY_KINDS)}.")
    if not 2 <= n_canaries <= len(x_train) // 2:
        raise UsageError(
            f"n_canaries must be between 2 and half the training set ({len(x_train) // 2}); got {n_canaries}. "
            "Pass fewer canaries or more training images."
        )
    rng = np.random.default_rng(seed)
    if kind == "label":
        source = np.sort(rng.choice(len(x_train), size=n_canaries, replace=False))
        images = x_train[source].copy()
        # A shift of 1..num_classes-1 classes: uniform over the wrong labels, never the true one.
        labels = (y_train[source] + rng.integers(1, num_classes, size=n_canaries)) % num_classes
    else:
        source = np.empty(0, dtype=np.int64)
        images = rng.integers(0, 256, size=(n_canaries, *x_train.shape[1:]), dtype=np.uint8)
        labels = rng.integers(0, num_classes, size=n_canaries)
    included = rng.random(n_canaries) < INCLUSION_PROBABILITY
    return Canaries(images, labels.astype(np.int64), included, source.astype(np.int64), kind, seed)


def training_set(
    x_train: np.ndarray, y_train: np.ndarray, canaries: Canaries
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The training set to fit on: `x_train` minus the canaries' source images, plus the IN canaries.

    Returns `(x_fit, y_fit, member_indices)`: the rows are shuffled (seeded by the canaries' seed)
    so the canaries are spread through each epoch, and `member_indices` are the positions in
    `x_train` of the genuine images kept, the members for `cifar_lab.ethics.privacy`.

    Example:
        >>> x = np.zeros((50, 8, 8, 3), np.uint8); y = np.arange(50) % 10
        >>> c = make_canaries(x, y, 20, seed=1)
        >>> x_fit, y_fit, members = training_set(x, y, c)
        >>> len(x_fit) == 50 - 20 + c.n_in, len(members)
        (True, 30)
    """
    keep = np.setdiff1d(np.arange(len(x_train)), canaries.source_indices)
    x_fit = np.concatenate([np.asarray(x_train)[keep], canaries.images[canaries.included]])
    y_fit = np.concatenate([np.asarray(y_train).astype(np.int64)[keep], canaries.labels[canaries.included]])
    order = np.random.default_rng(canaries.seed).permutation(len(x_fit))
    return x_fit[order], y_fit[order], keep


def exposure(canary_losses: np.ndarray, reference_losses: np.ndarray) -> np.ndarray:
    """Exposure in bits of each canary against reference candidates never trained on.

    `log2(len(reference) + 1) - log2(rank)`, `rank` = 1 + the number of references with a lower
    loss (+ one half per tie).

    Example:
        >>> exposure(np.array([0.1, 2.0]), np.array([0.5, 0.9, 1.3])).tolist()
        [2.0, 0.0]
    """
    canary_losses = np.asarray(canary_losses, dtype=np.float64).ravel()
    reference = np.sort(np.asarray(reference_losses, dtype=np.float64).ravel())
    if reference.size == 0:
        raise UsageError("Exposure needs at least one reference canary; draw more canaries (n_canaries).")
    lower = np.searchsorted(reference, canary_losses, side="left")
    ties = np.searchsorted(reference, canary_losses, side="right") - lower
    rank = 1.0 + lower + 0.5 * ties
    return np.log2(reference.size + 1.0) - np.log2(rank)


def canary_losses(proba: np.ndarray, canaries: Canaries) -> np.ndarray:
    """Cross-entropy of each canary under its canary label, from the model's probabilities on them.

    Example:
        >>> no_images = np.empty(0, np.int64)
        >>> c = Canaries(np.zeros((1, 2, 2, 3), np.uint8), np.array([1]), np.array([True]), no_images, "noise", 0)
        >>> canary_losses(np.array([[0.5, 0.5]]), c).round(3).tolist()
        [0.693]
    """
    proba = np.asarray(proba, dtype=np.float64)
    if proba.shape[0] != len(canaries.labels):
        raise UsageError(
            f"Got probabilities for {proba.shape[0]} images but there are {len(canaries.labels)} canaries. "
            "Predict on canaries.images."
        )
    p_label = np.clip(proba[np.arange(len(canaries.labels)), canaries.labels], PROBABILITY_FLOOR, 1.0)
    return -np.log(p_label)


def canary_report(proba: np.ndarray, canaries: Canaries, *, seed: int = 0) -> dict:
    """Exposure, IN-vs-OUT AUC and canary-label prediction rates from the model's outputs on the canaries.

    `proba` is the model's probabilities on `canaries.images` (no augmentation). OUT canaries get an
    exposure too, each against the other OUT canaries: the spread expected without memorisation.
    Returns a dict of summary figures (the AUC with its 95% bootstrap interval, seeded by `seed`) plus
    `exposure_in` / `exposure_out` arrays for plotting.

    Example:
        >>> c = Canaries(np.zeros((4, 2, 2, 3), np.uint8), np.array([1, 1, 1, 1]),
        ...              np.array([True, True, False, False]), np.empty(0, np.int64), "noise", 0)
        >>> p = np.array([[0.1, 0.9], [0.2, 0.8], [0.7, 0.3], [0.6, 0.4]])
        >>> r = canary_report(p, c)
        >>> r["auc"], r["predicted_as_canary_label_in"], r["predicted_as_canary_label_out"]
        (1.0, 1.0, 0.0)
    """
    if canaries.n_in < 1 or canaries.n_out < 2:
        raise UsageError(
            f"The canary report needs at least 1 IN and 2 OUT canaries; got {canaries.n_in} IN and "
            f"{canaries.n_out} OUT. Draw more canaries (n_canaries) or another seed."
        )
    losses = canary_losses(proba, canaries)
    in_losses, out_losses = losses[canaries.included], losses[~canaries.included]
    exposure_in = exposure(in_losses, out_losses)
    exposure_out = np.array(
        [exposure(out_losses[i : i + 1], np.delete(out_losses, i))[0] for i in range(out_losses.size)]
    )
    predicted = np.asarray(proba).argmax(axis=1) == canaries.labels
    cap = float(np.log2(out_losses.size + 1.0))
    auc_low, auc_high = bootstrap_interval(-in_losses, -out_losses, roc_auc, seed=seed)
    return {
        "kind": canaries.kind,
        "n_in": canaries.n_in,
        "n_out": canaries.n_out,
        "max_exposure": cap,
        "mean_exposure_in": float(exposure_in.mean()),
        "median_exposure_in": float(np.median(exposure_in)),
        "highest_exposure_in": float(exposure_in.max()),
        "share_in_at_cap": float(np.mean(exposure_in >= cap - 1e-9)),
        "auc": roc_auc(-in_losses, -out_losses),
        "auc_low": auc_low,
        "auc_high": auc_high,
        "predicted_as_canary_label_in": float(predicted[canaries.included].mean()),
        "predicted_as_canary_label_out": float(predicted[~canaries.included].mean()),
        "exposure_in": exposure_in,
        "exposure_out": exposure_out,
    }
