"""The self-checks of `04_evaluation`: recall from a confusion matrix, and where the worst class's images go.

Example:
    >>> import numpy as np
    >>> check_recall([1.0, 0.5], confusion=np.array([[2, 0], [1, 1]]))[0]
    True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cifar_lab.exercises.registry import Exercise, register


def check_recall(answer: Any, *, confusion: np.ndarray) -> tuple[bool, str, str | None]:
    """Exercise 4.1: `recall`, each class's recall computed from the confusion matrix of counts.

    Example:
        >>> print(check_recall([2 / 3, 1.0], confusion=np.array([[2, 0], [1, 1]]))[1])
        Row i of the matrix is the images of true class i: recall is the diagonal divided by the row total, not
        the column total.
    """
    confusion = np.asarray(confusion, dtype=np.float64)
    recall = np.divide(
        np.diag(confusion), confusion.sum(axis=1), out=np.zeros(len(confusion)), where=confusion.sum(axis=1) > 0
    )
    got = np.asarray(answer, dtype=np.float64).ravel()
    if got.shape != recall.shape:
        return False, f"Give one recall per class: {len(recall)} numbers, not {got.size}.", None
    if np.allclose(got, recall, atol=1e-6):
        return True, f"Recall from {recall.min():.2f} (worst class) to {recall.max():.2f} (best).", None
    columns = np.divide(
        np.diag(confusion), confusion.sum(axis=0), out=np.zeros(len(confusion)), where=confusion.sum(axis=0) > 0
    )
    if np.allclose(got, columns, atol=1e-6):
        return (
            False,
            "Row i of the matrix is the images of true class i: recall is the diagonal divided by the row total, "
            "not the column total.",
            None,
        )
    return False, "Not every recall matches the matrix: diagonal count divided by the row total, for each class.", None


def check_worst_class(answer: Any, *, confusion: np.ndarray, class_names: Any) -> tuple[bool, str, str | None]:
    """Exercise 4.2: `worst_and_destination`, the class with the lowest recall and the class most of its images go to.

    Example:
        >>> check_worst_class(("b", "a"), confusion=np.array([[2, 0], [1, 1]]), class_names=["a", "b"])[0]
        True
    """
    confusion = np.asarray(confusion)
    names = list(class_names)
    recall = np.diag(confusion) / np.maximum(confusion.sum(axis=1), 1)
    worst = [names[i] for i in np.flatnonzero(recall == recall.min())]
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return False, "Give two class names: (worst class, the class most of its images are predicted as).", None
    chosen, went_to = answer
    if chosen not in worst:
        return False, f"{chosen!r} is not the class with the lowest recall; that is {' or '.join(worst)}.", None
    row = confusion[names.index(chosen)].astype(float)
    row[names.index(chosen)] = -1  # the mistakes only
    destinations = [names[i] for i in np.flatnonzero(row == row.max())]
    if went_to not in destinations:
        return False, f"Most of {chosen}'s mistakes go elsewhere: read its row of the matrix.", None
    share = row.max() / max(confusion[names.index(chosen)].sum(), 1)
    return True, f"{chosen}: {share:.0%} of its test images are predicted as {went_to}.", None


register(
    Exercise(
        "4.1",
        "04_evaluation",
        "Recall from the confusion matrix",
        "recall",
        "report['confusion'] counts images: row = true class, column = predicted class. Recall of class i is "
        "the share of its images predicted as i.",
        check_recall,
    )
)
register(
    Exercise(
        "4.2",
        "04_evaluation",
        "The worst class, and where its images go",
        "worst_and_destination",
        "Find the lowest recall, then the largest count in that class's row of the matrix, off the diagonal.",
        check_worst_class,
    )
)
