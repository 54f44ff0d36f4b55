"""What the TensorFlow 1 rules of `cifar-lab check` look for: the `tf.*` names TensorFlow 2 removed or moved.

Data, read by `cifar_lab.check.analysis` like `cifar_lab.check.patterns`: a reference to any of these
names, through any import alias, is a finding. Every name was checked on TensorFlow 2.21, where each
raises `AttributeError`; `tf.compat.v1.X` is a different name and is never reported.

Example:
    >>> TF1_MOVED["tensorflow.random_uniform"], "tensorflow.Session" in TF1_REMOVED
    ('tensorflow.random.uniform', True)
"""

from __future__ import annotations

_TF = "tensorflow"
# K3019: removed, with no one-for-one replacement (graphs, sessions, queues, tf.layers, tf.losses, tf.estimator...).
TF1_REMOVED = {
    f"{_TF}.{name}"
    for name in (
        "Session InteractiveSession ConfigProto GPUOptions RunOptions RunMetadata GraphOptions placeholder "
        "placeholder_with_default get_variable variable_scope get_variable_scope global_variables_initializer "
        "local_variables_initializer initialize_all_variables variables_initializer reset_default_graph "
        "get_default_graph get_default_session TextLineReader TFRecordReader WholeFileReader FixedLengthRecordReader "
        "Print py_func assign assign_add assign_sub GraphKeys get_collection add_to_collection trainable_variables "
        "global_variables all_variables layers estimator app flags logging gfile python_io to_float to_int32 "
        "to_int64 to_double enable_eager_execution disable_eager_execution train.Saver train.start_queue_runners "
        "train.string_input_producer train.input_producer train.slice_input_producer train.shuffle_batch "
        "train.batch train.QueueRunner train.add_queue_runner train.replica_device_setter "
        "train.MonitoredTrainingSession train.SessionRunHook train.get_or_create_global_step train.get_global_step "
        "train.exponential_decay train.piecewise_constant train.polynomial_decay train.import_meta_graph "
        "summary.FileWriter summary.merge_all summary.merge saved_model.simple_save saved_model.loader "
        "data.make_one_shot_iterator data.make_initializable_iterator image.resize_bilinear "
        "image.resize_nearest_neighbor losses.sparse_softmax_cross_entropy losses.softmax_cross_entropy "
        "losses.sigmoid_cross_entropy losses.log_loss losses.absolute_difference losses.huber_loss "
        "losses.compute_weighted_loss losses.get_total_loss losses.get_regularization_loss metrics.accuracy "
        "metrics.auc metrics.mean_iou"
    ).split()
}
# K3020: moved in TensorFlow 2 with the same arguments: old name -> new name.
TF1_MOVED = {
    f"{_TF}.{old}": f"{_TF}.{new}"
    for old, new in (
        ("random_uniform", "random.uniform"),
        ("random_normal", "random.normal"),
        ("truncated_normal", "random.truncated_normal"),
        ("multinomial", "random.categorical"),
        ("random_shuffle", "random.shuffle"),
        ("set_random_seed", "random.set_seed"),
        ("decode_csv", "io.decode_csv"),
        ("decode_raw", "io.decode_raw"),
        ("parse_single_example", "io.parse_single_example"),
        ("parse_example", "io.parse_example"),
        ("FixedLenFeature", "io.FixedLenFeature"),
        ("VarLenFeature", "io.VarLenFeature"),
        ("FIFOQueue", "queue.FIFOQueue"),
        ("RandomShuffleQueue", "queue.RandomShuffleQueue"),
        ("PaddingFIFOQueue", "queue.PaddingFIFOQueue"),
        ("train.Server", "distribute.Server"),
        ("log", "math.log"),
        ("arg_max", "math.argmax"),
        ("arg_min", "math.argmin"),
        ("squared_difference", "math.squared_difference"),
        ("sparse_tensor_to_dense", "sparse.to_dense"),
        ("image.resize_images", "image.resize"),
        ("nn.softmax_cross_entropy_with_logits_v2", "nn.softmax_cross_entropy_with_logits"),
        ("train.AdamOptimizer", "keras.optimizers.Adam"),
        ("train.GradientDescentOptimizer", "keras.optimizers.SGD"),
        ("train.MomentumOptimizer", "keras.optimizers.SGD"),
        ("train.RMSPropOptimizer", "keras.optimizers.RMSprop"),
        ("train.AdagradOptimizer", "keras.optimizers.Adagrad"),
        ("train.AdadeltaOptimizer", "keras.optimizers.Adadelta"),
    )
}
# K3020: TensorFlow 1 optimizers' keyword arguments that the Keras optimizer names differently.
TF1_OPTIMIZER_KEYWORDS = {
    "learning_rate": "learning_rate",
    "beta1": "beta_1",
    "beta2": "beta_2",
    "momentum": "momentum",
}
TF1_OPTIMIZER_POSITIONAL = {"train.MomentumOptimizer": 2}  # (learning_rate, momentum); the others: learning_rate
# K3021: the whole of tf.contrib is gone.
TF_CONTRIB = f"{_TF}.contrib"
# K3031: still there, but finds only TensorFlow-format checkpoints, which Keras 3 never writes.
TF_LATEST_CHECKPOINT = f"{_TF}.train.latest_checkpoint"
