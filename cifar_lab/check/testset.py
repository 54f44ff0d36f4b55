"""Rule K3012 of `cifar-lab check`: the test set passed as validation data, then reported as the result.

A heuristic that follows names, not values (`docs/checker.md` explains it): test names are the
second half of a `keras.datasets.*.load_data()` call, names with the word "test" in them, and names
computed from test names (each remembering which test names it came from). A `validation_data=`
holding a test name is reported when the same module evaluates (`evaluate`, `accuracy_score`,
`.score`) data of the same origin, or evaluates nothing at all (its validation scores are then its
results). `TestSetTracker` is mixed into the analyser
(`cifar_lab.check.analysis`), which calls `track_test_names` for each assignment, `validated` and
`evaluated` for each call, and `finish_test_set` at the end. Standard library only.

Example:
    >>> [is_test_name(n) for n in ("X_test", "testImages", "latest_x", "x_train")]
    [True, True, False, False]
"""

from __future__ import annotations

import ast
import re

from cifar_lab.check.names import keras_path
from cifar_lab.check.rules import RULES

_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def is_test_name(name: str) -> bool:
    """Return True when one of the words of identifier `name` is "test" (any case).

    Example:
        >>> is_test_name("test_ds"), is_test_name("attest")
        (True, False)
    """
    return any(word.lower() == "test" for word in _WORD.findall(name))


def data_names_in(node: ast.AST) -> set[str]:
    """The plain names in `node` that its data comes from.

    A call's data comes from its arguments (`test_datagen.flow_from_directory(validation_dir)` is
    validation data), or from its receiver when no argument names any (`x_test.astype("float32")`);
    the function called (`train_test_split`) and the index of a subscript are not data.

    Example:
        >>> names = lambda code: sorted(data_names_in(ast.parse(code, mode="eval").body))
        >>> names("train_test_split(x_all, y_all[idx])"), names("x_test.astype('float32') / 255")
        (['x_all', 'y_all'], ['x_test'])
        >>> names("test_gen.flow_from_directory(validation_dir, batch_size=20)")
        ['validation_dir']
    """
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.Call):
        from_arguments = set().union(*(data_names_in(a) for a in [*node.args, *(k.value for k in node.keywords)]))
        if from_arguments or not isinstance(node.func, ast.Attribute):
            return from_arguments
        return data_names_in(node.func.value)
    if isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        return data_names_in(node.value)
    return set().union(*map(data_names_in, ast.iter_child_nodes(node)))


class TestSetTracker:
    """The K3012 bookkeeping, mixed into the analyser (which supplies `qualify` and `report`).

    Example:
        >>> tracker = TestSetTracker()
        >>> tracker.evaluated(ast.parse("(x_test, y_test)", mode="eval").body)
        >>> sorted(tracker.evaluated_names)
        ['x_test', 'y_test']
    """

    __test__ = False  # not a pytest test class, despite its name

    def __init__(self) -> None:
        self.test_names: set[str] = set()  # bound from load_data()'s test half, or derived from it
        self.origins: dict[str, set[str]] = {}  # a derived test name -> the test names it came from
        self.evaluated_names: set[str] = set()
        self.validations: list[ast.expr] = []

    def track_test_names(self, target: ast.expr, value: ast.expr) -> None:
        """Names bound to `load_data()`'s test half, or computed from test names, are test names."""
        if (
            isinstance(target, (ast.Tuple, ast.List))
            and isinstance(value, (ast.Tuple, ast.List))
            and len(target.elts) == len(value.elts)
        ):
            for sub_target, sub_value in zip(target.elts, value.elts):
                self.track_test_names(sub_target, sub_value)
            return
        loaded = isinstance(value, ast.Call) and (keras_path(self.qualify(value.func)) or "").startswith(
            "keras.datasets."
        )
        if loaded and isinstance(target, (ast.Tuple, ast.List)) and len(target.elts) == 2:
            self.test_names |= data_names_in(target.elts[1])
            return
        sources = {n for n in data_names_in(value) if self.is_test(n)}
        if sources:
            origins = set().union(*map(self.origins_of, sources))
            for name in data_names_in(target):
                self.test_names.add(name)
                self.origins[name] = origins

    def evaluated(self, argument: ast.expr) -> None:
        """`argument` is passed to an evaluation call."""
        self.evaluated_names |= data_names_in(argument)

    def validated(self, value: ast.expr) -> None:
        """`value` is passed as `validation_data=`."""
        self.validations.append(value)

    def is_test(self, name: str) -> bool:
        return name in self.test_names or is_test_name(name)

    def origins_of(self, name: str) -> set[str]:
        return self.origins.get(name, {name})

    def finish_test_set(self) -> None:
        """Report each validation on test data the module evaluates on, or on test data when it evaluates nothing."""
        evaluated = set().union(*map(self.origins_of, self.evaluated_names))
        for value in self.validations:
            names = sorted(n for n in data_names_in(value) if self.is_test(n))
            if evaluated:
                names = [n for n in names if self.origins_of(n) & evaluated]
                why = "the same test data the notebook evaluates on."
            else:
                why = "test data, and nothing else is evaluated: the validation scores are the reported results."
            if names:
                message = f"{RULES['K3012'].message} Validated on {', '.join(names)}: {why}"
                self.report(value, "K3012", message=message)
