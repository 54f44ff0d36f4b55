"""Draw the figures of the documentation site with the library itself, into docs/img/.

Run it with `make docs-figures` (or `python docs/gen_figures.py [NAME ...]` for some of them).
Everything uses the synthetic data set, so it runs offline and the same way everywhere; the pages say
so under each figure. The short training run (learning curves, confusion matrix, ethics figures) and
the instructor guide's example sweep take a few minutes on a 2-core CPU.

Example:
    $ python docs/gen_figures.py synthetic_samples
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

DOCS = Path(__file__).resolve().parent
REPO = DOCS.parent
IMG_DIR = DOCS / "img"
SWEEP_FILE = DOCS / "examples" / "sweep.yaml"
SWEEP_TABLE = DOCS / "examples" / "sweep_results.md"  # included in instructor-guide.md
SEED = 0
# The synthetic training run: big enough for a readable confusion matrix, small enough for a minute.
N_TRAIN, N_TEST, EPOCHS = 4000, 1000, 4
N_CANARIES = 100  # wrongly labelled training images, half of them trained on (the ethics figures)


def save(figure, name: str) -> Path:
    """Write `figure` to `docs/img/<name>.png` atomically, so a crash leaves the old image intact.

    Example:
        >>> save(plot_sample_grid(x, y, CLASS_NAMES), "synthetic_samples")  # doctest: +SKIP
    """
    from cifar_lab.files import atomic_path

    with atomic_path(IMG_DIR / f"{name}.png", suffix=".png") as tmp:
        # No software tag: regenerated figures differ only when the pixels do, not when matplotlib is updated.
        figure.savefig(tmp, dpi=100, metadata={"Software": None})
    return IMG_DIR / f"{name}.png"


def synthetic_samples() -> list[Path]:
    from cifar_lab.data import load_cifar10, plot_sample_grid

    data = load_cifar10("synthetic")
    return [save(plot_sample_grid(data.x_train, data.y_train, data.class_names), "synthetic_samples")]


def augmentation_previews() -> list[Path]:
    from cifar_lab.augment import plot_augmentation_preview
    from cifar_lab.data import load_cifar10

    data = load_cifar10("synthetic")
    return [
        save(
            plot_augmentation_preview(
                data.x_train, preset, n_images=4, n_augmented=5, seed=SEED, y=data.y_train, class_names=data.class_names
            ),
            f"augmentation_{preset}",
        )
        for preset in ("original", "recommended")
    ]


def copy_file(source: Path, target: Path) -> Path:
    """Copy a file the library wrote to `target` atomically.

    Example:
        >>> copy_file(Path("runs/ethics/attack_roc.png"), IMG_DIR / "ethics_attack_roc.png")  # doctest: +SKIP
    """
    from cifar_lab.files import atomic_write_bytes

    return atomic_write_bytes(target, source.read_bytes())


def training_run() -> list[Path]:
    """Train the original CNN briefly on synthetic data, with canaries, and draw what the course shows of it."""
    import dataclasses

    from cifar_lab.data import make_synthetic, split_validation
    from cifar_lab.ethics import ethics_report, leakage_callback
    from cifar_lab.ethics.canaries import make_canaries, training_set
    from cifar_lab.ethics.report import FIGURES as ETHICS_FIGURES
    from cifar_lab.evaluate import confusion_matrix, plot_confusion_matrix, plot_learning_curves, predict_proba
    from cifar_lab.models import build_model
    from cifar_lab.train import train_model

    data = make_synthetic(n_train=N_TRAIN, n_test=N_TEST, seed=SEED)
    x_train, y_train, x_val, y_val = split_validation(data.x_train, data.y_train, val_fraction=0.2)
    canaries = make_canaries(x_train, y_train, N_CANARIES, seed=SEED)
    x_fit, y_fit, members = training_set(x_train, y_train, canaries)
    model = build_model("original", seed=SEED)
    leakage = leakage_callback(x_fit[:1000], y_fit[:1000], data.x_test, data.y_test, canaries=canaries, seed=SEED)
    result = train_model(
        model, x_fit, y_fit, validation=(x_val, y_val), epochs=EPOCHS, seed=SEED, verbose="silent", callbacks=[leakage]
    )
    y_pred = predict_proba(model, data.x_test).argmax(axis=1)
    written = [
        save(plot_learning_curves(result.history), "learning_curves"),
        save(plot_confusion_matrix(confusion_matrix(data.y_test, y_pred), data.class_names), "confusion_matrix"),
    ]
    with tempfile.TemporaryDirectory() as report_dir:
        ethics_report(
            model,
            dataclasses.replace(data, x_train=x_train, y_train=y_train),
            report_dir,
            member_indices=members,
            canaries=canaries,
            leakage_curve=leakage.curve,
            seed=SEED,
            parameters={"epochs": EPOCHS, "canaries": N_CANARIES},
        )
        for key, file_name in ETHICS_FIGURES.items():
            written.append(copy_file(Path(report_dir) / file_name, IMG_DIR / f"ethics_{key}.png"))
    return written


def worked_sweep() -> list[Path]:
    """Run the instructor guide's example sweep; keep its table and plot for the page."""
    from cifar_lab.runner.grid import run_grid

    with tempfile.TemporaryDirectory() as run_dir:
        result = run_grid(SWEEP_FILE, jobs=2, notebooks_dir=REPO / "notebooks", run_dir=run_dir)
        if not result.ok:
            raise RuntimeError(f"The example sweep had failed combinations; see the table in {run_dir}.")
        return [
            copy_file(Path(run_dir) / "results.md", SWEEP_TABLE),
            copy_file(Path(run_dir) / "results.png", IMG_DIR / "sweep_results.png"),
        ]


FIGURES: dict[str, Callable[[], list[Path]]] = {
    "synthetic_samples": synthetic_samples,
    "augmentation_previews": augmentation_previews,
    "training_run": training_run,
    "worked_sweep": worked_sweep,
}


def main(names: list[str]) -> int:
    """Draw the figure groups in ``names`` (all of them when empty); return the exit status.

    Example:
        >>> main(["synthetic_samples"])  # doctest: +SKIP
        0
    """
    unknown = sorted(set(names) - set(FIGURES))
    if unknown:
        print(f"Unknown figure group(s) {unknown}; choose from {sorted(FIGURES)}.", file=sys.stderr)
        return 2
    for name in names or list(FIGURES):
        for path in FIGURES[name]():
            print(f"wrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
