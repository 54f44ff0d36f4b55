"""Which removed name a reference reaches, and the edit that renames it: rules K3001-K3002, K3005, K3014-K3022, K3036.

`lookup` maps a dotted name (as `cifar_lab.check.names` resolves it) to the removed entry it falls
in, from the tables of `cifar_lab.check.patterns` and `cifar_lab.check.patterns_tf`.
`reference_edits` builds the mechanical fix of such a reference, where there is one: an import
renamed (`from keras.layers.core import Dense` -> `from keras.layers import Dense`, `from
keras.utils import np_utils` -> `from keras import utils as np_utils`), a dotted name renamed
(`tf.random_uniform` -> `tf.random.uniform`, `keras.optimizers.rmsprop` -> `keras.optimizers.RMSprop`),
a backend function replaced by `keras.ops` (`K.mean` -> `keras.ops.mean`). Standard library only.

Example:
    >>> lookup("tensorflow.keras.backend.mean"), lookup("keras.backend.mean").rule
    (None, 'K3015')
    >>> lookup("tensorflow.random_uniform")
    Found(name='tensorflow.random_uniform', rule='K3020', replacement='tensorflow.random.uniform')
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from cifar_lab.check.edits import Edit
from cifar_lab.check.names import canonical, keras_path, within
from cifar_lab.check.patterns import (
    BACKEND_KEPT,
    BACKEND_OPS,
    KEEPS_KEYWORDS,
    KEPT_UTILS,
    NEEDS_AXIS,
    REMOVED_NAMES,
    RENAMED_KEYWORDS,
    TENSORFLOW_BACKEND_BROKEN,
    TENSORFLOW_KERAS,
    TLS_OFF,
)
from cifar_lab.check.patterns_tf import TF1_MOVED, TF1_REMOVED, TF_CONTRIB
from cifar_lab.check.rules import RULES

_DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")
_MODULE_RULES = {"K3001", "K3002", "K3017"}


@dataclass(frozen=True)
class Found:
    """A removed entry: its `name` (`keras.X` or `tensorflow.X`), its `rule`, and what replaces it.

    `replacement` is a module (K3001/K3002/K3017), a new last name (K3014, K3018), a
    `keras.ops` function (K3015) or a new dotted name (K3020); None when nothing replaces it.

    Example:
        >>> lookup("keras.layers.core.Dense")
        Found(name='keras.layers.core', rule='K3002', replacement='keras.layers')
    """

    name: str
    rule: str
    replacement: str | None


def lookup(qualified: str) -> Found | None:
    """The removed entry that `qualified` is, or lies inside; None when Keras 3 / TensorFlow 2 has it.

    Example:
        >>> lookup("keras.layers.Dense"), lookup("tensorflow.compat.v1.Session"), lookup("numpy.mean")
        (None, None, None)
    """
    path = keras_path(qualified)
    if path is not None:
        return _keras_lookup(path, via_tensorflow=qualified.startswith("tensorflow."))
    tls = next((name for name in _prefixes(qualified) if name in TLS_OFF), None)
    if tls:
        return Found(tls, "K3011", None)
    return _tensorflow_lookup(qualified) if within(qualified, "tensorflow") else None


def _prefixes(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:end]) for end in range(len(parts), 1, -1)]


def _keras_lookup(path: str, via_tensorflow: bool) -> Found | None:
    if path == "keras.layers.merge":  # Keras 1's merge() function, not the Keras 2 module below
        return Found(path, "K3018", None)
    for name in _prefixes(path):
        if name not in REMOVED_NAMES:
            continue
        rule, replacement = REMOVED_NAMES[name]
        if via_tensorflow and name in TENSORFLOW_KERAS:
            rule, replacement = TENSORFLOW_KERAS[name], None
            if rule is None:
                return None
        inner = "keras.layers." + path[len(name) + 1 :].split(".")[0]
        if rule == "K3002" and name != path and inner in REMOVED_NAMES:  # a removed layer, from a submodule
            return Found(f"{name}.{inner.rsplit('.', 1)[1]}", *REMOVED_NAMES[inner])
        return Found(name, rule, replacement)
    parts = path.split(".")
    if len(parts) >= 3 and parts[1] == "backend":
        broken = parts[2] in TENSORFLOW_BACKEND_BROKEN if via_tensorflow else parts[2] not in BACKEND_KEPT
        if broken:
            return Found(".".join(parts[:3]), "K3015", BACKEND_OPS.get(parts[2]))
    return None


def _tensorflow_lookup(qualified: str) -> Found | None:
    for name in _prefixes(qualified):
        if name in TF1_MOVED:
            return Found(name, "K3020", TF1_MOVED[name])
        if name == "tensorflow.enable_eager_execution":
            return Found(name, "K3022", None)
        if name in TF1_REMOVED:
            return Found(name, "K3019", None)
        if name == TF_CONTRIB:
            return Found(name, "K3021", None)
    return None


def depth(name: str) -> int:
    """How many parts a dotted name has, `tensorflow.keras.X` counted as `keras.X`.

    Example:
        >>> depth("tensorflow.keras.utils"), depth("keras.utils")
        (2, 2)
    """
    return (keras_path(name) or name).count(".") + 1


def as_written(name: str, qualified: str) -> str:
    """`name` (a `keras.X` entry) spelled the way `qualified` spells Keras (`tensorflow.keras.X` or `keras.X`).

    Example:
        >>> as_written("keras.layers.GRU", "tensorflow.keras.layers.CuDNNGRU")
        'tensorflow.keras.layers.GRU'
    """
    if within(name, "keras") and qualified.startswith("tensorflow.keras"):
        return "tensorflow." + name
    return name


def new_name(found: Found) -> str | None:
    """The dotted name that replaces `found.name` one for one, or None.

    Example:
        >>> new_name(lookup("keras.optimizers.rmsprop")), new_name(lookup("keras.utils.generic_utils"))
        ('keras.optimizers.RMSprop', 'keras.utils')
    """
    if found.replacement is None:
        return None
    if found.rule in _MODULE_RULES or found.rule == "K3020":
        return found.replacement
    if found.rule in ("K3014", "K3018"):
        return found.name.rsplit(".", 1)[0] + "." + found.replacement
    return None


def rename_chain(analyzer, node: ast.AST, qualified: str, old: str, new: str) -> Edit | None:
    """Rewrite a dotted reference so that the `old` prefix of what it names becomes `new`.

    Only when the reference is written out as a plain dotted name whose first part stands for a
    common prefix of `old` and `new` (`tf.random_uniform`, with `tf` for `tensorflow`).

    Example:
        >>> from cifar_lab.check.fixer import fix_cells
        >>> fix = lambda code: fix_cells('a.py', [(None, code)]).after[None]
        >>> fix("import tensorflow as tf\\ntf.set_random_seed(0)")
        'import tensorflow as tf\\ntf.random.set_seed(0)'
    """
    text = analyzer.source.segment(node)
    base = text.split(".")[0]
    bound = analyzer.bound(base)
    if not _DOTTED.fullmatch(text) or bound is None or not qualified.startswith(old):
        return None
    if not (within(old, bound) and within(new, bound)):
        return None
    return analyzer.source.replace(node, base + new[len(bound) :] + qualified[len(old) :])


def import_edits(analyzer, node: ast.ImportFrom, alias: ast.alias, found: Found) -> list[Edit]:
    """The edits that fix `from module import alias` for the removed entry `found`.

    Example:
        >>> from cifar_lab.check.fixer import fix_cells
        >>> fix = lambda code: fix_cells('a.py', [(None, code)]).after[None]
        >>> fix("from keras.utils import np_utils")
        'from keras import utils as np_utils'
    """
    module = canonical(node.module)
    qualified = f"{module}.{alias.name}"
    replacement = new_name(found)
    if replacement is None or alias.name.startswith("_") or found.rule not in (*_MODULE_RULES, "K3018"):
        return []
    old, new = as_written(found.name, qualified), as_written(replacement, qualified)
    if within(module, old):  # from keras.layers.core import Dense -> from keras.layers import Dense
        if found.rule == "K3017" and new.endswith(".utils") and any(a.name not in KEPT_UTILS for a in node.names):
            return []
        edit = _module_edit(analyzer, node, new + module[len(old) :])
        return [edit] if edit else []
    if old != qualified:
        return []
    # from keras.utils import np_utils -> from keras import utils as np_utils
    parent, last = new.rsplit(".", 1)
    edits = [analyzer.source.replace(alias, f"{last} as {alias.asname or alias.name}")]
    if parent != module:
        if len(node.names) > 1:
            return []
        edit = _module_edit(analyzer, node, parent)
        if edit is None:
            return []
        edits.append(edit)
    return edits


def _module_edit(analyzer, node: ast.ImportFrom, module: str) -> Edit | None:
    line = analyzer.source.lines[node.lineno - 1]
    start = analyzer.source.column(node.lineno, node.col_offset)
    match = re.compile(r"from\s+(" + re.escape(node.module) + r")\b").match(line, start)
    return Edit(node.lineno, match.start(1), node.lineno, match.end(1), module) if match else None


def ops_edits(analyzer, node: ast.AST, found: Found, call: ast.Call | None) -> list[Edit]:
    """`K.mean(x, axis=1)` -> `keras.ops.mean(x, axis=1)`, when keras.ops takes the same arguments.

    Example:
        >>> from cifar_lab.check.fixer import fix_cells
        >>> fix = lambda code: fix_cells('a.py', [(None, code)]).after[None]
        >>> fix("import keras\\nfrom keras import backend as K\\nK.sum(x, axis=1)")
        'import keras\\nfrom keras import backend as K\\nkeras.ops.sum(x, axis=1)'
    """
    function = found.name.rsplit(".", 1)[1]
    if found.replacement is None or call is None or call.func is not node:
        return []
    keywords = [kw for kw in call.keywords if kw.arg not in KEEPS_KEYWORDS]
    if any(kw.arg not in RENAMED_KEYWORDS for kw in keywords) or any(isinstance(a, ast.Starred) for a in call.args):
        return []
    has_axis = len(call.args) >= 2 or any(kw.arg == "axis" for kw in call.keywords)
    if (function in NEEDS_AXIS and not has_axis) or (function == "relu" and len(call.args) > 1):
        return []
    keras, extra = analyzer.keras_module()
    if keras is None:
        return []
    renames = [analyzer.source.rename_keyword(kw, RENAMED_KEYWORDS[kw.arg]) for kw in keywords]
    return [analyzer.source.replace(node, f"{keras}.{found.replacement}"), *renames, *extra]


def reference_message(found: Found, qualified: str) -> str:
    """Why the reference to `found` fails, naming what the code reached.

    Example:
        >>> name = "tensorflow.keras.backend.get_session"
        >>> print(reference_message(lookup(name), name))
        tensorflow.keras.backend.get_session does not exist on TensorFlow 2.16+ (AttributeError).
    """
    last = found.name.rsplit(".", 1)[-1]
    if found.rule == "K3015" and qualified.startswith("tensorflow.keras"):
        if last == "gradients":
            return (
                "tensorflow.keras.backend.gradients needs a TensorFlow 1 graph: under TensorFlow 2's eager "
                "execution it raises RuntimeError. Compute gradients with tf.GradientTape."
            )
        return f"tensorflow.keras.backend.{last} does not exist on TensorFlow 2.16+ (AttributeError)."
    if found.rule == "K3015" and found.replacement:
        return f"keras.backend.{last} does not exist in Keras 3 (AttributeError); it is keras.{found.replacement}."
    if found.rule in ("K3018", "K3020") and found.replacement:
        new = new_name(found).rsplit(".", 1)[-1] if found.rule == "K3018" else new_name(found)
        return f"{RULES[found.rule].message} {last} is now {new}."
    return f"{last}: {RULES[found.rule].message}"
