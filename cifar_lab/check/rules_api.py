"""The rules of `cifar-lab check` for Keras 1/2 and TensorFlow 1 APIs that Keras 3 / TensorFlow 2 removed.

Part of the catalogue `cifar_lab.check.rules.RULES` (which explains the fields); each of these
raises on Keras 3.15 / TensorFlow 2.21 (severity `error`).

Example:
    >>> [rule.id for rule in API_RULES][:3]
    ['K3015', 'K3016', 'K3017']
"""

from __future__ import annotations

from cifar_lab.check.rule import Rule

API_RULES = (
    Rule(
        "K3015",
        "keras.backend function removed",
        "Keras 3's keras.backend keeps 14 names (epsilon, floatx, image_data_format, clear_session...); "
        "the Keras 2 tensor functions are gone (AttributeError). The same math is in keras.ops.",
        "from keras import ops\nloss = ops.mean(ops.square(y_true - y_pred), axis=-1)",
    ),
    Rule(
        "K3016",
        "Keras 1 layer argument",
        "Keras 3 layers reject Keras 1 arguments (border_mode=, init=, subsample=, W_regularizer=, "
        "output_dim=...): ValueError 'Unrecognized keyword arguments', or TypeError for a renamed "
        "required one.",
        "Conv2D(32, (3, 3), padding='same', kernel_initializer='glorot_normal', strides=(2, 2))",
    ),
    Rule(
        "K3017",
        "Keras module removed",
        "This module does not exist in Keras 3 (ModuleNotFoundError, or ImportError 'cannot import name').",
        "from keras.utils import Progbar, get_file  # keras.utils.generic_utils / data_utils",
    ),
    Rule(
        "K3018",
        "Keras name removed",
        "Keras 3 has no such name (ImportError or AttributeError): it was removed or renamed.",
        "keras.optimizers.RMSprop(learning_rate=1e-4)  # not keras.optimizers.rmsprop",
    ),
    Rule(
        "K3019",
        "TensorFlow 1 API removed",
        "TensorFlow 2 removed this TensorFlow 1 API (AttributeError): graphs, sessions, placeholders, "
        "queues, tf.layers and tf.estimator are gone; code runs eagerly, or in a tf.function.",
        "model.compile(optimizer=keras.optimizers.Adam(), loss='sparse_categorical_crossentropy')",
    ),
    Rule(
        "K3020",
        "TensorFlow 1 name moved",
        "TensorFlow 2 moved this function to a submodule (AttributeError under the old name); the "
        "arguments are the same.",
        "tf.random.uniform([batch_size], 0, 1.0)  # was tf.random_uniform",
    ),
    Rule(
        "K3021",
        "tf.contrib was removed",
        "TensorFlow 2 has no tf.contrib (AttributeError, or ModuleNotFoundError on import): each piece "
        "moved elsewhere or was dropped.",
        "tf.function(generator.call)  # was tf.contrib.eager.defun\nmodel.save('model.keras')  # was "
        "tf.contrib.saved_model.save_keras_model",
    ),
    Rule(
        "K3022",
        "tf.enable_eager_execution is gone",
        "TensorFlow 2 always runs eagerly and has no tf.enable_eager_execution (AttributeError).",
        "# delete the call",
    ),
    Rule(
        "K3023",
        "History key renamed",
        "Keras 3 logs metrics under the name they were compiled with: metrics=['accuracy'] logs "
        "'accuracy' and 'val_accuracy' (Keras 2 logged 'acc'), metrics=['mae'] logs 'mae', and the "
        "learning-rate callbacks log 'learning_rate' (not 'lr'): the old key is a KeyError.",
        "acc = history.history['accuracy']\nval_acc = history.history['val_accuracy']",
    ),
    Rule(
        "K3024",
        "Graph-era model code",
        "Keras 3 builds models from symbolic inputs only and has no graph-era hooks: Model(input=, "
        "output=), Input(tensor=), compile(target_tensors=), add_loss() of a symbolic tensor or with "
        "inputs=, and Model.reset_states() all raise.",
        "model = Model(inputs=[input_a, input_b], outputs=distance)",
    ),
    Rule(
        "K3025",
        "ModelCheckpoint file name",
        "Keras 3's ModelCheckpoint raises ValueError unless the file name ends in .keras (a whole model; "
        ".h5 still works, deprecated) or, with save_weights_only=True, in .weights.h5.",
        "ModelCheckpoint('model.best.keras', save_best_only=True)\n"
        "ModelCheckpoint('cp.weights.h5', save_weights_only=True)",
    ),
    Rule(
        "K3026",
        "ModelCheckpoint period= was removed",
        "Keras 3's ModelCheckpoint has no period= (TypeError): it saves every epoch "
        "(save_freq='epoch') or every N batches (save_freq=N).",
        "ModelCheckpoint(path, save_weights_only=True)  # every epoch",
    ),
    Rule(
        "K3027",
        "Monitored metric named 'val_acc'",
        "The model is compiled with metrics=['accuracy'], which Keras 3 logs as 'accuracy' and "
        "'val_accuracy': a callback monitoring 'acc' or 'val_acc' raises ValueError when fit() starts.",
        "ModelCheckpoint(path, monitor='val_accuracy', save_best_only=True)",
    ),
    Rule(
        "K3028",
        "fit() argument removed",
        "Keras 3's fit(), evaluate() and predict() have no workers=, use_multiprocessing= or "
        "max_queue_size= (TypeError: they belong to keras.utils.PyDataset now), and steps_per_epoch= "
        "must be a whole number (a / division gives a float: TypeError).",
        "model.fit(train_data, steps_per_epoch=len(x_train) // batch_size, epochs=epochs)",
    ),
    Rule(
        "K3029",
        "Model file name without a Keras 3 format",
        "Keras 3 saves a model only to a .keras file (or a legacy .h5), and loads weights only from "
        ".weights.h5, .keras or .h5 files: a name without one of these extensions (a TensorFlow "
        "checkpoint prefix or SavedModel folder, a .ckpt file) raises ValueError.",
        "model.save('saved_model/my_model.keras')\nmodel = keras.models.load_model('saved_model/my_model.keras')",
    ),
    Rule(
        "K3030",
        "tf.train.latest_checkpoint finds nothing Keras 3 wrote",
        "tf.train.latest_checkpoint finds TensorFlow-format checkpoints only; Keras 3 never writes "
        "them (save_weights writes .weights.h5 files), so it returns None and load_weights(None) fails.",
        "model.load_weights('training/cp.weights.h5')  # the file ModelCheckpoint or save_weights wrote",
    ),
    Rule(
        "K3038",
        "Channels-first input shape",
        "This input shape puts the channels first, (channels, rows, cols), as Keras 1 with Theano did; Keras 3 "
        "reads images channels-last, (rows, cols, channels), so the layer sees a 1-pixel-wide image with 28 "
        "channels: a 'valid' convolution raises ValueError, a 'same' one silently learns the wrong thing.",
        "Conv2D(32, (3, 3), input_shape=(28, 28, 1))  # with arrays shaped (N, 28, 28, 1)",
    ),
)
