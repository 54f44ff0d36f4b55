"""The model card: a Markdown page and a JSON file with the same numbers, after Mitchell et al. 2019.

`render_markdown` turns the card dict that `cifar_lab.ethics.ethics_report` measures into Markdown
with the sections of Mitchell et al.: model details, intended use (and out-of-scope uses), factors,
metrics with their formulas, evaluation and training data, quantitative analyses, ethical
considerations each paired with a mitigation, caveats, and the bibliography the text cites. Every
number is printed with `format_number` from the (already rounded) card dict, so the Markdown and the
JSON agree digit for digit. `write_card` writes both files atomically.

Example:

    >>> format_number(0.12345), format_number(7)
    ('0.123', '7')
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from cifar_lab.ethics.bibliography import BIBLIOGRAPHY
from cifar_lab.figures import save_figure
from cifar_lab.files import atomic_write_text

# Decimal places of every float in the card (JSON and Markdown alike).
DECIMALS = 3

SYNTHETIC_BANNER = (
    "> **SYNTHETIC DATA - NOT CIFAR-10.** Every number on this card was measured on procedurally drawn "
    "shapes, not photographs. They show how the measurements work and nothing about how this model "
    "behaves on real images."
)


def format_number(value: float | int) -> str:
    """How a number appears on the card: integers as they are, floats to `DECIMALS` places.

    Example:
        >>> format_number(1.0), format_number(-0.05)
        ('1.000', '-0.050')
    """
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{DECIMALS}f}"


def rounded(value: Any) -> Any:
    """`value` as plain JSON types, floats rounded to `DECIMALS` places (recursively).

    Example:
        >>> rounded({"a": [0.12345, 2], "b": None, "c": Path("runs")})
        {'a': [0.123, 2], 'b': None, 'c': 'runs'}
    """
    if isinstance(value, dict):
        return {str(k): rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [rounded(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return round(float(value), DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0
    # Anything else a caller records (a Path run_dir, say) is kept as its text, so the JSON always writes.
    return value if value is None or isinstance(value, str) else str(value)


def _table(header: list[str], rows: list[list[Any]]) -> str:
    def cell(value: Any) -> str:
        if value is None:
            return "-"
        if isinstance(value, (int, float)):
            return format_number(value)
        return str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _attack_rows(groups: dict[str, dict], attack: str) -> list[list[Any]]:
    rows = []
    for group, attacks in groups.items():
        m = attacks[attack]
        rows.append(
            [
                group,
                m["auc"],
                m["advantage"],
                m["tpr_at_0.01_fpr"],
                m["tpr_at_0.001_fpr"],
                m["n_members"],
                m["n_nonmembers"],
            ]
        )
    return rows


ATTACK_HEADER = ["group", "AUC", "advantage", "TPR @ 1% FPR", "TPR @ 0.1% FPR", "members", "non-members"]


def _membership_section(mia: dict) -> list[str]:
    lines = [
        "### Membership inference (privacy)",
        "",
        f"Members: {format_number(mia['n_per_side'])} training images, predicted without augmentation; "
        f"non-members: as many held-out test images (balanced by random subsampling). The model's accuracy "
        f"is {format_number(mia['train_accuracy'])} on these members and {format_number(mia['heldout_accuracy'])} "
        "on the non-members; the gap is what the attacks feed on [Shokri2017; Yeom2018].",
        "",
        _table(
            ["attack"] + ATTACK_HEADER[1:],
            [
                [
                    attack,
                    m["auc"],
                    m["advantage"],
                    m["tpr_at_0.01_fpr"],
                    m["tpr_at_0.001_fpr"],
                    m["n_members"],
                    m["n_nonmembers"],
                ]
                for attack, m in mia["overall"].items()
            ],
        ),
        "",
        "By correctness (members and non-members the model classifies correctly, or not):",
        "",
    ]
    for attack in mia["overall"]:
        lines += [f"*{attack} attack*", "", _table(ATTACK_HEADER, _attack_rows(mia["by_correctness"], attack)), ""]
    lines += ["Per true class:", ""]
    for attack in mia["overall"]:
        lines += [f"*{attack} attack*", "", _table(ATTACK_HEADER, _attack_rows(mia["per_class"], attack)), ""]
    return lines


def _canary_section(canaries: dict | None) -> list[str]:
    if canaries is None:
        return [
            "### Memorization canaries",
            "",
            "Not run: the model was trained without canaries (see `cifar_lab.ethics.canaries.make_canaries`).",
            "",
        ]
    c = canaries
    return [
        "### Memorization canaries",
        "",
        f"{format_number(c['n_in'] + c['n_out'])} canaries ({c['kind']} canaries: "
        + ("training images given a random wrong label" if c["kind"] == "label" else "noise images with random labels")
        + f"), each trained on with probability 1/2: {format_number(c['n_in'])} IN, "
        f"{format_number(c['n_out'])} OUT [Carlini2019].",
        "",
        _table(
            ["measure", "value"],
            [
                ["mean exposure of IN canaries (bits)", c["mean_exposure_in"]],
                ["median exposure of IN canaries (bits)", c["median_exposure_in"]],
                ["highest exposure of an IN canary (bits)", c["highest_exposure_in"]],
                ["largest possible exposure, log2(OUT + 1) (bits)", c["max_exposure"]],
                ["mean exposure of OUT canaries (bits; about 1.44 without memorisation)", c["mean_exposure_out"]],
                ["IN-vs-OUT AUC (lower loss on the canary label = IN)", c["auc"]],
                ["share of IN canaries predicted as their canary label", c["predicted_as_canary_label_in"]],
                ["share of OUT canaries predicted as their canary label", c["predicted_as_canary_label_out"]],
            ],
        ),
        "",
    ]


def _sampling_bias_section(bias: dict | None) -> list[str]:
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
        _table(
            ["run", "overall accuracy", f"{b['cut_class']} recall", f"{b['cut_class']} precision"],
            [[run, r["accuracy"], r["recall"], r["precision"]] for run, r in b["runs"].items()],
        ),
        "",
        _table(
            ["change from baseline", "value"],
            [
                [f"{b['cut_class']} recall, cut", b["recall_change"]],
                [f"{b['cut_class']} precision, cut", b["precision_change"]],
                ["overall accuracy, cut", b["accuracy_change"]],
                [f"{b['cut_class']} recall, mitigated", b["mitigated_recall_change"]],
                ["overall accuracy, mitigated", b["mitigated_accuracy_change"]],
            ],
        ),
        "",
        "Classes that absorb its test images after the cut:",
        "",
        _table(
            ["class", "baseline", "cut", "increase"],
            [[a["class"], a["baseline"], a["cut"], a["increase"]] for a in b["absorbed_by"]],
        ),
        "",
        b["statement"],
        "",
    ]


def render_markdown(card: dict) -> str:
    """The card as Markdown, every number formatted from `card` (already passed through `rounded`).

    Example:
        >>> text = render_markdown(card)  # doctest: +SKIP
    """
    data, details, disparity, analogue = (
        card["data"],
        card["model_details"],
        card["per_class"],
        card["brightness_analogue"],
    )
    mia = card["membership_inference"]
    lines: list[str] = [f"# Model card: {details['name']}", ""]
    if data["synthetic"]:
        lines += [SYNTHETIC_BANNER, ""]
        if data["warning"]:
            lines += [f"> Why: {data['warning']}", ""]
    lines += [
        f"Generated by `cifar_lab.ethics.ethics_report` (cifar-lab {card['cifar_lab_version']}) on {card['created']}. "
        "Every number below was computed in that run; the structure follows Mitchell et al. [Mitchell2019].",
        "",
        "## Model details",
        "",
        _table(
            ["field", "value"],
            [
                ["name", details["name"]],
                ["trainable and non-trainable parameters", details["n_parameters"]],
                ["framework", details["framework"]],
            ],
        ),
        "",
        "Parameters of the run (training parameters as passed by the caller, then the report's own):",
        "",
        _table(["parameter", "value"], [[k, v] for k, v in card["parameters"].items()]),
        "",
        "## Intended use",
        "",
        "- Intended: teaching. A course exercise in classifying 32x32 images into ten everyday object "
        "classes, and in measuring a model's failures and risks.",
        "- Out of scope: any decision about people; surveillance; face recognition or identification of "
        "individuals [Hill2020]; deployment in safety-critical systems such as driving [Wilson2019]; any use "
        "on images unlike CIFAR-10's.",
        "",
        "## Factors",
        "",
        "- Object class: the only label CIFAR-10 has; per-class figures below.",
        "- Image brightness, as a stated *analogue* of the lighting and skin-tone factors of the cited work "
        "[Wilson2019; Buolamwini2018]. CIFAR-10 contains no annotated people, so no demographic factor can "
        "be measured here.",
        "",
        "## Metrics",
        "",
        "- recall of class c = TP / (TP + FN); precision = TP / (TP + FP); F1 = 2PR / (P + R); "
        "FPR = FP / (FP + TN); FNR = 1 - recall (one class against the rest).",
        "- 95% intervals: Wilson score interval for a recall or an accuracy [Wilson1927]; Newcombe's hybrid score "
        "interval for a difference of two of them [Newcombe1998]. A gap whose interval includes 0 is within noise.",
        "- equalized-odds difference = max over classes c and over rate in {TPR, FPR} of (largest - smallest rate "
        'across brightness groups), for the decision "is it c?" [Hardt2016]; its noise level is the 95th '
        "percentile of the same figure with the groups shuffled at random (a permutation test).",
        "- attack AUC = P(score of a random member > score of a random non-member), ties counting 1/2 (from ranks); "
        "advantage = max over thresholds of |TPR - FPR| [Yeom2018]; TPR at 1% and 0.1% FPR [Carlini2022]. "
        "Attack scores: loss = -cross-entropy; confidence = p_y; logit = log p_y - log sum_{j != y} p_j [Carlini2022].",
        "- canary exposure = log2 |R| - log2 rank, where R is the canary plus the OUT canaries and rank is its "
        "position in R sorted by loss on the canary label (1 = lowest) [Carlini2019].",
        "",
        "## Evaluation data",
        "",
        f"{format_number(data['n_test'])} test images from `{data['source']}`; the classes are "
        + ", ".join(data["class_names"])
        + ".",
        "",
        "## Training data",
        "",
        f"{format_number(data['n_train'])} training images from the same source. CIFAR-10 [Krizhevsky2009] "
        "was labelled from the 80 Million Tiny Images collection [Torralba2008], gathered by searching the web "
        "for words, without consent from the people whose photographs it holds. Its creators withdrew it in "
        "2020 after an audit found derogatory labels in it and questioned how such datasets handle consent "
        "[Birhane2021]. CIFAR-10's images were labelled by hand into ten object classes, but share that provenance.",
        "",
        "## Quantitative analyses",
        "",
        "### Per-class performance",
        "",
        f"Overall test accuracy {format_number(disparity['accuracy'])}. Worst class: **{disparity['worst_class']}**; "
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
        _table(
            ["class", "recall", "95% low", "95% high", "precision", "F1", "FPR", "FNR", "support"],
            [
                [
                    name,
                    r["recall"],
                    r["recall_low"],
                    r["recall_high"],
                    r["precision"],
                    r["f1"],
                    r["fpr"],
                    r["fnr"],
                    r["support"],
                ]
                for name, r in disparity["per_class"].items()
            ],
        ),
        "",
        f"![Per-class recall]({card['figures']['per_class_recall']})",
        "",
        "Most frequent confusions:",
        "",
        _table(
            ["true", "predicted as", "images", "share of the true class"],
            [[c["true"], c["predicted"], c["count"], c["share_of_true"]] for c in disparity["top_confusions"]],
        ),
        "",
        "### Brightness groups (an analogue)",
        "",
        analogue["statement"],
        "",
        _table(
            ["group", "accuracy", "95% low", "95% high", "images", "mean brightness from", "to"],
            [
                [
                    name,
                    g["accuracy"],
                    g["accuracy_low"],
                    g["accuracy_high"],
                    g["n"],
                    g["brightness_min"],
                    g["brightness_max"],
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
        f"(class {analogue['equalized_odds_class']}, {analogue['equalized_odds_rate'].upper()}); with the "
        f"brightness groups shuffled at random, 95% of values fall below "
        f"{format_number(analogue['equalized_odds_noise_95'])}, so it is "
        + ("within noise." if analogue["equalized_odds_within_noise"] else "larger than noise."),
        "",
    ]
    lines += _membership_section(mia)
    lines += [f"![Attack ROC curves]({card['figures']['attack_roc']})", ""]
    lines += _canary_section(card["canaries"])
    if card["canaries"] is not None:
        lines += [f"![Canary exposure]({card['figures']['canary_exposure']})", ""]
    lines += _sampling_bias_section(card["sampling_bias"])
    lines += [
        "## Ethical considerations",
        "",
        "- Risk: the model does markedly worse on some classes, and a headline accuracy hides it; in a system "
        "about people the same pattern harms under-represented groups [Buolamwini2018; Wilson2019]. "
        "Mitigation: report per-class figures with intervals (above), collect balanced data, and reweight or "
        "oversample an under-represented class (the sampling-bias experiment measures both).",
        "- Risk: the model leaks whether an image was in its training set and memorises individual examples "
        "[Shokri2017; Carlini2019]; for personal photos that is a privacy breach. Mitigation: train with "
        "differential privacy (DP-SGD), regularise and augment, keep training data out of public models, and "
        "measure with canaries before release.",
        "- Risk: image classifiers are a building block of surveillance and face recognition, which strip "
        "people of anonymity [Hill2020]. Mitigation: state out-of-scope uses (above), license and release "
        "models with use restrictions, and do not train on scraped photos of people.",
        "- Risk: web-scraped datasets carry offensive labels and images taken without consent "
        "[Birhane2021; Torralba2008]. Mitigation: document provenance (above), audit datasets before use, and "
        "prefer datasets collected with consent.",
        "",
        "## Caveats and recommendations",
        "",
        "- The attacks are simple threshold attacks on one model: they give a *lower bound* on leakage; "
        "stronger attacks (e.g. LiRA with shadow models [Carlini2022]) can find more.",
        f"- Low-FPR figures rest on few examples: at 0.1% FPR with {format_number(mia['n_per_side'])} non-members "
        "the attacker may accuse at most "
        f"{format_number(int(mia['n_per_side'] * 0.001))} of them, so these numbers are noisy.",
        "- With one threshold for every image, the loss, confidence and logit scores rank images almost "
        "identically (each grows with p_y), so their figures coincide; the logit separates images only where "
        "float32 probabilities round to 1. LiRA's real gain comes from a per-image threshold calibrated on "
        "shadow models [Carlini2022], which this report does not train.",
        "- The worst and best classes are picked after looking at the data, which makes their gap look larger "
        "than a gap chosen in advance; treat a gap near the noise boundary as unconfirmed.",
        "- The brightness groups are an analogue; nothing here measures fairness towards people.",
        "- One training run, one seed: retrain with other seeds before drawing conclusions.",
        "",
        "## References",
        "",
    ]
    lines += [f"- [{key}] {entry}" for key, entry in BIBLIOGRAPHY.items()]
    return "\n".join(lines) + "\n"


def write_card(card: dict, out_dir: str | os.PathLike, *, figures: dict[str, Any] | None = None) -> tuple[Path, Path]:
    """Write `model_card.json`, `model_card.md` and the `figures` (file name -> Figure) to `out_dir`.

    Both texts are rendered before any file is touched, and every file is written to a temporary name
    and then renamed, so a failure leaves no half-written card or figure behind.

    Example:
        >>> md_path, json_path = write_card(card, "runs/ethics", figures={"recall.png": fig})  # doctest: +SKIP
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
