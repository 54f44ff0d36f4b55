"""CIFAR-10 for the course: load it (or its synthetic stand-in) safely, split, subset, normalise, plot.

What the notebooks use is re-exported here; the modules below may change freely:

- `cifar10`: the dataset's facts (classes, shapes, the official archive, the `data` values);
- `loading`: `load_cifar10` and the `CifarData` it returns; `arrays`: `normalize`, `one_hot`,
  `class_counts`; `splits`: validation splits and class-balanced subsets; `plots`: the sample grid;
- plumbing: `archive` reads the official files, `safe_pickle` unpickles them without running code,
  `download` fetches them over verified TLS (`transport`: its network side), `synthetic` draws the offline stand-in.

Example:
    >>> from cifar_lab.data import load_cifar10, normalize, split_validation
    >>> data = load_cifar10("synthetic")
    >>> x_train, y_train, x_val, y_val = split_validation(data.x_train, data.y_train, 0.2, seed=0)
    >>> normalize(x_val).dtype
    dtype('float32')
"""

from cifar_lab.data.archive import CifarFormatError
from cifar_lab.data.arrays import class_counts, normalize, one_hot
from cifar_lab.data.cifar10 import CLASS_NAMES, DATA_SOURCES, IMAGE_SHAPE, NUM_CLASSES, check_data
from cifar_lab.data.download import ChecksumError, DownloadError, StorageError
from cifar_lab.data.loading import CifarData, SyntheticFallbackWarning, default_data_home, load_cifar10, make_synthetic
from cifar_lab.data.plots import plot_sample_grid
from cifar_lab.data.safe_pickle import UnsafePickleError
from cifar_lab.data.splits import split_validation, stratified_subset, subset_and_split

__all__ = [
    "CLASS_NAMES",
    "DATA_SOURCES",
    "IMAGE_SHAPE",
    "NUM_CLASSES",
    "ChecksumError",
    "CifarData",
    "CifarFormatError",
    "DownloadError",
    "StorageError",
    "SyntheticFallbackWarning",
    "UnsafePickleError",
    "check_data",
    "class_counts",
    "default_data_home",
    "load_cifar10",
    "make_synthetic",
    "normalize",
    "one_hot",
    "plot_sample_grid",
    "split_validation",
    "stratified_subset",
    "subset_and_split",
]
