"""The analysis of `cifar-lab check`: one walk over a parsed module that finds every rule's pattern.

`analyze` walks one parsed module (a whole notebook's code cells joined, or a `.py` file) and
returns a `Hit` for every match, with the edits of its mechanical fix when it has one. Names are
resolved through the module's imports by `cifar_lab.check.names`, so `from keras.utils import
np_utils as nu` then `nu.to_categorical` is caught while the same words inside a string or a
comment are not. This module handles references (`cifar_lab.check.references` says which removed
name they reach), subscripts and attributes; calls are checked by `cifar_lab.check.calls`, the
test set by `cifar_lab.check.testset`, the GAN idiom by `cifar_lab.check.trainable`. Standard
library only (no TensorFlow).

Example:
    >>> import ast
    >>> source = "from keras.layers import Conv2D\\nConv2D(64, 3, 3)"
    >>> [hit.rule for hit in analyze(ast.parse(source), source.split("\\n"))]
    ['K3010']
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from types import SimpleNamespace

from cifar_lab.check import calls
from cifar_lab.check.edits import Edit, Source
from cifar_lab.check.facts import ModuleFacts
from cifar_lab.check.hints import hint
from cifar_lab.check.names import NameResolver, keras_path
from cifar_lab.check.references import (
    as_written,
    depth,
    import_edits,
    lookup,
    new_name,
    ops_edits,
    reference_message,
    rename_chain,
)
from cifar_lab.check.rules import RULES
from cifar_lab.check.testset import TestSetTracker
from cifar_lab.check.trainable import gan_freezes

_HISTORY_KEYS = {"acc": "accuracy", "mean_absolute_error": "mae", "mean_squared_error": "mse"}
_MOVED_OPTIMIZER = "tensorflow.keras.optimizers."  # TensorFlow 1 optimizers: fixed with their arguments, in calls


@dataclass(frozen=True)
class Hit:
    """A rule matched at `line` (1-based) and `col` (1-based, in characters) of the analysed module.

    `message` and `fix` are the rule's, or longer ones naming what was found; `edits` fix it
    mechanically (empty when it needs a hand edit).

    Example:
        >>> source = "from keras.preprocessing.image import ImageDataGenerator"
        >>> hit = analyze(ast.parse(source), [source])[0]
        >>> hit.line, hit.col, hit.rule, hit.edits
        (1, 1, 'K3005', ())
    """

    line: int
    col: int
    rule: str
    message: str
    fix: str
    edits: tuple[Edit, ...] = ()


def analyze(tree: ast.Module, lines: list[str]) -> list[Hit]:
    """Return every rule match in `tree`, parsed from `lines`, in source order.

    Example:
        >>> source = "import keras\\nkeras.optimizers.Adam(lr=0.1)"
        >>> [(hit.rule, hit.fix) for hit in analyze(ast.parse(source), source.split("\\n"))]
        [('K3006', 'keras.optimizers.RMSprop(learning_rate=0.0001)')]
    """
    analyzer = Analyzer(lines, ModuleFacts.collect(tree))
    analyzer.bind_late(tree)
    analyzer.visit(tree)
    analyzer.finish()
    return sorted(analyzer.hits, key=lambda hit: (hit.line, hit.col, hit.rule))


def rules_in(source: str) -> list[tuple[int, str]]:
    """The `(line, rule)` of every hit in the Python `source`: a short way to show what a rule reports.

    Example:
        >>> rules_in("model.fit(x, y, nb_epoch=3, workers=2)")
        [(1, 'K3004'), (1, 'K3028')]
    """
    return [(hit.line, hit.rule) for hit in analyze(ast.parse(source), source.split("\n"))]


class Analyzer(TestSetTracker, NameResolver):
    """Finds the rules' patterns while `NameResolver` tracks what each name refers to.

    Example:
        >>> source = "fit(x, y, validation_data=(x_test, y_test))\\nevaluate(x_test, y_test)"
        >>> analyzer = Analyzer(source.split("\\n"), ModuleFacts())
        >>> analyzer.visit(ast.parse(source))
        >>> analyzer.finish()
        >>> [hit.rule for hit in analyzer.hits]
        ['K3012']
    """

    def __init__(self, lines: list[str], facts: ModuleFacts) -> None:
        NameResolver.__init__(self)
        TestSetTracker.__init__(self)
        self.source = Source(lines)
        self.facts = facts
        self.hits: list[Hit] = []
        self.calls: dict[int, ast.Call] = {}  # id of a call's func -> the call
        self.statements: dict[int, ast.Expr] = {}  # id of a top-level call -> its statement
        self.constants: dict[int, ast.Constant] = {}  # id of an image_dim_ordering reference -> its 'th'/'tf'
        self.assigned: dict[str, ast.expr] = {}  # a name -> the expression last assigned to it (or to its tuple)
        self.layout_branches = 0  # depth of `if` statements that test the image layout

    def report(self, node, rule: str, message: str | None = None, fix: str | None = None, edits=()) -> None:
        """Record `rule` at `node`; `message` and `fix` replace the rule's when they say more."""
        entry = RULES[rule]
        col = self.source.column(node.lineno, node.col_offset) + 1
        self.hits.append(Hit(node.lineno, col, rule, message or entry.message, fix or entry.fix, tuple(edits)))

    def keras_module(self) -> tuple[str | None, tuple[Edit, ...]]:
        """A name the code can use for Keras here, and the edit that imports it if none is bound yet."""
        for name, bound in self.aliases.items():
            if bound in ("keras", "tensorflow.keras"):
                return name, ()
        first = self.facts.first_import
        if first is None:
            return None, ()
        return "keras", (self.source.insert_line_after(first, "import keras"),)

    # References ------------------------------------------------------------------------------
    def flag_name(self, node: ast.AST, qualified: str, bound_to: str = "", alias: ast.alias | None = None) -> bool:
        """Report `qualified` if it reaches a removed name that the reference itself spells out."""
        found = lookup(qualified)
        if found is None or depth(found.name) < depth(bound_to or found.name):
            return False  # a name imported from inside a removed module: reported at its import
        if isinstance(node, ast.Name) and found.rule == "K3018" and found.replacement:
            return False  # a renamed name imported by name: fixing the import fixes this use
        if isinstance(node, ast.ImportFrom):
            edits = import_edits(self, node, alias, found) if alias else []
        elif found.rule == "K3015":
            edits = ops_edits(self, node, found, self.calls.get(id(node)))
        elif found.rule == "K3022" and id(self.calls.get(id(node))) in self.statements:
            edits = [self.source.replace(self.statements[id(self.calls[id(node)])], "")]
        else:
            edits = self.chain_edits(node, qualified, found)
        replacement = new_name(found)
        fix = hint(keras_path(qualified) or qualified) or (as_written(replacement, qualified) if replacement else None)
        self.report(node, found.rule, message=reference_message(found, qualified), fix=fix, edits=edits)
        return True

    def chain_edits(self, node: ast.AST, qualified: str, found) -> list[Edit]:
        replacement = new_name(found)
        if replacement is None or replacement.startswith(_MOVED_OPTIMIZER):
            return []
        old, new = as_written(found.name, qualified), as_written(replacement, qualified)
        edit = rename_chain(self, node, qualified, old, new)
        if edit and found.rule == "K3014":
            value = self.constants.get(id(node))
            if value is None or value.value not in ("th", "tf"):
                return []
            format_ = "'channels_first'" if value.value == "th" else "'channels_last'"
            return [edit, self.source.replace(value, format_)]
        return [edit] if edit else []

    def imported(self, node: ast.Import | ast.ImportFrom, qualified: str) -> None:
        alias = None
        if isinstance(node, ast.ImportFrom):
            alias = next((a for a in node.names if qualified.endswith("." + a.name)), None)
        self.flag_name(node, qualified, alias=alias)

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
        foreign = qualified is not None and keras_path(qualified) is None and not qualified.startswith("tensorflow")
        if isinstance(node.ctx, ast.Load) and not foreign:
            calls.check_attribute(self, node, called=id(node) in self.calls)
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        """K3023: `history.history['acc']` after `metrics=['accuracy']`, and the other renamed keys."""
        self.generic_visit(node)
        key = node.slice
        if not (isinstance(node.ctx, ast.Load) and isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return
        holder = node.value
        name = holder.attr if isinstance(holder, ast.Attribute) else getattr(holder, "id", "")
        if not (name == "history" or "hist" in name.lower() or name == "logs"):
            return
        bare = key.value.removeprefix("val_")
        new = _HISTORY_KEYS.get(bare)
        if new and new in self.facts.metrics and bare not in self.facts.metrics:
            renamed = key.value.replace(bare, new)
        elif bare == "lr" and self.facts.lr_callbacks:
            renamed = key.value.replace("lr", "learning_rate")
        else:
            return
        self.report(key, "K3023", edits=[self.source.replace_string(key, renamed)])

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        for target in node.targets:
            self.visit(target)
            calls.check_assignment(self, target, node.value)
            self.track_test_names(target, node.value)
            if isinstance(target, ast.Name):
                self.assigned[target.id] = node.value
                self.alias_module(target.id, node.value)
            elif isinstance(target, (ast.Tuple, ast.List)):  # x, y = iterator.get_next(): both come from the call
                for element in target.elts:
                    if isinstance(element, ast.Name):
                        self.assigned[element.id] = node.value

    def visit_Compare(self, node: ast.Compare) -> None:
        if isinstance(node.left, ast.Call) and len(node.comparators) == 1:
            value = node.comparators[0]
            if isinstance(value, ast.Constant):
                self.constants[id(node.left.func)] = value
        self.generic_visit(node)

    def visit_If(self, node: ast.If) -> None:
        """Code under `if K.image_data_format() == ...` handles both image layouts on purpose."""
        names = {getattr(n, "attr", getattr(n, "id", "")) for n in ast.walk(node.test)}
        layout = bool(names & {"image_data_format", "image_dim_ordering"})
        self.layout_branches += layout
        self.generic_visit(node)
        self.layout_branches -= layout

    def visit_Expr(self, node: ast.Expr) -> None:
        if isinstance(node.value, ast.Call) and node.col_offset == 0:
            self.statements[id(node.value)] = node
        self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> None:
        self.generic_visit(node)
        calls.check_dict(self, node)

    def visit_Call(self, node: ast.Call) -> None:
        self.calls[id(node.func)] = node
        if node.args and isinstance(node.args[0], ast.Constant):
            self.constants[id(node.func)] = node.args[0]
        self.generic_visit(node)
        calls.check_call(self, node)

    def finish(self) -> None:
        """Report what needs the whole module: the test set used as validation data, the GAN idiom."""
        self.finish_test_set()
        for (line, col), name, why in gan_freezes(self.facts.events):
            fix = (
                f"{name}.trainable = True   # before {name}.train_on_batch(...)\n"
                f"{name}.trainable = False  # before training the combined model\n"
                "# or write the training step with tf.GradientTape"
            )
            message = f"{RULES['K3032'].message} Here {why}."
            self.report(SimpleNamespace(lineno=line, col_offset=col), "K3032", message=message, fix=fix)
