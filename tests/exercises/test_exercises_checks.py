"""Specification of the self-checks: a right answer passes, a typical mistake gets specific feedback,
nothing tried yet says so with a hint; every verdict is also machine-readable for the grader."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from cifar_lab.data import make_synthetic
from cifar_lab.errors import UsageError
from cifar_lab.exercises import EXERCISES, MIME_TYPE, NOT_ATTEMPTED, NOT_YET, PASSED, check_exercise


@pytest.fixture(scope="module")
def data():
    return make_synthetic(n_train=200, n_test=20)


def test_every_notebook_has_one_to_three_exercises():
    per_notebook = {}
    for exercise in EXERCISES.values():
        per_notebook.setdefault(exercise.notebook, []).append(exercise.id)
    assert set(per_notebook) == {"01_data", "02_baseline_cnn", "03_augmentation", "04_evaluation", "05_ethics_report"}
    assert all(1 <= len(ids) <= 3 for ids in per_notebook.values())


@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_an_answer_left_at_none_is_not_attempted_yet_with_the_hint(exercise):
    feedback = check_exercise(exercise, None)
    assert feedback.status == NOT_ATTEMPTED and feedback.hint and "YOUR CODE HERE" in feedback.message


def test_class_counts_pass_as_an_array_or_a_dict_and_name_a_wrong_class(data):
    counts = np.bincount(data.y_train, minlength=10)
    assert check_exercise("1.1", counts, data=data).passed
    assert check_exercise("1.1", dict(zip(data.class_names, counts.tolist())), data=data).passed
    off = counts.copy()
    off[3] += 1
    feedback = check_exercise("1.1", off, data=data)
    assert feedback.status == NOT_YET and "cat: you have" in feedback.message


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda x: x[:64].astype("float32") / 255, "passed"),
        (lambda x: x[:64] / 255, "float64"),
        (lambda x: x[:64].astype("float32"), "divide the pixels"),
        (lambda x: x[1:65].astype("float32") / 255, "which images"),
        (lambda x: x[:32].astype("float32") / 255, "The shape is"),
    ],
    ids=["right", "float64", "not-divided", "wrong-images", "wrong-shape"],
)
def test_a_scaled_batch_gets_feedback_on_each_usual_mistake(data, make, says):
    feedback = check_exercise("1.2", make(data.x_train), data=data)
    assert says in (feedback.status if says == "passed" else feedback.message)


@pytest.mark.parametrize(
    ("answer", "passed", "says"), [(896, True, "weights"), (864, False, "biases"), (320, False, "channels")]
)
def test_the_first_convolutions_parameters(answer, passed, says):
    feedback = check_exercise("2.1", answer)
    assert feedback.passed is passed and says in feedback.message


def test_the_legacy_conv_output_shape_is_what_keras_3_computes():
    import keras

    shape = tuple(keras.layers.Conv2D(64, 3, 3).compute_output_shape((None, 32, 32, 3))[1:])
    assert check_exercise("2.2", shape).passed
    assert "Keras 1 gave" in check_exercise("2.2", (30, 30, 64)).message


def test_recall_mistaken_for_precision_is_told_apart():
    confusion = np.array([[5, 1], [3, 1]])
    assert check_exercise("4.1", np.diag(confusion) / confusion.sum(axis=1), confusion=confusion).passed
    feedback = check_exercise("4.1", np.diag(confusion) / confusion.sum(axis=0), confusion=confusion)
    assert feedback.status == NOT_YET and "row total, not the column total" in feedback.message


def test_the_worst_class_and_its_destination_are_read_off_the_matrix():
    confusion = np.array([[9, 1, 0], [4, 2, 4], [1, 0, 9]])
    names = ["cat", "dog", "frog"]
    assert check_exercise("4.2", ("dog", "cat"), confusion=confusion, class_names=names).passed  # a tie: either
    assert check_exercise("4.2", ("dog", "frog"), confusion=confusion, class_names=names).passed
    assert "lowest recall" in check_exercise("4.2", ("cat", "dog"), confusion=confusion, class_names=names).message


def test_the_attack_auc_by_hand_is_checked_against_the_library_and_an_inverted_one_is_told_apart():
    members, nonmembers = np.array([0.1, 0.2, 0.7]), np.array([0.9, 0.2])
    # pairs with the member's loss lower: (.1,.9) (.1,.2) (.2,.9) (.7,.9) = 4, the tie (.2,.2) 1/2: 4.5 / 6
    assert check_exercise("5.1", 0.75, member_losses=members, nonmember_losses=nonmembers).passed
    inverted = check_exercise("5.1", 0.25, member_losses=members, nonmember_losses=nonmembers)
    assert not inverted.passed and "1 - AUC" in inverted.message


def test_leakage_is_real_only_when_the_whole_auc_interval_is_above_one_half():
    covering = {"auc": 0.55, "auc_low": 0.49, "auc_high": 0.61}
    above = {"auc": 0.58, "auc_low": 0.53, "auc_high": 0.63}
    assert check_exercise("5.2", False, metrics=covering).passed
    assert not check_exercise("5.2", True, metrics=covering).passed
    assert check_exercise("5.2", True, metrics=above).passed
    assert "includes 0.5" in check_exercise("5.2", True, metrics=covering).message


def test_an_invalid_augmentation_is_explained_before_anything_is_measured():
    assert "out of range" in check_exercise("3.1", {"rotation_range": 720}, comparison=None).message
    assert "no augmentation at all" in check_exercise("3.1", {"augmentation": "none"}, comparison=None).message


def test_feedback_shows_as_html_and_text_and_carries_its_verdict_for_the_grader():
    bundle = check_exercise("2.1", np.int64(896))._repr_mimebundle_()
    assert bundle["text/plain"].startswith("Exercise 2.1") and "<div" in bundle["text/html"]
    assert json.loads(json.dumps(bundle[MIME_TYPE])) == {"exercise": "2.1", "status": PASSED, "answer": 896}


def test_an_unknown_exercise_is_a_usage_error_naming_the_closest():
    with pytest.raises(UsageError, match="Did you mean '1.1'"):
        check_exercise("1.10", 3)


def test_importing_the_self_checks_imports_no_tensorflow():
    # Every graded notebook's check cells import them: TensorFlow would add seconds to each kernel's limit.
    code = "import sys; import cifar_lab.exercises; print('tensorflow' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
