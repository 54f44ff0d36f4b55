"""What the rules of `cifar-lab check` look for: the Keras 2 names, methods and arguments, by rule id.

These tables are data, read by `cifar_lab.check.analysis`: a name added to `FLAGGED_NAMES` is
reported wherever code reaches it, through any import alias, with no other change. Names are
canonical (`tensorflow.keras.X` is written `keras.X`); the texts of the rules are in
`cifar_lab.check.rules`.

Example:
    >>> FLAGGED_NAMES["keras.layers.core"], REMOVED_METHODS["predict_classes"]
    ('K3002', 'K3013')
    >>> KERAS1_FIT_ARGUMENTS["nb_epoch"]
    'epochs='
"""

from __future__ import annotations

# A reference to any of these names (or anything inside them) is a finding. Names imported *from*
# a removed module are not reported again where they are used: fixing the import fixes those.
FLAGGED_NAMES = {
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
# Methods reported on any object that is not known to be something other than Keras.
REMOVED_METHODS = {
    "fit_generator": "K3003",
    "evaluate_generator": "K3003",
    "predict_generator": "K3003",
    "predict_classes": "K3013",
}
# K3004: each Keras 1 argument and what replaces it, for the message.
KERAS1_FIT_ARGUMENTS = {
    "nb_epoch": "epochs=",
    "samples_per_epoch": "steps_per_epoch= (batches, not samples)",
    "nb_val_samples": "validation_steps= (batches, not samples)",
}
# K3006 and K3007: optimizer classes (lower case) whose lr= and decay= are checked.
OPTIMIZERS = {
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
# K3010: layers whose third positional argument was a kernel dimension in Keras 1.
CONVOLUTIONS = {
    "Conv2D",
    "Convolution2D",
    "Conv2DTranspose",
    "Convolution2DTranspose",
    "SeparableConv2D",
    "SeparableConvolution2D",
    "Conv3D",
    "Convolution3D",
}
# K3009: arguments that declare a model's input inside a layer.
LAYER_INPUT_ARGUMENTS = ("input_shape", "input_dim", "batch_input_shape")
# K3011: calls whose verify=False turns off certificate checks (requests, httpx).
HTTP_CALLS = {
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
# K3012: calls whose arguments are the data a notebook reports its test accuracy on.
EVALUATION_CALLS = {"evaluate", "evaluate_generator", "accuracy_score", "score"}
