"""Name resolution for `cifar-lab check`: which dotted name each expression refers to, through imports.

`NameResolver` walks a module in source order and records every import as it comes, so
`from keras.utils import np_utils as nu` makes a later `nu.to_categorical` resolve to
`keras.utils.np_utils.to_categorical`, while a name the code rebinds (`Conv2D = my_conv`, a
`def` or `class` of the same name) stops resolving, and `K = keras.backend` makes `K` a name
for that module. Names keep saying where they come from (`tensorflow.keras.X` or `keras.X`):
since TensorFlow 2.16 both are Keras 3, but TensorFlow's copy still has a few Keras 2 names
(its `backend` module, `ImageDataGenerator`), so some rules tell them apart; `keras_path` reads
both as `keras.X`. The analysis in `cifar_lab.check.analysis` builds on it.

Example:
    >>> import ast
    >>> resolver = NameResolver()
    >>> resolver.visit(ast.parse("from tensorflow.keras import layers as L"))
    >>> resolver.qualify(ast.parse("L.Conv2D", mode="eval").body)
    'tensorflow.keras.layers.Conv2D'
    >>> resolver.is_keras(ast.parse("L.Conv2D", mode="eval").body)
    'keras.layers.Conv2D'
"""

from __future__ import annotations

import ast


def canonical(qualified: str) -> str:
    """Return `qualified` with TensorFlow's private `tensorflow.python.keras` read as `tensorflow.keras`.

    Example:
        >>> canonical("tensorflow.python.keras.layers.Dense"), canonical("numpy.fft")
        ('tensorflow.keras.layers.Dense', 'numpy.fft')
    """
    if within(qualified, "tensorflow.python.keras"):
        return "tensorflow.keras" + qualified[len("tensorflow.python.keras") :]
    return qualified


def keras_path(qualified: str | None) -> str | None:
    """Return a Keras name as `keras.X`, whether it came through `keras` or `tensorflow.keras`; else None.

    Example:
        >>> keras_path("tensorflow.keras.layers.Dense"), keras_path("keras.layers"), keras_path("keras_cv.layers")
        ('keras.layers.Dense', 'keras.layers', None)
    """
    if qualified is None:
        return None
    if within(qualified, "tensorflow.keras"):
        return qualified[len("tensorflow.") :]
    return qualified if within(qualified, "keras") else None


def within(qualified: str, prefix: str) -> bool:
    """Return True when dotted name `qualified` is `prefix` or something inside it.

    Example:
        >>> within("keras.layers.Dense", "keras.layers"), within("keras_cv.layers", "keras")
        (True, False)
    """
    return qualified == prefix or qualified.startswith(prefix + ".")


def names_in(node: ast.AST) -> set[str]:
    """Return the plain names (`ast.Name`) that occur anywhere in `node`.

    Example:
        >>> sorted(names_in(ast.parse("(x_val, y_val[idx])", mode="eval")))
        ['idx', 'x_val', 'y_val']
    """
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


class NameResolver(ast.NodeVisitor):
    """One pass in source order: imports are recorded as they come, so later code resolves them.

    Subclasses visit the rest of the code; `imported` is called with each name an import
    statement spells out, before it is bound.

    Example:
        >>> resolver = NameResolver()
        >>> resolver.visit(ast.parse("import numpy as np\\nfrom keras.layers import *"))
        >>> resolver.aliases, resolver.star_modules
        ({'np': 'numpy'}, ['keras.layers'])
    """

    def __init__(self) -> None:
        self.aliases: dict[str, str] = {}  # local name -> canonical dotted name
        self.star_modules: list[str] = []
        self.late_aliases: dict[str, str] = {}  # what the module's top-level imports bind, for function bodies
        self.function_depth = 0

    def imported(self, node: ast.Import | ast.ImportFrom, qualified: str) -> None:
        """Called with the canonical name each import spells out (`keras.layers` for `import *`)."""

    def qualify(self, node: ast.AST, *, star: bool = False) -> str | None:
        """The canonical dotted name an expression like `nu.to_categorical` refers to, if known.

        With `star`, a name no import binds is read as coming from the last Keras `import *`
        (`Conv2D` after `from keras.layers import *`): used only where a Keras name is sought.

        Example:
            >>> resolver = NameResolver()
            >>> resolver.visit(ast.parse("from keras.layers import *"))
            >>> conv = ast.parse("Conv2D", mode="eval").body
            >>> resolver.qualify(conv), resolver.qualify(conv, star=True)
            (None, 'keras.layers.Conv2D')
        """
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        base = self.bound(node.id)
        if base is None and star:
            module = next((m for m in reversed(self.star_modules) if keras_path(m)), None)
            base = module and f"{module}.{node.id}"
        return None if base is None else ".".join([base, *reversed(parts)])

    def bound(self, name: str) -> str | None:
        """What the plain name `name` stands for here (in a function body, a later import counts too)."""
        base = self.aliases.get(name)
        if base is None and self.function_depth:  # a function body runs later: a later import binds it
            base = self.late_aliases.get(name)
        return base

    def is_keras(self, node: ast.AST) -> str | None:
        """The Keras name `node` refers to (star imports included), or None when it is not Keras.

        Example:
            >>> resolver = NameResolver()
            >>> resolver.visit(ast.parse("import tensorflow as tf\\nimport numpy as np"))
            >>> resolver.is_keras(ast.parse("tf.keras.optimizers.SGD", mode="eval").body)
            'keras.optimizers.SGD'
            >>> print(resolver.is_keras(ast.parse("np.histogram", mode="eval").body))
            None
        """
        return keras_path(self.qualify(node, star=True))

    def alias_module(self, name: str, value: ast.expr) -> bool:
        """Make `name` stand for `value` when that is a Keras module or name (`K = keras.backend`, `RNN = layers.LSTM`).

        Example:
            >>> resolver = NameResolver()
            >>> resolver.visit(ast.parse("from tensorflow import keras"))
            >>> resolver.alias_module("K", ast.parse("keras.backend", mode="eval").body)
            True
            >>> resolver.qualify(ast.parse("K.mean", mode="eval").body)
            'tensorflow.keras.backend.mean'
        """
        qualified = self.qualify(value) if isinstance(value, (ast.Name, ast.Attribute)) else None
        if keras_path(qualified) is None:
            return False
        self.aliases[name] = qualified
        return True

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            qualified = canonical(alias.name)
            self.imported(node, qualified)
            if alias.asname:
                self.aliases[alias.asname] = qualified
            else:
                top = alias.name.split(".")[0]
                self.aliases[top] = canonical(top)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module:
            return
        module = canonical(node.module)
        for alias in node.names:
            if alias.name == "*":
                self.imported(node, module)
                self.star_modules.append(module)
                continue
            qualified = f"{module}.{alias.name}"
            self.imported(node, qualified)
            self.aliases[alias.asname or alias.name] = qualified

    def rebind(self, name: str) -> None:
        """Forget what `name` was imported as: the code assigned it something else."""
        self.aliases.pop(name, None)

    def bind_late(self, tree: ast.Module) -> None:
        """Record what the top-level imports of `tree` bind, for names used in function bodies.

        Example:
            >>> resolver = NameResolver()
            >>> tree = ast.parse("def reset():\\n    tf.reset_default_graph()\\nimport tensorflow as tf")
            >>> resolver.bind_late(tree)
            >>> resolver.late_aliases
            {'tf': 'tensorflow'}
        """
        imports = NameResolver()
        for statement in tree.body:
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                imports.visit(statement)
        self.late_aliases = imports.aliases

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.rebind(node.name)
        self.function_depth += 1
        self.generic_visit(node)
        self.function_depth -= 1

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.rebind(node.name)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef
