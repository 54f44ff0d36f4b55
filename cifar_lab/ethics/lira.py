"""Offline LiRA: a membership test per image, against reference models that never saw it (Carlini et al. 2022).

The loss-threshold attack compares every image with one global threshold, yet some images are easy
(every model is confident on them) and some hard. The Likelihood Ratio Attack asks instead, for each
image, whether the audited model is *more* confident on it than models trained without it would be:

1. `train_reference_models` trains `reference_models` copies of the audited model's recipe on random
   halves of a pool of images (the audited model's training members and the test images), so that
   each image is left out of half of them (OUT);
2. each reference model scores every pool image by its logit-scaled confidence
   `log p_y - log sum_{j != y} p_j` (`cifar_lab.ethics.privacy.logit_score`), which is close to
   Gaussian across models;
3. `offline_lira_scores` fits a Gaussian to each image's OUT scores and scores the audited model's
   confidence by how far it lies above that Gaussian's mean, in standard deviations (the one-sided
   test of the offline variant; the IN models are not used). With few reference models a per-image
   variance cannot be estimated, so one variance pooled over images is used (Carlini et al.'s "fixed
   variance"), as they recommend below 64 models.

Not run in the tests: `train_reference_models` trains several models (minutes); the scoring it
feeds is shown running below and in its own examples.

Example:
    >>> import numpy as np
    >>> included = reference_splits(4, 2, seed=0)
    >>> included.sum(axis=0).tolist()
    [1, 1, 1, 1]
    >>> references = np.array([[0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 2.0, 3.0]])
    >>> offline_lira_scores(np.array([1.0, 1.0, 2.0, 3.0]), references, included).round(2).tolist()
    [0.89, 0.0, 0.0, 0.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from cifar_lab.errors import UsageError
from cifar_lab.ethics.privacy import logit_score

# Below this many OUT scores per image, one variance pooled over all images replaces the per-image ones.
PER_IMAGE_VARIANCE_MIN_OUT = 32


@dataclass(frozen=True)
class References:
    """Reference models' scores on the pool of images LiRA audits.

    The pool is `data.x_train[member_indices]` followed by every test image, in that order.

    Attributes:
        member_indices: positions in `data.x_train` of the pool's training part (the audited model's members).
        included: bool `(reference_models, n_pool)`: whether each reference model trained on each pool image.
        scores: float `(reference_models, n_pool)`: each reference model's logit-scaled confidence on each image.
        settings: how the reference models were trained (recorded on the model card).
        out_proba: float `(n_pool, n_classes)`: each image's mean probabilities from the reference models
            that did not train on it, out-of-sample predictions for the datasheet's label-error search.
    """

    member_indices: np.ndarray
    included: np.ndarray
    scores: np.ndarray
    settings: dict[str, Any]
    out_proba: np.ndarray | None = None


def reference_splits(n_pool: int, reference_models: int, *, seed: int = 0) -> np.ndarray:
    """Which pool images each reference model trains on: each image in exactly `reference_models // 2` of them.

    Balancing per image (rather than a coin per image and model) leaves every image OUT of the same
    number of models, so no image lacks the OUT scores the test needs.

    Raises:
        UsageError: fewer than two reference models (one would leave each image IN or OUT of all of them).

    Example:
        >>> reference_splits(5, 4, seed=1).sum(axis=0).tolist()
        [2, 2, 2, 2, 2]
    """
    if int(reference_models) < 2:
        raise UsageError(
            f"Offline LiRA needs at least 2 reference models; got {reference_models}. "
            "Pass reference_models=0 to skip LiRA, or 2 or more (4 is a good start)."
        )
    rng = np.random.default_rng(seed)
    included = np.zeros((reference_models, n_pool), dtype=bool)
    for image in range(n_pool):
        included[rng.choice(reference_models, size=reference_models // 2, replace=False), image] = True
    return included


def offline_lira_scores(target: np.ndarray, reference: np.ndarray, included: np.ndarray) -> np.ndarray:
    """Offline LiRA score of each image: `(target - mean of its OUT scores) / sd`, higher = more likely a member.

    `target` is the audited model's logit-scaled confidence per image, `reference` and `included`
    the reference models' scores and training membership, shaped `(reference_models, n_images)`.

    Example:
        >>> included = np.array([[False, True], [False, False], [True, False]])
        >>> reference = np.array([[1.0, 0.0], [3.0, 1.0], [9.0, 2.0]])
        >>> offline_lira_scores(np.array([2.0, 2.0]), reference, included).round(3).tolist()
        [0.0, 0.447]
    """
    target = np.asarray(target, dtype=np.float64)
    reference, out = np.asarray(reference, dtype=np.float64), ~np.asarray(included, dtype=bool)
    n_out = out.sum(axis=0)
    if reference.shape != out.shape or target.shape != n_out.shape or n_out.min() < 1:
        raise UsageError(
            f"Reference scores {reference.shape} and inclusion {out.shape} must be (reference_models, n_images) "
            f"for {target.size} images, each image OUT of at least one model. Use reference_splits."
        )
    mean = np.where(out, reference, 0.0).sum(axis=0) / n_out
    squares = np.where(out, (reference - mean) ** 2, 0.0)
    if n_out.min() >= PER_IMAGE_VARIANCE_MIN_OUT:
        sd = np.sqrt(squares.sum(axis=0) / (n_out - 1))
    elif (n_out - 1).sum() > 0:
        sd = np.sqrt(squares.sum() / (n_out - 1).sum())
    else:  # one OUT score per image: no spread to pool; the scale does not change the ranking
        sd = float(np.std(reference[out])) or 1.0
    return (target - mean) / np.maximum(sd, 1e-12)


def train_reference_models(
    data: Any,
    member_indices: np.ndarray,
    *,
    reference_models: int,
    model: str = "original",
    epochs: int = 2,
    batch_size: int = 128,
    seed: int = 0,
    learning_rate: float | None = None,
    optimizer: str | None = None,
    verbose: str | int = "auto",
) -> References:
    """Train `reference_models` models of the audited recipe on random halves of the pool, and score the pool.

    Pass the audited model's own recipe (model, epochs, batch size, optimizer, learning rate): the
    reference models stand for "the same training, without this image". Each prints one line when it
    starts, then its training progress (`verbose`, as in `cifar_lab.train.train_model`).

    Not run in the tests: it trains several models, which takes minutes.

    Example:
        >>> refs = train_reference_models(data, members, reference_models=4, epochs=5)  # doctest: +SKIP
        >>> refs.scores.shape  # doctest: +SKIP
        (4, 4267)
    """
    from cifar_lab.evaluate.predict import predict_proba
    from cifar_lab.models.registry import build_model
    from cifar_lab.train.loop import train_model

    member_indices = np.asarray(member_indices, dtype=np.int64)
    x_pool = np.concatenate([np.asarray(data.x_train)[member_indices], np.asarray(data.x_test)])
    y_pool = np.concatenate([np.asarray(data.y_train)[member_indices], np.asarray(data.y_test)]).astype(np.int64)
    included = reference_splits(len(y_pool), reference_models, seed=seed)
    hparams = {k: v for k, v in (("learning_rate", learning_rate), ("optimizer", optimizer)) if v is not None}
    scores = np.empty(included.shape)
    out_proba = 0.0
    for k in range(reference_models):
        print(f"Reference model {k + 1} of {reference_models}: {included[k].sum()} of {len(y_pool)} pool images")
        network = build_model(model, seed=seed + 1 + k, **hparams)
        train_model(
            network, x_pool[included[k]], y_pool[included[k]], epochs=epochs, batch_size=batch_size,
            seed=seed + 1 + k, verbose=verbose,
        )  # fmt: skip
        proba = predict_proba(network, x_pool)
        scores[k] = logit_score(proba, y_pool)
        out_proba = out_proba + np.where(included[k][:, None], 0.0, proba)
    settings = dict(reference_models=reference_models, model=model, epochs=epochs, batch_size=batch_size, seed=seed)
    out_proba = out_proba / (~included).sum(axis=0)[:, None]
    return References(member_indices, included, scores, {**settings, **hparams}, out_proba)
