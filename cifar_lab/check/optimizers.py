"""The optimizer rules of `cifar-lab check`: `lr=` (K3006), `decay=` (K3007), defaults (K3031), TF 1 (K3020).

`optimizer` checks a call of a Keras optimizer class, `string_optimizer` a `compile(optimizer='...')`,
`check_tensorflow_call` a TensorFlow 1 optimizer (`tf.train.AdamOptimizer`), each with the fix that
keeps what the code meant: `decay=` becomes the `InverseTimeDecay` schedule that reproduces Keras 2's
`lr / (1 + decay * step)`, a default learning rate that changed is written out. Standard library only.

Example:
    >>> from cifar_lab.check.analysis import rules_in
    >>> rules_in("import keras\\nkeras.optimizers.SGD(lr=0.1, decay=1e-4)")
    [(2, 'K3006'), (2, 'K3007')]
"""

from __future__ import annotations

import ast

from cifar_lab.check.edits import Edit
from cifar_lab.check.patterns import KERAS2_DEFAULT_LR
from cifar_lab.check.patterns_tf import TF1_MOVED, TF1_OPTIMIZER_KEYWORDS, TF1_OPTIMIZER_POSITIONAL
from cifar_lab.check.references import rename_chain

CLASSES = {name.lower(): name for name in KERAS2_DEFAULT_LR}  # rmsprop -> RMSprop
_CHANGED_DEFAULTS = ("Adadelta", "Adagrad", "Adamax", "Nadam")  # standalone Keras 2 default != Keras 3's 0.001


def optimizer(a, node: ast.Call, name: str, keywords: dict[str, ast.keyword]) -> None:
    """K3006 `lr=`, K3007 `decay=` (with the schedule that reproduces it), K3031 default learning rate.

    Example:
        >>> from cifar_lab.check.fixer import fix_cells
        >>> fix = lambda code: fix_cells('a.py', [(None, code)]).after[None]
        >>> print(fix("from keras import optimizers\\noptimizers.SGD(lr=0.1, decay=1e-4)").replace(", ", ",\\n"))
        from keras import optimizers
        optimizers.SGD(learning_rate=optimizers.schedules.InverseTimeDecay(0.1,
        decay_steps=1,
        decay_rate=1e-4))
    """
    lr, decay = keywords.get("lr"), keywords.get("decay")
    if lr:
        message = "Keras 3 optimizers do not accept lr= (ValueError: Argument(s) not recognized): it is learning_rate=."
        a.report(lr.value, "K3006", message=message, edits=[a.source.rename_keyword(lr, "learning_rate")])
    rate = lr or keywords.get("learning_rate")
    if decay and not (isinstance(decay.value, ast.Constant) and decay.value.value == 0):
        initial = a.source.segment(rate.value) if rate else KERAS2_DEFAULT_LR.get(name, "0.001")
        steps = a.source.segment(decay.value)
        prefix, extra = _optimizers_module(a, node)
        schedule = f"InverseTimeDecay({initial}, decay_steps=1, decay_rate={steps})"
        edits = []
        if prefix:
            schedule = f"{prefix}.schedules.{schedule}"
            if rate:
                edits = [a.source.replace(rate.value, schedule), a.source.drop_argument(node, decay), *extra]
            else:
                edits = [a.source.replace(decay, f"learning_rate={schedule}"), *extra]
        message = (
            f"Keras 3 ignores decay={steps} (a warning only), so the learning rate stays {initial} instead of "
            f"decaying as {initial} / (1 + {steps} * step): training differs without an error."
        )
        a.report(decay.value, "K3007", message=message, fix=f"{name}(learning_rate={schedule})", edits=edits)
    elif not rate and name in _CHANGED_DEFAULTS and a.facts.standalone_keras and not node.args:
        default = KERAS2_DEFAULT_LR[name]
        insert = f"learning_rate={default}" + (", " if node.keywords else "")
        if node.keywords:
            line, col, _, _ = a.source.span(node.keywords[0])
            edit = Edit(line, col, line, col, insert)
        else:
            edit = a.source.replace(node, f"{a.source.segment(node.func)}({insert})")
        message = f"{name}() defaults to learning_rate=0.001 in Keras 3; standalone Keras 2 used {default}."
        a.report(node, "K3031", message=message, edits=[edit])


def string_optimizer(a, value: ast.Constant) -> None:
    """K3031 for `compile(optimizer='adadelta')` in standalone Keras code.

    Example:
        >>> from cifar_lab.check.fixer import fix_cells
        >>> fix = lambda code: fix_cells('a.py', [(None, code)]).after[None]
        >>> fix("import keras\\nmodel.compile(optimizer='adadelta')")
        'import keras\\nmodel.compile(optimizer=keras.optimizers.Adadelta(learning_rate=1.0))'
    """
    name = CLASSES.get(value.value.lower())
    if name not in _CHANGED_DEFAULTS or not a.facts.standalone_keras:
        return
    default = KERAS2_DEFAULT_LR[name]
    keras, extra = a.keras_module()
    edits = [a.source.replace(value, f"{keras}.optimizers.{name}(learning_rate={default})"), *extra] if keras else []
    message = (
        f"optimizer='{value.value}' is {name} with learning_rate=0.001 in Keras 3; standalone Keras 2 used {default}."
    )
    a.report(value, "K3031", message=message, edits=edits)


def _optimizers_module(a, node: ast.Call) -> tuple[str | None, tuple]:
    """How this code can spell `keras.optimizers`: as the call does (`optimizers.RMSprop`), or via a Keras import."""
    func = node.func
    if isinstance(func, ast.Attribute) and (a.is_keras(func.value) or "") == "keras.optimizers":
        return a.source.segment(func.value), ()
    keras, extra = a.keras_module()
    return (f"{keras}.optimizers", extra) if keras else (None, ())


def check_tensorflow_call(a, node: ast.Call, qualified: str) -> None:
    """K3020: `tf.train.AdamOptimizer(1e-4, beta1=0.5)` -> `tf.keras.optimizers.Adam(1e-4, beta_1=0.5)`.

    Example:
        >>> from cifar_lab.check.fixer import fix_cells
        >>> fix = lambda code: fix_cells('a.py', [(None, code)]).after[None]
        >>> fix("import tensorflow as tf\\nopt = tf.train.AdamOptimizer(1e-4, beta1=0.5)")
        'import tensorflow as tf\\nopt = tf.keras.optimizers.Adam(1e-4, beta_1=0.5)'
    """
    new = TF1_MOVED.get(qualified, "")
    if not new.startswith("tensorflow.keras.optimizers."):
        return
    short = qualified[len("tensorflow.") :]
    fits = len(node.args) <= TF1_OPTIMIZER_POSITIONAL.get(short, 1) and all(
        kw.arg in TF1_OPTIMIZER_KEYWORDS for kw in node.keywords
    )
    rename = rename_chain(a, node.func, qualified, qualified, new)
    edits = []
    if fits and rename and not any(isinstance(x, ast.Starred) for x in node.args):
        edits = [rename]
        edits += [
            a.source.rename_keyword(kw, TF1_OPTIMIZER_KEYWORDS[kw.arg])
            for kw in node.keywords
            if kw.arg in ("beta1", "beta2")
        ]
    message = f"TensorFlow 2 has no {short} (AttributeError): the Keras optimizer is {new[len('tensorflow.') :]}."
    a.report(node.func, "K3020", message=message, edits=edits)
