"""Build the models of corpus files after `cifar-lab check --fix`, under Keras 3: a helper of test_check_build.py.

Run as `python tests/check/build_fixed.py [--unfixed] FILE...` in a child process (it imports Keras
and changes its global state); prints one JSON line per file: the models built (their parameter
counts), the statements skipped, or the error that stopped it. `--unfixed` runs the original code the
same way, which is how the test shows the fix is what makes the build work. Build only, never train:

- each file's fixed code (`cifar_lab.check.rewrite.fix_file`, nothing written) runs statement by
  statement, top level only, up to and including its first `compile(...)`: the model is then built
  and compiled, and nothing after it (`fit`, saving, plotting results) runs;
- `keras.datasets.<name>.load_data` is replaced by a stub returning zero images (or word-index
  sequences) of the real dataset's shapes and types: no download (MNIST with its real sizes, which
  some scripts write out as 60000 and 10000; CIFAR-10 with fewer images);
- a statement that still holds an `error` or `silent` finding after the fix is skipped: it needs a
  hand edit, which is not what this build tests (e.g. `from keras.preprocessing.image import
  ImageDataGenerator`, used only after `compile`). The skipped lines are printed, and the test
  checks them.
"""

from __future__ import annotations

import ast
import json
import sys
import warnings

import numpy as np

from cifar_lab.check.findings import check_cells
from cifar_lab.check.magics import python_lines
from cifar_lab.check.rewrite import fix_file
from cifar_lab.check.rule import FAILING

SAMPLES = 8
IMAGES = {  # name: (train images, test images, image shape, label shape)
    "mnist": (60_000, 10_000, (28, 28), ()),
    "fashion_mnist": (60_000, 10_000, (28, 28), ()),
    "cifar10": (6_000, 1_000, (32, 32, 3), (1,)),  # fewer than 50,000 images: enough for a 5,000-image validation split
}


def stub_datasets() -> None:
    import keras

    for name, (train, test, shape, label) in IMAGES.items():
        halves = tuple((np.zeros((n, *shape), "uint8"), np.zeros((n, *label), "uint8")) for n in (train, test))
        getattr(keras.datasets, name).load_data = lambda *args, _halves=halves, **kwargs: _halves
    sequences = np.array([[1, 14, 22, 16, 43] for _ in range(SAMPLES)], dtype=object)
    labels = np.zeros(SAMPLES, "int64")
    keras.datasets.imdb.load_data = lambda *args, **kwargs: ((sequences, labels), (sequences, labels))


def build(path: str, fixed: bool = True) -> dict:
    import keras

    keras.backend.clear_session()
    keras.config.set_image_data_format("channels_last")
    fix = fix_file(path)
    if fixed:
        broken = {(f.cell, f.line) for f in fix.cells.remaining if f.severity in FAILING}
    else:  # the same statements: those --fix cannot fix
        found = check_cells(path, list(fix.cells.before.items()))
        broken = {(f.cell, f.line) for f in found if f.severity in FAILING and not f.fixable}
    namespace: dict = {"__name__": "__fixed__"}
    skipped = []
    for cell, source in (fix.cells.after if fixed else fix.cells.before).items():
        tree = ast.parse("\n".join(python_lines(source)[0]))
        for statement in tree.body:
            lines = range(statement.lineno, statement.end_lineno + 1)
            if any((cell, line) in broken for line in lines):
                skipped.append([cell, statement.lineno])
                continue
            try:
                exec(compile(ast.Module([statement], []), path, "exec"), namespace)
            except Exception as error:  # whatever Keras 3 raises, reported to the test
                return {"file": path, "models": {}, "skipped": skipped, "error": f"{type(error).__name__}: {error}"}
            if any(isinstance(n, ast.Attribute) and n.attr == "compile" for n in ast.walk(statement)):
                models = {k: v.count_params() for k, v in namespace.items() if isinstance(v, keras.Model)}
                return {"file": path, "models": models, "skipped": skipped}
    return {"file": path, "models": {}, "skipped": skipped, "error": "no compile() reached"}


def main(arguments: list[str]) -> None:
    warnings.simplefilter("ignore")
    stub_datasets()
    fixed = "--unfixed" not in arguments
    for path in (a for a in arguments if a != "--unfixed"):
        print(json.dumps(build(path, fixed)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
