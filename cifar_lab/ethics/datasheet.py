"""A datasheet for the data actually used (after Gebru et al. 2021): provenance, near-duplicates, label errors.

- `provenance`: where the images came from (the official URL, the file read and its SHA-256), how
  many there are per class in each split, and whether they were synthetic.
- `near_duplicates`: test images that are (nearly) the same picture as a training image, so a test
  score partly measures memory. Each image is shrunk to 8x8x3 by averaging 4x4 blocks, its mean is
  subtracted and it is scaled to unit length; two images are near-duplicates when the cosine
  similarity of these vectors is at least `NEAR_DUPLICATE_THRESHOLD`. Shrinking ignores noise and
  small shifts; removing the mean and the length ignores brightness and contrast.
- `label_issues`: candidate label errors, from Confident Learning (Northcutt, Jiang & Chuang 2021)
  as `cleanlab.filter.find_label_issues` implements it, on *out-of-sample* probabilities: each
  image's mean prediction by the LiRA reference models that did not train on it
  (`cifar_lab.ethics.lira.References.out_proba`). Candidates, not verdicts: look at them.

Pure numpy (cleanlab is imported when label issues are asked for).

Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> train = rng.integers(0, 256, (20, 32, 32, 3), dtype=np.uint8)
    >>> test = np.concatenate([train[3:4], rng.integers(0, 256, (4, 32, 32, 3), dtype=np.uint8)])
    >>> [(p["test"], p["train"]) for p in near_duplicates(train, test)["pairs"]]
    [(0, 3)]
"""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from cifar_lab.data.cifar10 import CIFAR10_ARCHIVE
from cifar_lab.errors import UsageError
from cifar_lab.figures import new_figure

# Cosine similarity of the shrunk, centred images at and above which a pair counts as near-duplicate.
# Looked at on the course's mini set: the 3 pairs above it (0.960 to 0.973) are the same photograph;
# the next, at 0.952, a truck and a car in the same pose; a re-framed copy (test 180) scores 0.932 and
# is missed. Pixel similarity is a cheap screen: it finds copies, not every near-duplicate.
NEAR_DUPLICATE_THRESHOLD = 0.955

# Below this out-of-sample accuracy the label-error candidates are mostly the predicting models' own
# mistakes (Confident Learning trusts the probabilities): the card says so instead of listing findings.
LABEL_ISSUES_MIN_ACCURACY = 0.8

# Test images compared with all training images at once: bounds the similarity block's memory.
CHUNK = 1024

# Side of the pixel blocks averaged before comparing: 4 keeps 8x8x3 of each image (16x16 separated no better).
BLOCK = 4


def _embed(x_uint8: np.ndarray) -> np.ndarray:
    x = np.asarray(x_uint8, dtype=np.float32)
    n, h, w, c = x.shape
    small = x.reshape(n, h // BLOCK, BLOCK, w // BLOCK, BLOCK, c).mean(axis=(2, 4)).reshape(n, -1)
    small -= small.mean(axis=1, keepdims=True)
    # A flat image (one colour) has no direction: it stays zero and matches nothing.
    return small / np.maximum(np.linalg.norm(small, axis=1, keepdims=True), 1e-6)


def near_duplicates(
    x_train: np.ndarray, x_test: np.ndarray, *, threshold: float = NEAR_DUPLICATE_THRESHOLD, max_listed: int = 20
) -> dict[str, Any]:
    """The test images whose most similar training image reaches `threshold`: their count, and the pairs.

    Returns `pairs` (`test`, `train` positions and `similarity`; the `max_listed` most similar),
    `n_test_with_duplicate` (all of them), its share of the test set and the threshold.

    Example:
        >>> x = np.zeros((2, 32, 32, 3), np.uint8); x[0, :16] = 255; x[1, :, :16] = 255
        >>> near_duplicates(x, x[:1])["share_test_with_duplicate"]
        1.0
    """
    if not 0.0 < threshold <= 1.0:
        raise UsageError(f"threshold must be in (0, 1]; got {threshold}. Pass a cosine similarity such as 0.955.")
    train = _embed(x_train)
    best, where = [], []
    for start in range(0, len(x_test), CHUNK):
        similarity = _embed(x_test[start : start + CHUNK]) @ train.T
        where.append(similarity.argmax(axis=1))
        best.append(similarity.max(axis=1))
    best_all, where_all = np.concatenate(best), np.concatenate(where)
    found = np.flatnonzero(best_all >= threshold - 1e-6)
    found = found[np.argsort(-best_all[found], kind="stable")]
    pairs = [{"test": int(t), "train": int(where_all[t]), "similarity": float(best_all[t])} for t in found]
    return {
        "threshold": float(threshold),
        "pairs": pairs[:max_listed],
        "n_test_with_duplicate": len(pairs),
        "share_test_with_duplicate": len(pairs) / max(len(x_test), 1),
    }


def plot_near_duplicates(x_train: np.ndarray, x_test: np.ndarray, pairs: list[dict], *, max_pairs: int = 8) -> Figure:
    """The most similar pairs side by side: test image above, its training near-duplicate below.

    Example:
        >>> x = np.zeros((1, 32, 32, 3), np.uint8)
        >>> len(plot_near_duplicates(x, x, [{"test": 0, "train": 0, "similarity": 1.0}]).axes)
        2
    """
    shown = pairs[:max_pairs]
    figure = new_figure(figsize=(1.6 * max(len(shown), 1), 3.6))
    if not shown:
        figure.text(0.5, 0.5, "no near-duplicates at this threshold", ha="center", va="center")
        return figure
    axes = np.asarray(figure.subplots(2, len(shown), squeeze=False))
    for k, pair in enumerate(shown):
        axes[0, k].imshow(x_test[pair["test"]])
        axes[0, k].set_title(f"test {pair['test']}\ncos {pair['similarity']:.3f}", fontsize="small")
        axes[1, k].imshow(x_train[pair["train"]])
        axes[1, k].set_title(f"train {pair['train']}", fontsize="small")
    for ax in axes.ravel():
        ax.set_axis_off()
    return figure


def label_issues(labels: np.ndarray, out_of_sample_proba: np.ndarray, *, max_listed: int = 20) -> dict[str, Any]:
    """Candidate label errors by Confident Learning (cleanlab), worst first, from out-of-sample probabilities.

    Example:
        >>> proba = np.tile([[0.9, 0.1], [0.1, 0.9]], (10, 1))
        >>> labels = np.tile([0, 1], 10); labels[4] = 1
        >>> label_issues(labels, proba)["indices"]
        [4]
    """
    with warnings.catch_warnings():
        # cleanlab imports tqdm.auto, which warns in a kernel without ipywidgets; no progress bar is shown here.
        warnings.filterwarnings("ignore", message="IProgress not found")
        from cleanlab.filter import find_label_issues

    labels = np.asarray(labels).astype(np.int64)
    proba = np.asarray(out_of_sample_proba, dtype=np.float64)
    ranked = find_label_issues(labels, proba, return_indices_ranked_by="self_confidence")
    return {
        "method": "cleanlab.filter.find_label_issues (Confident Learning), ranked by self-confidence",
        "out_of_sample_accuracy": float(np.mean(proba.argmax(axis=1) == labels)),
        "n_issues": int(ranked.size),
        "share": float(ranked.size / max(labels.size, 1)),
        "indices": [int(i) for i in ranked[:max_listed]],
        "given_label": [int(labels[i]) for i in ranked[:max_listed]],
        "suggested_label": [int(proba[i].argmax()) for i in ranked[:max_listed]],
    }


def _sha256(path: Path) -> str | None:
    if not path.is_file():
        return None
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def provenance(data: Any, members: np.ndarray) -> dict[str, Any]:
    """Where the images came from and how many of each class each split holds (training: the members).

    Example:
        >>> from cifar_lab.data import make_synthetic
        >>> p = provenance(make_synthetic(n_train=20, n_test=10), np.arange(20))
        >>> p["synthetic"], sum(p["train_per_class"].values()), p["sha256"]
        (True, 20, None)
    """
    names = list(data.class_names)
    train_counts = np.bincount(np.asarray(data.y_train)[members].astype(np.int64), minlength=len(names))
    test_counts = np.bincount(np.asarray(data.y_test).astype(np.int64), minlength=len(names))
    return {
        "synthetic": bool(data.synthetic),
        "source": str(data.source),
        "official_url": None if data.synthetic else CIFAR10_ARCHIVE.url,
        "official_sha256": None if data.synthetic else CIFAR10_ARCHIVE.sha256,
        "sha256": None if data.synthetic else _sha256(Path(str(data.source))),
        "train_per_class": dict(zip(names, train_counts.tolist())),
        "test_per_class": dict(zip(names, test_counts.tolist())),
        "split": "training: the audited model's members; test: the held-out images (non-members)",
    }


def datasheet(data: Any, members: np.ndarray, references: Any = None) -> dict[str, Any]:
    """Provenance, train/test near-duplicates and (given LiRA `references`) candidate label errors.

    Positions are in `data.x_train` and `data.x_test`. Label errors are searched in the reference
    models' pool (members, then test images) with their out-of-sample probabilities; without
    references there are none to search with, and `label_issues` is `None`.

    Example:
        >>> from cifar_lab.data import make_synthetic
        >>> sheet = datasheet(make_synthetic(n_train=40, n_test=20), np.arange(40))
        >>> sorted(sheet), sheet["label_issues"]
        (['label_issues', 'near_duplicates', 'provenance'], None)
    """
    members = np.asarray(members, dtype=np.int64)
    duplicates = near_duplicates(np.asarray(data.x_train)[members], data.x_test)
    for pair in duplicates["pairs"]:
        pair["train"] = int(members[pair["train"]])
    issues = None
    if references is not None and getattr(references, "out_proba", None) is not None:
        pool_labels = np.concatenate([np.asarray(data.y_train)[references.member_indices], data.y_test])
        issues = label_issues(pool_labels, references.out_proba)
        n_members = len(references.member_indices)
        issues["where"] = [
            {"split": "train", "index": int(references.member_indices[i])}
            if i < n_members
            else {"split": "test", "index": int(i - n_members)}
            for i in issues["indices"]
        ]
    return {"provenance": provenance(data, members), "near_duplicates": duplicates, "label_issues": issues}
