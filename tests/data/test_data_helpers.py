"""Helpers the notebooks use: validation split, stratified subset, normalise, one-hot, counts, sample grid."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from cifar_lab.data import (
    CLASS_NAMES,
    class_counts,
    make_synthetic,
    normalize,
    one_hot,
    plot_sample_grid,
    split_validation,
    stratified_subset,
)
from cifar_lab.data.splits import subset_and_split


@pytest.fixture
def labelled():
    """100 items whose value is their index, with unbalanced, shuffled labels (4 to 14 per class)."""
    y = np.repeat(np.arange(10), [4, 6, 8, 10, 12, 14, 10, 12, 12, 12])
    y = np.random.default_rng(3).permutation(y)
    return np.arange(len(y)), y


@pytest.mark.parametrize(("n", "fraction"), [(100, 0.15), (4065, 0.2), (50000, 0.1), (7, 0.3), (10, 0.7)])
def test_split_without_seed_is_exactly_keras_validation_split(n, fraction):
    from keras.src.trainers.data_adapters.array_slicing import train_validation_split

    x, y = np.arange(n), np.arange(n) % 10
    (keras_x_train, keras_y_train), (keras_x_val, keras_y_val) = train_validation_split((x, y), fraction)
    x_train, y_train, x_val, y_val = split_validation(x, y, fraction)
    for ours, theirs in [
        (x_train, keras_x_train),
        (y_train, keras_y_train),
        (x_val, keras_x_val),
        (y_val, keras_y_val),
    ]:
        np.testing.assert_array_equal(ours, theirs)


def test_split_without_seed_returns_views_not_copies(labelled):
    x, y = labelled
    x_train, _, x_val, _ = split_validation(x, y, 0.2)
    assert np.shares_memory(x_train, x) and np.shares_memory(x_val, x)


def test_seeded_split_is_a_reproducible_partition_in_original_order(labelled):
    x, y = labelled
    first = split_validation(x, y, 0.2, seed=7)
    again = split_validation(x, y, 0.2, seed=7)
    other = split_validation(x, y, 0.2, seed=8)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[2], other[2])
    x_train, y_train, x_val, y_val = first
    assert sorted(np.concatenate([x_train, x_val]).tolist()) == list(range(100))
    assert len(x_val) == 20 and np.all(np.diff(x_val) > 0)
    np.testing.assert_array_equal(y_val, y[x_val])


def test_stratified_split_keeps_each_class_fraction(labelled):
    x, y = labelled
    _, y_train, _, y_val = split_validation(x, y, 0.25, seed=0, stratify=True)
    per_class = np.bincount(y)
    np.testing.assert_array_equal(np.bincount(y_val, minlength=10), np.round(per_class * 0.25).astype(int))
    np.testing.assert_array_equal(np.bincount(y_train, minlength=10) + np.bincount(y_val, minlength=10), per_class)


def test_stratified_split_without_seed_holds_out_the_last_items_of_each_class(labelled):
    x, y = labelled
    x_val = split_validation(x, y, 0.25, stratify=True)[2]
    for label in range(10):
        members = x[y == label]
        k = round(len(members) * 0.25)
        np.testing.assert_array_equal(x_val[y[x_val] == label], members[len(members) - k :])


@pytest.mark.parametrize("fraction", [0, 1, 1.5, -0.1])
def test_split_rejects_fractions_outside_0_and_1(labelled, fraction):
    with pytest.raises(ValueError, match="val_fraction must be between 0 and 1"):
        split_validation(*labelled, fraction)


def test_split_that_leaves_no_validation_item_is_explained():
    with pytest.raises(ValueError, match="both need at least one"):
        split_validation(np.arange(5), np.arange(5), 0.9, seed=0)


def test_split_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="x has 3 items but y has 2"):
        split_validation(np.arange(3), np.arange(2))


def test_subset_takes_n_per_class(labelled):
    x, y = labelled
    x_sub, y_sub = stratified_subset(x, y, n_per_class=3, seed=1)
    assert np.bincount(y_sub).tolist() == [3] * 10
    np.testing.assert_array_equal(y_sub, y[x_sub])
    assert np.all(np.diff(x_sub) > 0)


def test_subset_takes_a_fraction_of_each_class(labelled):
    x, y = labelled
    _, y_sub = stratified_subset(x, y, fraction=0.5)
    np.testing.assert_array_equal(np.bincount(y_sub), np.round(np.bincount(y) * 0.5).astype(int))


def test_subset_is_reproducible_and_depends_on_the_seed(labelled):
    x, y = labelled
    a, b, c = (stratified_subset(x, y, n_per_class=2, seed=s)[0] for s in (5, 5, 6))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_subset_larger_than_a_class_names_the_class_and_the_limit(labelled):
    with pytest.raises(ValueError, match=r"Class 0 has only 4 items.*n_per_class <= 4"):
        stratified_subset(*labelled, n_per_class=5)


def test_subset_needs_exactly_one_of_n_per_class_and_fraction(labelled):
    with pytest.raises(ValueError, match="exactly one of n_per_class"):
        stratified_subset(*labelled, n_per_class=2, fraction=0.5)
    with pytest.raises(ValueError, match="exactly one of n_per_class"):
        stratified_subset(*labelled)


def test_normalize_maps_uint8_to_float32_unit_range():
    x = np.array([[0, 1, 128, 255]], dtype=np.uint8)
    out = normalize(x)
    assert out.dtype == np.float32 and out.shape == x.shape
    np.testing.assert_allclose(out, x / 255.0, rtol=1e-6)


def test_normalize_refuses_already_scaled_floats():
    with pytest.raises(TypeError, match="expects uint8 images.*got float32"):
        normalize(np.zeros(3, dtype=np.float32))


def test_one_hot_matches_the_identity_rows():
    out = one_hot(np.array([3, 0, 9]))
    assert out.dtype == np.float32 and out.shape == (3, 10)
    np.testing.assert_array_equal(out.argmax(axis=1), [3, 0, 9])
    np.testing.assert_array_equal(out.sum(axis=1), [1, 1, 1])


def test_one_hot_refuses_labels_out_of_range():
    with pytest.raises(ValueError, match=r"Labels must be in 0..9, got 0..10"):
        one_hot(np.array([0, 10]))


def test_one_hot_explains_column_labels():
    with pytest.raises(ValueError, match=r"y.ravel\(\)"):
        one_hot(np.zeros((4, 1), dtype=np.int64))


def test_class_counts_lists_every_class_in_label_order():
    counts = class_counts(np.array([1, 1, 9]), CLASS_NAMES)
    assert list(counts) == list(CLASS_NAMES)
    assert counts["automobile"] == 2 and counts["truck"] == 1 and counts["cat"] == 0


def test_sample_grid_is_a_labelled_figure_under_agg():
    data = make_synthetic(n_train=60, n_test=10)
    figure = plot_sample_grid(data.x_train, data.y_train, data.class_names, per_class=4, title="Synthetic data")
    assert isinstance(figure, Figure)
    assert len(figure.axes) == 40
    row_labels = [figure.axes[row * 4].get_ylabel() for row in range(10)]
    assert row_labels == list(CLASS_NAMES)
    assert figure._suptitle.get_text() == "Synthetic data"
    figure.canvas.draw()  # renders without a display


def test_sample_grid_shows_only_images_of_each_row_class():
    data = make_synthetic(n_train=60, n_test=10)
    figure = plot_sample_grid(data.x_train, data.y_train, data.class_names, per_class=3, seed=2)
    shown = [ax.images[0].get_array() for ax in figure.axes]
    for index, image in enumerate(shown):
        matches = np.flatnonzero((data.x_train == np.asarray(image)).all(axis=(1, 2, 3)))
        assert data.y_train[matches[0]] == index // 3


def test_subset_and_split_keeps_n_per_class_per_class_and_holds_out_val_fraction():
    x, y = np.arange(300), np.arange(300) % 3
    x_train, y_train, x_val, y_val = subset_and_split(x, y, n_per_class=20, val_fraction=0.25, seed=0)
    assert np.bincount(y_train).tolist() == [15, 15, 15] and np.bincount(y_val).tolist() == [5, 5, 5]


def test_subset_and_split_caps_n_per_class_at_the_smallest_class_with_a_warning():
    y = np.array([0] * 30 + [1] * 12)
    with pytest.warns(UserWarning, match=r"n_per_class=100 .* \(12\), so 12 images per class .* -p n_per_class 12"):
        x_train, y_train, x_val, y_val = subset_and_split(np.arange(42), y, n_per_class=100, val_fraction=0.25, seed=0)
    assert np.bincount(np.concatenate([y_train, y_val])).tolist() == [12, 12]
