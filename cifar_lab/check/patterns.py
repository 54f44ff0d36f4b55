"""What the Keras rules of `cifar-lab check` look for: removed names, arguments and methods, by rule id.

These tables are data, read by `cifar_lab.check.analysis` and `cifar_lab.check.calls`: a name added
to `REMOVED_NAMES` is reported wherever code reaches it, through any import alias, with no other
change. Names are written `keras.X`, which matches both `keras.X` and `tensorflow.keras.X`;
`TENSORFLOW_KERAS` says where TensorFlow's copy of Keras differs. Every entry was checked on Keras
3.15 / TensorFlow 2.21. TensorFlow 1 names are in `cifar_lab.check.patterns_tf`, the rules' texts in
`cifar_lab.check.rules`.

Example:
    >>> REMOVED_NAMES["keras.layers.core"], REMOVED_METHODS["predict_classes"]
    (('K3002', 'keras.layers'), 'K3013')
    >>> KERAS1_FIT_ARGUMENTS["nb_epoch"]
    'epochs'
"""

from __future__ import annotations

_LAYER_SUBMODULES = (
    "core convolutional pooling normalization recurrent advanced_activations merge embeddings wrappers noise "
    "local convolutional_recurrent experimental cudnn_recurrent"
)
_UTILS = "keras.utils"
# A reference to any of these (or anything inside them) is a finding: name -> (rule, what replaces it, or
# None when nothing does one for one). A name imported *from* one of them is reported at its import only,
# unless it is listed itself: fixing the import fixes its uses.
REMOVED_NAMES: dict[str, tuple[str, str | None]] = {
    "keras.utils.np_utils": ("K3001", _UTILS),
    **{f"keras.layers.{sub}": ("K3002", "keras.layers") for sub in _LAYER_SUBMODULES.split()},
    **{f"keras.utils.{sub}": ("K3017", _UTILS) for sub in ("generic_utils", "data_utils", "vis_utils", "io_utils")},
    **{f"keras.utils.{sub}": ("K3017", None) for sub in ("layer_utils", "conv_utils", "test_utils", "visualize_util")},
    "keras.objectives": ("K3017", "keras.losses"),
    **{
        name: ("K3017", None)
        for name in ("keras.wrappers.scikit_learn", "keras.engine", "keras.initializations", "keras.estimator")
    },
    **{f"keras.backend.{sub}": ("K3017", None) for sub in ("tensorflow_backend", "theano_backend", "cntk_backend")},
    "keras.preprocessing.text": ("K3017", None),  # standalone Keras only: see TENSORFLOW_KERAS
    "keras.preprocessing.image.ImageDataGenerator": ("K3005", None),
    "keras.backend.set_image_dim_ordering": ("K3014", "set_image_data_format"),
    "keras.backend.image_dim_ordering": ("K3014", "image_data_format"),
    **{
        f"keras.optimizers.{name.lower()}": ("K3018", name)
        for name in "SGD RMSprop Adagrad Adadelta Adam Adamax Nadam".split()
    },
    "keras.optimizers.TFOptimizer": ("K3018", None),
    "keras.layers.CuDNNLSTM": ("K3018", "LSTM"),
    "keras.layers.CuDNNGRU": ("K3018", "GRU"),
    "keras.layers.Deconv2D": ("K3018", "Conv2DTranspose"),
    **{
        f"keras.layers.{name}": ("K3018", None)
        for name in "Merge TimeDistributedDense Highway MaxoutDense Deconvolution2D AtrousConvolution1D "
        "AtrousConvolution2D ThresholdedReLU LocallyConnected1D LocallyConnected2D".split()
    },
    **{f"keras.constraints.{old}": ("K3018", new) for old, new in (("maxnorm", "MaxNorm"), ("nonneg", "NonNeg"))},
    "keras.constraints.unitnorm": ("K3018", "UnitNorm"),
    **{
        f"keras.{module}.{old}": ("K3018", new)
        for module in ("losses", "metrics")
        for olds, new in (
            ("mse MSE", "mean_squared_error"),
            ("mae MAE", "mean_absolute_error"),
            ("mape MAPE", "mean_absolute_percentage_error"),
            ("msle MSLE", "mean_squared_logarithmic_error"),
            ("kld KLD", "kl_divergence"),
        )
        for old in olds.split()
    },
    "keras.regularizers.l1l2": ("K3018", "l1_l2"),
    **{f"keras.regularizers.{old}": ("K3018", None) for old in ("WeightRegularizer", "activity_l1", "activity_l2")},
    **{
        f"keras.initializers.{old}": ("K3018", new)
        for old, new in (("normal", "RandomNormal"), ("uniform", "RandomUniform"))
    },
    **{f"keras.initializers.{old}": ("K3018", new) for old, new in (("zero", "Zeros"), ("one", "Ones"))},
    **{f"keras.models.{old}": ("K3018", None) for old in ("model_from_yaml", "Graph")},
    **{f"keras.utils.{old}": ("K3018", None) for old in ("multi_gpu_model", "print_summary", "HDF5Matrix")},
    # The module is gone (K3017) and each use of these needs an edit of its own: no other class takes their arguments.
    **{f"keras.wrappers.scikit_learn.{name}": ("K3018", None) for name in ("KerasClassifier", "KerasRegressor")},
}
# Where TensorFlow's copy of Keras (`tensorflow.keras`, TF 2.21) differs: a rule of its own, or None: it still works.
TENSORFLOW_KERAS: dict[str, str | None] = {
    "keras.preprocessing.image.ImageDataGenerator": "K3036",  # deprecated, still imports and trains
    "keras.preprocessing.text": None,  # deprecated, still imports
    "keras.layers.ThresholdedReLU": None,
    **{name: None for name in REMOVED_NAMES if name.startswith(("keras.losses.", "keras.metrics."))},  # mse, mae...
}
# Names imported from a removed module that keras.utils (or keras.losses) still has, so the import can be renamed.
KEPT_UTILS = {"to_categorical", "normalize", "get_file", "Progbar", "plot_model", "model_to_dot", "Sequence"}
KEPT_UTILS |= {"custom_object_scope", "CustomObjectScope", "serialize_keras_object", "deserialize_keras_object"}

# K3015: the only names standalone Keras 3 keeps in keras.backend.
BACKEND_KEPT = set(
    "backend clear_session epsilon floatx get_uid image_data_format is_float_dtype is_int_dtype is_keras_tensor "
    "result_type set_epsilon set_floatx set_image_data_format standardize_dtype".split()
)
# K3015: TensorFlow's keras.backend keeps about 130 Keras 2 functions, but not these, and these fail on Keras 3
# objects: gradients needs a graph (RuntimeError under eager execution), set_value an old variable.
TENSORFLOW_BACKEND_BROKEN = set(
    "function placeholder set_learning_phase learning_phase get_session set_session gradients".split()
)
# K3015 fixes: keras.backend functions that keras.ops (or keras.random, keras.Variable) does one for one,
# same positional arguments. Keywords other than KEEPS_KEYWORDS, or a missing axis where the default
# differs (NEEDS_AXIS), leave the call for a hand edit.
BACKEND_OPS = {
    **{
        name: f"ops.{name}"
        for name in "abs all any argmax argmin cast clip cos cumprod cumsum dot elu equal exp expand_dims greater "
        "greater_equal hard_sigmoid less less_equal log max maximum mean min minimum ndim not_equal one_hot "
        "ones_like prod reshape round shape sigmoid sign sin softmax softplus softsign sqrt square squeeze stack "
        "std sum tanh tile transpose var zeros_like".split()
    },
    "concatenate": "ops.concatenate",
    "l2_normalize": "ops.normalize",
    "pow": "ops.power",
    "int_shape": "ops.shape",
    "permute_dimensions": "ops.transpose",
    "flatten": "ops.ravel",
    "repeat_elements": "ops.repeat",
    "relu": "ops.relu",
    "random_normal": "random.normal",
    "random_uniform": "random.uniform",
    "variable": "Variable",
}
KEEPS_KEYWORDS = {"axis", "keepdims", "dtype", "shape", "mean", "stddev", "minval", "maxval", "seed", "name"}
RENAMED_KEYWORDS = {"std": "stddev"}  # K.random_normal(std=) -> keras.random.normal(stddev=)
NEEDS_AXIS = {"concatenate", "l2_normalize"}  # Keras 2 defaulted to axis=-1 (all axes); keras.ops to 0 (-1)

# Methods reported on any object not known to be something other than Keras.
REMOVED_METHODS = {
    "fit_generator": "K3003",
    "evaluate_generator": "K3003",
    "predict_generator": "K3003",
    "predict_classes": "K3013",
    "predict_proba": "K3013",
    "make_one_shot_iterator": "K3019",
    "make_initializable_iterator": "K3019",
}
GENERATOR_METHODS = {"fit_generator": "fit", "evaluate_generator": "evaluate", "predict_generator": "predict"}
# Calls whose keyword arguments are training arguments (K3004, K3028).
TRAINING_CALLS = {"fit", "evaluate", "predict", "KerasClassifier", "KerasRegressor", *GENERATOR_METHODS}
# K3004: each Keras 1 training argument and its Keras 3 name (None: delete it).
KERAS1_FIT_ARGUMENTS = {
    "nb_epoch": "epochs",
    "samples_per_epoch": "steps_per_epoch",
    "nb_val_samples": "validation_steps",
    "show_accuracy": None,
}
# K3028: arguments of the Keras 2 data loaders that fit() no longer takes (they belong to PyDataset now).
LOADER_ARGUMENTS = ("workers", "use_multiprocessing", "max_queue_size")
STEP_ARGUMENTS = ("steps_per_epoch", "validation_steps", "steps")

# K3016: Keras 1 layer arguments and their Keras 3 names (None: no one-for-one replacement).
KERAS1_LAYER_ARGUMENTS: dict[str, str | None] = {
    **{"border_mode": "padding", "init": "kernel_initializer", "subsample": "strides", "subsample_length": "strides"},
    **{"W_regularizer": "kernel_regularizer", "b_regularizer": "bias_regularizer"},
    **{
        "U_regularizer": "recurrent_regularizer",
        "W_constraint": "kernel_constraint",
        "b_constraint": "bias_constraint",
    },
    **{"U_constraint": "recurrent_constraint", "dim_ordering": "data_format", "pool_length": "pool_size"},
    **{"nb_filter": "filters", "filter_length": "kernel_size", "inner_init": "recurrent_initializer"},
    **{"inner_activation": "recurrent_activation", "dropout_W": "dropout", "dropout_U": "recurrent_dropout"},
    **{"bias": "use_bias", "atrous_rate": "dilation_rate", "beta_init": "beta_initializer"},
    **{"gamma_init": "gamma_initializer", "poolsize": "pool_size", "stride": "strides", "sigma": "stddev"},
    **{"consume_less": None, "nb_row": None, "nb_col": None, "batch_input_shape": None, "mode": None},
    "batch_size": None,  # Keras 2 let the first layer fix the batch size; Keras 3 layers reject it (not InputLayer)
    **{"forget_bias_init": None, "W_learning_rate_multiplier": None, "b_learning_rate_multiplier": None},
}
# K3016: arguments that are Keras 1 only in some layers (elsewhere they are valid Keras 3 arguments).
KERAS1_LAYER_SPECIFIC = {
    "output_dim": ("units", {"Dense", "LSTM", "GRU", "SimpleRNN", "TimeDistributedDense", "Highway"}),
    "p": ("rate", {"Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianDropout"}),
    "dropout": (None, {"Embedding"}),
    "input_length": (None, {"Conv1D", "Convolution1D", "MaxPooling1D", "AveragePooling1D", "LSTM", "GRU"}),
}
DATA_FORMATS = {"th": "channels_first", "tf": "channels_last"}
# K3038: deprecated layer arguments that still work with a warning: layer -> {argument: new name, or None: delete}.
DEPRECATED_LAYER_ARGUMENTS = {
    "Embedding": {"input_length": None},
    "InputLayer": {"input_shape": "shape"},
    "LeakyReLU": {"alpha": "negative_slope"},
}
# K3009: arguments that declare a model's input inside a layer (Embedding's input_dim is its vocabulary size).
LAYER_INPUT_ARGUMENTS = ("input_shape", "input_dim")

# K3006, K3007, K3032: optimizer classes and their default learning rate in standalone Keras 1 and 2 (Keras 3: 0.001,
# SGD 0.01).
KERAS2_DEFAULT_LR = {
    **{"SGD": "0.01", "RMSprop": "0.001", "Adagrad": "0.01", "Adadelta": "1.0"},
    **{"Adam": "0.001", "Adamax": "0.002", "Nadam": "0.002"},
}
KERAS3_DEFAULT_LR = {"SGD": "0.01"}  # every other optimizer: 0.001
OPTIMIZERS = {name.lower() for name in KERAS2_DEFAULT_LR} | {"adamw", "ftrl", "lion", "lamb", "adafactor"}
# K3010: layers whose second and third (and fourth) positional arguments were kernel dimensions in Keras 1.
CONVOLUTIONS = {
    **dict.fromkeys(("Conv2D", "Convolution2D", "Conv2DTranspose", "Convolution2DTranspose"), 2),
    **dict.fromkeys(("SeparableConv2D", "SeparableConvolution2D"), 2),
    **dict.fromkeys(("Conv3D", "Convolution3D"), 3),
}
# K3012: calls whose arguments are the data a notebook reports its test accuracy on.
EVALUATION_CALLS = {"evaluate", "evaluate_generator", "accuracy_score", "score"}
# K3011: the ssl names that turn certificate checks off, wherever code reaches them.
TLS_OFF = {"ssl._create_unverified_context", "ssl._create_default_https_context", "ssl.CERT_NONE"}
# K3011: calls whose verify=False turns off certificate checks (requests, httpx).
HTTP_CALLS = set("get post put patch delete head options request stream Session Client AsyncClient".split())
