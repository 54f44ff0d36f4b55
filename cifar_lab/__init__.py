"""cifar-lab: a notebook course on CIFAR-10 image classification with TensorFlow/Keras 3.

The package is a small library the course notebooks call step by step:

- `cifar_lab.data`: load CIFAR-10 (or the offline synthetic stand-in) safely, split, subset, plot.
- `cifar_lab.models`: the original assignment's CNN and a stronger CPU-friendly model, by name.
- `cifar_lab.augment`: augmentation presets as Keras 3 preprocessing layers.
- `cifar_lab.train` / `cifar_lab.evaluate`: reproducible, resumable training and in-depth evaluation.
- `cifar_lab.ethics`: measured per-class disparity, privacy and memorization, written as a model card.
- `cifar_lab.runner`: the `cifar-lab` command that runs the notebooks headless with papermill.
- `cifar_lab.check`: finds Keras 2 code that Keras 3 breaks.

Importing `cifar_lab` is cheap: TensorFlow is imported only by the modules that train.
"""

__version__ = "0.1.0"
