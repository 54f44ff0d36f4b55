"""Specification of cifar_lab.train: the input pipeline, reproducibility and the training loop."""

import numpy as np
import pytest

from cifar_lab.evaluate import predict_proba
from cifar_lab.models import build_model
from cifar_lab.train import make_dataset, progress_mode, set_seed, train_model


@pytest.fixture
def tiny():
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (48, 32, 32, 3), dtype=np.uint8), rng.integers(0, 10, 48)


def test_dataset_normalises_uint8_to_float32_unit_range_and_one_hot_labels(tiny):
    x, y = tiny
    images, labels = next(iter(make_dataset(x, y, batch_size=16, shuffle=False)))
    assert images.dtype.name == "float32" and images.shape == (16, 32, 32, 3)
    np.testing.assert_allclose(images.numpy(), x[:16] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(labels.numpy(), np.eye(10)[y[:16]])


def test_dataset_keeps_int_labels_when_one_hot_is_off(tiny):
    x, y = tiny
    _, labels = next(iter(make_dataset(x, y, batch_size=16, shuffle=False, one_hot=False)))
    np.testing.assert_array_equal(labels.numpy(), y[:16])


def _order(x, y, seed):
    return np.concatenate(
        [b.numpy() for _, b in make_dataset(x, y, batch_size=16, shuffle=True, seed=seed, one_hot=False)]
    )


def test_shuffling_is_a_seeded_permutation(tiny):
    x, _ = tiny
    ids = np.arange(len(x))
    first, again, other = _order(x, ids, 1), _order(x, ids, 1), _order(x, ids, 2)
    assert sorted(first) == list(ids) and not np.array_equal(first, ids)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_augment_is_called_on_float_batches_in_training_mode(tiny):
    x, y = tiny
    calls = []

    def augment(images, training):
        calls.append(training)
        return 1.0 - images

    images, _ = next(iter(make_dataset(x, y, batch_size=16, shuffle=False, augment=augment)))
    np.testing.assert_allclose(images.numpy(), 1.0 - x[:16] / 255.0, rtol=1e-5, atol=1e-6)
    assert calls == [True]


def test_class_weight_adds_per_sample_weights(tiny):
    x, y = tiny
    _, _, weights = next(iter(make_dataset(x, y, batch_size=16, shuffle=False, class_weight={3: 2.5})))
    np.testing.assert_array_equal(weights.numpy(), np.where(y[:16] == 3, 2.5, 1.0))


def test_float_images_are_a_clear_error_naming_the_fix(tiny):
    x, y = tiny
    with pytest.raises(ValueError, match="uint8.*raw images"):
        make_dataset(x / 255.0, y, batch_size=8, shuffle=False)


def test_one_hot_labels_are_a_clear_error_naming_the_fix(tiny):
    x, y = tiny
    with pytest.raises(ValueError, match="argmax"):
        make_dataset(x, np.eye(10)[y], batch_size=8, shuffle=False)


def _train(x, y, seed, **kwargs):
    model = build_model("original", seed=seed)
    result = train_model(
        model, x, y, validation=(x[:16], y[:16]), epochs=2, batch_size=16, seed=seed, verbose="silent", **kwargs
    )
    return model, result


def test_same_seed_gives_identical_weights_and_metrics(tiny):
    x, y = tiny
    (model_a, result_a), (model_b, result_b) = _train(x, y, 5), _train(x, y, 5)
    assert all(np.array_equal(a, b) for a, b in zip(model_a.get_weights(), model_b.get_weights()))
    assert result_a.history == result_b.history


def test_different_seeds_give_different_weights(tiny):
    x, y = tiny
    (model_a, _), (model_b, _) = _train(x, y, 5), _train(x, y, 6)
    assert not np.array_equal(model_a.get_weights()[0], model_b.get_weights()[0])


def test_history_has_one_value_per_epoch_for_training_and_validation(tiny):
    x, y = tiny
    _, result = _train(x, y, 0)
    assert result.epochs_completed == 2
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        assert len(result.history[key]) == 2


def test_class_weight_changes_training(tiny):
    x, y = tiny
    (plain, _), (weighted, _) = _train(x, y, 0), _train(x, y, 0, class_weight={0: 5.0, 1: 5.0})
    assert not np.array_equal(plain.get_weights()[-1], weighted.get_weights()[-1])


def test_one_cycle_schedule_is_stretched_to_the_run_and_ends_at_zero(tiny):
    x, y = tiny
    model = build_model("fast_cnn", seed=0)
    train_model(model, x, y, epochs=2, batch_size=16, verbose="silent")
    assert int(model.optimizer.iterations) == 6
    assert float(model.optimizer.learning_rate) == pytest.approx(0.0)


def test_epoch_mode_prints_one_line_per_epoch(tiny, capsys):
    x, y = tiny
    train_model(build_model("original"), x, y, epochs=2, batch_size=16, verbose="auto")
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split(" - ")[0] for line in lines] == ["epoch 1/2", "epoch 2/2"]


def test_progress_mode_auto_is_one_line_per_epoch_without_a_terminal():
    # pytest captures stdout, so this process looks like papermill or CI: no terminal, no kernel.
    assert progress_mode("auto") == "epoch"


def test_unknown_verbose_value_is_a_clear_error():
    with pytest.raises(ValueError, match="'auto', 'bar'"):
        progress_mode("loud")


def test_uncompiled_model_is_a_clear_error(tiny):
    import keras

    x, y = tiny
    model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Flatten(), keras.layers.Dense(10)])
    with pytest.raises(ValueError, match="not compiled.*build_model"):
        train_model(model, x, y, epochs=1)


def test_predict_proba_flip_tta_averages_the_image_and_its_mirror(tiny):
    x, _ = tiny
    set_seed(0)
    model = build_model("original")
    plain, mirrored = predict_proba(model, x[:4]), predict_proba(model, x[:4, :, ::-1])
    np.testing.assert_allclose(predict_proba(model, x[:4], tta=True), (plain + mirrored) / 2, rtol=1e-5)


def test_same_seed_with_augmentation_and_batch_norm_gives_identical_weights(tiny):
    from cifar_lab.augment import build_augmenter

    x, y = tiny
    weights = []
    for _ in range(2):
        model = build_model("fast_cnn", seed=3)
        train_model(
            model,
            x,
            y,
            epochs=1,
            batch_size=16,
            seed=3,
            augment=build_augmenter("recommended", seed=3),
            verbose="silent",
        )
        weights.append(model.get_weights())
    assert all(np.array_equal(a, b) for a, b in zip(*weights))


def _fake_kernel(monkeypatch, allow_stdin):
    import sys
    import types

    kernel = types.SimpleNamespace(_allow_stdin=allow_stdin)
    fake = types.SimpleNamespace(get_ipython=lambda: types.SimpleNamespace(kernel=kernel))
    monkeypatch.setitem(sys.modules, "IPython", fake)


def test_progress_mode_auto_is_a_bar_in_a_notebook_a_person_runs(monkeypatch):
    _fake_kernel(monkeypatch, allow_stdin=True)
    assert progress_mode("auto") == "bar"


def test_progress_mode_auto_is_one_line_per_epoch_in_a_headless_kernel(monkeypatch):
    # papermill and nbclient run kernels that refuse input requests.
    _fake_kernel(monkeypatch, allow_stdin=False)
    assert progress_mode("auto") == "epoch"
