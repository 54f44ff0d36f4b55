"""The model card: a Markdown page and a JSON file with the same numbers, after Mitchell et al. 2019.

`render_markdown` turns the card dict that `cifar_lab.ethics.ethics_report` measures into Markdown
with the sections of Mitchell et al.: model details, intended use (and out-of-scope uses), factors,
metrics with their formulas, evaluation and training data, quantitative analyses, ethical
considerations each paired with a mitigation, caveats, and the bibliography the text cites. Each
section is one function: the descriptive ones in `cifar_lab.ethics.card_sections`, the measured
ones in `cifar_lab.ethics.card_analyses`. Every number is printed with `format_number` from the
(already rounded, by `rounded`) card dict, so the Markdown and the JSON agree digit for digit; both
live in `cifar_lab.ethics.card_format` and are importable from here. `write_card` writes both files
atomically.

Example:
    >>> format_number(0.12345), format_number(7)
    ('0.123', '7')
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cifar_lab.ethics.card_analyses import (
    brightness_section,
    calibration_section,
    per_class_section,
    sampling_bias_section,
)
from cifar_lab.ethics.card_data import datasheet_section, leakage_curve_section
from cifar_lab.ethics.card_format import DECIMALS, format_number, markdown_table, rounded
from cifar_lab.ethics.card_privacy import canary_section, leakage_verdict, membership_section
from cifar_lab.ethics.card_sections import (
    SYNTHETIC_BANNER,
    caveats_section,
    ethical_considerations_section,
    evaluation_data_section,
    factors_section,
    intended_use_section,
    metrics_section,
    model_details_section,
    references_section,
    title_section,
    training_data_section,
)
from cifar_lab.figures import save_figure
from cifar_lab.files import atomic_write_text

__all__ = [
    "DECIMALS",
    "SYNTHETIC_BANNER",
    "format_number",
    "markdown_table",
    "render_markdown",
    "rounded",
    "write_card",
]


def render_markdown(card: dict) -> str:
    """The card as Markdown, every number formatted from `card` (already passed through `rounded`).

    Example:
        >>> import tempfile, keras
        >>> from cifar_lab.data import make_synthetic
        >>> from cifar_lab.ethics import ethics_report
        >>> untrained = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Flatten(),
        ...                               keras.layers.Dense(10, activation="softmax")], name="untrained")
        >>> card = ethics_report(untrained, make_synthetic(n_train=200, n_test=100), tempfile.mkdtemp(), max_members=50)
        >>> text = render_markdown(card)
        >>> text.splitlines()[0], text.count("\\n## ")
        ('# Model card: untrained', 11)
    """
    figures, mia = card["figures"], card["membership_inference"]
    canary_figure = figures["canary_exposure"] if card["canaries"] is not None else None
    lines = [
        *title_section(card),
        *model_details_section(card["model_details"], card["parameters"]),
        *intended_use_section(),
        *factors_section(),
        *metrics_section(),
        *evaluation_data_section(card["data"]),
        *training_data_section(card["data"]),
        *datasheet_section(card.get("datasheet"), figures.get("near_duplicates")),
        "## Quantitative analyses",
        "",
        *per_class_section(card["per_class"], figures["per_class_recall"]),
        *brightness_section(card["brightness_analogue"]),
        *calibration_section(card["calibration"], figures["reliability"]),
        *membership_section(mia, figures["attack_roc"]),
        *leakage_curve_section(card.get("leakage_curve"), figures.get("leakage_curve")),
        *canary_section(card["canaries"], canary_figure),
        *sampling_bias_section(card["sampling_bias"]),
        *ethical_considerations_section(_privacy_findings(mia, card["canaries"])),
        *caveats_section(mia["n_per_side"], mia["reference_models"]),
        *references_section(),
    ]
    return "\n".join(lines) + "\n"


def _privacy_findings(mia: dict, canaries: dict | None) -> str:
    """One sentence on what this card measured about privacy, for the ethical considerations."""
    headline = "offline_lira" if "offline_lira" in mia["overall"] else "loss_threshold"
    leaks = leakage_verdict(mia["overall"][headline]) == "detectable"
    memorises = canaries is not None and leakage_verdict(canaries) == "detectable"
    if leaks or memorises:
        found = " and ".join(
            part for part, shown in (("leaks membership", leaks), ("memorises canaries", memorises)) if shown
        )
        return f"This model measurably {found} (see the analyses above)."
    return "No leakage or memorisation was detectable at this sample size; that is not evidence of privacy."


def write_card(card: dict, out_dir: str | os.PathLike, *, figures: dict[str, Any] | None = None) -> tuple[Path, Path]:
    """Write `model_card.json`, `model_card.md` and the `figures` (file name -> Figure) to `out_dir`.

    Both texts are rendered before any file is touched, and every file is written to a temporary name
    and then renamed, so a failure leaves no half-written card or figure behind.

    Example:
        >>> import tempfile, keras
        >>> from cifar_lab.data import make_synthetic
        >>> from cifar_lab.ethics import ethics_report
        >>> untrained = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Flatten(),
        ...                               keras.layers.Dense(10, activation="softmax")], name="untrained")
        >>> card = ethics_report(untrained, make_synthetic(n_train=200, n_test=100), tempfile.mkdtemp(), max_members=50)
        >>> md_path, json_path = write_card(card, tempfile.mkdtemp())
        >>> md_path.name, json.loads(json_path.read_text()) == card
        ('model_card.md', True)
    """
    out_dir = Path(out_dir)
    card = rounded(card)
    json_text = json.dumps(card, indent=2, ensure_ascii=False) + "\n"
    markdown = render_markdown(card)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, figure in (figures or {}).items():
        save_figure(figure, out_dir / name)
    md_path, json_path = out_dir / "model_card.md", out_dir / "model_card.json"
    atomic_write_text(json_path, json_text)
    atomic_write_text(md_path, markdown)
    return md_path, json_path
