"""Read a notebook's papermill `parameters` cell and check values against it before anything runs.

Papermill only warns about an unknown parameter, type-guesses `-p` strings (`-p seed 007` becomes
the int 7, `-p data 2024` an int) and never recomputes a value derived inside the parameters cell.
Here each parameter's type comes from its annotation in the cell:

    preset: str = "quick"
    epochs: int | None = None

and a value is coerced to that type (`"3"` -> `3`, `"None"` -> `None` when optional) or
rejected with a message naming the notebook, the parameter and the fix.

Example:

    >>> p = Parameter("epochs", int, optional=True, default=None)
    >>> coerce(p, "3"), coerce(p, "None")
    (3, None)
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cifar_lab.errors import UsageError, did_you_mean

_TYPES = {"int": int, "float": float, "str": str, "bool": bool}
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}
_NONE = {"none", "null"}


class ParameterError(UsageError):
    """A parameter value, name or parameters cell the notebooks cannot run with."""


@dataclass(frozen=True)
class Parameter:
    """One name declared in a parameters cell: its type, whether `None` is allowed, its default.

    Example:
        >>> Parameter("seed", int, optional=False, default=0).describe()
        'int'
    """

    name: str
    type: type
    optional: bool
    default: Any

    def describe(self) -> str:
        """Return the declared type as written in the cell, e.g. `'int | None'`.

        Example:
            >>> Parameter("data", str, optional=True, default=None).describe()
            'str | None'
        """
        return self.type.__name__ + (" | None" if self.optional else "")


def parameters_cell_source(notebook: str | Path) -> str:
    """Return the source of the one code cell tagged `parameters` in `notebook`.

    Raises:
        ParameterError: no such cell, or more than one.

    Example:
        >>> print(parameters_cell_source("notebooks/01_data.ipynb"))
        # None means "take it from the preset" (cifar_lab.presets.PRESETS).
        preset: str = "quick"
        ...
    """
    with open(notebook, encoding="utf-8") as f:
        cells = json.load(f)["cells"]
    tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(tagged) != 1:
        raise ParameterError(
            f"{notebook} has {len(tagged)} cells tagged 'parameters'; papermill needs exactly one. "
            "Tag the cell that assigns the notebook's inputs (View > Cell Toolbar > Tags in Jupyter)."
        )
    source = tagged[0]["source"]
    return "".join(source) if isinstance(source, list) else source


def read_parameters(notebook: str | Path) -> dict[str, Parameter]:
    """Return the parameters declared in `notebook`'s parameters cell, by name, in cell order.

    Raises:
        ParameterError: the cell holds anything but assignments of literals (a value derived
            there would not follow its inputs when papermill overrides them), or an annotation
            other than `int`, `float`, `str`, `bool`, optionally `| None`.

    Example:
        >>> read_parameters("notebooks/02_baseline_cnn.ipynb")["epochs"]
        Parameter(name='epochs', type=<class 'int'>, optional=True, default=None)
    """
    declared: dict[str, Parameter] = {}
    for statement in ast.parse(parameters_cell_source(notebook)).body:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # a bare string: documentation
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            target, annotation, value = statement.target.id, statement.annotation, statement.value
        elif (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
        ):
            target, annotation, value = statement.targets[0].id, None, statement.value
        else:
            raise ParameterError(
                f"The parameters cell of {notebook} contains `{ast.unparse(statement)}`. Keep only "
                "assignments of literal values there (name: type = value); move other code to the next cell."
            )
        if value is None:
            raise ParameterError(
                f"The parameters cell of {notebook} declares {target!r} without a value; give it a default."
            )
        try:
            default = ast.literal_eval(value)
        except ValueError:
            raise ParameterError(
                f"The parameters cell of {notebook} computes {target!r} = {ast.unparse(value)}. Papermill "
                "replaces only the values it is given, so a value derived there would not follow its inputs. "
                f"Give {target!r} a literal default (or None) there and derive it in the next cell."
            ) from None
        declared[target] = _declare(notebook, target, annotation, default)
    return declared


def _declare(notebook: str | Path, name: str, annotation: ast.expr | None, default: Any) -> Parameter:
    if annotation is None:  # unannotated: the default's type; a None default accepts any string
        kind = str if default is None else type(default)
        parameter = Parameter(name, kind, optional=default is None, default=default)
    else:
        parameter = _from_annotation(annotation, name, default, notebook)
    if parameter.type not in _TYPES.values():
        raise ParameterError(
            f"{notebook}: parameter {name!r} has type {parameter.type.__name__}; the runner passes "
            "int, float, str or bool (optionally | None). Use one of those."
        )
    coerce(parameter, default, where=f"the default in {notebook}")
    return parameter


def _from_annotation(annotation: ast.expr, name: str, default: Any, notebook: str | Path) -> Parameter:
    text = ast.unparse(annotation)
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        text = annotation.value  # a quoted annotation: "int | None"
    parts = [part.strip() for part in text.replace("Optional[", "").rstrip("]").split("|")]
    optional = "None" in parts or text.startswith("Optional[")
    kinds = [part for part in parts if part != "None"]
    if len(kinds) != 1 or kinds[0] not in _TYPES:
        raise ParameterError(
            f"{notebook}: parameter {name!r} is annotated `{text}`; the runner understands int, float, "
            "str and bool, each optionally `| None`. Use one of those."
        )
    return Parameter(name, _TYPES[kinds[0]], optional=optional, default=default)


def coerce(parameter: Parameter, value: Any, *, where: str = "the value") -> Any:
    """Return `value` converted to `parameter`'s declared type.

    Strings (from `-p NAME VALUE` or a sweep file) are parsed: `"3"` for an int, `"1e-3"` for
    a float, `true/false/yes/no/1/0` for a bool, `"None"` for an optional parameter. Typed values
    must already fit (an int is accepted for a float; a bool is never an int).

    Raises:
        ParameterError: the value does not fit, naming the parameter, its type and the fix.

    Example:
        >>> coerce(Parameter("learning_rate", float, optional=True, default=None), "1e-3")
        0.001
    """
    kind = parameter.type
    if isinstance(value, str) and value.strip().lower() in _NONE and (parameter.optional or kind is not str):
        value = None
    if value is None:
        if parameter.optional:
            return None
        raise ParameterError(_mismatch(parameter, value, where))
    if isinstance(value, str) and kind is not str:
        return _parse(parameter, value, where)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    raise ParameterError(_mismatch(parameter, value, where))


def _parse(parameter: Parameter, text: str, where: str) -> Any:
    cleaned = text.strip()
    if parameter.type is bool:
        if cleaned.lower() in _TRUE | _FALSE:
            return cleaned.lower() in _TRUE
        raise ParameterError(_mismatch(parameter, text, where))
    try:
        return parameter.type(cleaned)
    except ValueError:
        raise ParameterError(_mismatch(parameter, text, where)) from None


def _mismatch(parameter: Parameter, value: Any, where: str) -> str:
    examples = {int: "3", float: "0.001", str: "synthetic", bool: "true"}[parameter.type]
    none_hint = " or None" if parameter.optional else ""
    return (
        f"Parameter {parameter.name!r} is declared `{parameter.describe()}`, but {where} is {value!r}. "
        f"Pass {'an' if parameter.type is int else 'a'} {parameter.type.__name__}{none_hint}, "
        f"e.g. -p {parameter.name} {examples}."
    )


def check_names(values: dict[str, Any], declared: dict[str, Parameter], where: str) -> None:
    """Raise `ParameterError` for the first name in `values` that `declared` lacks.

    Example:
        >>> check_names({"epoch": 1}, {"epochs": Parameter("epochs", int, True, None)}, "the notebooks")
        Traceback (most recent call last):
        ...
        cifar_lab.runner.parameters.ParameterError: Unknown parameter 'epoch' for the notebooks. Did you mean ...
    """
    for name in values:
        if name not in declared:
            raise ParameterError(
                f"Unknown parameter {name!r} for {where}.{did_you_mean(name, list(declared))} "
                f"Valid parameters: {', '.join(declared)}."
            )
