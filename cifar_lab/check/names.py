"""Name resolution for `cifar-lab check`: which dotted name each expression refers to, through imports.

`NameResolver` walks a module in source order and records every import as it comes, so
`from keras.utils import np_utils as nu` makes a later `nu.to_categorical` resolve to
`keras.utils.np_utils.to_categorical`, while a name the code rebinds (`Conv2D = my_conv`, a
`def` or `class` of the same name) stops resolving. `tensorflow.keras.X` is read as `keras.X`:
since TensorFlow 2.16 both are Keras 3. The analysis in `cifar_lab.check.analysis` builds on it.

Example:
    >>> import ast
    >>> resolver = NameResolver()
    >>> resolver.visit(ast.parse("from tensorflow.keras import layers as L"))
    >>> resolver.qualify(ast.parse("L.Conv2D", mode="eval").body)
    'keras.layers.Conv2D'
"""

from __future__ import annotations

import ast


def canonical(qualified: str) -> str:
    """Return `qualified` with `tensorflow.keras` and `tensorflow.python.keras` read as `keras`.

    Example:
        >>> canonical("tensorflow.keras.layers.Dense"), canonical("tensorflow.python.keras"), canonical("numpy.fft")
        ('keras.layers.Dense', 'keras', 'numpy.fft')
    """
    for prefix in ("tensorflow.python.keras", "tensorflow.keras"):
        if qualified == prefix or qualified.startswith(prefix + "."):
            return "keras" + qualified[len(prefix) :]
    return qualified


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
        base = self.aliases.get(node.id)
        if base is None and star:
            module = next((m for m in reversed(self.star_modules) if within(m, "keras")), None)
            base = module and f"{module}.{node.id}"
        return None if base is None else canonical(".".join([base, *reversed(parts)]))

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
        qualified = self.qualify(node, star=True)
        return qualified if qualified and within(qualified, "keras") else None

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

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.rebind(node.name)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef
