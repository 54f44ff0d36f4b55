"""Specification of saving and loading models: both formats reproduce predictions, writes are atomic."""

import numpy as np
import pytest

from cifar_lab import files
from cifar_lab.evaluate import predict_proba
from cifar_lab.models import build_model, load_model, save_model
from cifar_lab.models.hardware import bfloat16_support, cpu_flags
from cifar_lab.train import train_model


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 256, (32, 32, 32, 3), dtype=np.uint8), rng.integers(0, 10, 32)
    models = {}
    for name in ("original", "fast_cnn"):
        model = build_model(name, seed=1)
        train_model(model, x, y, epochs=1, batch_size=16, verbose="silent")
        models[name] = model
    return models, x, tmp_path_factory.mktemp("saved")


@pytest.mark.parametrize("name", ["original", "fast_cnn"])
@pytest.mark.parametrize("kind", ["keras", "json"])
def test_loaded_model_reproduces_predictions_exactly(trained, name, kind):
    models, x, directory = trained
    paths = save_model(models[name], directory / name)
    loaded = load_model(paths[kind])
    np.testing.assert_array_equal(predict_proba(loaded, x), predict_proba(models[name], x))


def test_save_model_writes_the_originals_artefacts_and_the_native_file(trained):
    models, _, directory = trained
    paths = save_model(models["original"], directory / "artefacts")
    assert sorted(p.name for p in (directory / "artefacts").iterdir()) == [
        "model.json",
        "model.keras",
        "model.weights.h5",
    ]
    assert '"class_name": "Sequential"' in paths["json"].read_text()


def test_failed_write_keeps_the_previous_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "model.json"
    target.write_text("previous")
    with pytest.raises(RuntimeError):
        with files.atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("crash mid-write")
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]


def test_loading_a_missing_file_names_what_to_pass(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"\.keras or \.json"):
        load_model(tmp_path / "nothing.keras")


def test_json_without_weights_names_the_missing_weights_file(trained, tmp_path):
    models, _, _ = trained
    (tmp_path / "model.json").write_text(models["original"].to_json())
    with pytest.raises(FileNotFoundError, match=r"model\.weights\.h5"):
        load_model(tmp_path / "model.json")


def test_cpu_flags_are_read_from_cpuinfo(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx512_bf16 amx_bf16\n")
    assert {"sse2", "amx_bf16"} <= cpu_flags(cpuinfo)
    assert bfloat16_support(cpuinfo) == "amx"


def test_bfloat16_support_distinguishes_avx512_bf16_from_none(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("flags\t: fpu avx512f avx512_bf16\n")
    assert bfloat16_support(cpuinfo) == "avx512_bf16"
    cpuinfo.write_text("flags\t: fpu avx2\n")
    assert bfloat16_support(cpuinfo) is None
