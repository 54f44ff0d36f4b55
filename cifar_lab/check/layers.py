"""The rules of `cifar-lab check` for calls of Keras classes: layers, optimizers, models, datasets.

`check_keras_call` gets every call the analyser resolves to a Keras name: optimizers (handed to
`cifar_lab.check.optimizers`), layers (Keras 1 arguments K3016,
`input_shape=` K3009, deprecated arguments K3037, `Dropout(1.0)` K3033, `Conv2D(64, 3, 3)`
K3010, Keras 1 `merge`/`Merge` K3018), `Model(input=, output=)` and `Input(tensor=)` (K3024),
`load_data(nb_words=)` (K3035) and `K.set_value` on an optimizer variable (K3015); the optimizers'
own rules are in `cifar_lab.check.optimizers`. Standard library only.

Example:
    >>> import ast
    >>> from cifar_lab.check.analysis import analyze
    >>> source = "from keras.layers import Convolution2D\\nConvolution2D(32, 3, 3, border_mode='same')"
    >>> [h.rule for h in analyze(ast.parse(source), source.split("\\n"))]
    ['K3010', 'K3016']
"""

from __future__ import annotations

import ast
import re

from cifar_lab.check import optimizers, paths
from cifar_lab.check.edits import Edit
from cifar_lab.check.hints import ARGUMENT_HINTS
from cifar_lab.check.names import within
from cifar_lab.check.patterns import (
    CONVOLUTIONS,
    DATA_FORMATS,
    DEPRECATED_LAYER_ARGUMENTS,
    KERAS1_LAYER_ARGUMENTS,
    KERAS1_LAYER_SPECIFIC,
    LAYER_INPUT_ARGUMENTS,
    OPTIMIZERS,
)
from cifar_lab.check.references import lookup

_MERGE_MODES = {"sum": "add", "mul": "multiply", "concat": "concatenate", "ave": "average", "max": "maximum"}
_MERGE_MODES |= {"dot": "dot", "cos": "dot"}


def check_keras_call(a, node: ast.Call, keras_name: str, keywords: dict[str, ast.keyword]) -> None:
    """Dispatch a call of the Keras name `keras_name` (written `keras.X`) to the rules for it.

    Example:
        >>> from cifar_lab.check.analysis import rules_in
        >>> rules_in("from keras.models import Model\\nModel(input=x, output=y)")
        [(2, 'K3024')]
    """
    last = keras_name.rsplit(".", 1)[-1]
    if within(keras_name, "keras.optimizers") and last.lower() in OPTIMIZERS:
        optimizers.optimizer(a, node, optimizers.CLASSES.get(last.lower(), last), keywords)
    elif within(keras_name, "keras.layers"):
        found = lookup(keras_name)
        if found is not None and found.rule == "K3018":
            if last in ("merge", "Merge"):
                _merge(a, node, last, keywords)
        else:
            layer(a, node, last, keywords)
    if last == "Model" and keras_name in ("keras.Model", "keras.models.Model"):
        renames = [a.source.rename_keyword(keywords[old], old + "s") for old in ("input", "output") if old in keywords]
        if renames:
            message = "Keras 3's Model takes inputs= and outputs= (ValueError on Keras 1's input=, output=)."
            a.report(node, "K3024", message=message, edits=renames)
    if last == "Input" and "tensor" in keywords and _not_symbolic(a, keywords["tensor"].value):
        message = "Keras 3's Input(tensor=) accepts only a KerasTensor (ValueError): feed data to fit() instead."
        fix = "keras.Input(shape=...)  # then model.fit(dataset): the data no longer flows through the graph"
        a.report(keywords["tensor"].value, "K3024", message=message, fix=fix)
    if keras_name.endswith(".load_data") and within(keras_name, "keras.datasets") and "nb_words" in keywords:
        edits = [a.source.rename_keyword(keywords["nb_words"], "num_words")]
        if keras_name == "keras.datasets.imdb.load_data":  # takes **kwargs: the argument is silently ignored
            a.report(keywords["nb_words"].value, "K3035", edits=edits)
        else:
            message = f"{keras_name.split('.')[2]}.load_data has no nb_words= in Keras 3 (TypeError): it is num_words=."
            a.report(keywords["nb_words"].value, "K3004", message=message, edits=edits)
    if keras_name == "keras.backend.set_value" and len(node.args) == 2:
        _set_value(a, node)
    paths.check_keras_call(a, node, keras_name, keywords)


def layer(a, node: ast.Call, name: str, keywords: dict[str, ast.keyword]) -> None:
    """K3016, K3037, K3009, K3033 and K3010 for a call of the layer class `name`.

    Example:
        >>> from cifar_lab.check.analysis import rules_in
        >>> rules_in("from keras.layers import Dropout, Embedding\\nDropout(1.0)\\nEmbedding(9, 2, input_length=4)")
        [(2, 'K3033'), (3, 'K3037')]
    """
    for argument, keyword in keywords.items():
        if argument in DEPRECATED_LAYER_ARGUMENTS.get(name, {}):
            new = DEPRECATED_LAYER_ARGUMENTS[name][argument]
            edit = a.source.rename_keyword(keyword, new) if new else a.source.drop_argument(node, keyword)
            message = f"{name}({argument}=) is deprecated in Keras 3 (a warning): " + (
                f"use {new}=." if new else "delete it."
            )
            a.report(keyword.value, "K3037", message=message, edits=[edit])
        elif (argument, name) in (("batch_size", "InputLayer"), ("batch_size", "Input")):
            continue  # still theirs in Keras 3
        elif argument in KERAS1_LAYER_ARGUMENTS or name in KERAS1_LAYER_SPECIFIC.get(argument, (None, ()))[1]:
            _keras1_argument(a, node, name, keyword)
        elif (
            argument in LAYER_INPUT_ARGUMENTS
            and name != "InputLayer"
            and (name, argument) != ("Embedding", "input_dim")
        ):
            _channels_first(a, keyword.value)
            shape = a.source.segment(keyword.value)
            shape = f"({shape},)" if argument == "input_dim" else shape
            fix = f"keras.Input(shape={shape})  # as the model's first element, and no {argument}= here"
            a.report(keyword.value, "K3009", fix=fix)
    rate = node.args[0] if node.args else next((kw.value for kw in node.keywords if kw.arg in ("rate", "p")), None)
    if (
        name == "Dropout"
        and isinstance(rate, ast.Constant)
        and isinstance(rate.value, (int, float))
        and rate.value >= 1
    ):
        a.report(rate, "K3033")
    dims = CONVOLUTIONS.get(name)
    arguments = node.args
    if dims and len(arguments) >= 3 and not any(isinstance(x, ast.Starred) for x in arguments):
        if not isinstance(arguments[1], (ast.Tuple, ast.List)):
            kernel = arguments[1 : 1 + dims]
            edits = []
            if len(kernel) == dims and len(arguments) == 1 + dims:
                text = "(" + ", ".join(a.source.segment(k) for k in kernel) + ")"
                first, last = a.source.span(kernel[0]), a.source.span(kernel[-1])
                edits = [Edit(first[0], first[1], last[2], last[3], text)]
            a.report(arguments[2], "K3010", edits=edits)


def _not_symbolic(a, tensor: ast.expr) -> bool:
    """True when `tensor` is known to come from a call that makes data, not a Keras symbolic tensor.

    `Input(tensor=images)` is Keras 2's way of feeding a TensorFlow tensor (`tf.train.shuffle_batch(...)`,
    `iterator.get_next()`); a Keras 3 `Input(tensor=...)` of a KerasTensor, or of a function's
    parameter, is fine and left alone.
    """
    value = a.assigned.get(tensor.id) if isinstance(tensor, ast.Name) else tensor
    if not isinstance(value, ast.Call) or isinstance(value.func, ast.Call):  # a layer applied: symbolic
        return False
    return a.is_keras(value.func) is None


def _channels_first(a, shape: ast.expr) -> None:
    """K3038: a literal channels-first image shape, `(1, 28, 28)`, in code that never asks for channels-first."""
    if not isinstance(shape, (ast.Tuple, ast.List)) or len(shape.elts) != 3 or a.layout_branches:
        return
    first, last = shape.elts[0], shape.elts[-1]
    channels = isinstance(first, ast.Constant) and first.value in (1, 3)
    if channels and not (isinstance(last, ast.Constant) and last.value in (1, 3)) and not a.facts.channels_first:
        rest = ", ".join(a.source.segment(e) for e in shape.elts[1:])
        fix = f"({rest}, {first.value})  # and give the arrays that layout: x.reshape(-1, {rest}, {first.value})"
        a.report(shape, "K3038", fix=fix)


def _keras1_argument(a, node: ast.Call, name: str, keyword: ast.keyword) -> None:
    argument = keyword.arg
    new = KERAS1_LAYER_ARGUMENTS[argument] if argument in KERAS1_LAYER_ARGUMENTS else KERAS1_LAYER_SPECIFIC[argument][0]
    edits = [a.source.rename_keyword(keyword, new)] if new else []
    fix = None if new else ARGUMENT_HINTS.get(argument)
    if argument == "dim_ordering":
        value = keyword.value
        if isinstance(value, ast.Constant) and value.value in DATA_FORMATS:
            edits.append(a.source.replace(value, repr(DATA_FORMATS[value.value])))
        else:
            edits = []
    required = argument in ("output_dim", "p", "nb_filter", "filter_length", "sigma")
    error = "TypeError: a required argument is missing" if required else "ValueError: unrecognized keyword argument"
    then = f"it is {new}=." if new else "it has no one-for-one replacement."
    message = f"{name}({argument}=) is Keras 1 ({error}); {then}"
    if argument == "batch_size":
        message = f"Keras 3 layers have no batch_size= (ValueError: unrecognized keyword argument): {then}"
    a.report(keyword.value, "K3016", message=message, fix=fix, edits=edits)


def _merge(a, node: ast.Call, name: str, keywords: dict[str, ast.keyword]) -> None:
    """Keras 1 `merge(...)` / `Merge(...)`: name the Keras 3 layer that does what its mode says."""
    mode = keywords.get("mode")
    function = _MERGE_MODES.get(mode.value.value) if mode and isinstance(mode.value, ast.Constant) else None
    if function is None:
        return
    inputs = a.source.segment(node.args[0]) if node.args else "[...]"
    extra = {"concat_axis": "axis", "dot_axes": "axes"}
    options = [f"{extra[kw.arg]}={a.source.segment(kw.value)}" for kw in node.keywords if kw.arg in extra]
    if mode.value.value == "cos":
        options.append("normalize=True")
    call = f"{function}({', '.join([inputs, *options])})"
    if name == "Merge":
        call += "  # Keras 3 merges tensors, not models: build this part with the functional API"
    message = (
        f"Keras 1's {name}(mode='{mode.value.value}') does not exist in Keras 3 (ImportError): it is {function}()."
    )
    a.report(node, "K3018", message=message, fix=call)


def _set_value(a, node: ast.Call) -> None:
    """`K.set_value(optimizer.lr, x)` fails on a Keras 3 optimizer variable: `optimizer.learning_rate.assign(x)`."""
    variable, value = node.args
    named = variable.attr if isinstance(variable, ast.Attribute) else getattr(variable, "id", "")
    if named not in ("lr", "learning_rate"):
        return
    target, new = (re.sub(r"\.lr\b", ".learning_rate", a.source.segment(x)) for x in (variable, value))
    message = "set_value cannot assign a Keras 3 optimizer variable (AttributeError): call its assign()."
    edit = a.source.replace(node, f"{target}.assign({new})")
    a.report(node, "K3015", message=message, edits=[edit])
