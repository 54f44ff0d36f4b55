"""Memorization canaries and exposure (cifar_lab.ethics.canaries)."""

from __future__ import annotations

import numpy as np
import pytest

from cifar_lab.ethics.canaries import Canaries, canary_report, exposure, make_canaries, training_set


def small_training_set(n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (n, 8, 8, 3), dtype=np.uint8), np.arange(n) % 10


def test_label_canaries_always_carry_a_wrong_label():
    x, y = small_training_set()
    canaries = make_canaries(x, y, 150, seed=3)
    assert np.all(canaries.labels != y[canaries.source_indices])
    assert np.array_equal(canaries.images, x[canaries.source_indices])


def test_each_canary_is_included_with_probability_one_half():
    x, y = small_training_set(4000)
    canaries = make_canaries(x, y, 2000, seed=1)
    assert 900 < canaries.n_in < 1100  # binomial(2000, 1/2): mean 1000, standard deviation 22


def test_canaries_are_reproducible_from_their_seed_and_change_with_it():
    x, y = small_training_set()
    first, again, other = (make_canaries(x, y, 50, seed=s) for s in (7, 7, 8))
    assert np.array_equal(first.source_indices, again.source_indices)
    assert np.array_equal(first.included, again.included) and np.array_equal(first.labels, again.labels)
    assert not np.array_equal(first.source_indices, other.source_indices)


def test_noise_canaries_are_uint8_images_of_the_training_shape():
    x, y = small_training_set()
    canaries = make_canaries(x, y, 20, kind="noise", seed=0)
    assert canaries.images.shape == (20, 8, 8, 3) and canaries.images.dtype == np.uint8
    assert canaries.source_indices.size == 0


def test_unknown_canary_kind_is_rejected_with_the_valid_kinds():
    x, y = small_training_set()
    with pytest.raises(ValueError, match="label, noise"):
        make_canaries(x, y, 10, kind="text")


def test_training_set_holds_in_canaries_and_no_source_or_out_canary():
    x, y = small_training_set()
    canaries = make_canaries(x, y, 60, seed=2)
    x_fit, y_fit, members = training_set(x, y, canaries)
    assert len(x_fit) == len(x) - 60 + canaries.n_in
    assert np.intersect1d(members, canaries.source_indices).size == 0
    # The random images are all distinct, so each one's count in x_fit says whether it was kept.
    fit_rows = {row.tobytes(): label for row, label in zip(x_fit, y_fit)}
    for image, label, included in zip(canaries.images, canaries.labels, canaries.included):
        assert (fit_rows.get(image.tobytes()) == label) == included


def test_exposure_is_maximal_for_the_lowest_loss_and_zero_for_the_highest():
    reference = np.array([0.5, 0.9, 1.3])
    np.testing.assert_allclose(exposure(np.array([0.1, 2.0]), reference), [np.log2(4), 0.0])


def test_exposure_counts_a_tied_reference_as_half_a_rank():
    # rank = 1 + 1 lower + 0.5 tie = 2.5 among 3 candidates
    np.testing.assert_allclose(exposure(np.array([0.9]), np.array([0.5, 0.9])), [np.log2(3) - np.log2(2.5)])


def test_unmemorised_canaries_average_about_log2_e_bits_of_exposure():
    rng = np.random.default_rng(0)
    exposures = exposure(rng.exponential(size=3000), rng.exponential(size=3000))
    assert exposures.mean() == pytest.approx(np.log2(np.e), abs=0.1)


def _canaries(included: list[bool], labels: list[int] | None = None) -> Canaries:
    n = len(included)
    return Canaries(
        np.zeros((n, 2, 2, 3), np.uint8),
        np.array(labels or [1] * n),
        np.array(included),
        np.empty(0, np.int64),
        "noise",
        0,
    )


def test_report_on_perfectly_memorised_canaries():
    canaries = _canaries([True, True, False, False, False])
    proba = np.array([[0.01, 0.99], [0.02, 0.98], [0.9, 0.1], [0.8, 0.2], [0.7, 0.3]])
    report = canary_report(proba, canaries)
    assert report["auc"] == 1.0
    assert report["predicted_as_canary_label_in"] == 1.0 and report["predicted_as_canary_label_out"] == 0.0
    assert report["highest_exposure_in"] == report["max_exposure"] == pytest.approx(np.log2(4))


def test_report_rejects_too_few_reference_canaries():
    with pytest.raises(ValueError, match="n_canaries"):
        canary_report(np.full((2, 2), 0.5), _canaries([True, False]))


def test_report_rejects_probabilities_for_other_images():
    with pytest.raises(ValueError, match="canaries.images"):
        canary_report(np.full((3, 2), 0.5), _canaries([True, False, False, False]))
