"""The ethics report end to end on synthetic data: what it writes, and that the card tells the truth."""

from __future__ import annotations

import json
import re
from pathlib import Path

import keras
import numpy as np
import pytest
from sklearn.metrics import recall_score

import cifar_lab.ethics.card as model_card
from cifar_lab.data import make_synthetic
from cifar_lab.ethics import ethics_report
from cifar_lab.ethics.bibliography import BIBLIOGRAPHY
from cifar_lab.ethics.canaries import make_canaries, training_set
from cifar_lab.ethics.card import format_number, render_markdown
from cifar_lab.evaluate import predict_proba
from cifar_lab.train import train_model

PARAMETERS = {"model": "tiny_mlp", "epochs": 2, "batch_size": 64, "seed": 0, "learning_rate": None}


def tiny_model() -> keras.Model:
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((32, 32, 3)),
            keras.layers.AveragePooling2D(4),
            keras.layers.Flatten(),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ],
        name="tiny_mlp",
    )
    model.compile(keras.optimizers.Adam(1e-2), "categorical_crossentropy", metrics=["accuracy"])
    return model


@pytest.fixture(scope="module")
def trained():
    data = make_synthetic(400, 200, seed=0)
    canaries = make_canaries(data.x_train, data.y_train, 40, seed=0)
    x_fit, y_fit, members = training_set(data.x_train, data.y_train, canaries)
    model = tiny_model()
    train_model(model, x_fit, y_fit, epochs=2, batch_size=64, verbose="silent")
    return data, canaries, members, model


@pytest.fixture(scope="module")
def report(trained, tmp_path_factory):
    data, canaries, members, model = trained
    out_dir = tmp_path_factory.mktemp("ethics")
    card = ethics_report(
        model, data, out_dir, member_indices=members, canaries=canaries, max_members=150, parameters=PARAMETERS
    )
    return card, out_dir


def numeric_leaves(value, path=()):
    """Every (path, number) in a JSON value, booleans excluded."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from numeric_leaves(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from numeric_leaves(item, path + (index,))
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield path, value


def test_report_writes_the_card_and_every_figure(report):
    card, out_dir = report
    assert {p.name for p in out_dir.iterdir()} == {
        "model_card.md",
        "model_card.json",
        "per_class_recall.png",
        "attack_roc.png",
        "canary_exposure.png",
        "reliability.png",
        "near_duplicates.png",
    }
    for name in card["figures"].values():
        assert (out_dir / name).read_bytes().startswith(b"\x89PNG")


def test_returned_card_is_the_json_on_disk(report):
    card, out_dir = report
    assert json.loads((out_dir / "model_card.json").read_text()) == card


def test_synthetic_data_puts_a_banner_at_the_top_of_the_card(report):
    card, out_dir = report
    markdown = (out_dir / "model_card.md").read_text()
    assert card["synthetic_data"] is True
    assert "SYNTHETIC DATA - NOT CIFAR-10" in "\n".join(markdown.splitlines()[:5])


def test_a_card_on_real_data_has_no_synthetic_banner(report):
    card, _ = report
    real = {
        **card,
        "synthetic_data": False,
        "data": {**card["data"], "synthetic": False, "source": "cifar-10-python.tar.gz"},
    }
    assert "SYNTHETIC" not in render_markdown(real)


def test_every_number_in_the_json_appears_in_the_markdown(report):
    card, out_dir = report
    markdown = (out_dir / "model_card.md").read_text()
    missing = [(path, value) for path, value in numeric_leaves(card) if format_number(value) not in markdown]
    assert missing == []


def test_each_class_row_of_the_card_carries_that_classs_numbers(report):
    card, out_dir = report
    markdown = (out_dir / "model_card.md").read_text()
    for name, row in card["per_class"]["per_class"].items():
        cells = [
            f"{format_number(row[k])} | {format_number(row[f'{k}_low'])} to {format_number(row[f'{k}_high'])}"
            for k in ("recall", "precision", "fpr", "fnr")
        ]
        assert f"| {name} | {' | '.join(cells)} | {row['support']} |" in markdown


def test_card_recall_matches_sklearn_on_the_models_own_predictions(trained, report):
    data, _, _, model = trained
    card, _ = report
    y_pred = predict_proba(model, data.x_test).argmax(axis=1)
    recall = recall_score(data.y_test, y_pred, labels=range(10), average=None, zero_division=0)
    assert [card["per_class"]["per_class"][n]["recall"] for n in data.class_names] == pytest.approx(recall, abs=5e-4)


def test_card_records_the_parameters_and_the_data_source(report):
    card, out_dir = report
    markdown = (out_dir / "model_card.md").read_text()
    for key, value in PARAMETERS.items():
        assert card["parameters"][key] == value
        assert re.search(rf"\| {key} \| {re.escape(str(value) if value is not None else '-')} \|", markdown)
    assert card["data"]["source"] == "synthetic" and "from `synthetic`" in markdown


def test_membership_attacks_use_balanced_members_and_non_members(report):
    card, _ = report
    mia = card["membership_inference"]
    assert mia["n_per_side"] == 150
    assert (
        {m["n_members"] for m in mia["overall"].values()}
        == {m["n_nonmembers"] for m in mia["overall"].values()}
        == {150}
    )


def test_card_has_the_model_card_sections_and_says_the_brightness_groups_are_an_analogue(report):
    _, out_dir = report
    markdown = (out_dir / "model_card.md").read_text()
    for section in (
        "Model details",
        "Intended use",
        "Factors",
        "Metrics",
        "Evaluation data",
        "Training data",
        "Quantitative analyses",
        "Ethical considerations",
        "Caveats and recommendations",
        "References",
    ):
        assert f"## {section}" in markdown
    assert "analogue, not a demographic measure" in markdown
    assert "80 Million Tiny Images" in markdown and "face recognition" in markdown


def test_every_citation_is_in_the_bibliography_and_every_reference_is_cited(report):
    _, out_dir = report
    body, references = (out_dir / "model_card.md").read_text().split("## References")
    cited = {
        key
        for group in re.findall(r"\[([A-Z][A-Za-z]+\d{4}(?:; [A-Z][A-Za-z]+\d{4})*)\]", body)
        for key in group.split("; ")
    }
    assert cited == set(BIBLIOGRAPHY)
    assert all(f"[{key}]" in references for key in BIBLIOGRAPHY)


def test_bad_member_indices_fail_before_anything_is_written(trained, tmp_path):
    data, _, _, model = trained
    with pytest.raises(ValueError, match="member_indices"):
        ethics_report(model, data, tmp_path / "card", member_indices=np.array([10_000]))
    assert not (tmp_path / "card").exists()


def test_a_failure_while_rendering_leaves_no_file_behind(trained, tmp_path, monkeypatch):
    data, _, members, model = trained

    def broken(card):
        raise RuntimeError("disk full")

    monkeypatch.setattr(model_card, "render_markdown", broken)
    out_dir = tmp_path / "card"
    out_dir.mkdir()
    with pytest.raises(RuntimeError, match="disk full"):
        ethics_report(model, data, out_dir, member_indices=members, max_members=50)
    assert list(out_dir.iterdir()) == []


def test_a_report_without_canaries_says_they_were_not_run(trained, tmp_path):
    data, _, members, model = trained
    card = ethics_report(model, data, tmp_path, member_indices=members, max_members=50)
    assert card["canaries"] is None and "canary_exposure" not in card["figures"]
    assert "Not run: the model was trained without canaries" in (tmp_path / "model_card.md").read_text()
    assert not Path(tmp_path / "canary_exposure.png").exists()


@pytest.mark.realdata
def test_a_card_on_real_cifar10_names_its_source_and_carries_no_synthetic_banner(real_data_path, tmp_path):
    from cifar_lab.data import load_cifar10

    data = load_cifar10(real_data_path)
    model = tiny_model()
    train_model(model, data.x_train, data.y_train, epochs=1, batch_size=256, verbose="silent")
    card = ethics_report(model, data, tmp_path, max_members=200)
    markdown = (tmp_path / "model_card.md").read_text()
    assert card["synthetic_data"] is False and "SYNTHETIC" not in markdown
    assert card["data"]["source"] == str(real_data_path) and f"`{real_data_path}`" in markdown
    assert card["data"]["n_test"] == len(data.y_test)


def test_without_member_indices_the_members_are_the_training_images_minus_canary_sources(trained, tmp_path):
    data, canaries, members, model = trained
    card = ethics_report(model, data, tmp_path, canaries=canaries, max_members=50)
    assert card["data"]["n_train"] == len(members) == len(data.x_train) - len(canaries.source_indices)
