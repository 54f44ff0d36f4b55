"""The file-name rules of `cifar-lab check`: what Keras 3 saves to and loads from (K3008, K3025-K3027, K3029, K3030).

Keras 3 is strict about file names: `save_weights` wants `.weights.h5`, `ModelCheckpoint` wants
`.keras` (or `.weights.h5` with `save_weights_only=True`), `save` and `load_model` want `.keras`
(or a legacy `.h5`), `load_weights` reads `.weights.h5`, `.keras` and `.h5` files only. The name is
followed to where the code writes it: a string, the literal ending of an f-string, the last part of
`a + 'b.h5'` or `os.path.join(d, 'b.h5')`, a `'...{epoch}.hdf5'.format(...)`, or a variable
assigned one of those. The fix renames that string, and every other string with the same text
(the same file, saved here and loaded there), so the code stays consistent. Standard library only.

Example:
    >>> import ast
    >>> from cifar_lab.check.analysis import analyze
    >>> source = "path = 'cp.ckpt'\\nmodel.save_weights(path)\\nmodel.load_weights(path)"
    >>> [(h.line, h.rule, h.edits[0].text) for h in analyze(ast.parse(source), source.split("\\n"))]
    [(2, 'K3008', "'cp.weights.h5'"), (3, 'K3029', "'cp.weights.h5'")]
"""

from __future__ import annotations

import ast
import re

from cifar_lab.check.edits import Edit
from cifar_lab.check.patterns_tf import TF_LATEST_CHECKPOINT

_MODEL_FORMATS = (".keras", ".h5", ".hdf5")
_OLD_EXTENSIONS = re.compile(r"(\.weights)?(\.h5|\.hdf5|\.ckpt|\.keras)?$")
_MONITORS = {"acc": "accuracy", "val_acc": "val_accuracy"}
_MONITORED = ("ModelCheckpoint", "EarlyStopping", "ReduceLROnPlateau")


def resolve(a, node: ast.expr | None, hops: int = 0) -> tuple[ast.Constant | None, str | None]:
    """The string a file name ends with, and the constant that holds it (None when it cannot be edited).

    Example:
        >>> from cifar_lab.check.analysis import Analyzer
        >>> from cifar_lab.check.facts import ModuleFacts
        >>> analyzer = Analyzer([], ModuleFacts())
        >>> resolve(analyzer, ast.parse("log_dir + 'w.h5'", mode="eval").body)[1]
        'w.h5'
    """
    if hops > 8 or node is None:
        return None, None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node, node.value
    if isinstance(node, ast.JoinedStr):
        last = node.values[-1] if node.values else None
        return None, (last.value if isinstance(last, ast.Constant) else None)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return resolve(a, node.right, hops + 1)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return resolve(a, node.func.value, hops + 1)
    if isinstance(node, ast.Call) and a.qualify(node.func) == "os.path.join" and node.args:
        return resolve(a, node.args[-1], hops + 1)
    if isinstance(node, ast.Name) and node.id in a.assigned:
        return resolve(a, a.assigned[node.id], hops + 1)
    return None, None


def extension(name: str) -> str | None:
    """The file extension of `name` ('' for none), or None when a format field at the end hides it.

    Example:
        >>> extension("runs/cp-{epoch:04d}.ckpt"), extension("./checkpoints/my_checkpoint"), extension("x_{epoch}")
        ('.ckpt', '', '')
        >>> print(extension("x.{suffix}"))
        None
    """
    last = name.replace("\\", "/").rsplit("/", 1)[-1]
    if last.endswith(".weights.h5"):
        return ".weights.h5"
    if last.endswith("}"):
        return "" if "." not in re.sub(r"\{[^}]*\}", "", last) else None
    return last[last.rfind(".") :].lower() if "." in last else ""


def renamed(a, constant: ast.Constant | None, new: str) -> list[Edit]:
    """Edits that give every string spelled like `constant` the text `new` (none if one cannot be edited).

    Example:
        >>> from cifar_lab.check.fixer import fix_cells
        >>> fix = lambda code: fix_cells('a.py', [(None, code)]).after[None]
        >>> fix("w = 'cp.ckpt'\\nmodel.save_weights(w)\\nmodel.load_weights('cp.ckpt')")
        "w = 'cp.weights.h5'\\nmodel.save_weights(w)\\nmodel.load_weights('cp.weights.h5')"
    """
    if constant is None:
        return []
    edits = []
    for node in a.facts.strings.get(constant.value, [constant]):
        text = a.source.segment(node)
        if text.count(constant.value) != 1 or text[-1:] not in ("'", '"'):
            return []  # escapes, or implicit concatenation: a hand edit
        edits.append(a.source.replace(node, text.replace(constant.value, new)))
    return edits


def weights_name(name: str) -> str:
    """`name` with the extension Keras 3 weight files need.

    Example:
        >>> weights_name("params_{0:03d}.hdf5"), weights_name("./checkpoints/my_checkpoint")
        ('params_{0:03d}.weights.h5', './checkpoints/my_checkpoint.weights.h5')
    """
    return _OLD_EXTENSIONS.sub("", name, count=1) + ".weights.h5"


def model_name(name: str) -> str:
    """`name` with the extension of a Keras 3 model file (`.keras`).

    Example:
        >>> model_name("saved_model/my_model"), model_name("best.hdf5")
        ('saved_model/my_model.keras', 'best.keras')
    """
    return _OLD_EXTENSIONS.sub("", name, count=1) + ".keras"


def _check(a, target: ast.expr | None, rule: str, weights: bool, allowed: tuple[str, ...], what: str) -> None:
    constant, name = resolve(a, target)
    ending = extension(name) if name is not None else None
    if ending is None or ending in allowed:
        return
    new = weights_name(name) if weights else model_name(name)
    said = f"ends in {ending!r}" if ending else "has no extension"
    message = f"{what} The name {name!r} {said}; it could be {new!r}."
    a.report(target, rule, message=message, edits=renamed(a, constant, new))


def check_call(a, node: ast.Call, method: str | None, keywords: dict[str, ast.keyword]) -> None:
    """`model.save_weights`, `model.load_weights` and `model.save` file names.

    Example:
        >>> from cifar_lab.check.analysis import rules_in
        >>> rules_in("model.save('saved_model/my_model')\\nmodel.save_weights('w.h5')")
        [(1, 'K3029'), (2, 'K3008')]
    """
    target = node.args[0] if node.args else getattr(keywords.get("filepath"), "value", None)
    if method == "save_weights":
        why = "Keras 3's save_weights raises ValueError unless the file name ends in .weights.h5."
        _check(a, target, "K3008", True, (".weights.h5",), why)
    elif method == "load_weights":
        latest = a.assigned.get(target.id) if isinstance(target, ast.Name) else target
        if isinstance(latest, ast.Call) and a.qualify(latest.func) == TF_LATEST_CHECKPOINT:
            a.report(latest, "K3030")
            return
        why = "Keras 3's load_weights reads .weights.h5, .keras and .h5 files only (ValueError: format not supported)."
        _check(a, target, "K3029", True, (".weights.h5", *_MODEL_FORMATS), why)
    elif method == "save" and is_model(a, node.func.value):
        why = "Keras 3 saves a model only to a .keras file (or a legacy .h5): ValueError otherwise."
        _check(a, target, "K3029", False, _MODEL_FORMATS, why)


def is_model(a, receiver: ast.expr) -> bool:
    """True when `receiver` looks like a model: named so, or compiled or trained in the module.

    Example:
        >>> from cifar_lab.check.analysis import rules_in
        >>> rules_in("vae.compile('adam')\\nvae.add_loss(loss)\\nscope.add_loss(loss)")
        [(2, 'K3024')]
    """
    name = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", "")
    return "model" in name.lower() or any(event[3] == name for event in a.facts.events)


def check_keras_call(a, node: ast.Call, keras_name: str, keywords: dict[str, ast.keyword]) -> None:
    """`ModelCheckpoint` file names, `period=` and monitored metrics; `load_model` file names.

    Example:
        >>> from cifar_lab.check.analysis import rules_in
        >>> rules_in("from keras.callbacks import ModelCheckpoint\\nModelCheckpoint('best.hdf5', period=2)")
        [(2, 'K3025'), (2, 'K3026')]
    """
    last = keras_name.rsplit(".", 1)[-1]
    target = node.args[0] if node.args else getattr(keywords.get("filepath"), "value", None)
    if keras_name in ("keras.models.load_model", "keras.saving.load_model"):
        why = "Keras 3 loads models from .keras (or legacy .h5) files only; a SavedModel folder raises ValueError."
        _check(a, target, "K3029", False, _MODEL_FORMATS, why)
    if not keras_name.startswith("keras.callbacks.") or last not in _MONITORED:
        return
    monitor = keywords.get("monitor")
    if monitor and isinstance(monitor.value, ast.Constant) and monitor.value.value in _MONITORS:
        if "accuracy" in a.facts.metrics and "acc" not in a.facts.metrics:
            new = _MONITORS[monitor.value.value]
            a.report(monitor.value, "K3027", edits=[a.source.replace(monitor.value, repr(new))])
    if last != "ModelCheckpoint":
        return
    if "period" in keywords:
        period = a.source.segment(keywords["period"].value)
        fix = "ModelCheckpoint(..., save_freq='epoch')  # every epoch"
        fix += f"; every {period} epochs: save_freq={period} * steps_per_epoch"
        a.report(keywords["period"].value, "K3026", fix=fix)
    only = keywords.get("save_weights_only")
    weights = bool(only and isinstance(only.value, ast.Constant) and only.value.value is True)
    if weights:
        _check(
            a, target, "K3025", True, (".weights.h5",), "With save_weights_only=True the name must end in .weights.h5."
        )
    else:
        _check(
            a, target, "K3025", False, (".keras", ".h5", ".weights.h5"), "A whole-model checkpoint must end in .keras."
        )
