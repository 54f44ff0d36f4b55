"""Specification of reading a notebook's parameters cell and coercing values to its declared types."""

import json

import pytest

from cifar_lab.runner.parameters import Parameter, ParameterError, check_names, coerce, read_parameters


def write_notebook(path, parameters_source, tagged_cells=1):
    cells = [
        {
            "cell_type": "code",
            "metadata": {"tags": ["parameters"]},
            "source": parameters_source,
            "outputs": [],
            "execution_count": None,
        }
        for _ in range(tagged_cells)
    ]
    cells.append({"cell_type": "code", "metadata": {}, "source": "print(1)", "outputs": [], "execution_count": None})
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 4}))
    return path


def test_reads_annotated_names_types_and_defaults_in_order(tmp_path):
    source = (
        '# None: from the preset\npreset: str = "quick"\nepochs: int | None = None\n'
        'lr: "float | None" = 0.1\nflag: bool = False'
    )
    declared = read_parameters(write_notebook(tmp_path / "n.ipynb", source))
    assert list(declared) == ["preset", "epochs", "lr", "flag"]
    assert declared["preset"] == Parameter("preset", str, optional=False, default="quick")
    assert declared["epochs"] == Parameter("epochs", int, optional=True, default=None)
    assert declared["lr"] == Parameter("lr", float, optional=True, default=0.1)
    assert declared["flag"].type is bool


def test_unannotated_parameter_takes_its_defaults_type(tmp_path):
    declared = read_parameters(write_notebook(tmp_path / "n.ipynb", "seed = 3\nname = None"))
    assert declared["seed"] == Parameter("seed", int, optional=False, default=3)
    assert declared["name"] == Parameter("name", str, optional=True, default=None)


def test_a_value_derived_in_the_parameters_cell_is_refused_with_the_fix(tmp_path):
    notebook = write_notebook(tmp_path / "n.ipynb", "epochs: int = 2\nsteps: int = epochs * 10")
    with pytest.raises(ParameterError, match=r"computes 'steps' = epochs \* 10.*derive it in the next cell"):
        read_parameters(notebook)


def test_code_other_than_assignments_in_the_parameters_cell_is_refused(tmp_path):
    notebook = write_notebook(tmp_path / "n.ipynb", "import os\nseed: int = 0")
    with pytest.raises(ParameterError, match="contains `import os`.*move other code to the next cell"):
        read_parameters(notebook)


def test_exactly_one_parameters_cell_is_required(tmp_path):
    with pytest.raises(ParameterError, match="has 2 cells tagged 'parameters'"):
        read_parameters(write_notebook(tmp_path / "two.ipynb", "seed: int = 0", tagged_cells=2))
    with pytest.raises(ParameterError, match="has 0 cells tagged 'parameters'"):
        read_parameters(write_notebook(tmp_path / "none.ipynb", "seed: int = 0", tagged_cells=0))


def test_unsupported_annotation_is_refused_naming_the_supported_ones(tmp_path):
    notebook = write_notebook(tmp_path / "n.ipynb", "sizes: list[int] = [1]")
    with pytest.raises(ParameterError, match="annotated `list\\[int\\]`.*int, float, str and bool"):
        read_parameters(notebook)


def test_a_default_that_contradicts_its_annotation_is_refused(tmp_path):
    notebook = write_notebook(tmp_path / "n.ipynb", 'epochs: int = "three"')
    with pytest.raises(ParameterError, match="'epochs' is declared `int`, but the default in .* is 'three'"):
        read_parameters(notebook)


@pytest.mark.parametrize(
    ("kind", "optional", "text", "expected"),
    [
        (int, True, "3", 3),
        (int, True, "None", None),
        (float, True, "1e-3", 0.001),
        (float, False, "2", 2.0),
        (bool, False, "yes", True),
        (bool, False, "False", False),
        (str, True, "007", "007"),  # papermill's -p would have guessed the int 7
        (str, True, "none", None),
        (str, False, "None", "None"),  # a required string keeps the literal text
    ],
)
def test_strings_from_the_command_line_are_coerced_to_the_declared_type(kind, optional, text, expected):
    value = coerce(Parameter("x", kind, optional=optional, default=None), text)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(
    ("kind", "optional", "value"),
    [
        (int, True, "3.5"),
        (int, False, "None"),
        (int, True, True),
        (bool, False, "maybe"),
        (str, False, 3),
        (float, False, None),
    ],
)
def test_values_that_do_not_fit_the_declared_type_are_refused_with_an_example(kind, optional, value):
    with pytest.raises(ParameterError, match=r"Parameter 'x' is declared .* e\.g\. -p x "):
        coerce(Parameter("x", kind, optional=optional, default=None), value)


def test_typed_values_are_kept_and_an_int_is_accepted_as_a_float():
    assert coerce(Parameter("e", int, optional=False, default=1), 4) == 4
    value = coerce(Parameter("lr", float, optional=False, default=0.1), 1)
    assert value == 1.0 and isinstance(value, float)


def test_unknown_name_error_suggests_the_closest_declared_name():
    declared = {"epochs": Parameter("epochs", int, True, None), "seed": Parameter("seed", int, True, None)}
    with pytest.raises(
        ParameterError,
        match=r"Unknown parameter 'epoch' for nb\. Did you mean 'epochs'\? Valid parameters: epochs, seed\.",
    ):
        check_names({"seed": 1, "epoch": 2}, declared, where="nb")
