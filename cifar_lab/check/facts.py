"""Whole-module facts for `cifar-lab check`: what some rules must know before the walk reaches a line.

Whether `history['acc']` breaks depends on the metrics the model was compiled with, which a
notebook may name later; whether a `trainable = False` is the GAN idiom depends on what is trained
afterwards. `ModuleFacts.collect` gathers these in one iterative pass (no recursion, so code of
any depth is safe) before `cifar_lab.check.analysis` walks the module. Standard library only.

Example:
    >>> import ast
    >>> facts = ModuleFacts.collect(ast.parse("import keras\\nmodel.compile('sgd', metrics=['accuracy'])"))
    >>> facts.metrics, facts.standalone_keras
    ({'accuracy'}, True)
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

_LR_CALLBACKS = ("LearningRateScheduler", "ReduceLROnPlateau")
_TRAINING = {"fit", "fit_generator", "train_on_batch"}


@dataclass
class ModuleFacts:
    """Facts about one module (a `.py` file, or a notebook's code cells joined).

    `metrics`: the metric names (strings) any `compile(metrics=...)` uses; `standalone_keras`: the
    code imports `keras` itself rather than `tensorflow.keras`; `lr_callbacks`: it uses a
    callback that logs the learning rate; `channels_first`: it switches Keras to channels-first
    images; `strings`: every string constant, by value (so a file
    name can be renamed everywhere it is written); `first_import`: the first top-level import
    (not `from __future__`), after which a fix may add one; `events`: `(line, col, kind, name)` for `name.trainable =
    False/True` ("freeze"/"unfreeze"), `name.compile(...)` and `name.fit(...)` or
    `name.train_on_batch(...)` ("train"), in source order.

    Example:
        >>> source = "d.compile('sgd')\\nd.trainable = False\\nd.train_on_batch(x, y)"
        >>> ModuleFacts.collect(ast.parse(source)).events
        [(1, 0, 'compile', 'd'), (2, 0, 'freeze', 'd'), (3, 0, 'train', 'd')]
    """

    metrics: set[str] = field(default_factory=set)
    standalone_keras: bool = False
    lr_callbacks: bool = False
    channels_first: bool = False
    strings: dict[str, list[ast.Constant]] = field(default_factory=dict)
    first_import: ast.stmt | None = None
    events: list[tuple[int, int, str, str]] = field(default_factory=list)

    @classmethod
    def collect(cls, tree: ast.Module) -> ModuleFacts:
        """Gather the facts of `tree` in one pass."""
        facts = cls()
        imports = [s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))]
        futures = [s for s in imports if isinstance(s, ast.ImportFrom) and s.module == "__future__"]
        # after the first ordinary import: an import added after a __future__ one could precede another
        facts.first_import = next((s for s in imports if s not in futures), futures[-1] if futures else None)
        formatted = set()  # the parts of f-strings, whose positions Python 3.11 does not report
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                formatted.update(id(value) for value in node.values)
            if isinstance(node, ast.Import):
                facts.standalone_keras |= any(a.name.split(".")[0] == "keras" for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                facts.standalone_keras |= (node.module or "").split(".")[0] == "keras" and not node.level
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in formatted:
                facts.strings.setdefault(node.value, []).append(node)
            elif isinstance(node, (ast.Name, ast.Attribute)):
                facts.lr_callbacks |= getattr(node, "id", getattr(node, "attr", None)) in _LR_CALLBACKS
            if isinstance(node, ast.Call):
                facts._call(node)
            elif isinstance(node, ast.Assign):
                facts._trainable(node)
        facts.events.sort()
        return facts

    def _call(self, node: ast.Call) -> None:
        func = node.func
        name = getattr(func, "attr", getattr(func, "id", ""))
        if name in ("set_image_data_format", "set_image_dim_ordering") and node.args:
            first = node.args[0]
            self.channels_first |= isinstance(first, ast.Constant) and first.value in ("channels_first", "th")
        if not isinstance(func, ast.Attribute):
            return
        if func.attr == "compile":
            for keyword in node.keywords:
                if keyword.arg == "metrics":
                    self.metrics |= _strings_in(keyword.value)
        if isinstance(func.value, ast.Name) and (func.attr == "compile" or func.attr in _TRAINING):
            kind = "compile" if func.attr == "compile" else "train"
            self.events.append((node.lineno, node.col_offset, kind, func.value.id))

    def _trainable(self, node: ast.Assign) -> None:
        if not (isinstance(node.value, ast.Constant) and isinstance(node.value.value, bool)):
            return
        for target in node.targets:
            if isinstance(target, ast.Attribute) and target.attr == "trainable" and isinstance(target.value, ast.Name):
                kind = "unfreeze" if node.value.value else "freeze"
                self.events.append((node.lineno, node.col_offset, kind, target.value.id))


def _strings_in(node: ast.expr) -> set[str]:
    """The string constants of a `metrics=` value: a list, a tuple, or a dict of them per output."""
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
