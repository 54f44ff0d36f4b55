"""Specification of cifar_lab.models: the original CNN exactly, the registry and its errors."""

import keras
import numpy as np
import pytest

from cifar_lab.models import MODELS, OneCycle, build_model

ORIGINAL_LAYERS = [
    # (layer class, output shape without the batch axis, parameters)
    ("Conv2D", (32, 32, 32), 896),
    ("Conv2D", (32, 32, 32), 9248),
    ("MaxPooling2D", (16, 16, 32), 0),
    ("Dropout", (16, 16, 32), 0),
    ("Conv2D", (16, 16, 64), 18496),
    ("Conv2D", (14, 14, 64), 36928),
    ("MaxPooling2D", (7, 7, 64), 0),
    ("Dropout", (7, 7, 64), 0),
    ("Flatten", (3136,), 0),
    ("Dense", (512,), 1606144),
    ("Dropout", (512,), 0),
    ("Dense", (10,), 5130),
]


def test_original_has_the_assignments_parameter_count():
    assert build_model("original").count_params() == 1_676_842


def test_original_has_the_assignments_layers_and_shapes():
    model = build_model("original")
    layers = [(type(layer).__name__, tuple(layer.output.shape[1:]), layer.count_params()) for layer in model.layers]
    assert layers == ORIGINAL_LAYERS


def test_original_uses_the_assignments_activations_and_dropout_rates():
    model = build_model("original")
    activations = [layer.activation.__name__ for layer in model.layers if hasattr(layer, "activation")]
    assert activations == ["relu"] * 5 + ["softmax"]
    assert [layer.rate for layer in model.layers if isinstance(layer, keras.layers.Dropout)] == [0.25, 0.25, 0.5]


def test_original_is_compiled_with_rmsprop_defaults_and_categorical_crossentropy():
    model = build_model("original")
    reference = keras.optimizers.RMSprop().get_config()
    config = model.optimizer.get_config()
    assert isinstance(model.optimizer, keras.optimizers.RMSprop)
    for key in ("learning_rate", "rho", "momentum", "epsilon", "centered"):
        assert config[key] == pytest.approx(reference[key])
    assert model.loss == "categorical_crossentropy"


def test_same_seed_builds_identical_weights_and_other_seeds_differ():
    first, again, other = (build_model("fast_cnn", seed=s).get_weights() for s in (3, 3, 4))
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not all(np.array_equal(a, b) for a, b in zip(first, other))


def test_every_registered_model_maps_images_to_class_probabilities():
    images = np.random.default_rng(0).random((2, 32, 32, 3), dtype=np.float32)
    for name in MODELS:
        proba = build_model(name)(images, training=False).numpy()
        assert proba.shape == (2, 10)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)


def test_unknown_model_name_error_lists_valid_models():
    with pytest.raises(ValueError, match="Unknown model 'resnet9000'.*original.*fast_cnn"):
        build_model("resnet9000")


def test_unknown_hyperparameter_error_lists_valid_ones():
    with pytest.raises(ValueError, match="dropout_rate.*learning_rate, optimizer, precision"):
        build_model("original", dropout_rate=0.1)


def test_unknown_optimizer_error_lists_valid_ones():
    with pytest.raises(ValueError, match="Unknown optimizer 'adagrad'.*rmsprop"):
        build_model("original", optimizer="adagrad")


def test_hyperparameters_override_the_defaults():
    model = build_model("original", learning_rate=0.01, optimizer="adam")
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.01)


def test_mixed_bfloat16_computes_in_bfloat16_and_keeps_the_classifier_float32():
    model = build_model("original", precision="mixed_bfloat16")
    assert model.layers[0].compute_dtype == "bfloat16"
    assert model.layers[-1].compute_dtype == "float32"
    assert model.count_params() == 1_676_842


def test_one_cycle_warms_up_to_its_peak_then_anneals_to_zero():
    schedule = OneCycle(peak=0.4, warmup_fraction=0.25, total_steps=100)
    values = [float(schedule(step)) for step in (0, 10, 25, 50, 100)]
    assert values == pytest.approx([0.0, 0.16, 0.4, 0.4 * 50 / 75, 0.0])


def test_auto_precision_follows_the_cpus_bfloat16_support(monkeypatch):
    import cifar_lab.models.hardware

    monkeypatch.setattr(cifar_lab.models.hardware, "bfloat16_support", lambda: "avx512_bf16")
    assert build_model("fast_cnn", precision="auto").layers[1].compute_dtype == "bfloat16"
    monkeypatch.setattr(cifar_lab.models.hardware, "bfloat16_support", lambda: None)
    assert build_model("fast_cnn", precision="auto").layers[1].compute_dtype == "float32"
