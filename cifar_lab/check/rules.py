"""The rules of `cifar-lab check`: each Keras 1/2 pattern it finds, how bad it is, why, and the Keras 3 fix.

`RULES` is the catalogue, one `Rule` per id, holding the texts shown to students (and listed in
`docs/checker.md`); the rules from K3015 on are in `cifar_lab.check.rules_api` (removed APIs) and
`cifar_lab.check.rules_behaviour` (silent changes and deprecations). What each rule looks for lives
elsewhere: the names and arguments in `cifar_lab.check.patterns` and `cifar_lab.check.patterns_tf`,
the code that finds them in `cifar_lab.check.analysis` and `cifar_lab.check.calls`. A finding's own
message and fix usually say more than the rule's, with the code's own values. A new rule gets its
text here, its names there, and a fixture in `tests/check/fixtures/rules/`.

Every rule has a severity: `error` (Keras 3 or TensorFlow 2 raises), `silent` (it runs, and
behaves differently) or `advisory` (it works, but is deprecated or unsound). `cifar-lab check`
exits 1 for an error or a silent change, and for an advisory only with `--strict`.

Example:
    >>> RULES["K3006"].title, RULES["K3006"].severity
    ('Optimizer argument lr=', 'error')
    >>> print(RULES["K3006"].fix)
    keras.optimizers.RMSprop(learning_rate=0.0001)
"""

from __future__ import annotations

from cifar_lab.check.rule import ADVISORY, SILENT, Rule
from cifar_lab.check.rules_api import API_RULES
from cifar_lab.check.rules_behaviour import BEHAVIOUR_RULES

__all__ = ["RULES", "Rule"]


_RULE_LIST = (
    Rule(
        "K3000",
        "Code that is not valid Python 3",
        "This is not valid Python 3 (or is nested too deeply to be read), so the checker could not "
        "read this cell or file (other cells of a notebook are still checked).",
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
        "Keras 1 argument names",
        "Keras 1's nb_epoch, samples_per_epoch, nb_val_samples and show_accuracy (and the datasets' nb_words) "
        "are not Keras 3 arguments (TypeError).",
        "model.fit(train_dataset, epochs=20)  # steps per epoch follow from the dataset",
    ),
    Rule(
        "K3005",
        "ImageDataGenerator was removed",
        "keras.preprocessing.image.ImageDataGenerator does not exist in standalone Keras 3 (ImportError): "
        "augmentation is done with preprocessing layers inside the tf.data pipeline. (TensorFlow's "
        "tensorflow.keras copy still has a deprecated one: rule K3037.)",
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
        SILENT,
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
        ADVISORY,
    ),
    Rule(
        "K3010",
        "Conv2D's third positional argument is strides (silent change)",
        "Keras 1 and standalone Keras 2.0-2.3 read Conv2D(64, 3, 3) as a 3x3 kernel; Keras 3 "
        "reads the third argument as strides, so the layer becomes a 3x3 kernel with stride 3: "
        "the network changes without any error.",
        "Conv2D(64, (3, 3))  # pass strides=... by keyword if you really mean it",
        SILENT,
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
        ADVISORY,
    ),
    Rule(
        "K3012",
        "Test set used as validation data",
        "The test set is passed as validation data: it then steers training (which epoch, checkpoint or "
        "setting you keep), so any accuracy reported on it afterwards is optimistic.",
        "x_tr, y_tr, x_val, y_val = cifar_lab.data.split_validation(x_train, y_train, 0.2, seed=0)\n"
        "model.fit(x_tr, y_tr, validation_data=(x_val, y_val))\n"
        "model.evaluate(x_test, y_test)  # once, at the very end\n"
        "# or, in plain Keras: model.fit(x_train, y_train, validation_split=0.2)",
        ADVISORY,
    ),
    Rule(
        "K3013",
        "predict_classes and predict_proba were removed",
        "Keras 3 models have no predict_classes or predict_proba method (AttributeError).",
        "predicted = model.predict(x).argmax(axis=-1)  # a sigmoid output: (model.predict(x) > 0.5)",
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
RULES: dict[str, Rule] = {
    rule.id: rule for rule in sorted((*_RULE_LIST, *API_RULES, *BEHAVIOUR_RULES), key=lambda rule: rule.id)
}
