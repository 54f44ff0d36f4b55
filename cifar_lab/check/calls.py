"""The call-site rules of `cifar-lab check`: training arguments, removed methods, compile, and the dispatch.

`check_call` is called by the analyser (`cifar_lab.check.analysis`) for every call once its
arguments have been visited; it hands Keras layers and optimizers to `cifar_lab.check.layers`,
file names to `cifar_lab.check.paths`, and checks the rest here: the Keras 1 training arguments
(K3004), the data-loader arguments (K3028), the removed `*_generator` / `predict_classes` methods
(K3003, K3013), `compile` (K3024, K3031), TLS (K3011), `metrics_names` and `.lr` (K3034,
K3006), and the K3012 bookkeeping. Standard library only.

Example:
    >>> import ast
    >>> from cifar_lab.check.analysis import analyze
    >>> source = "model.fit_generator(gen, nb_epoch=5, workers=4)"
    >>> [(h.rule, h.col) for h in analyze(ast.parse(source), [source])]
    [('K3003', 1), ('K3004', 35), ('K3028', 46)]
"""

from __future__ import annotations

import ast

from cifar_lab.check import layers, optimizers, paths
from cifar_lab.check.names import keras_path, within
from cifar_lab.check.patterns import (
    EVALUATION_CALLS,
    GENERATOR_METHODS,
    HTTP_CALLS,
    KERAS1_FIT_ARGUMENTS,
    LOADER_ARGUMENTS,
    REMOVED_METHODS,
    STEP_ARGUMENTS,
    TRAINING_CALLS,
)
from cifar_lab.check.rules import RULES

_SIMPLE = (ast.Name, ast.Attribute, ast.Subscript, ast.Call, ast.Constant)


def check_call(a, node: ast.Call) -> None:
    """Check one call: what it calls decides which rules apply.

    Example:
        >>> from cifar_lab.check.analysis import rules_in
        >>> rules_in("import requests\\nrequests.get(url, verify=False)")
        [(2, 'K3011')]
    """
    qualified = a.qualify(node.func)
    method = node.func.attr if isinstance(node.func, ast.Attribute) else None
    keywords = {kw.arg: kw for kw in node.keywords if kw.arg}
    foreign = qualified is not None and keras_path(qualified) is None and not within(qualified, "tensorflow")
    name = method or (qualified or "").rsplit(".", 1)[-1] or getattr(node.func, "id", "")
    if not foreign:
        if name in TRAINING_CALLS:
            training_arguments(a, node, keywords)
        if method in REMOVED_METHODS:
            removed_method(a, node, method)
        if method == "compile":
            compile_call(a, node, keywords)
        if method == "add_loss":
            add_loss(a, node, keywords)
        paths.check_call(a, node, method, keywords)
    keras_name = a.is_keras(node.func)
    if keras_name == "keras.preprocessing.image.ImageDataGenerator":
        rule = "K3036" if (qualified or "").startswith("tensorflow.") else "K3005"
        a.report(node, rule, fix=augmenter(a, keywords))
    elif keras_name:
        layers.check_keras_call(a, node, keras_name, keywords)
    elif qualified and within(qualified, "tensorflow"):
        optimizers.check_tensorflow_call(a, node, qualified)
    verify = keywords.get("verify")
    if (
        verify
        and _is(verify.value, False)
        and (method in HTTP_CALLS or (qualified or "").split(".")[0] in ("requests", "httpx"))
    ):
        a.report(verify.value, "K3011")
    if name in EVALUATION_CALLS:
        for argument in [*node.args, *(kw.value for kw in node.keywords)]:
            a.evaluated(argument)
    if "validation_data" in keywords:
        a.validated(keywords["validation_data"].value)


def training_arguments(a, node: ast.Call, keywords: dict[str, ast.keyword]) -> None:
    """K3004 (nb_epoch=, samples_per_epoch=, show_accuracy=...) and K3028 (workers=, float steps).

    Example:
        >>> from cifar_lab.check.analysis import rules_in
        >>> rules_in("model.fit(x, y, show_accuracy=True, steps_per_epoch=n / 32)")
        [(1, 'K3004'), (1, 'K3028')]
    """
    for old, new in KERAS1_FIT_ARGUMENTS.items():
        if old not in keywords:
            continue
        keyword, edits = keywords[old], []
        if new is None:
            edits = [a.source.drop_argument(node, keyword)]
        elif old == "nb_epoch":
            edits = [a.source.rename_keyword(keyword, new)]
        else:  # samples -> batches: needs the batch size of the generator that feeds it
            data = node.args[0] if old == "samples_per_epoch" and node.args else keywords.get("validation_data")
            batch = _batch_size(data.value if isinstance(data, ast.keyword) else data)
            value = a.source.segment(keyword.value)
            value = value if isinstance(keyword.value, _SIMPLE) else f"({value})"
            if batch:
                edits = [a.source.replace(keyword, f"{new}={value} // {a.source.segment(batch)}")]
        message = f"{old}= is a Keras 1 argument that Keras 3 rejects (TypeError); " + (
            f"it is now {new}=." if new else "delete it (compile(metrics=['accuracy']) reports accuracy)."
        )
        fix = f"{new}={a.source.segment(keyword.value)} // batch_size" if new and new != "epochs" else None
        a.report(keyword.value, "K3004", message=message, fix=fix, edits=edits)
    for argument in LOADER_ARGUMENTS:
        if argument in keywords:
            message = f"{argument}= is not a Keras 3 fit()/evaluate()/predict() argument (TypeError)."
            a.report(
                keywords[argument].value,
                "K3028",
                message=message,
                edits=[a.source.drop_argument(node, keywords[argument])],
            )
    for argument in STEP_ARGUMENTS:
        value = keywords[argument].value if argument in keywords else None
        if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Div):
            whole = f"{a.source.segment(value.left)} // {a.source.segment(value.right)}"
            message = f"{argument}= is a float here (/ divides to a float): Keras 3 raises TypeError."
            a.report(value, "K3028", message=message, edits=[a.source.replace(value, whole)])


def augmenter(a, keywords: dict[str, ast.keyword]) -> str:
    """The preprocessing layers that do what an `ImageDataGenerator(...)` call's arguments say.

    Example:
        >>> from cifar_lab.check import check_source
        >>> code = "from keras.preprocessing.image import ImageDataGenerator\\nImageDataGenerator(horizontal_flip=True)"
        >>> print(check_source(code)[1].fix.splitlines()[1].strip())
        keras.layers.RandomFlip('horizontal'),
    """
    value = {name: a.source.segment(kw.value) for name, kw in keywords.items()}
    # ImageDataGenerator's default fill is 'nearest'; the layers' is 'reflect'
    fill = f", fill_mode={value.get('fill_mode', repr('nearest'))}"
    steps = []
    if "rescale" in value:
        steps.append(f"keras.layers.Rescaling({value['rescale']})")
    flips = [
        side for side in ("horizontal", "vertical") if _is(getattr(keywords.get(f"{side}_flip"), "value", None), True)
    ]
    if flips:
        steps.append(f"keras.layers.RandomFlip({'_and_'.join(flips)!r})")
    if "rotation_range" in value:
        steps.append(f"keras.layers.RandomRotation({value['rotation_range']} / 360{fill})")
    if "width_shift_range" in value or "height_shift_range" in value:
        height, width = value.get("height_shift_range", "0.0"), value.get("width_shift_range", "0.0")
        steps.append(f"keras.layers.RandomTranslation({height}, {width}{fill})")
    if "zoom_range" in value:
        steps.append(f"keras.layers.RandomZoom({value['zoom_range']}{fill})")
    if not steps:
        steps.append("keras.layers.RandomFlip('horizontal')")
    lines = ",\n    ".join(steps)
    pipeline = "# applied in the input pipeline: dataset.map(lambda x, y: (augment(x, training=True), y))"
    return f"augment = keras.Sequential([\n    {lines},\n])\n{pipeline}"


def _batch_size(data: ast.expr | None) -> ast.expr | None:
    """The `batch_size=` of a `datagen.flow(..., batch_size=B)`-style call, if that is what feeds the data."""
    if isinstance(data, ast.Call):
        return next((kw.value for kw in data.keywords if kw.arg == "batch_size"), None)
    return None


def removed_method(a, node: ast.Call, method: str) -> None:
    """K3003 (`fit_generator` -> `fit`), K3013 (`predict_classes`), K3019 (`make_one_shot_iterator`).

    Example:
        >>> from cifar_lab.check.analysis import rules_in
        >>> rules_in("preds = model.predict_classes(x)\\nit = dataset.make_one_shot_iterator()")
        [(1, 'K3013'), (2, 'K3019')]
    """
    rule = REMOVED_METHODS[method]
    receiver = a.source.segment(node.func.value)
    arguments = ", ".join(a.source.segment(argument) for argument in [*node.args, *node.keywords])
    message = f"{method}: {RULES[rule].message}"
    if rule == "K3003":
        edit = a.source.rename_attribute(node.func, GENERATOR_METHODS[method])
        a.report(node.func, rule, message=message, edits=[edit])
    elif rule == "K3013":
        after = ".argmax(axis=-1)" if method == "predict_classes" else ""
        predict = f"{receiver}.predict({arguments})"
        fix = f"{predict}{after}  # a one-unit sigmoid output: ({predict} > 0.5)"
        a.report(node.func, rule, message=message, fix=fix)
    else:
        a.report(node.func, rule, message=message, fix=f"iter({receiver})  # a tf.data.Dataset is iterable")


def check_attribute(a, node: ast.Attribute, called: bool) -> None:
    """Attributes: a removed method named without a call, `.lr`, `.metrics_names`, `model.reset_states`.

    Example:
        >>> from cifar_lab.check.analysis import rules_in
        >>> rules_in("lr = model.optimizer.lr\\nmodel.reset_states()")
        [(1, 'K3006'), (2, 'K3024')]
    """
    receiver = node.value.attr if isinstance(node.value, ast.Attribute) else getattr(node.value, "id", "")
    if node.attr in REMOVED_METHODS and not called:
        a.report(node, REMOVED_METHODS[node.attr], message=f"{node.attr}: " + RULES[REMOVED_METHODS[node.attr]].message)
    elif node.attr == "lr" and (receiver.endswith("optimizer") or receiver in ("opt", "optim")):
        message = "Keras 3 optimizers have no .lr attribute (AttributeError): it is .learning_rate."
        a.report(node, "K3006", message=message, edits=[a.source.rename_attribute(node, "learning_rate")])
    elif node.attr == "metrics_names" and a.facts.metrics:  # without metrics it still names the losses
        a.report(node, "K3034")
    elif node.attr == "reset_states" and "model" in receiver.lower():
        message = "Keras 3 models have no reset_states() (AttributeError); stateful RNN layers have reset_state()."
        layers = a.source.segment(node.value)
        fix = f"for layer in {layers}.layers:\n    if hasattr(layer, 'reset_state'):\n        layer.reset_state()"
        a.report(node, "K3024", message=message, fix=fix)


def compile_call(a, node: ast.Call, keywords: dict[str, ast.keyword]) -> None:
    """`compile(target_tensors=)` (K3024) and a string optimizer whose default learning rate changed (K3031).

    Example:
        >>> from cifar_lab.check.analysis import rules_in
        >>> rules_in("import keras\\nmodel.compile('adadelta', 'mse', target_tensors=[y])")
        [(2, 'K3031'), (2, 'K3024')]
    """
    for argument in ("target_tensors", "sample_weight_mode"):
        if argument in keywords:
            message = f"compile() has no {argument}= in Keras 3 (TypeError): pass the targets to fit() instead."
            fix = "model.fit(dataset, epochs=epochs)  # a tf.data.Dataset of (inputs, targets) feeds both"
            a.report(keywords[argument].value, "K3024", message=message, fix=fix)
    optimizer = keywords["optimizer"].value if "optimizer" in keywords else (node.args[0] if node.args else None)
    if isinstance(optimizer, ast.Constant) and isinstance(optimizer.value, str):
        optimizers.string_optimizer(a, optimizer)


def add_loss(a, node: ast.Call, keywords: dict[str, ast.keyword]) -> None:
    """`model.add_loss(tensor)` and `add_loss(loss, inputs=...)` (K3024).

    Example:
        >>> from cifar_lab.check.analysis import rules_in
        >>> rules_in("vae.add_loss(loss)\\nvae.compile('adam')\\nself.add_loss(loss)")
        [(1, 'K3024')]
    """
    if "inputs" in keywords:
        message = "add_loss() takes only the loss in Keras 3 (TypeError on inputs=)."
        a.report(
            keywords["inputs"].value, "K3024", message=message, edits=[a.source.drop_argument(node, keywords["inputs"])]
        )
    elif paths.is_model(a, node.func.value):  # a model's, not a layer's own self.add_loss
        message = (
            "A Keras 3 model cannot add_loss() a symbolic tensor (NotImplementedError): compute the loss "
            "inside a layer's call() (self.add_loss), or in a custom train_step."
        )
        fix = "class AddLoss(keras.layers.Layer):\n    def call(self, inputs):\n"
        fix += "        self.add_loss(...)\n        return inputs"
        a.report(node.func, "K3024", message=message, fix=fix)


def check_assignment(a, target: ast.expr, value: ast.expr) -> None:
    """K3011: `ctx.check_hostname = False`, `os.environ['PYTHONHTTPSVERIFY'] = ...`.

    Example:
        >>> from cifar_lab.check.analysis import rules_in
        >>> rules_in("context.check_hostname = False")
        [(1, 'K3011')]
    """
    if isinstance(target, ast.Attribute) and target.attr == "check_hostname" and _is(value, False):
        a.report(target, "K3011")
    if isinstance(target, ast.Subscript) and a.qualify(target.value) == "os.environ":
        if _is(target.slice, "PYTHONHTTPSVERIFY"):
            a.report(target, "K3011")


def check_dict(a, node: ast.Dict) -> None:
    """K3004 in a parameter grid: `{'nb_epoch': [3, 6]}` for a scikit-learn search over a Keras model.

    Example:
        >>> from cifar_lab.check.analysis import rules_in
        >>> rules_in("grid = {'nb_epoch': [3, 6], 'epochs': [1]}")
        [(1, 'K3004')]
    """
    for key in node.keys:
        if isinstance(key, ast.Constant) and KERAS1_FIT_ARGUMENTS.get(key.value):
            new = KERAS1_FIT_ARGUMENTS[key.value]
            message = f"'{key.value}' is a Keras 1 argument name that Keras 3 rejects (TypeError); it is now '{new}'."
            edits = [a.source.replace(key, repr(new))] if key.value == "nb_epoch" else []  # samples are not steps
            a.report(key, "K3004", message=message, edits=edits)


def _is(node: ast.expr, value) -> bool:
    return (
        isinstance(node, ast.Constant) and node.value is value
        if isinstance(value, bool)
        else (isinstance(node, ast.Constant) and node.value == value)
    )
