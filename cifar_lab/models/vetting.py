"""Reading a saved model's architecture without trusting it: refuse anything that would run code.

Keras's safe mode is the second line: it has had bypasses (CVE-2025-1550, CVE-2025-9906,
CVE-2026-1462, ...), each a way to make a config name code Keras would then call. cifar-lab's own
models only ever name Keras layers, initializers, optimizers and losses and the course's learning-
rate schedule, so the first line is an allow-list on the config itself, checked before Keras sees it.

Example:
    >>> vet_config({"module": "keras.layers", "class_name": "Dense", "config": {"units": 10}}, "model.json")
    >>> vet_config({"module": "os", "class_name": "function", "config": "system"}, "model.json")
    Traceback (most recent call last):
    ...
    cifar_lab.models.vetting.UnsafeModelError: Refused to load model.json: it asks Keras to run code ...
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

from cifar_lab.errors import CifarLabError

# Far above the course's largest architecture (about 20 KB of JSON), far below what hurts to parse.
MAX_CONFIG_BYTES = 4 * 1024 * 1024
TRUSTED_MODULES = ("keras", "cifar_lab.models")
# Layers and objects whose whole purpose is to carry or load code.
CODE_CLASSES = frozenset({"Lambda", "TFSMLayer", "__lambda__", "function", "TorchModuleWrapper", "JaxLayer"})


class UnsafeModelError(CifarLabError, ValueError):
    """A model file asks Keras to run code while loading, or cannot be read as an architecture."""


def _refuse(path: str | os.PathLike, why: str) -> UnsafeModelError:
    return UnsafeModelError(
        f"Refused to load {path}: it asks Keras to run code while loading ({why}). "
        "Load only models that cifar-lab's save_model wrote, from a source you trust."
    )


def vet_config(config: Any, path: str | os.PathLike) -> None:
    """Raise `UnsafeModelError` if the architecture `config` (parsed JSON) names code or a foreign module.

    Example:
        >>> vet_config({"class_name": "Lambda", "config": {}}, "m.json")
        Traceback (most recent call last):
        ...
        cifar_lab.models.vetting.UnsafeModelError: Refused to load m.json: ... (a Lambda layer). ...
    """
    pending = [config]
    while pending:  # a loop, not recursion: a hostile file may nest thousands of levels deep
        item = pending.pop()
        if isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, dict):
            name, module = item.get("class_name"), item.get("module")
            if name in CODE_CLASSES:
                raise _refuse(path, f"a {name} layer" if name != "function" else f"the function {item.get('config')!r}")
            if isinstance(module, str) and not module.startswith(TRUSTED_MODULES):
                raise _refuse(path, f"module {module!r}")
            pending.extend(item.values())


def read_architecture(path: Path) -> Any:
    """Return the parsed, vetted architecture of a `.json` file or of a `.keras` archive's `config.json`.

    Example:
        >>> import tempfile
        >>> from cifar_lab.models import build_model, save_model
        >>> paths = save_model(build_model("original"), tempfile.mkdtemp())
        >>> read_architecture(paths["keras"])["class_name"]
        'Sequential'
    """
    try:
        if path.suffix == ".keras":
            with zipfile.ZipFile(path) as archive, archive.open("config.json") as member:
                text = member.read(MAX_CONFIG_BYTES + 1)
        else:
            with open(path, "rb") as file:
                text = file.read(MAX_CONFIG_BYTES + 1)
        if len(text) > MAX_CONFIG_BYTES:
            raise UnsafeModelError(
                f"Refused to load {path}: its architecture is over {MAX_CONFIG_BYTES // 2**20} MiB, "
                "far more than any model save_model writes. Pass the file save_model wrote."
            )
        config = json.loads(text)
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError, ValueError, RecursionError) as error:
        if isinstance(error, UnsafeModelError):
            raise
        raise UnsafeModelError(
            f"Cannot read {path}: it is not a saved model ({type(error).__name__}: {str(error)[:80]}). "
            "Pass the .keras or .json file that save_model wrote, or save the model again."
        ) from None
    vet_config(config, path)
    return config
