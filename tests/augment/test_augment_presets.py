"""Specification of cifar_lab.augment: presets, the seeded augmenter, and previews."""

from __future__ import annotations

import subprocess
import sys

import keras
import matplotlib.image
import numpy as np
import pytest

from cifar_lab.augment import (
    AUGMENTATION_DEFAULTS,
    AUGMENTATION_PRESETS,
    augment_examples,
    augmentation_params,
    build_augmenter,
    plot_augmentation_preview,
    save_augmentation_previews,
)
from cifar_lab.augment.layers import Cutout, RandomPadCrop
from cifar_lab.errors import UsageError
from cifar_lab.train.pipeline import make_dataset


@pytest.fixture(scope="module")
def images() -> np.ndarray:
    """Twelve distinct uint8 'images'; every pixel differs from its neighbours."""
    return np.random.default_rng(0).integers(0, 256, size=(12, 32, 32, 3), dtype=np.uint8)


def as_float(x: np.ndarray) -> np.ndarray:
    return x.astype(np.float32) / 255.0


def layer_of(augmenter: keras.Sequential, kind: type) -> keras.layers.Layer:
    matches = [layer for layer in augmenter.layers if isinstance(layer, kind)]
    assert len(matches) == 1, [type(layer).__name__ for layer in augmenter.layers]
    return matches[0]


# --- presets and the ImageDataGenerator mapping ------------------------------------------------


def test_presets_are_none_original_and_recommended():
    assert set(AUGMENTATION_PRESETS) == {"none", "original", "recommended"}
    for preset in AUGMENTATION_PRESETS.values():
        assert set(preset) <= set(AUGMENTATION_DEFAULTS)


def test_none_preset_builds_no_augmenter():
    assert build_augmenter("none") is None


def test_original_rotation_of_40_degrees_is_a_ninth_of_a_half_turn_each_way():
    rotation = layer_of(build_augmenter("original"), keras.layers.RandomRotation)
    # Keras 3 takes a fraction of a full turn: 40 degrees = 40/360 of 2*pi.
    assert np.allclose(rotation.factor, (-40 / 360, 40 / 360))
    assert rotation.fill_mode == "nearest" and rotation.interpolation == "bilinear"


def test_original_shift_is_a_fifth_of_height_and_width():
    translation = layer_of(build_augmenter("original"), keras.layers.RandomTranslation)
    assert (translation.height_lower, translation.height_upper) == (-0.2, 0.2)
    assert (translation.width_lower, translation.width_upper) == (-0.2, 0.2)
    assert translation.fill_mode == "nearest"


def test_original_zoom_scales_each_axis_independently_between_0_8_and_1_2():
    zoom = layer_of(build_augmenter("original"), keras.layers.RandomZoom)
    # Both factors given: with width_factor=None Keras would reuse the height zoom for the width.
    assert (zoom.height_lower, zoom.height_upper) == (-0.2, 0.2)
    assert (zoom.width_lower, zoom.width_upper) == (-0.2, 0.2)
    assert zoom.fill_mode == "nearest"


def test_original_flips_horizontally_only():
    flip = layer_of(build_augmenter("original"), keras.layers.RandomFlip)
    assert flip.mode == "horizontal"


def test_recommended_is_pad_4_random_crop_and_horizontal_flip_in_one_layer():
    augmenter = build_augmenter("recommended")
    assert [type(layer) for layer in augmenter.layers] == [RandomPadCrop]
    assert augmenter.layers[0].padding == 4 and augmenter.layers[0].horizontal_flip


def test_a_knob_overrides_the_preset_by_name():
    augmenter = build_augmenter("recommended", cutout_size=8, crop_padding=2)
    assert layer_of(augmenter, RandomPadCrop).padding == 2
    assert layer_of(augmenter, Cutout).size == 8


# --- validation ---------------------------------------------------------------------------------


def test_unknown_preset_is_an_error_listing_the_presets():
    with pytest.raises(ValueError, match=r"Unknown augmentation 'strong'.*'none', 'original', 'recommended'"):
        build_augmenter("strong")


def test_unknown_knob_is_an_error_listing_the_valid_knobs():
    with pytest.raises(ValueError, match=r"\['rotation'\].*Valid parameters are .*'rotation_range'"):
        build_augmenter("original", rotation=40)


@pytest.mark.parametrize(
    "knob, value, expected",
    [
        ("rotation_range", 200, r"rotation_range=200 is out of range; use a number in \[0, 180\]"),
        ("width_shift_range", 1.0, r"width_shift_range=1.0 is out of range; use a number in \[0, 1\)"),
        ("zoom_range", -0.1, r"zoom_range=-0.1 is out of range"),
        ("crop_padding", 2.5, r"crop_padding must be an integer in \[0, 16\]"),
        ("cutout_size", 33, r"cutout_size=33 is out of range; use an integer in \[0, 32\]"),
        ("horizontal_flip", 1, r"horizontal_flip must be True or False"),
        ("fill_mode", "mirror", r"fill_mode='mirror' is not supported; use one of \['nearest'"),
        ("rotation_range", "40", r"rotation_range must be a number"),
    ],
)
def test_out_of_range_or_mistyped_knob_is_an_error_naming_the_valid_range(knob, value, expected):
    with pytest.raises(ValueError, match=expected):
        augmentation_params("original", **{knob: value})


# --- behaviour ----------------------------------------------------------------------------------


@pytest.mark.parametrize("preset", ["original", "recommended"])
def test_same_seed_gives_the_same_augmented_batch(images, preset):
    first = build_augmenter(preset, seed=3)(as_float(images), training=True)
    second = build_augmenter(preset, seed=3)(as_float(images), training=True)
    np.testing.assert_array_equal(np.asarray(first), np.asarray(second))


@pytest.mark.parametrize("preset", ["original", "recommended"])
def test_different_seeds_give_different_augmented_batches(images, preset):
    first = build_augmenter(preset, seed=3)(as_float(images), training=True)
    second = build_augmenter(preset, seed=4)(as_float(images), training=True)
    assert not np.array_equal(np.asarray(first), np.asarray(second))


@pytest.mark.parametrize("preset", ["original", "recommended"])
def test_output_is_float32_images_of_the_same_shape_in_0_1(images, preset):
    out = np.asarray(build_augmenter(preset, seed=0, cutout_size=8)(as_float(images), training=True))
    assert out.dtype == np.float32 and out.shape == images.shape
    assert out.min() >= 0.0 and out.max() <= 1.0


@pytest.mark.parametrize("preset", ["original", "recommended"])
def test_not_training_passes_images_through_unchanged(images, preset):
    out = build_augmenter(preset, seed=0, cutout_size=8)(as_float(images), training=False)
    np.testing.assert_allclose(np.asarray(out), as_float(images))


def shifted(image: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """``image`` zero-padded and cropped so that output[i, j] = image[i + dy, j + dx]."""
    pad = 16
    padded = np.pad(image, ((pad, pad), (pad, pad), (0, 0)))
    return padded[pad + dy : pad + dy + image.shape[0], pad + dx : pad + dx + image.shape[1]]


def test_pad_crop_shifts_each_image_by_whole_pixels_within_the_padding(images):
    x = as_float(images)
    out = np.asarray(RandomPadCrop(padding=4, seed=1)(x, training=True))
    found = set()
    for original, augmented in zip(x, out):
        shifts = [
            (dy, dx)
            for dy in range(-4, 5)
            for dx in range(-4, 5)
            if np.array_equal(shifted(original, dy, dx), augmented)
        ]
        assert len(shifts) == 1
        found.add(shifts[0])
    assert len(found) > 1  # a random offset per image, not one per batch


def test_pad_crop_with_flip_gives_shifted_images_some_of_them_mirrored(images):
    x = as_float(images)
    out = np.asarray(RandomPadCrop(padding=2, horizontal_flip=True, seed=0)(x, training=True))
    mirrored = []
    for original, augmented in zip(x, out):
        candidates = [
            (flip, dy, dx)
            for flip in (False, True)
            for dy in range(-2, 3)
            for dx in range(-2, 3)
            if np.array_equal(shifted(original, dy, dx), augmented[:, ::-1] if flip else augmented)
        ]
        assert len(candidates) == 1
        mirrored.append(candidates[0][0])
    assert any(mirrored) and not all(mirrored)


def test_horizontal_flip_mirrors_some_images_and_keeps_others(images):
    x = as_float(images)
    out = np.asarray(build_augmenter("none", horizontal_flip=True, seed=0)(x, training=True))
    mirrored = [np.array_equal(a, o[:, ::-1]) for o, a in zip(x, out)]
    kept = [np.array_equal(a, o) for o, a in zip(x, out)]
    assert all(m or k for m, k in zip(mirrored, kept))
    assert any(mirrored) and any(kept)


def test_cutout_paints_one_grey_square_of_at_most_size_squared_pixels(images):
    x = np.zeros((64, 32, 32, 3), np.float32)
    out = np.asarray(Cutout(size=8, seed=0)(x, training=True))
    painted = (out == Cutout.fill_value).all(axis=-1)
    for mask in painted:
        rows, cols = np.nonzero(mask)
        assert 0 < len(rows) <= 64
        # one axis-aligned rectangle: its bounding box is full
        assert len(rows) == (rows.max() - rows.min() + 1) * (cols.max() - cols.min() + 1)
    assert painted.sum(axis=(1, 2)).max() == 64  # squares fully inside the image are 8 x 8


# --- the tf.data pipeline: training batches augmented, evaluation batches never -------------------


def test_augmenter_runs_inside_the_tf_data_pipeline_on_training_batches(images):
    labels = np.arange(len(images)) % 10
    augmented = make_dataset(
        images, labels, batch_size=12, shuffle=False, augment=build_augmenter("recommended", seed=0)
    )
    batch = next(iter(augmented))[0].numpy()
    assert batch.shape == images.shape and not np.array_equal(batch, as_float(images))


def test_evaluation_dataset_without_augment_returns_exactly_the_normalised_images(images):
    labels = np.arange(len(images)) % 10
    batches = make_dataset(images, labels, batch_size=5, shuffle=False)
    seen = np.concatenate([x.numpy() for x, _ in batches])
    np.testing.assert_array_equal(seen, as_float(images))


# --- previews -----------------------------------------------------------------------------------


def test_preview_shows_every_chosen_original_in_its_own_row(images):
    figure = plot_augmentation_preview(images, "original", n_images=4, n_augmented=3, seed=1)
    indices, originals, _ = augment_examples(images, None, n_images=4, n_augmented=3, seed=1)
    axes = np.array(figure.axes).reshape(4, 4)
    for row, original in enumerate(originals):
        np.testing.assert_array_equal(axes[row, 0].images[0].get_array(), original)
        assert axes[row, 0].get_ylabel().startswith(f"img {indices[row]}")
    assert len(set(indices)) == 4  # four different originals, not the last one four times


def test_preview_rows_hold_k_augmented_versions_that_differ_from_the_original(images):
    figure = plot_augmentation_preview(images, "original", n_images=2, n_augmented=3, seed=0)
    axes = np.array(figure.axes).reshape(2, 4)
    for row in axes:
        original = row[0].images[0].get_array()
        versions = [ax.images[0].get_array() for ax in row[1:]]
        assert all(not np.array_equal(v, original) for v in versions)
        assert not np.array_equal(versions[0], versions[1])


def test_preview_labels_rows_with_class_names_when_given(images):
    labels = np.arange(len(images)) % 10
    figure = plot_augmentation_preview(
        images, None, n_images=2, n_augmented=1, y=labels, class_names=tuple(f"class{i}" for i in range(10))
    )
    indices, _, _ = augment_examples(images, None, n_images=2, n_augmented=1)
    assert figure.axes[0].get_ylabel() == f"img {indices[0]}\nclass{labels[indices[0]]}"


def test_preview_rejects_more_images_than_there_are(images):
    with pytest.raises(ValueError, match="n_images=13 must be between 1 and the 12 images"):
        augment_examples(images, None, n_images=13)


def test_saved_previews_are_named_so_each_version_matches_its_original(images, tmp_path):
    paths = save_augmentation_previews(images, "recommended", tmp_path, n_images=2, n_augmented=2, seed=0)
    indices, originals, _ = augment_examples(images, None, n_images=2, n_augmented=2, seed=0)
    expected = [f"img{i:02d}_{suffix}.png" for i in indices for suffix in ("original", "aug01", "aug02")]
    assert [p.name for p in paths] == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(expected)
    written = matplotlib.image.imread(paths[0])[..., :3]
    np.testing.assert_allclose(written, originals[0], atol=1 / 255)


def test_a_failed_save_leaves_no_half_written_file(images, tmp_path, monkeypatch):
    real_imsave = matplotlib.image.imsave
    calls = []

    def imsave_that_fails_on_the_third_file(stream, image, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            stream.write(b"\x89PNG partial")
            raise OSError("disk full")
        real_imsave(stream, image, **kwargs)

    monkeypatch.setattr(matplotlib.image, "imsave", imsave_that_fails_on_the_third_file)
    with pytest.raises(OSError, match="disk full"):
        save_augmentation_previews(images, None, tmp_path, n_images=1, n_augmented=3)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 2 and all(name.endswith(".png") for name in names)
    for path in tmp_path.iterdir():
        matplotlib.image.imread(path)  # complete PNGs only


def test_saving_into_a_path_that_is_a_file_is_an_error(images, tmp_path):
    target = tmp_path / "preview"
    target.write_text("not a directory")
    with pytest.raises(UsageError, match="pass a directory"):
        save_augmentation_previews(images, None, target, n_images=1, n_augmented=1)


def test_importing_augment_does_not_import_keras():
    code = "import sys, cifar_lab.augment; sys.exit(sorted({'keras', 'tensorflow'} & set(sys.modules)) or 0)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_negative_seed_is_an_error():
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        build_augmenter("recommended", seed=-1)
