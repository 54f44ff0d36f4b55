"""`cifar-lab check --fix` rewrites the mechanical part with the code's own values, and `--diff` only shows it.

Notebooks are rewritten cell by cell (outputs, metadata and layout kept), files atomically, code
never run; what cannot be fixed stays a finding, reported like `tf_upgrade_v2`'s report.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cifar_lab.check import CheckInputError, check_source
from cifar_lab.check.edits import Edit
from cifar_lab.check.fixer import fix_cells
from cifar_lab.check.rewrite import fix_file
from cifar_lab.cli import main

CORPUS = Path(__file__).parent / "corpus" / "files"


def fixed(source: str) -> str:
    return fix_cells("train.py", [(None, source)]).after[None]


def test_fix_rewrites_a_python_file_in_place_and_reports_what_changed(tmp_path, capsys):
    script = tmp_path / "k1_mnist_cnn.py"
    shutil.copy(CORPUS / script.name, script)
    assert main(["check", str(script), "--fix"]) == 0  # only advisories are left
    out = capsys.readouterr().out
    assert "9 fixed, 2 to fix by hand" in out and "fixed line 78, col 61: K3004" in out
    assert "Still to fix by hand:" in out and "K3012 [advisory]" in out
    text = script.read_text()
    assert "model.add(Convolution2D(nb_filters, (kernel_size[0], kernel_size[1])))" in text
    assert "optimizer=keras.optimizers.Adadelta(learning_rate=1.0)," in text and "nb_epoch=" not in text


def test_diff_prints_the_patch_and_writes_nothing(tmp_path, capsys):
    script = tmp_path / "train.py"
    script.write_text("from keras.layers.core import Dense\nmodel.fit(x, y, nb_epoch=3)\n")
    assert main(["check", str(script), "--diff"]) == 0  # the status of what would remain: nothing
    captured = capsys.readouterr()
    assert "-from keras.layers.core import Dense\n-model.fit(x, y, nb_epoch=3)\n" in captured.out
    assert "+from keras.layers import Dense\n+model.fit(x, y, epochs=3)\n" in captured.out
    assert "Would fix 2 findings" in captured.err
    assert script.read_text() == "from keras.layers.core import Dense\nmodel.fit(x, y, nb_epoch=3)\n"


def test_the_exit_status_after_a_fix_is_that_of_what_remains(tmp_path):
    script = tmp_path / "train.py"
    script.write_text("from keras.layers.core import Dense\nfrom keras.preprocessing.image import ImageDataGenerator\n")
    assert main(["check", str(script), "--fix"]) == 1  # ImageDataGenerator needs a hand edit
    assert main(["check", str(script), "--fix"]) == 1 and script.read_text().startswith("from keras.layers import")


def test_lr_and_decay_become_learning_rate_and_the_schedule_with_the_codes_numbers():
    assert fixed("import keras\nopt = keras.optimizers.rmsprop(lr=0.0001, decay=1e-6)\n") == (
        "import keras\nopt = keras.optimizers.RMSprop(learning_rate="
        "keras.optimizers.schedules.InverseTimeDecay(0.0001, decay_steps=1, decay_rate=1e-6))\n"
    )
    assert fixed("from keras import optimizers\nopt = optimizers.SGD(lr=lr0, momentum=0.9, decay=d)\n") == (
        "from keras import optimizers\nopt = optimizers.SGD(learning_rate="
        "optimizers.schedules.InverseTimeDecay(lr0, decay_steps=1, decay_rate=d), momentum=0.9)\n"
    )


def test_the_fix_message_shows_the_codes_own_call_not_a_canned_example():
    finding = check_source("from keras.optimizers import SGD\nsgd = SGD(lr=0.01, decay=1e-6, momentum=0.9)")[0]
    assert "SGD(learning_rate=keras.optimizers.schedules.InverseTimeDecay(0.01" in finding.fix
    assert "RMSprop" not in finding.fix


def test_decay_zero_is_not_a_finding():
    assert check_source("import keras\nopt = keras.optimizers.SGD(learning_rate=0.1, decay=0)") == []


def test_a_weight_file_is_renamed_everywhere_the_same_name_is_written():
    source = "path = 'runs/cp.ckpt'\nmodel.save_weights(path)\nmodel.load_weights('runs/cp.ckpt')\n"
    assert fixed(source) == (
        "path = 'runs/cp.weights.h5'\nmodel.save_weights(path)\nmodel.load_weights('runs/cp.weights.h5')\n"
    )


def test_the_fix_adds_import_keras_once_when_keras_ops_needs_it():
    source = "from keras import backend as K\ndef loss(a, b):\n    return K.mean(K.square(a - b), axis=-1)\n"
    assert fixed(source) == (
        "from keras import backend as K\nimport keras\ndef loss(a, b):\n"
        "    return keras.ops.mean(keras.ops.square(a - b), axis=-1)\n"
    )


def test_an_added_import_goes_after_the_future_imports_so_the_file_still_compiles():
    source = "from __future__ import print_function\nfrom __future__ import division\n"
    source += "from keras import backend as K\nm = K.mean(x, axis=1)\n"
    result = fixed(source)
    assert result.splitlines()[3] == "import keras"
    compile(result, "fixed.py", "exec")


def test_fixes_that_enable_each_other_are_applied_in_turn():
    source = "from tensorflow import keras\nK = keras.backend\nK.set_value(model.optimizer.lr, 0.01)\n"
    assert fixed(source).endswith("model.optimizer.learning_rate.assign(0.01)\n")


def test_fixing_twice_changes_nothing_more():
    source = (CORPUS / "k1_mnist_acgan.py").read_text()
    once = fixed(source)
    assert once != source and fixed(once) == once


def test_a_notebook_keeps_its_outputs_metadata_and_layout(tmp_path):
    path = tmp_path / "udacity_cifar10_cnn.ipynb"
    shutil.copy(CORPUS / path.name, path)
    original = path.read_text(encoding="utf-8")
    assert main(["check", str(path), "--fix"]) == 0
    before, after = json.loads(original), json.loads(path.read_text(encoding="utf-8"))
    changed = [n for n, (a, b) in enumerate(zip(before["cells"], after["cells"])) if a != b]
    assert changed == [7, 13, 15] and before["metadata"] == after["metadata"]
    for old, new in zip(before["cells"], after["cells"]):
        assert {k: v for k, v in old.items() if k != "source"} == {k: v for k, v in new.items() if k != "source"}
    assert after["cells"][7]["source"][0] == "from keras import utils as np_utils\n"
    unchanged = [line for line in original.splitlines() if "np_utils" not in line and "weights.best" not in line]
    assert set(unchanged) <= set(path.read_text(encoding="utf-8").splitlines())  # same JSON layout


def test_a_notebook_with_html_safe_escapes_keeps_them(tmp_path):
    path = tmp_path / "tfdocs_eager_dcgan.ipynb"
    shutil.copy(CORPUS / path.name, path)
    main(["check", str(path), "--fix"])
    text = path.read_text(encoding="utf-8")
    assert "\\u003ctable" in text and "tf.random.normal([BATCH_SIZE, noise_dim])" in text


def test_the_code_is_never_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    script = tmp_path / "train.py"
    script.write_text("open('ran.txt', 'w').close()\nimport keras\nmodel.fit(x, y, nb_epoch=2)\n")
    main(["check", str(script), "--fix"])
    assert not (tmp_path / "ran.txt").exists() and "epochs=2" in script.read_text()


def test_writes_are_atomic_and_leave_no_temporary_file(tmp_path):
    script = tmp_path / "train.py"
    script.write_text("model.fit_generator(gen)\n")
    main(["check", str(script), "--fix"])
    assert [p.name for p in tmp_path.iterdir()] == ["train.py"] and script.read_text() == "model.fit(gen)\n"


def test_line_endings_are_kept(tmp_path):
    script = tmp_path / "train.py"
    script.write_bytes(b"import keras\r\nopt = keras.optimizers.Adam(lr=0.1)\r\n")
    main(["check", str(script), "--fix"])
    assert script.read_bytes() == b"import keras\r\nopt = keras.optimizers.Adam(learning_rate=0.1)\r\n"


def test_a_cell_that_would_not_parse_after_the_fix_is_left_as_it_was(monkeypatch):
    from cifar_lab.check import fixer

    def breaking(path, cells):
        findings = real(path, cells)
        return [f.__class__(**{**f.__dict__, "edits": ((f.cell, Edit(1, 0, 1, 0, "(")),)}) for f in findings]

    real = fixer.check_cells
    monkeypatch.setattr(fixer, "check_cells", breaking)
    result = fix_cells("a.ipynb", [(1, "model.fit_generator(gen)")])
    assert result.after == result.before and result.refused == [1] and result.remaining


def test_what_cannot_be_fixed_stays_a_finding_with_its_fix_spelled_out(tmp_path):
    script = tmp_path / "train.py"
    script.write_text("import tensorflow as tf\nwith tf.Session() as sess:\n    pass\n")
    fix = fix_file(script)
    assert not fix.changed and [f.rule for f in fix.cells.remaining] == ["K3019"]
    assert "eagerly" in fix.cells.remaining[0].fix


def test_a_notebook_older_than_format_4_is_refused_for_fixing(tmp_path):
    path = tmp_path / "old.ipynb"
    cell = {"cell_type": "code", "input": "import keras", "language": "python", "outputs": [], "metadata": {}}
    notebook = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": [cell], "metadata": {}}]}
    path.write_text(json.dumps(notebook))
    with pytest.raises(CheckInputError, match="--fix rewrites format 4 only"):
        fix_file(path)
