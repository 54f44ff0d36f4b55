"""The rules of `cifar-lab check` for Keras 1/2 code that still runs on Keras 3: silent changes and deprecations.

Part of the catalogue `cifar_lab.check.rules.RULES` (which explains the fields). A `silent` rule's
code runs and trains differently than it did (no error, at most a warning); an `advisory` one
works as before but is deprecated.

Example:
    >>> [(rule.id, rule.severity) for rule in BEHAVIOUR_RULES][:2]
    [('K3031', 'silent'), ('K3032', 'silent')]
"""

from __future__ import annotations

from cifar_lab.check.rule import ADVISORY, SILENT, Rule

BEHAVIOUR_RULES = (
    Rule(
        "K3031",
        "Optimizer default learning rate changed",
        "Standalone Keras 1 and 2 defaulted Adadelta to lr=1.0 (Adagrad 0.01, Adamax and Nadam 0.002); "
        "Keras 3 defaults every one of them to 0.001, so the same code learns far more slowly.",
        "keras.optimizers.Adadelta(learning_rate=1.0)  # the Keras 2 default",
        SILENT,
    ),
    Rule(
        "K3032",
        "GAN trainable idiom changed meaning",
        "Keras 2 fixed which weights a model trains when it was compiled; Keras 3 reads .trainable "
        "when the model first trains. Setting trainable = False to build a combined GAN model now also "
        "freezes the network in its own training, or lets the combined model train it: no error, the "
        "GAN just stops learning.",
        "discriminator.trainable = True   # before discriminator.train_on_batch(...)\n"
        "discriminator.trainable = False  # before gan.train_on_batch(...)\n"
        "# or write the training step with tf.GradientTape",
        SILENT,
    ),
    Rule(
        "K3033",
        "Dropout(1.0) now drops everything",
        "Keras 1 and 2 applied dropout only for 0 < rate < 1, so Dropout(1.0) did nothing; Keras 3 "
        "drops every unit while training: the layer outputs zeros.",
        "# delete the layer (it never did anything), or use a rate below 1: Dropout(0.5)",
        SILENT,
    ),
    Rule(
        "K3034",
        "metrics_names no longer lists the metrics",
        "Keras 3's model.metrics_names is ['loss', 'compile_metrics'] for a model compiled with "
        "metrics=['accuracy']: code pairing those names with evaluate()'s results labels the numbers "
        "wrongly, without an error.",
        "results = model.evaluate(x_test, y_test, return_dict=True)  # {'loss': ..., 'accuracy': ...}",
        SILENT,
    ),
    Rule(
        "K3035",
        "Dataset argument nb_words= is ignored",
        "keras.datasets.imdb.load_data accepts and silently ignores unknown arguments, so Keras 1's "
        "nb_words= no longer limits the vocabulary (reuters.load_data raises TypeError).",
        "imdb.load_data(num_words=max_features)",
        SILENT,
    ),
    Rule(
        "K3036",
        "tensorflow.keras ImageDataGenerator is deprecated",
        "TensorFlow's tensorflow.keras still has ImageDataGenerator (deprecated; standalone Keras 3 "
        "removed it): it works, but augmentation belongs in preprocessing layers inside the tf.data "
        "pipeline, which is faster and runs on the GPU.",
        "augmenter = keras.Sequential([keras.layers.RandomFlip('horizontal'),\n"
        "                              keras.layers.RandomRotation(0.1)])\n"
        "# or: cifar_lab.augment.build_augmenter('recommended')",
        ADVISORY,
    ),
    Rule(
        "K3037",
        "Deprecated layer argument",
        "Keras 3 still accepts this argument with a warning: Embedding(input_length=) is ignored, "
        "InputLayer(input_shape=) is now shape=, LeakyReLU(alpha=) is now negative_slope=.",
        "Embedding(10000, 8)  # the input length comes from the data",
        ADVISORY,
    ),
)
