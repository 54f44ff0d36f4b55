"""Specification of cifar_lab.evaluate: metrics agree with scikit-learn; mistakes and figures."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from sklearn import metrics as skm

from cifar_lab import evaluate


@pytest.fixture
def labels():
    rng = np.random.default_rng(7)
    y_true = rng.integers(0, 10, 500)
    # Mostly right, with mistakes and class 9 never predicted, to exercise zero-division cases.
    y_pred = np.where(rng.random(500) < 0.6, y_true, rng.integers(0, 9, 500))
    return y_true, np.minimum(y_pred, 8)


def test_confusion_matrix_matches_sklearn(labels):
    y_true, y_pred = labels
    expected = skm.confusion_matrix(y_true, y_pred, labels=range(10))
    np.testing.assert_array_equal(evaluate.confusion_matrix(y_true, y_pred), expected)


def test_normalized_confusion_matches_sklearn_normalize_true(labels):
    y_true, y_pred = labels
    expected = skm.confusion_matrix(y_true, y_pred, labels=range(10), normalize="true")
    cm = evaluate.confusion_matrix(y_true, y_pred)
    np.testing.assert_allclose(evaluate.normalize_confusion(cm), expected)


def test_per_class_metrics_match_sklearn_with_zero_division_zero(labels):
    y_true, y_pred = labels
    precision, recall, f1, support = skm.precision_recall_fscore_support(
        y_true, y_pred, labels=range(10), zero_division=0
    )
    got = evaluate.per_class_metrics(y_true, y_pred)
    np.testing.assert_allclose(got["precision"], precision)
    np.testing.assert_allclose(got["recall"], recall)
    np.testing.assert_allclose(got["f1"], f1)
    np.testing.assert_array_equal(got["support"], support)


def test_accuracy_matches_sklearn(labels):
    assert evaluate.accuracy(*labels) == pytest.approx(skm.accuracy_score(*labels))


def test_cross_entropy_matches_sklearn_log_loss():
    rng = np.random.default_rng(1)
    proba = rng.dirichlet(np.ones(10), 200)
    y_true = rng.integers(0, 10, 200)
    assert evaluate.cross_entropy(y_true, proba) == pytest.approx(skm.log_loss(y_true, proba, labels=range(10)))


def test_labels_out_of_range_are_a_clear_error():
    with pytest.raises(ValueError, match="outside 0..9"):
        evaluate.confusion_matrix(np.array([10]), np.array([0]))


def test_one_hot_labels_are_a_clear_error_that_names_argmax():
    with pytest.raises(ValueError, match="argmax"):
        evaluate.per_class_metrics(np.eye(10, dtype=int), np.arange(10))


def test_most_confident_mistakes_are_wrong_and_sorted_by_confidence():
    y_true = np.array([0, 1, 2, 0, 1])
    proba = np.array([[0.9, 0.1, 0], [0.7, 0.3, 0], [0, 0.05, 0.95], [0.2, 0.8, 0], [0.1, 0.2, 0.7]])
    np.testing.assert_array_equal(evaluate.most_confident_mistakes(y_true, proba, k=10), [3, 1, 4])
    np.testing.assert_array_equal(evaluate.most_confident_mistakes(y_true, proba, k=2), [3, 1])


def test_figures_are_drawn_with_one_panel_per_metric_and_labelled_axes(labels):
    y_true, y_pred = labels
    curves = evaluate.plot_learning_curves({"loss": [2, 1], "val_loss": [2, 1.5], "accuracy": [0.3, 0.5]})
    assert len(curves.axes) == 2
    assert len(curves.axes[0].lines) == 2  # training and validation
    heat = evaluate.plot_confusion_matrix(evaluate.confusion_matrix(y_true, y_pred), [str(i) for i in range(10)])
    assert heat.axes[0].get_ylabel() == "true class"


def test_mistake_grid_titles_name_true_and_predicted_classes():
    images = np.zeros((3, 32, 32, 3), np.uint8)
    proba = np.array([[0.2, 0.8], [0.9, 0.1], [0.6, 0.4]])
    fig = evaluate.plot_mistakes(images, np.array([0, 0, 1]), proba, ["cat", "dog"], k=4, columns=2)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["cat\n-> dog (80%)", "dog\n-> cat (60%)"]


def test_learning_curves_without_known_metrics_is_a_clear_error():
    with pytest.raises(ValueError, match="result.history"):
        evaluate.plot_learning_curves({"lr": [0.1]})


def _tiny_models(count):
    import keras

    return [
        keras.Sequential(
            [keras.Input((32, 32, 3)), keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")]
        )
        for _ in range(count)
    ]


def test_predicting_with_many_fresh_models_raises_no_retracing_warning(caplog):
    from cifar_lab.train.pipeline import make_dataset

    images, labels = np.zeros((10, 32, 32, 3), np.uint8), np.zeros(10, np.int64)
    batches = make_dataset(images, labels, batch_size=4, shuffle=False)
    with caplog.at_level("WARNING", logger="tensorflow"):
        for model in _tiny_models(7):  # TensorFlow warns from the fifth trace on
            proba = evaluate.predict_batches(model, batches)
    assert proba.shape == (10, 10) and proba.dtype == np.float64
    assert not [r for r in caplog.records if "retracing" in r.getMessage()]


def test_predict_batches_keeps_other_tensorflow_warnings_and_removes_its_filter(caplog):
    import logging

    from cifar_lab.train.pipeline import make_dataset

    class WarnsWhilePredicting:
        def predict(self, batches, verbose):
            logging.getLogger("tensorflow").warning("an unrelated TensorFlow warning")
            return np.zeros((2, 10))

    images, labels = np.zeros((2, 32, 32, 3), np.uint8), np.zeros(2, np.int64)
    with caplog.at_level("WARNING", logger="tensorflow"):
        evaluate.predict_batches(WarnsWhilePredicting(), make_dataset(images, labels, batch_size=2, shuffle=False))
    assert [r.getMessage() for r in caplog.records] == ["an unrelated TensorFlow warning"]
    assert logging.getLogger("tensorflow").filters == []
