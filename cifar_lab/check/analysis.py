"""The analysis of `cifar-lab check`: one walk over a parsed module that finds every rule's pattern.

`analyze` walks one parsed module (a whole notebook's code cells joined, or a `.py` file) and
returns a `Hit` for every match. Names are resolved through the module's imports by
`cifar_lab.check.names`, so `from keras.utils import np_utils as nu` then `nu.to_categorical` is
caught while the same words inside a string or a comment are not. The names and arguments each
rule looks for are in `cifar_lab.check.patterns`, the rules' texts in `cifar_lab.check.rules`.
Standard library only (no TensorFlow).

Example:
    >>> import ast
    >>> [hit.rule for hit in analyze(ast.parse("from keras.layers import Conv2D\\nConv2D(64, 3, 3)"))]
    ['K3010']
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from cifar_lab.check.names import NameResolver, names_in, within
from cifar_lab.check.patterns import (
    CONVOLUTIONS,
    EVALUATION_CALLS,
    FLAGGED_NAMES,
    HTTP_CALLS,
    KERAS1_FIT_ARGUMENTS,
    LAYER_INPUT_ARGUMENTS,
    OPTIMIZERS,
    REMOVED_METHODS,
)
from cifar_lab.check.rules import RULES


@dataclass(frozen=True)
class Hit:
    """A rule matched at `line` (1-based) and `col` (1-based) of the analysed module.

    `message` is the rule's, or a longer one naming what was found; `fix` is the rule's.

    Example:
        >>> hit = analyze(ast.parse("from keras.preprocessing.image import ImageDataGenerator"))[0]
        >>> hit.line, hit.col, hit.rule
        (1, 1, 'K3005')
    """

    line: int
    col: int
    rule: str
    message: str
    fix: str


_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def is_test_name(name: str) -> bool:
    """Return True when one of the words of identifier `name` is "test" (any case).

    Example:
        >>> [is_test_name(n) for n in ("X_test", "testImages", "latest_x", "x_train")]
        [True, True, False, False]
    """
    return any(word.lower() == "test" for word in _WORD.findall(name))


def analyze(tree: ast.Module) -> list[Hit]:
    """Return every rule match in `tree`, in source order.

    Example:
        >>> [hit.rule for hit in analyze(ast.parse("import keras\\nkeras.optimizers.Adam(lr=0.1)"))]
        ['K3006']
    """
    analyzer = _Analyzer()
    analyzer.visit(tree)
    analyzer.finish()
    return sorted(analyzer.hits, key=lambda hit: (hit.line, hit.col, hit.rule))


class _Analyzer(NameResolver):
    """Finds the rules' patterns while `NameResolver` tracks what each name refers to.

    Most rules report as the walk meets them; K3012 (test set as validation data) needs the whole
    module first, so `finish` reports it once the walk is over.

    Example:
        >>> analyzer = _Analyzer()
        >>> analyzer.visit(ast.parse("fit(x, y, validation_data=(x_test, y_test))\\nevaluate(x_test, y_test)"))
        >>> [hit.rule for hit in analyzer.hits]
        []
        >>> analyzer.finish()
        >>> [hit.rule for hit in analyzer.hits]
        ['K3012']
    """

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[Hit] = []
        self.test_names: set[str] = set()  # bound from load_data()'s test half, or derived from it
        self.origins: dict[str, set[str]] = {}  # a derived test name -> the test names it came from
        self.evaluated_names: set[str] = set()
        self.validations: list[ast.expr] = []

    def report(self, node: ast.AST, rule: str, message: str | None = None) -> None:
        """Record `rule` at `node`; `message` replaces the rule's when it says more."""
        entry = RULES[rule]
        message = message or entry.message
        self.hits.append(Hit(node.lineno, node.col_offset + 1, rule, message, entry.fix))

    def flag_name(self, node: ast.AST, qualified: str, bound_to: str = "") -> bool:
        """Report `qualified` if it reaches into a flagged name the reference itself spells out."""
        for name, rule in FLAGGED_NAMES.items():
            if within(qualified, name) and len(name) >= len(bound_to):
                self.report(node, rule)
                return True
        return False

    def imported(self, node: ast.Import | ast.ImportFrom, qualified: str) -> None:
        self.flag_name(node, qualified)

    # References ------------------------------------------------------------------------------
    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            qualified = self.qualify(node)
            if qualified:
                self.flag_name(node, qualified, bound_to=qualified)
        else:
            self.rebind(node.id)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        qualified = self.qualify(node)
        if qualified:
            base = node
            while isinstance(base, ast.Attribute):
                base = base.value
            if self.flag_name(node, qualified, bound_to=self.aliases.get(base.id, "")):
                return  # one finding per dotted chain
        foreign = qualified is not None and not within(qualified, "keras")
        if node.attr in REMOVED_METHODS and isinstance(node.ctx, ast.Load) and not foreign:
            self.report(
                node, REMOVED_METHODS[node.attr], message=f"{node.attr}: " + RULES[REMOVED_METHODS[node.attr]].message
            )
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        for target in node.targets:
            self.visit(target)
            if (
                isinstance(target, ast.Attribute)
                and target.attr == "check_hostname"
                and isinstance(node.value, ast.Constant)
                and node.value.value is False
            ):
                self.report(target, "K3011")
            if isinstance(target, ast.Subscript) and self.qualify(target.value) == "os.environ":
                key = target.slice
                if isinstance(key, ast.Constant) and key.value == "PYTHONHTTPSVERIFY":
                    self.report(target, "K3011")
            self.track_test_names(target, node.value)

    # Calls -----------------------------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        self.generic_visit(node)
        qualified = self.qualify(node.func)
        method = node.func.attr if isinstance(node.func, ast.Attribute) else None
        keywords = {kw.arg: kw.value for kw in node.keywords if kw.arg}
        foreign = qualified is not None and not within(qualified, "keras")  # e.g. numpy.histogram
        if not foreign:
            self.check_keras1_arguments(keywords)
            if method == "save_weights":
                self.check_weights_name(node, keywords)
        keras_name = self.is_keras(node.func)
        if keras_name:
            self.check_keras_call(node, keras_name, keywords)
        verify = keywords.get("verify")
        if (
            isinstance(verify, ast.Constant)
            and verify.value is False
            and (method in HTTP_CALLS or (qualified or "").split(".")[0] in ("requests", "httpx"))
        ):
            self.report(verify, "K3011")
        name = method or (qualified or "").rsplit(".", 1)[-1] or getattr(node.func, "id", "")
        if name in EVALUATION_CALLS:
            for argument in [*node.args, *keywords.values()]:
                self.evaluated_names |= names_in(argument)
        if "validation_data" in keywords:
            self.validations.append(keywords["validation_data"])

    def check_keras1_arguments(self, keywords: dict[str, ast.expr]) -> None:
        for name, replacement in KERAS1_FIT_ARGUMENTS.items():
            if name in keywords:
                self.report(
                    keywords[name],
                    "K3004",
                    message=f"{name}= is a Keras 1 argument that Keras 3 rejects (TypeError); it is now {replacement}.",
                )

    def check_keras_call(self, node: ast.Call, keras_name: str, keywords: dict[str, ast.expr]) -> None:
        """Optimizer arguments, layer input shapes and the Conv2D positional trap."""
        last = keras_name.rsplit(".", 1)[-1]
        if within(keras_name, "keras.optimizers") and last.lower() in OPTIMIZERS:
            for argument, rule in (("lr", "K3006"), ("decay", "K3007")):
                if argument in keywords:
                    self.report(keywords[argument], rule)
        if within(keras_name, "keras.layers"):
            for argument in LAYER_INPUT_ARGUMENTS:
                if argument in keywords:
                    self.report(keywords[argument], "K3009")
        # Conv2D(64, (3, 3), (2, 2)) names its strides on purpose; Conv2D(64, 3, 3) is Keras 1.
        if (
            last in CONVOLUTIONS
            and len(node.args) >= 3
            and not any(isinstance(arg, ast.Starred) for arg in node.args)
            and not isinstance(node.args[1], (ast.Tuple, ast.List))
        ):
            self.report(node.args[2], "K3010")

    def check_weights_name(self, node: ast.Call, keywords: dict[str, ast.expr]) -> None:
        target = node.args[0] if node.args else keywords.get("filepath")
        described = "is"
        if isinstance(target, ast.JoinedStr):  # an f-string: only its literal ending is readable
            target, described = (target.values[-1] if target.values else None), "ends in"
        if isinstance(target, ast.Constant) and isinstance(target.value, str):
            if not target.value.endswith(".weights.h5"):
                self.report(
                    target, "K3008", message=RULES["K3008"].message + f" This one {described} {target.value!r}."
                )

    # The test set ----------------------------------------------------------------------------
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
        loaded = (
            isinstance(value, ast.Call)
            and (self.is_keras(value.func) or "").startswith("keras.datasets.")
            and self.qualify(value.func).endswith(".load_data")
        )
        if loaded and isinstance(target, (ast.Tuple, ast.List)) and len(target.elts) == 2:
            self.test_names |= names_in(target.elts[1])
            return
        sources = {n for n in names_in(value) if self.is_test(n)}
        if sources:
            origins = set().union(*map(self.origins_of, sources))
            for name in names_in(target):
                self.test_names.add(name)
                self.origins[name] = origins

    def is_test(self, name: str) -> bool:
        return name in self.test_names or is_test_name(name)

    def origins_of(self, name: str) -> set[str]:
        return self.origins.get(name, {name})

    def finish(self) -> None:
        evaluated = set().union(*map(self.origins_of, self.evaluated_names))
        for value in self.validations:
            reported = sorted(n for n in names_in(value) if self.is_test(n) and self.origins_of(n) & evaluated)
            if reported:
                names = ", ".join(reported)
                self.report(
                    value,
                    "K3012",
                    message=RULES["K3012"].message
                    + f" Validated on {names}: the same test data the notebook evaluates on.",
                )
