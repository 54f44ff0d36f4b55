"""DP-SGD: training with per-example gradient clipping and Gaussian noise, and its privacy budget epsilon.

Differentially private SGD (Abadi et al. 2016) bounds how much any one training image can change the
model, which is what a membership attack exploits. Each step:

1. computes every image's own gradient (one Jacobian of the per-example losses, vectorised by TensorFlow);
2. scales each to an l2 norm of at most `l2_norm_clip` (C), so no image moves the model by more than C;
3. adds Gaussian noise of standard deviation `noise_multiplier * C` (sigma C) to their sum, divides by
   the batch size and hands the result to the model's own optimizer (post-processing keeps the guarantee).

`dp_sgd_model` wraps a compiled model so that `cifar_lab.train.train_model` trains it this way (with
its validation, callbacks and progress lines); `dp_sgd_epsilon` is the (epsilon, delta) budget the
training spent, from the Renyi-DP accountant of Google's `dp-accounting` (Mironov 2017), the
accountant TensorFlow Privacy uses. `tensorflow-privacy` itself is not used: its releases pin an old
TensorFlow (0.9.0 pulls `tensorflow-probability` 0.22 and `tensorflow-estimator` 2.15 and downgrades
NumPy to 1.x) and wrap Keras 2 optimizers.

The accountant assumes Poisson sampling of each batch; `train_model` shuffles and cuts the data into
batches instead, the usual approximation (TensorFlow Privacy's `compute_dp_sgd_privacy` makes it too).

Not run in the tests: training takes minutes; `dp_sgd_epsilon` runs below and the tests train a tiny model.

Example:
    >>> eps = dp_sgd_epsilon(n_train=4000, batch_size=64, epochs=10, noise_multiplier=1.0, delta=1e-5)
    >>> 1.0 < eps < 10.0
    True
    >>> from cifar_lab.models import build_model                                          # doctest: +SKIP
    >>> private = dp_sgd_model(build_model("original"), l2_norm_clip=1.0, noise_multiplier=1.0)  # doctest: +SKIP
    >>> train_model(private, x_fit, y_fit, epochs=10, batch_size=64)                      # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from cifar_lab.errors import UsageError

# Renyi orders the accountant optimises over: TensorFlow Privacy's default list.
RDP_ORDERS = (*(1 + x / 10.0 for x in range(1, 100)), *range(12, 64), 128, 256, 512)


def _check_dp(l2_norm_clip: float, noise_multiplier: float) -> None:
    if not l2_norm_clip > 0 or not noise_multiplier >= 0:
        raise UsageError(
            f"DP-SGD needs l2_norm_clip > 0 and noise_multiplier >= 0; got {l2_norm_clip} and {noise_multiplier}. "
            "Pass e.g. l2_norm_clip=1.0, noise_multiplier=1.0."
        )


def dp_sgd_epsilon(*, n_train: int, batch_size: int, epochs: int, noise_multiplier: float, delta: float) -> float:
    """The epsilon of `epochs` epochs of DP-SGD on `n_train` images at (`batch_size`, `noise_multiplier`, `delta`).

    Sampling rate `q = batch_size / n_train`, `epochs * ceil(n_train / batch_size)` steps, each a
    Poisson-subsampled Gaussian mechanism, composed by the Renyi-DP accountant. No noise: infinity.

    Example:
        >>> dp_sgd_epsilon(n_train=1000, batch_size=100, epochs=1, noise_multiplier=0.0, delta=1e-5)
        inf
    """
    _check_dp(1.0, noise_multiplier)
    if noise_multiplier == 0:
        return float("inf")
    from dp_accounting import dp_event, rdp

    steps = epochs * -(-n_train // batch_size)
    event = dp_event.PoissonSampledDpEvent(batch_size / n_train, dp_event.GaussianDpEvent(noise_multiplier))
    accountant = rdp.RdpAccountant(list(RDP_ORDERS))
    accountant.compose(dp_event.SelfComposedDpEvent(event, steps))
    return float(accountant.get_epsilon(delta))


def dp_sgd_model(model: Any, *, l2_norm_clip: float, noise_multiplier: float, seed: int = 0) -> Any:
    """`model` (compiled, e.g. by `build_model`) wrapped to train with DP-SGD; predicts exactly as `model`.

    The wrapper shares `model`'s layers, weights, optimizer and loss; train it with `train_model`
    (no `class_weight`: a weighted loss would change each image's sensitivity).

    Not run in the tests: the tests train one on a few images; see the module's example.

    Example:
        >>> private = dp_sgd_model(build_model("original"), l2_norm_clip=1.0, noise_multiplier=1.1)  # doctest: +SKIP
    """
    _check_dp(l2_norm_clip, noise_multiplier)
    cls = _dp_class()
    private = cls(model, float(l2_norm_clip), float(noise_multiplier), int(seed))
    private.compile(optimizer=model.optimizer, loss=model.loss, metrics=["accuracy"])
    return private


def _dp_class() -> type:
    """The Keras model class, built on first use: importing this module must not import TensorFlow."""
    import keras
    import tensorflow as tf

    class DPSGDModel(keras.Model):
        def __init__(self, inner: keras.Model, l2_norm_clip: float, noise_multiplier: float, seed: int) -> None:
            super().__init__(name=f"{inner.name}_dp_sgd")
            self.inner = inner
            self.l2_norm_clip = l2_norm_clip
            self.noise_multiplier = noise_multiplier
            self.noise_seed = keras.random.SeedGenerator(seed)

        def call(self, x, training=False):
            return self.inner(x, training=training)

        def _per_example_gradients(self, x, y):
            """Each image's gradient (stacked on a new first axis) and its l2 norm over all variables."""
            variables = self.trainable_variables

            def one(example):
                image, target = example
                with tf.GradientTape() as tape:
                    loss = keras.losses.categorical_crossentropy(target[None], self(image[None], training=True))
                return tape.gradient(loss, variables)

            # One forward and backward pass per image, vectorised: a Jacobian of the batch's losses would
            # redo the whole batch's backward pass once per image.
            gradients = tf.vectorized_map(one, (x, y))
            norms = tf.sqrt(
                tf.add_n([tf.reduce_sum(tf.square(tf.reshape(g, (tf.shape(g)[0], -1))), 1) for g in gradients])
            )
            return gradients, norms

        def train_step(self, data):
            if len(data) == 3:
                raise UsageError(
                    "DP-SGD cannot train with class_weight: it changes each image's sensitivity. Train without it."
                )
            x, y = data
            variables = self.trainable_variables
            gradients, norms = self._per_example_gradients(x, y)
            scale = tf.minimum(1.0, self.l2_norm_clip / tf.maximum(norms, 1e-12))
            batch = tf.cast(tf.shape(x)[0], tf.float32)
            sigma = self.noise_multiplier * self.l2_norm_clip
            noisy = [
                (tf.tensordot(scale, g, axes=1) + keras.random.normal(v.shape, stddev=sigma, seed=self.noise_seed))
                / batch
                for g, v in zip(gradients, variables)
            ]
            self.optimizer.apply(noisy, variables)
            y_pred = self(x, training=False)
            loss = tf.reduce_mean(keras.losses.categorical_crossentropy(y, y_pred))
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    return DPSGDModel
