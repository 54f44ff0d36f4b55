"""The course's CIFAR-10 models, built by name, and saving them the way the assignment did.

What the notebooks use is re-exported here; the modules below may change freely:

- `registry`: `MODELS` (every model with its hyper-parameters and recipe) and `build_model`;
- `saving`: `save_model` (the original's JSON + weights, and `.keras`) and `load_model`, which
  refuses (`UnsafeModelError`, from `vetting`) any model file that would run code;
- plumbing: `architectures` (the layers and optimizers), `schedules` (`OneCycle`), `precision` and
  `hardware` (bfloat16 where the CPU has it).

Example:
    >>> from cifar_lab.models import MODELS
    >>> sorted(MODELS)
    ['fast_cnn', 'original']
"""

from cifar_lab.models.registry import MODELS, ModelSpec, build_model
from cifar_lab.models.saving import load_model, save_model
from cifar_lab.models.schedules import OneCycle
from cifar_lab.models.vetting import UnsafeModelError

__all__ = ["MODELS", "ModelSpec", "OneCycle", "build_model", "load_model", "save_model", "UnsafeModelError"]
