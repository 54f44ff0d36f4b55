"""`cifar-lab check` finds Keras 2 code, explains the Keras 3 fix, and leaves modern code alone.

Each rule has a fixture in `tests/check/fixtures/rules/`: the lines that must be reported end
with `# expect: K3xxx`; every other line (the near misses) must not be reported.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cifar_lab import check
from cifar_lab.check import CheckInputError, check_notebook, check_paths, check_source, format_text
from cifar_lab.check.magics import python_lines
from cifar_lab.check.rules import RULES
from cifar_lab.cli import main

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
RULE_FIXTURES = sorted((FIXTURES / "rules").glob("K3*.py"))
EXPECT = re.compile(r"#\s*expect:\s*((?:K\d{4}\s*)+)$")


def expected_in(path: Path) -> set[tuple[int, str]]:
    expected = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            expected |= {(number, rule) for rule in match.group(1).split()}
    return expected


def rules_and_cells(findings) -> set[tuple[int | None, str]]:
    return {(f.cell, f.rule) for f in findings}


@pytest.mark.parametrize("fixture", RULE_FIXTURES, ids=lambda p: p.stem)
def test_rule_fixture_reports_exactly_the_marked_lines(fixture):
    found = {(f.line, f.rule) for f in check_source(fixture.read_text(encoding="utf-8"), str(fixture))}
    assert found == expected_in(fixture)


def test_every_rule_has_a_fixture_that_triggers_it():
    triggered = {rule for fixture in RULE_FIXTURES for _, rule in expected_in(fixture)}
    assert triggered == set(RULES)


def test_every_rule_is_documented_with_before_and_after_code():
    page = (ROOT / "docs" / "checker.md").read_text(encoding="utf-8")
    sections = re.split(r"^## ", page, flags=re.MULTILINE)
    for rule in RULES:
        section = next((s for s in sections if s.startswith(rule)), "")
        assert "Before" in section and "After" in section, f"{rule} lacks before/after code"


def test_original_training_notebook_reports_each_legacy_pattern_in_its_cell():
    findings = check_notebook(FIXTURES / "original_training.ipynb")
    assert rules_and_cells(findings) == {
        (4, "K3011"),  # ssl._create_unverified_context
        (5, "K3001"),  # np_utils import and to_categorical calls
        (6, "K3002"),  # keras.layers.core / keras.layers.convolutional
        (7, "K3009"),
        (7, "K3010"),  # input_shape=, Conv2D(64, 3, 3)
        (8, "K3006"),
        (8, "K3007"),  # RMSprop(lr=..., decay=...)
        (11, "K3008"),  # save_weights('cifar10_weights.h5')
    }


def test_original_training_notebook_locates_the_silent_conv2d_line():
    conv = [f for f in check_notebook(FIXTURES / "original_training.ipynb") if f.rule == "K3010"]
    assert [(f.cell, f.line, f.code) for f in conv] == [(7, 10, "model.add(Conv2D(64, 3, 3))")]


def test_original_augmentation_notebook_reports_each_legacy_pattern_in_its_cell():
    findings = check_notebook(FIXTURES / "original_augmentation.ipynb")
    assert rules_and_cells(findings) == {
        (2, "K3005"),
        (2, "K3001"),  # imports of ImageDataGenerator and np_utils
        (3, "K3011"),
        (3, "K3001"),  # unverified TLS, to_categorical
        (6, "K3005"),  # ImageDataGenerator(rotation_range=40, ...)
        (8, "K3003"),
        (8, "K3004"),  # fit_generator(samples_per_epoch=, nb_epoch=)
        (8, "K3012"),  # validation_data=(X_test, Y_test), then evaluate
    }


def test_lines_under_a_cell_magic_keep_their_numbers():
    findings = check_notebook(FIXTURES / "original_augmentation.ipynb")
    assert {(f.line, f.rule) for f in findings if f.cell == 8} == {
        (4, "K3003"),
        (5, "K3004"),
        (6, "K3004"),
        (6, "K3012"),
    }


def test_magics_shell_escapes_and_help_lines_are_skipped_without_shifting_lines():
    findings = check_notebook(FIXTURES / "magics.ipynb")
    assert [(f.cell, f.line, f.rule) for f in findings] == [
        (1, 3, "K3001"),  # after %matplotlib and !pip
        (2, 4, "K3001"),  # the statement after %time is checked; ?help and !shell lines are not
        (4, 2, "K3002"),  # %%writefile of a .py file is checked
        (5, 4, "K3001"),  # %%time body, !echo inside a loop
        (6, 7, "K3001"),  # a '%' line inside a string or a continued expression is Python
        (7, 1, "K3000"),  # a Python 2 cell is a finding, not a crash
        (8, 1, "K3001"),  # the alias from cell 1 still resolves after the broken cell
    ]


def test_columns_after_a_line_magic_point_into_the_original_line():
    finding = check_source("import keras\n%time keras.utils.np_utils.to_categorical(y)")[0]
    assert (finding.line, finding.col, finding.rule) == (2, 7, "K3001")


def test_clean_modern_notebook_has_no_findings():
    assert check_notebook(FIXTURES / "clean_modern.ipynb") == []


def test_course_notebooks_have_no_findings_but_the_keras_1_call_exercise_2_2_shows():
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    findings = [(Path(f.path).name, f.rule) for f in check_paths(notebooks)]
    assert findings == [("02_baseline_cnn.ipynb", "K3010")]


def test_keras_names_in_strings_and_comments_are_ignored():
    source = 'note = "from keras.utils import np_utils"\n# model.fit_generator(gen, nb_epoch=1)\n'
    assert check_source(source) == []


def test_an_import_in_a_later_cell_does_not_resolve_an_earlier_call():
    assert check_source("Conv2D(64, 3, 3)\nfrom keras.layers import Conv2D") == []


def test_a_rebound_name_is_no_longer_the_keras_one():
    source = "from keras.layers import Conv2D\nConv2D = my_conv\nConv2D(64, 3, 3)"
    assert check_source(source) == []


def test_star_import_from_keras_layers_resolves_conv2d():
    findings = check_source("from keras.layers import *\nConv2D(64, 3, 3)")
    assert [(f.line, f.rule) for f in findings] == [(2, "K3010")]


def test_findings_carry_the_rule_message_fix_and_source_line():
    finding = check_source("from keras.layers import Conv2D\nlayer = Conv2D(64, 3, 3)", "a.py")[0]
    assert (finding.path, finding.cell, finding.line, finding.col) == ("a.py", None, 2, 23)
    assert "strides" in finding.message and "Conv2D(64, (3, 3))" in finding.fix
    assert finding.code == "layer = Conv2D(64, 3, 3)"


def test_text_report_groups_findings_by_file_with_cell_and_line():
    text = format_text(check_paths([FIXTURES / "original_training.ipynb", RULE_FIXTURES[1]]))
    assert text.index("original_training.ipynb: 11 findings") < text.index("K3001_np_utils.py:")
    assert "cell 7, line 10, col 25: K3010" in text
    assert "in 2 files; " in text.splitlines()[-1]


def test_a_directory_is_searched_for_notebooks_and_python_files():
    paths = check.expand_paths([FIXTURES])
    assert FIXTURES / "magics.ipynb" in paths and RULE_FIXTURES[0] in paths


def test_report_renders_as_an_html_table_in_a_notebook():
    shown = check.report(FIXTURES / "original_training.ipynb")
    assert shown._repr_html_().count("<tr>") == 1 + 11
    assert str(shown) == format_text(shown.findings)


def test_cli_exits_1_and_prints_the_report_when_something_is_found(capsys):
    assert main(["check", str(FIXTURES / "original_augmentation.ipynb")]) == 1
    assert "K3012 [advisory] Test set used as validation data" in capsys.readouterr().out


def test_cli_exits_0_on_clean_input(capsys):
    assert main(["check", str(FIXTURES / "clean_modern.ipynb")]) == 0
    assert capsys.readouterr().out.strip() == "No Keras 2 patterns found."


def test_cli_json_lists_checked_files_and_every_finding(capsys):
    notebook = FIXTURES / "original_training.ipynb"
    assert main(["check", str(notebook), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["checked"] == [str(notebook)]
    assert len(report["findings"]) == 11
    assert set(report["findings"][0]) == {
        *("path", "cell", "line", "col", "rule", "title", "severity", "message", "fix", "code", "fixable")
    }


@pytest.mark.parametrize(
    ("make_input", "named"),
    [
        (lambda tmp: tmp / "missing.ipynb", "does not exist"),
        (lambda tmp: (tmp / "notes.txt").write_text("x") and tmp / "notes.txt", "not a notebook"),
        (
            lambda tmp: (tmp / "broken.ipynb").write_text("{not json") and tmp / "broken.ipynb",
            "not a readable Jupyter notebook",
        ),
        (lambda tmp: (tmp / "empty").mkdir() or tmp / "empty", "holds no .ipynb"),
        (lambda tmp: (tmp / "latin1.py").write_bytes(b"x = '\xe9'\n") and tmp / "latin1.py", "UTF-8"),
    ],
    ids=["missing", "other-kind", "malformed-notebook", "empty-folder", "not-utf8"],
)
def test_cli_exits_2_with_a_clear_error_on_unreadable_input(tmp_path, capsys, make_input, named):
    assert main(["check", str(make_input(tmp_path))]) == 2
    error = capsys.readouterr().err
    assert error.startswith("cifar-lab check: error:") and named in error


def test_unreadable_input_raises_before_anything_is_checked(tmp_path):
    with pytest.raises(CheckInputError, match="does not exist"):
        check_paths([FIXTURES / "clean_modern.ipynb", tmp_path / "missing.py"])


def test_checker_does_not_import_tensorflow():
    code = (
        "import sys, cifar_lab.check as c; c.check_paths(['tests/check/fixtures']);"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "cell",
    [
        "%matplotlib inline\nimport keras",
        "%%bash\necho hi\necho there",
        "x = 1  # why?\nobj?",
        "for f in files:\n    !cp $f backup/ \\\n        --force\ny = 2",
        "print 'py2'\n!ls",
    ],
    ids=["line-magic", "cell-magic", "help", "continued-shell", "unparseable"],
)
def test_ipython_cells_keep_their_line_count(cell):
    lines, _ = python_lines(cell)
    assert len(lines) == len(cell.split("\n"))
