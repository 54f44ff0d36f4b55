"""What to write instead, for the removed names `cifar-lab check --fix` cannot rewrite by itself.

A finding with a mechanical fix shows the corrected line; one without shows the hint for the
exact name it found, from these tables (keyed like `cifar_lab.check.patterns`: `keras.X` or
`tensorflow.X`), so a student never gets a canned example about some other call. Data only.

Example:
    >>> print(HINTS["tensorflow.Session"])
    # TensorFlow 2 runs eagerly: call the code directly, without a session (or a tf.function)
"""

from __future__ import annotations

_EAGER = "# TensorFlow 2 runs eagerly: call the code directly, without a session (or a tf.function)"
_DATA = "tf.data.TextLineDataset(filenames).skip(1).map(parse_line).shuffle(1000).batch(32)"
_LAYER = "# subclass keras.layers.Layer and write call() with keras.ops"
_SCIKERAS = "  # pip install scikeras"
_MERGE = "keras.layers.Add()([a, b])  # Multiply, Concatenate(axis=...), Average, Maximum, Dot(axes=...)"

HINTS: dict[str, str] = {
    # Keras modules and names with no one-for-one replacement (K3017, K3018).
    "keras.wrappers.scikit_learn": f"from scikeras.wrappers import KerasClassifier{_SCIKERAS}",
    "keras.wrappers.scikit_learn.KerasClassifier": f"scikeras.wrappers.KerasClassifier(model=build_fn, ...){_SCIKERAS}",
    "keras.wrappers.scikit_learn.KerasRegressor": f"scikeras.wrappers.KerasRegressor(model=build_fn, ...){_SCIKERAS}",
    "keras.preprocessing.text": "vectorize = keras.layers.TextVectorization(max_tokens=max_words)\n"
    "vectorize.adapt(texts)",
    "keras.backend.tensorflow_backend": "tf.config.experimental.set_memory_growth(gpu, True)  # no session",
    "keras.engine": "from keras.layers import Layer, InputSpec\nfrom keras import Model",
    "keras.utils.layer_utils": "model.summary()  # or keras.utils.plot_model(model)",
    "keras.utils.conv_utils": "# inline the helper: Keras 3 keeps these private",
    "keras.layers.merge": _MERGE,
    "keras.layers.Merge": _MERGE,
    "keras.layers.TimeDistributedDense": "keras.layers.TimeDistributed(keras.layers.Dense(units))",
    "keras.layers.Deconvolution2D": "keras.layers.Conv2DTranspose(filters, (rows, cols), strides=..., padding=...)",
    "keras.layers.AtrousConvolution1D": "keras.layers.Conv1D(filters, kernel_size, dilation_rate=rate)",
    "keras.layers.AtrousConvolution2D": "keras.layers.Conv2D(filters, (rows, cols), dilation_rate=rate)",
    "keras.layers.ThresholdedReLU": "keras.layers.ReLU(threshold=theta)",
    "keras.layers.Highway": _LAYER,
    "keras.layers.MaxoutDense": _LAYER,
    "keras.layers.LocallyConnected1D": _LAYER + " (no Keras 3 layer does this)",
    "keras.layers.LocallyConnected2D": _LAYER + " (no Keras 3 layer does this)",
    "keras.optimizers.TFOptimizer": "keras.optimizers.Adam(learning_rate=1e-3)  # any keras.optimizers class",
    "keras.regularizers.WeightRegularizer": "keras.regularizers.L1L2(l1=..., l2=...)",
    "keras.regularizers.activity_l1": "keras.regularizers.L1(...)  # passed as activity_regularizer=",
    "keras.regularizers.activity_l2": "keras.regularizers.L2(...)  # passed as activity_regularizer=",
    "keras.models.model_from_yaml": "keras.models.model_from_json(model.to_json())  # or model.save('m.keras')",
    "keras.models.Graph": "keras.Model(inputs=[...], outputs=[...])  # the functional API",
    "keras.utils.multi_gpu_model": "with tf.distribute.MirroredStrategy().scope():\n    model = build_model()",
    "keras.utils.print_summary": "model.summary()",
    "keras.utils.HDF5Matrix": "tf.data.Dataset.from_generator(...)  # read the HDF5 file with h5py",
    "keras.preprocessing.image.ImageDataGenerator": "keras.Sequential([keras.layers.RandomFlip('horizontal'), ...])",
    # keras.backend functions with no keras.ops twin (K3015).
    "keras.backend.gradients": "with tf.GradientTape() as tape:\n    loss = ...\n"
    "grads = tape.gradient(loss, variables)",
    "keras.backend.function": "# call the model (or keras.Model(inputs, outputs)) directly: there is no graph to run",
    "keras.backend.placeholder": "keras.Input(shape=...)  # or a tf.function argument",
    "keras.backend.get_session": "# delete it: TensorFlow 2 has no session (use tf.compat.v1 only if you must)",
    "keras.backend.set_session": "# delete it: TensorFlow 2 has no session",
    "keras.backend.set_learning_phase": "model(x, training=False)  # pass training= to the call instead",
    "keras.backend.learning_phase": "# pass training=True/False to the layer or model call",
    "keras.backend.batch_flatten": "keras.ops.reshape(x, (keras.ops.shape(x)[0], -1))",
    "keras.backend.get_value": "keras.ops.convert_to_numpy(x)",
    "keras.backend.eval": "keras.ops.convert_to_numpy(x)",
    "keras.backend.set_value": "variable.assign(value)",
    "keras.backend.random_normal": "keras.random.normal(shape, mean=0.0, stddev=1.0)",
    # TensorFlow 1 (K3019, K3021).
    "tensorflow.Session": _EAGER,
    "tensorflow.InteractiveSession": _EAGER,
    "tensorflow.ConfigProto": "tf.config.experimental.set_memory_growth(gpu, True)  # or tf.config.threading",
    "tensorflow.GPUOptions": "tf.config.experimental.set_memory_growth(gpu, True)",
    "tensorflow.placeholder": "# a function argument (decorate the function with @tf.function), or keras.Input",
    "tensorflow.get_variable": "tf.Variable(initial_value)  # or a Keras layer's add_weight",
    "tensorflow.variable_scope": "tf.name_scope(name)  # variables belong to the objects that create them",
    "tensorflow.global_variables_initializer": "# delete it: TensorFlow 2 initialises variables when they are created",
    "tensorflow.reset_default_graph": "keras.backend.clear_session()",
    "tensorflow.get_default_graph": "# delete it: there is no default graph in eager mode",
    "tensorflow.set_random_seed": "tf.random.set_seed(seed)",
    "tensorflow.TextLineReader": _DATA,
    "tensorflow.train.string_input_producer": "tf.data.Dataset.from_tensor_slices(filenames)",
    "tensorflow.train.shuffle_batch": "dataset.shuffle(buffer_size).batch(batch_size)",
    "tensorflow.train.batch": "dataset.batch(batch_size)",
    "tensorflow.train.start_queue_runners": "# delete it: a tf.data pipeline needs no queue runners",
    "tensorflow.train.QueueRunner": "# tf.data replaces queues: " + _DATA,
    "tensorflow.train.replica_device_setter": "tf.distribute.experimental.ParameterServerStrategy(cluster_resolver)",
    "tensorflow.train.Saver": "tf.train.Checkpoint(model=model).save(prefix)  # or model.save_weights('w.weights.h5')",
    "tensorflow.train.exponential_decay": "keras.optimizers.schedules.ExponentialDecay(lr, decay_steps, decay_rate)",
    "tensorflow.layers": "keras.layers  # e.g. tf.layers.dense(x, 10) -> keras.layers.Dense(10)(x)",
    "tensorflow.estimator": "# a keras.Model trained with fit() (tf.estimator was removed in TensorFlow 2.16)",
    "tensorflow.logging": "from absl import logging  # or print()",
    "tensorflow.app": "from absl import app",
    "tensorflow.flags": "from absl import flags",
    "tensorflow.gfile": "tf.io.gfile  # e.g. tf.io.gfile.exists(path)",
    "tensorflow.python_io": "tf.io.TFRecordWriter(path)",
    "tensorflow.Print": "tf.print(x)",
    "tensorflow.py_func": "tf.numpy_function(func, inputs, Tout)",
    "tensorflow.to_float": "tf.cast(x, tf.float32)",
    "tensorflow.to_int32": "tf.cast(x, tf.int32)",
    "tensorflow.summary.FileWriter": "writer = tf.summary.create_file_writer(logdir)",
    "tensorflow.losses.sparse_softmax_cross_entropy": (
        "tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True))\n"
        "# in compile(): loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)"
    ),
    "tensorflow.losses.softmax_cross_entropy": (
        "tf.reduce_mean(tf.keras.losses.categorical_crossentropy(labels, logits, from_logits=True))"
    ),
    "tensorflow.losses.sigmoid_cross_entropy": (
        "tf.reduce_mean(tf.keras.losses.binary_crossentropy(labels, logits, from_logits=True))"
    ),
    "tensorflow.metrics.accuracy": "keras.metrics.Accuracy()  # update_state(labels, predictions), then result()",
    "tensorflow.data.make_one_shot_iterator": "iter(dataset)",
    "tensorflow.contrib.eager.defun": "tf.function(function)",
    "tensorflow.contrib.saved_model.save_keras_model": "model.save('saved_model/my_model.keras')",
    "tensorflow.contrib.saved_model.load_keras_model": "keras.models.load_model('saved_model/my_model.keras')",
    "tensorflow.contrib.image": "keras.layers.RandomRotation(factor)  # or tf.raw_ops.ImageProjectiveTransformV3",
    "tensorflow.contrib.learn": "(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()",
    "tensorflow.contrib": "# tf.contrib is gone: look up the piece you use in the TensorFlow 2 migration guide",
}
# Keras 1 layer arguments with no one-for-one replacement (K3016).
ARGUMENT_HINTS = {
    "dropout": "keras.layers.Dropout(rate, noise_shape=(None, input_length, 1))  # after the Embedding: whole words",
    "batch_input_shape": "keras.Input(batch_shape=(batch_size, None))  # as the model's first element",
    "batch_size": "keras.Input(shape=..., batch_size=batch_size)  # as the model's first element",
    "mode": "# delete it: Keras 3's BatchNormalization has a single mode",
    "consume_less": "# delete it: Keras 3 picks the implementation itself",
    "nb_row": "kernel_size=(nb_row, nb_col)",
    "nb_col": "kernel_size=(nb_row, nb_col)",
    "input_length": "# delete it: the input length comes from the data (or keras.Input(shape=(length, ...)))",
    "forget_bias_init": "unit_forget_bias=True",
}


def hint(name: str) -> str | None:
    """The hint for `name` or, failing that, for the closest enclosing name that has one.

    Example:
        >>> hint("tensorflow.contrib.image.transform").startswith("keras.layers.RandomRotation")
        True
    """
    parts = name.split(".")
    for end in range(len(parts), 1, -1):
        found = HINTS.get(".".join(parts[:end]))
        if found:
            return found
    return None
