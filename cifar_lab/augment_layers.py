"""Two augmentation layers Keras 3 does not ship: pad-and-random-crop, and cutout.

They are used through :func:`cifar_lab.augment.build_augmenter`, which keeps this module (and
with it Keras) out of ``import cifar_lab.augment``. Both layers take float image batches
``(N, H, W, C)`` (channels last), draw one random offset per image from their own seeded
``keras.random.SeedGenerator``, run inside a ``tf.data`` map as well as eagerly, and pass images
through unchanged when called with ``training=False``.
"""

from __future__ import annotations

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="cifar_lab")
class RandomPadCrop(keras.layers.Layer):
    """Zero-pad each image by ``padding`` pixels on every side, then crop back to its size at a random offset.

    This is the standard CIFAR-10 augmentation (He et al., 2016). It is computed as a whole-pixel
    translation by ``dx, dy`` drawn uniformly from ``{-padding, ..., padding}`` with zero fill, which
    is exactly the same image as padding then cropping, without materialising the padded batch.

    Example:
        >>> import numpy as np
        >>> layer = RandomPadCrop(padding=4, seed=0)
        >>> layer(np.ones((2, 32, 32, 3), "float32")).shape
        TensorShape([2, 32, 32, 3])
    """

    def __init__(self, padding: int = 4, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.padding = int(padding)
        self.seed = seed
        self.generator = keras.random.SeedGenerator(seed)

    def call(self, images, training=True):
        if not training or self.padding == 0:
            return images
        batch = ops.shape(images)[0]
        shifts = keras.random.randint(
            (batch, 2), -self.padding, self.padding + 1, seed=self.generator
        )
        shifts = ops.cast(shifts, "float32")
        ones, zeros = ops.ones((batch, 1)), ops.zeros((batch, 1))
        # affine_transform maps each output pixel (x, y) to the input pixel (x + dx, y + dy).
        transform = ops.concatenate(
            [ones, zeros, shifts[:, 0:1], zeros, ones, shifts[:, 1:2], zeros, zeros], axis=1
        )
        return ops.image.affine_transform(
            images, transform, interpolation="nearest", fill_mode="constant", fill_value=0.0
        )

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "seed": self.seed}


@keras.saving.register_keras_serializable(package="cifar_lab")
class Cutout(keras.layers.Layer):
    """Paint one ``size`` x ``size`` grey square at a random position in each image (DeVries & Taylor, 2017).

    The square's centre is uniform over the image, so near the edges part of it falls outside, as in
    the paper. The fill is mid-grey (0.5 on a [0, 1] scale), close to CIFAR-10's mean pixel, which is
    what the paper's zero fill of mean-centred images amounts to.

    Example:
        >>> import numpy as np
        >>> out = Cutout(size=8, seed=0)(np.ones((2, 32, 32, 3), "float32"))
        >>> int((np.asarray(out) == 0.5).all(axis=-1).sum(axis=(1, 2)).max()) <= 64
        True
    """

    fill_value = 0.5

    def __init__(self, size: int = 16, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.size = int(size)
        self.seed = seed
        self.generator = keras.random.SeedGenerator(seed)

    def call(self, images, training=True):
        if not training or self.size == 0:
            return images
        shape = ops.shape(images)
        batch, height, width = shape[0], shape[1], shape[2]
        centre_y = keras.random.randint((batch, 1, 1, 1), 0, height, seed=self.generator)
        centre_x = keras.random.randint((batch, 1, 1, 1), 0, width, seed=self.generator)
        top, left = centre_y - self.size // 2, centre_x - self.size // 2
        rows = ops.reshape(ops.arange(height, dtype="int32"), (1, height, 1, 1))
        cols = ops.reshape(ops.arange(width, dtype="int32"), (1, 1, width, 1))
        inside = (
            (rows >= top) & (rows < top + self.size) & (cols >= left) & (cols < left + self.size)
        )
        return ops.where(inside, ops.cast(self.fill_value, images.dtype), images)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "size": self.size, "seed": self.seed}
