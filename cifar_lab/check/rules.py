"""The rules of `cifar-lab check`: which Keras 2 patterns it finds, why they break, and the fix.

`RULES` is the catalogue (one `Rule` per id, the text shown to students); `analyze`
walks one parsed module (a whole notebook's code cells joined, or a `.py` file) and returns a
`Hit` for every match. Names are resolved through the module's imports, so
`from keras.utils import np_utils as nu` then `nu.to_categorical` is caught while the same
words inside a string or a comment are not. `tensorflow.keras.X` is read as `keras.X`: since
TensorFlow 2.16 both are Keras 3. Standard library only (no TensorFlow).

Example:
    >>> import ast
    >>> [hit.rule for hit in analyze(ast.parse("from keras.layers import Conv2D\\nConv2D(64, 3, 3)"))]
    ['K3010']
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """One legacy pattern: `message` says why it breaks in Keras 3, `fix` shows the Keras 3 code."""

    id: str
    title: str
    message: str
    fix: str


@dataclass(frozen=True)
class Hit:
    """A rule matched at `line` (1-based) and `col` (1-based) of the analysed module."""

    line: int
    col: int
    rule: str
    message: str
    fix: str


_RULE_LIST = (
    Rule(
        "K3000",
        "Code that is not valid Python 3",
        "This is not valid Python 3, so the checker could not read this cell or file (other "
        "cells of a notebook are still checked).",
        "Fix the syntax error Python names here, e.g. print x -> print(x).",
    ),
    Rule(
        "K3001",
        "keras.utils.np_utils was removed",
        "The keras.utils.np_utils module no longer exists: importing it raises ImportError.",
        "from keras.utils import to_categorical\nY_train = to_categorical(y_train, 10)",
    ),
    Rule(
        "K3002",
        "Keras 2 layer submodule import path",
        "Keras 3 has no keras.layers.core, keras.layers.convolutional (or any other "
        "keras.layers.<submodule>): the import raises ModuleNotFoundError.",
        "from keras.layers import Activation, Conv2D, Dense, Dropout, Flatten, MaxPooling2D",
    ),
    Rule(
        "K3003",
        "fit_generator / evaluate_generator / predict_generator were removed",
        "Keras 3 models have no *_generator methods (AttributeError): fit, evaluate and "
        "predict take generators and tf.data datasets directly.",
        "model.fit(train_dataset, epochs=20, validation_data=val_dataset)",
    ),
    Rule(
        "K3004",
        "Keras 1 training argument names",
        "Keras 1's nb_epoch, samples_per_epoch and nb_val_samples are not Keras 3 arguments (TypeError).",
        "model.fit(train_dataset, epochs=20)  # steps per epoch follow from the dataset",
    ),
    Rule(
        "K3005",
        "ImageDataGenerator was removed",
        "keras.preprocessing.image.ImageDataGenerator does not exist in Keras 3 (ImportError): "
        "augmentation is done with preprocessing layers inside the tf.data pipeline.",
        "augmenter = keras.Sequential([keras.layers.RandomFlip('horizontal'),\n"
        "                              keras.layers.RandomTranslation(0.1, 0.1)])\n"
        "# or: cifar_lab.augment.build_augmenter('recommended')",
    ),
    Rule(
        "K3006",
        "Optimizer argument lr=",
        "Keras 3 optimizers do not accept lr= (ValueError: Argument(s) not recognized).",
        "keras.optimizers.RMSprop(learning_rate=0.0001)",
    ),
    Rule(
        "K3007",
        "Optimizer argument decay= is silently ignored",
        "Keras 3 optimizers ignore decay= with only a warning, so the learning rate no longer "
        "decays and training differs from the original without any error.",
        "schedule = keras.optimizers.schedules.InverseTimeDecay(\n"
        "    0.0001, decay_steps=1, decay_rate=1e-6)  # Keras 2's lr / (1 + decay * step)\n"
        "keras.optimizers.RMSprop(learning_rate=schedule)",
    ),
    Rule(
        "K3008",
        "save_weights file name must end in .weights.h5",
        "Keras 3's save_weights raises ValueError unless the file name ends in .weights.h5.",
        "model.save_weights('cifar10.weights.h5')  # or model.save('cifar10.keras') for "
        "architecture + weights + optimizer",
    ),
    Rule(
        "K3009",
        "input_shape= passed to a layer",
        "Keras 3 warns on input_shape=/input_dim= in a layer: only the first layer added to a "
        "Sequential model still uses it, anywhere else it is silently ignored. Declare the "
        "input with keras.Input instead.",
        "model = keras.Sequential([keras.Input(shape=(32, 32, 3)),\n"
        "                          keras.layers.Conv2D(32, (3, 3), padding='same')])",
    ),
    Rule(
        "K3010",
        "Conv2D's third positional argument is strides (silent change)",
        "Keras 1 and standalone Keras 2.0-2.3 read Conv2D(64, 3, 3) as a 3x3 kernel; Keras 3 "
        "reads the third argument as strides, so the layer becomes a 3x3 kernel with stride 3: "
        "the network changes without any error.",
        "Conv2D(64, (3, 3))  # pass strides=... by keyword if you really mean it",
    ),
    Rule(
        "K3011",
        "TLS certificate verification disabled (security)",
        "Turning off certificate checks lets anyone on the network swap the download (data, "
        "weights or code) without notice, for every later HTTPS request in the process.",
        "# Keep verification on. If the download fails with CERTIFICATE_VERIFY_FAILED:\n"
        "#   pip install certifi; export SSL_CERT_FILE=$(python -m certifi)\n"
        "#   (macOS python.org builds: run 'Install Certificates.command')\n"
        "# or download the archive once and pass its path: load_cifar10(data='path/to/it')",
    ),
    Rule(
        "K3012",
        "Test set used as validation data",
        "The test set is passed as validation data and the same notebook reports test accuracy: "
        "the test set then steers training (epochs, checkpoints, tuning), so the reported test "
        "accuracy is optimistic.",
        "x_tr, y_tr, x_val, y_val = cifar_lab.data.split_validation(x_train, y_train, 0.2, seed=0)\n"
        "model.fit(x_tr, y_tr, validation_data=(x_val, y_val))\n"
        "model.evaluate(x_test, y_test)  # once, at the very end\n"
        "# or, in plain Keras: model.fit(x_train, y_train, validation_split=0.2)",
    ),
    Rule(
        "K3013",
        "predict_classes was removed",
        "Keras 3 models have no predict_classes method (AttributeError).",
        "predicted = model.predict(x).argmax(axis=1)",
    ),
    Rule(
        "K3014",
        "set_image_dim_ordering was removed",
        "keras.backend.set_image_dim_ordering and image_dim_ordering no longer exist "
        "(AttributeError). 'th' meant channels-first arrays; keras.datasets and cifar_lab.data "
        "give channels-last (N, 32, 32, 3), which Keras 3 expects by default.",
        "# delete the call and keep channels-last arrays; only if you need channels-first:\n"
        "keras.config.set_image_data_format('channels_first')",
    ),
)
RULES: dict[str, Rule] = {rule.id: rule for rule in _RULE_LIST}

# A reference to any of these names (or anything inside them) is a finding. Names imported *from*
# a removed module are not reported again where they are used: fixing the import fixes those.
_FLAGGED_NAMES = {
    "keras.utils.np_utils": "K3001",
    **{
        f"keras.layers.{sub}": "K3002"
        for sub in (
            "core",
            "convolutional",
            "pooling",
            "normalization",
            "recurrent",
            "advanced_activations",
            "merge",
            "embeddings",
            "wrappers",
            "noise",
            "local",
            "convolutional_recurrent",
            "experimental",
        )
    },
    "keras.preprocessing.image.ImageDataGenerator": "K3005",
    "ssl._create_unverified_context": "K3011",
    "ssl._create_default_https_context": "K3011",
    "ssl.CERT_NONE": "K3011",
    "keras.backend.set_image_dim_ordering": "K3014",
    "keras.backend.image_dim_ordering": "K3014",
}
_REMOVED_METHODS = {
    "fit_generator": "K3003",
    "evaluate_generator": "K3003",
    "predict_generator": "K3003",
    "predict_classes": "K3013",
}
_KERAS1_FIT_ARGUMENTS = {
    "nb_epoch": "epochs=",
    "samples_per_epoch": "steps_per_epoch= (batches, not samples)",
    "nb_val_samples": "validation_steps= (batches, not samples)",
}
_OPTIMIZERS = {
    "sgd",
    "rmsprop",
    "adam",
    "adamw",
    "adagrad",
    "adadelta",
    "adamax",
    "nadam",
    "ftrl",
    "lion",
    "lamb",
    "adafactor",
}
_CONVOLUTIONS = {
    "Conv2D",
    "Convolution2D",
    "Conv2DTranspose",
    "Convolution2DTranspose",
    "SeparableConv2D",
    "SeparableConvolution2D",
    "Conv3D",
    "Convolution3D",
}
_LAYER_INPUT_ARGUMENTS = ("input_shape", "input_dim", "batch_input_shape")
_HTTP_CALLS = {
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "request",
    "stream",
    "Session",
    "Client",
    "AsyncClient",
}
_EVALUATION_CALLS = {"evaluate", "evaluate_generator", "accuracy_score", "score"}
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


def _canonical(qualified: str) -> str:
    """`tensorflow.keras.X` and `tensorflow.python.keras.X` are `keras.X`."""
    for prefix in ("tensorflow.python.keras", "tensorflow.keras"):
        if qualified == prefix or qualified.startswith(prefix + "."):
            return "keras" + qualified[len(prefix) :]
    return qualified


def _within(qualified: str, prefix: str) -> bool:
    return qualified == prefix or qualified.startswith(prefix + ".")


def _names_in(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


class _Analyzer(ast.NodeVisitor):
    """One pass in source order: imports are recorded as they come, so later code resolves them."""

    def __init__(self) -> None:
        self.aliases: dict[str, str] = {}  # local name -> canonical dotted name
        self.star_modules: list[str] = []
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

    def qualify(self, node: ast.AST, *, star: bool = False) -> str | None:
        """The canonical dotted name an expression like `nu.to_categorical` refers to, if known.

        With `star`, a name no import binds is read as coming from the last Keras `import *`
        (`Conv2D` after `from keras.layers import *`): used only where a Keras name is sought.
        """
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        base = self.aliases.get(node.id)
        if base is None and star:
            module = next((m for m in reversed(self.star_modules) if _within(m, "keras")), None)
            base = module and f"{module}.{node.id}"
        return None if base is None else _canonical(".".join([base, *reversed(parts)]))

    def is_keras(self, node: ast.AST) -> str | None:
        qualified = self.qualify(node, star=True)
        return qualified if qualified and _within(qualified, "keras") else None

    def flag_name(self, node: ast.AST, qualified: str, bound_to: str = "") -> bool:
        """Report `qualified` if it reaches into a flagged name the reference itself spells out."""
        for name, rule in _FLAGGED_NAMES.items():
            if _within(qualified, name) and len(name) >= len(bound_to):
                self.report(node, rule)
                return True
        return False

    # Imports ---------------------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            qualified = _canonical(alias.name)
            self.flag_name(node, qualified)
            if alias.asname:
                self.aliases[alias.asname] = qualified
            else:
                top = alias.name.split(".")[0]
                self.aliases[top] = _canonical(top)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module:
            return
        module = _canonical(node.module)
        for alias in node.names:
            if alias.name == "*":
                self.flag_name(node, module)
                self.star_modules.append(module)
                continue
            qualified = f"{module}.{alias.name}"
            self.flag_name(node, qualified)
            self.aliases[alias.asname or alias.name] = qualified

    def rebind(self, name: str) -> None:
        self.aliases.pop(name, None)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.rebind(node.name)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

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
        foreign = qualified is not None and not _within(qualified, "keras")
        if node.attr in _REMOVED_METHODS and isinstance(node.ctx, ast.Load) and not foreign:
            self.report(
                node, _REMOVED_METHODS[node.attr], message=f"{node.attr}: " + RULES[_REMOVED_METHODS[node.attr]].message
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
        foreign = qualified is not None and not _within(qualified, "keras")  # e.g. numpy.histogram
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
            and (method in _HTTP_CALLS or (qualified or "").split(".")[0] in ("requests", "httpx"))
        ):
            self.report(verify, "K3011")
        name = method or (qualified or "").rsplit(".", 1)[-1] or getattr(node.func, "id", "")
        if name in _EVALUATION_CALLS:
            for argument in [*node.args, *keywords.values()]:
                self.evaluated_names |= _names_in(argument)
        if "validation_data" in keywords:
            self.validations.append(keywords["validation_data"])

    def check_keras1_arguments(self, keywords: dict[str, ast.expr]) -> None:
        for name, replacement in _KERAS1_FIT_ARGUMENTS.items():
            if name in keywords:
                self.report(
                    keywords[name],
                    "K3004",
                    message=f"{name}= is a Keras 1 argument that Keras 3 rejects (TypeError); it is now {replacement}.",
                )

    def check_keras_call(self, node: ast.Call, keras_name: str, keywords: dict[str, ast.expr]) -> None:
        """Optimizer arguments, layer input shapes and the Conv2D positional trap."""
        last = keras_name.rsplit(".", 1)[-1]
        if _within(keras_name, "keras.optimizers") and last.lower() in _OPTIMIZERS:
            for argument, rule in (("lr", "K3006"), ("decay", "K3007")):
                if argument in keywords:
                    self.report(keywords[argument], rule)
        if _within(keras_name, "keras.layers"):
            for argument in _LAYER_INPUT_ARGUMENTS:
                if argument in keywords:
                    self.report(keywords[argument], "K3009")
        # Conv2D(64, (3, 3), (2, 2)) names its strides on purpose; Conv2D(64, 3, 3) is Keras 1.
        if (
            last in _CONVOLUTIONS
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
            self.test_names |= _names_in(target.elts[1])
            return
        sources = {n for n in _names_in(value) if self.is_test(n)}
        if sources:
            origins = set().union(*map(self.origins_of, sources))
            for name in _names_in(target):
                self.test_names.add(name)
                self.origins[name] = origins

    def is_test(self, name: str) -> bool:
        return name in self.test_names or is_test_name(name)

    def origins_of(self, name: str) -> set[str]:
        return self.origins.get(name, {name})

    def finish(self) -> None:
        evaluated = set().union(*map(self.origins_of, self.evaluated_names))
        for value in self.validations:
            reported = sorted(n for n in _names_in(value) if self.is_test(n) and self.origins_of(n) & evaluated)
            if reported:
                names = ", ".join(reported)
                self.report(
                    value,
                    "K3012",
                    message=RULES["K3012"].message
                    + f" Validated on {names}: the same test data the notebook evaluates on.",
                )
