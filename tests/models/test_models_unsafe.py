"""Specification of loading hostile model files: anything that asks Keras to run code is refused, and nothing runs."""

import json
import zipfile
from pathlib import Path

import keras
import pytest

from cifar_lab.models import load_model
from cifar_lab.models.vetting import UnsafeModelError


def lambda_model(marker: Path) -> keras.Model:
    """A model whose Lambda layer touches `marker` whenever Keras calls it (building the model included)."""
    inputs = keras.Input((4,))
    touch = keras.layers.Lambda(lambda x, path=str(marker): (__import__("pathlib").Path(path).touch(), x)[1])
    return keras.Model(inputs, touch(inputs))


def os_system_gadget(config: dict, marker: Path) -> dict:
    """`config` with its Lambda's function replaced by `os.system("touch marker")` (the CVE-2025-1550 shape)."""
    text = json.dumps(config)
    layer = next(layer for layer in config["config"]["layers"] if layer["class_name"] == "Lambda")
    gadget = dict(layer, config=dict(layer["config"], arguments={}))
    gadget["config"]["function"] = {
        "module": "os",
        "class_name": "function",
        "config": "system",
        "registered_name": "function",
    }
    gadget["inbound_nodes"] = [{"args": [], "kwargs": {"command": f"touch {marker}"}}]
    crafted = json.loads(text)
    crafted["config"]["layers"] = [
        gadget if item["class_name"] == "Lambda" else item for item in crafted["config"]["layers"]
    ]
    return crafted


@pytest.fixture
def crafted(tmp_path):
    """Files saved from a Lambda model (JSON + weights, .keras), a gadget variant of each, and the marker they touch."""
    marker = tmp_path / "code-ran"
    model = lambda_model(marker)
    model.save(tmp_path / "lambda.keras")
    model.save_weights(tmp_path / "lambda.weights.h5")
    (tmp_path / "lambda.json").write_text(model.to_json())
    gadget = os_system_gadget(json.loads(model.to_json()), marker)
    (tmp_path / "gadget.json").write_text(json.dumps(gadget))
    (tmp_path / "gadget.weights.h5").write_bytes((tmp_path / "lambda.weights.h5").read_bytes())
    with zipfile.ZipFile(tmp_path / "lambda.keras") as source, zipfile.ZipFile(tmp_path / "gadget.keras", "w") as out:
        for item in source.infolist():
            data = json.dumps(gadget).encode() if item.filename == "config.json" else source.read(item)
            out.writestr(item, data)
    marker.unlink()  # building the model ran the Lambda once, before any loading
    return tmp_path, marker


@pytest.mark.parametrize("name", ["lambda.keras", "lambda.json", "gadget.keras", "gadget.json"])
def test_a_model_file_that_asks_to_run_code_is_refused_and_runs_nothing(crafted, name):
    directory, marker = crafted
    with pytest.raises(UnsafeModelError, match=rf"Refused to load .*{name}: it asks Keras to run code"):
        load_model(directory / name)
    assert not marker.exists()


def test_the_keras_floor_is_a_release_without_published_safe_mode_bypasses():
    assert tuple(int(part) for part in keras.__version__.split(".")[:2]) >= (3, 14)


@pytest.mark.parametrize(
    "name, content",
    [
        ("nested.json", b"[" * 100_000 + b"]" * 100_000),
        ("huge.json", b" " * (5 * 2**20) + b"{}"),
        ("binary.json", b"\xff\xfe\x00garbage"),
        ("notzip.keras", b"PK not really a zip"),
    ],
)
def test_an_unreadable_model_file_is_one_clean_error_naming_it(tmp_path, name, content):
    (tmp_path / name).write_bytes(content)
    (tmp_path / name.replace(".json", ".weights.h5")).write_bytes(b"")
    with pytest.raises(UnsafeModelError, match=rf"{name}: .*save_model"):
        load_model(tmp_path / name)
