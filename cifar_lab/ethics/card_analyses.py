"""The model card's quantitative analyses: one function per measured section, each returning its Markdown lines.

Per-class performance (`cifar_lab.ethics.fairness`), the brightness-group analogue
(`cifar_lab.ethics.brightness`) and the sampling-bias experiment (`cifar_lab.ethics.sampling_bias`);
the privacy sections (membership inference, canaries) are in `cifar_lab.ethics.card_privacy`. Each takes
its part of the (already rounded) card dict, prints every number with `format_number`, and says "Not
run" when the measurement was not made.

Example:
    >>> sampling_bias_section(None)[0]
    '### Sampling-bias experiment'
"""

from __future__ import annotations

from cifar_lab.ethics.card_format import format_number, markdown_table
from cifar_lab.ethics.intervals import SMALL_GROUP


def _interval(figures: dict, key: str) -> str:
    """`low to high` of `key`'s 95% interval in `figures`, or `-` where none was measured."""
    if figures.get(f"{key}_low") is None:
        return "-"
    return f"{format_number(figures[f'{key}_low'])} to {format_number(figures[f'{key}_high'])}"


def per_class_section(disparity: dict, figure: str) -> list[str]:
    """Overall accuracy, the worst and best class with the gap's interval, the per-class table and confusions.

    `disparity` is `per_class_disparity`'s dict; `figure` the file name of the per-class recall plot.

    Example:
        >>> import numpy as np
        >>> from cifar_lab.ethics.fairness import per_class_disparity
        >>> from cifar_lab.ethics.card_format import rounded
        >>> d = rounded(per_class_disparity(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]), ("cat", "dog")))
        >>> lines = per_class_section(d, "recall.png")
        >>> lines[2][:60], lines[10]
        ('Overall test accuracy 0.750 (0.301 to 0.954). Worst class: *', '![Per-class recall](recall.png)')
    """
    return [
        "### Per-class performance",
        "",
        f"Overall test accuracy {format_number(disparity['accuracy'])} ({_interval(disparity, 'accuracy')})."
        f" Worst class: **{disparity['worst_class']}**; "
        f"best: {disparity['best_class']}; recall gap {format_number(disparity['recall_gap'])} "
        f"(95% interval {format_number(disparity['recall_gap_low'])} to "
        f"{format_number(disparity['recall_gap_high'])}); "
        f"worst/best ratio {format_number(disparity['recall_ratio'])}.",
        "",
        disparity["statement"],
        "",
        "Classes whose whole recall interval lies below the overall accuracy: "
        + (", ".join(disparity["classes_below_accuracy"]) or "none")
        + ".",
        "",
        markdown_table(
            [
                "class",
                "recall",
                "95% interval",
                "precision",
                "95% interval",
                "FPR",
                "95% interval",
                "FNR",
                "95% interval",
                "support",
                "note",
            ],
            [
                [
                    name,
                    *(cell for key in ("recall", "precision", "fpr", "fnr") for cell in (r[key], _interval(r, key))),
                    r["support"],
                    f"small class (under {SMALL_GROUP} images): wide intervals" if r.get("small") else "",
                ]
                for name, r in disparity["per_class"].items()
            ],
        ),  # fmt: skip
        "",
        f"![Per-class recall]({figure})",
        "",
        "Most frequent confusions:",
        "",
        markdown_table(
            ["true", "predicted as", "images", "share of the true class"],
            [[c["true"], c["predicted"], c["count"], c["share_of_true"]] for c in disparity["top_confusions"]],
        ),
        "",
    ]


def brightness_section(analogue: dict) -> list[str]:
    """Accuracy per brightness third, the gap and the equalized-odds difference, each against its noise level.

    `analogue` is `brightness_analogue`'s dict.

    Example:
        >>> import numpy as np
        >>> from cifar_lab.ethics.brightness import brightness_analogue
        >>> rng = np.random.default_rng(0)
        >>> x, y = rng.integers(0, 256, (30, 4, 4, 3), dtype=np.uint8), rng.integers(0, 2, 30)
        >>> lines = brightness_section(brightness_analogue(x, y, y, ("a", "b"), n_permutations=10))
        >>> lines[0], lines[6][:64]
        ('### Brightness groups (an analogue)', 'Accuracy gap between the dark and dark thirds: 0.000 (95% interv')
    """
    return [
        "### Brightness groups (an analogue)",
        "",
        analogue["statement"],
        "",
        markdown_table(
            ["group", "accuracy", "95% low", "95% high", "images", "mean brightness from", "to", "note"],
            [
                [
                    name,
                    g["accuracy"],
                    g["accuracy_low"],
                    g["accuracy_high"],
                    g["n"],
                    g["brightness_min"],
                    g["brightness_max"],
                    f"small group (under {SMALL_GROUP} images)" if g["n"] < SMALL_GROUP else "",
                ]
                for name, g in analogue["groups"].items()
            ],
        ),
        "",
        f"Accuracy gap between the {analogue['best_group']} and {analogue['worst_group']} thirds: "
        f"{format_number(analogue['accuracy_gap'])} (95% interval {format_number(analogue['accuracy_gap_low'])} to "
        f"{format_number(analogue['accuracy_gap_high'])}; "
        + ("within noise" if analogue["gap_within_noise"] else "larger than noise")
        + f"). Equalized-odds difference: {format_number(analogue['equalized_odds_difference'])} "
        f"(class {analogue['equalized_odds_class']}, {analogue['equalized_odds_rate'].upper()}; 95% bootstrap "
        f"interval {_interval(analogue, 'equalized_odds_difference')}); with the "
        f"brightness groups shuffled at random, 95% of values fall below "
        f"{format_number(analogue['equalized_odds_noise_95'])}, so it is "
        + ("within noise." if analogue["equalized_odds_within_noise"] else "larger than noise."),
        "",
    ]


def calibration_section(result: dict, figure: str) -> list[str]:
    """Expected calibration error, mean confidence against accuracy, and the reliability diagram.

    Example:
        >>> calibration_section({"ece": 0.1, "n_bins": 15, "mean_confidence": 0.6, "accuracy": 0.5}, "r.png")[2][:30]
        'Expected calibration error 0.1'
    """
    over = result["mean_confidence"] > result["accuracy"]
    return [
        "### Calibration",
        "",
        f"Expected calibration error {format_number(result['ece'])} (95% bootstrap interval "
        f"{_interval(result, 'ece')}) over {format_number(result['n_bins'])} "
        f"confidence bins [Guo2017]: the model's mean confidence is {format_number(result['mean_confidence'])} "
        f"against an accuracy of {format_number(result['accuracy'])}, so it is "
        + ("over-confident" if over else "under-confident or calibrated")
        + " on the test images.",
        "",
        markdown_table(
            ["confidence from", "to", "mean confidence", "accuracy", "images"],
            [[b["low"], b["high"], b["confidence"], b["accuracy"], b["count"]] for b in result.get("bins", [])],
        ),
        "",
        f"![Reliability diagram]({figure})",
        "",
    ]


def sampling_bias_section(bias: dict | None) -> list[str]:
    """The three runs of the sampling-bias experiment, the changes from baseline and who absorbs the cut class.

    `bias` is `sampling_bias_experiment`'s dict (or `None` when it was not run).

    Example:
        >>> sampling_bias_section(None)[2][:42]
        'Not run (it trains three more models; see '
    """
    if bias is None:
        return [
            "### Sampling-bias experiment",
            "",
            "Not run (it trains three more models; see `cifar_lab.ethics.sampling_bias.sampling_bias_experiment`).",
            "",
        ]
    b = bias
    return [
        "### Sampling-bias experiment",
        "",
        f"Three `{b['model']}` models, {format_number(b['epochs'])} epochs, batch {format_number(b['batch_size'])}, "
        f"seed {format_number(b['seed'])}, augmentation `{b['augmentation']}`, {format_number(b['n_train_images'])} "
        f"training images; `{b['cut_class']}` cut to a fraction {format_number(b['fraction'])}: "
        f"{format_number(b['n_cut_class_kept'])} of {format_number(b['n_cut_class_images'])} images; "
        f"mitigation: {b['mitigation']}.",
        "",
        markdown_table(
            ["run", "overall accuracy", f"{b['cut_class']} recall", f"{b['cut_class']} precision"],
            [[run, r["accuracy"], r["recall"], r["precision"]] for run, r in b["runs"].items()],
        ),
        "",
        markdown_table(
            ["change from baseline", "value", "95% interval (Newcombe)"],
            [
                [label, b[key], _interval(b, key)]
                for label, key in (
                    (f"{b['cut_class']} recall, cut", "recall_change"),
                    (f"{b['cut_class']} precision, cut", "precision_change"),
                    ("overall accuracy, cut", "accuracy_change"),
                    (f"{b['cut_class']} recall, mitigated", "mitigated_recall_change"),
                    ("overall accuracy, mitigated", "mitigated_accuracy_change"),
                )
            ],
        ),
        "",
        "Classes that absorb its test images after the cut:",
        "",
        markdown_table(
            ["class", "baseline", "cut", "increase"],
            [[a["class"], a["baseline"], a["cut"], a["increase"]] for a in b["absorbed_by"]],
        ),
        "",
        b["statement"],
        "",
    ]
