"""Training: the `tf.data` input pipeline and a reproducible, resumable `train_model`.

What the notebooks use is re-exported here; the modules below may change freely:

- `loop`: `train_model`, `TrainResult`, `set_seed`;
- `pipeline`: `make_dataset`, uint8 images in, normalised float32 batches out;
- plumbing: `checkpoint` (per-epoch checkpoints for resuming), `progress` (bar or one line per epoch).

Example:
    >>> from cifar_lab.train import progress_mode
    >>> progress_mode("silent")
    'silent'
"""

from cifar_lab.train.checkpoint import CheckpointMismatchError
from cifar_lab.train.loop import TrainResult, set_seed, train_model
from cifar_lab.train.pipeline import make_dataset
from cifar_lab.train.progress import progress_mode

__all__ = ["CheckpointMismatchError", "TrainResult", "make_dataset", "progress_mode", "set_seed", "train_model"]
