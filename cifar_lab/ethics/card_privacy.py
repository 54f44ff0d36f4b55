"""The model card's privacy sections: membership inference and memorisation canaries, every figure with its interval.

Each sentence is chosen from the numbers: an AUC whose 95% interval includes 0.5 reads "no leakage
detectable at this sample size", not "the model leaks"; a TPR at 1% FPR is compared with the 1% a
guess finds; a low-FPR figure the non-members cannot resolve is not printed as one; a group with
fewer than `cifar_lab.ethics.intervals.SMALL_GROUP` members or non-members is flagged.

Example:
    >>> leakage_verdict({"auc": 0.52, "auc_low": 0.47, "auc_high": 0.57})
    'not detectable'
"""

from __future__ import annotations

from typing import Any

from cifar_lab.ethics.card_format import format_number, markdown_table
from cifar_lab.ethics.intervals import SMALL_GROUP

ATTACK_NAMES = {"loss_threshold": "loss threshold", "offline_lira": "offline LiRA"}
ATTACK_HEADER = [
    "AUC",
    "95% interval",
    "TPR @ 1% FPR",
    "95% interval",
    "TPR @ 0.1% FPR",
    "95% interval",
    "members",
    "non-members",
    "note",
]


def with_interval(metrics: dict, name: str) -> str:
    """`value (low to high)` of figure `name` in `metrics`, or why it is not reported.

    Example:
        >>> with_interval({"auc": 0.6, "auc_low": 0.55, "auc_high": 0.65}, "auc")
        '0.600 (95% interval 0.550 to 0.650)'
    """
    if metrics.get(name) is None:
        return "not measurable with these non-members"
    low, high = format_number(metrics[f"{name}_low"]), format_number(metrics[f"{name}_high"])
    return f"{format_number(metrics[name])} (95% interval {low} to {high})"


def leakage_verdict(metrics: dict) -> str:
    """`"detectable"` when the AUC's whole interval lies above 0.5, `"not detectable"` otherwise.

    Example:
        >>> leakage_verdict({"auc": 0.6, "auc_low": 0.55, "auc_high": 0.65})
        'detectable'
    """
    return "detectable" if metrics["auc_low"] > 0.5 else "not detectable"


def _interval_cells(metrics: dict, name: str) -> list[Any]:
    if metrics.get(name) is None:
        return ["-", "needs more non-members"]
    return [metrics[name], f"{format_number(metrics[f'{name}_low'])} to {format_number(metrics[f'{name}_high'])}"]


def _attack_row(label: str, m: dict) -> list[Any]:
    note = f"small group (under {SMALL_GROUP} a side): wide interval" if m["small"] else ""
    cells = [cell for name in ("auc", "tpr_at_0.01_fpr", "tpr_at_0.001_fpr") for cell in _interval_cells(m, name)]
    return [label, *cells, m["n_members"], m["n_nonmembers"], note]


def membership_statement(mia: dict) -> str:
    """What the attacks show, in sentences conditioned on the figures and their intervals.

    Example:
        >>> m = {"auc": 0.51, "auc_low": 0.47, "auc_high": 0.55, "tpr_at_0.01_fpr": 0.01,
        ...      "tpr_at_0.01_fpr_low": 0.0, "tpr_at_0.01_fpr_high": 0.03}
        >>> membership_statement({"overall": {"loss_threshold": m}, "reference_models": 0})[:60]
        'Offline LiRA was not run (no reference models), so only the '
    """
    overall = mia["overall"]
    lines = []
    if "offline_lira" not in overall:
        lines.append(
            "Offline LiRA was not run (no reference models), so only the loss-threshold attack was: it is weaker, "
            "and its figures are a looser lower bound on the leakage."
        )
    for attack, m in overall.items():
        name = ATTACK_NAMES[attack]
        if leakage_verdict(m) == "detectable":
            lines.append(f"The {name} attack tells members from non-members: AUC {with_interval(m, 'auc')}, above 0.5.")
        else:
            lines.append(
                f"No leakage is detectable at this sample size with the {name} attack: AUC {with_interval(m, 'auc')}, "
                "an interval that includes 0.5 (guessing)."
            )
        if m.get("tpr_at_0.01_fpr") is not None:
            above = m["tpr_at_0.01_fpr_low"] > 0.01
            lines.append(
                f"At 1% FPR it finds a share {with_interval(m, 'tpr_at_0.01_fpr')} of the members, "
                + (
                    "more than the 0.010 a guess finds."
                    if above
                    else "not distinguishable from the 0.010 a guess finds."
                )
            )
    return " ".join(lines)


def membership_section(mia: dict, figure: str) -> list[str]:
    """The attacks' figures overall, by correctness and per true class, then the ROC figure.

    `mia` is `membership_inference`'s dict without its `scores`, plus `n_per_side` (members attacked)
    and `reference_models`; `figure` is the file name of the ROC plot.

    Example:
        >>> import numpy as np
        >>> from cifar_lab.ethics.membership import membership_inference
        >>> p, q = np.array([[0.9, 0.1], [0.2, 0.8]]), np.array([[0.6, 0.4], [0.5, 0.5]])
        >>> mia = membership_inference(p, np.array([0, 1]), q, np.array([0, 1]))
        >>> del mia["scores"]
        >>> lines = membership_section({**mia, "n_per_side": 2, "reference_models": 0}, "roc.png")
        >>> lines[-2]
        '![Attack ROC curves](roc.png)'
    """
    header = ["attack", *ATTACK_HEADER]
    lines = [
        "### Membership inference (privacy)",
        "",
        f"Members: {format_number(mia['n_per_side'])} training images, predicted without augmentation; "
        f"non-members: as many held-out test images (balanced by random subsampling). The model's accuracy "
        f"is {format_number(mia['train_accuracy'])} on these members and {format_number(mia['heldout_accuracy'])} "
        "on the non-members; the gap is what the attacks feed on [Shokri2017; Yeom2018]. Two attacks: one global "
        "threshold on the loss [Yeom2018], and offline LiRA, a per-image test against "
        f"{format_number(mia['reference_models'])} reference models trained without the image [Carlini2022]. "
        "No attacker advantage is reported: its threshold would be chosen on the scores it is measured on.",
        "",
        membership_statement(mia),
        "",
        markdown_table(header, [_attack_row(ATTACK_NAMES[a], m) for a, m in mia["overall"].items()]),
        "",
    ]
    breakdowns = {
        "By correctness (members and non-members the model classifies correctly, or not):": mia["by_correctness"],
        "Per true class:": mia["per_class"],
    }
    for title, groups in breakdowns.items():
        lines += [title, ""]
        for attack in mia["overall"]:
            rows = [_attack_row(group, attacks[attack]) for group, attacks in groups.items()]
            lines += [f"*{ATTACK_NAMES[attack]}*", "", markdown_table(["group", *ATTACK_HEADER], rows), ""]
    return lines + [f"![Attack ROC curves]({figure})", ""]


def canary_statement(c: dict) -> str:
    """What the canaries show, conditioned on the AUC's interval and on exposure's cap.

    Example:
        >>> canary_statement({"auc": 0.47, "auc_low": 0.3, "auc_high": 0.64, "n_in": 10, "n_out": 10,
        ...                   "share_in_at_cap": 0.0, "max_exposure": 3.46})[:48]
        'No memorisation is detectable with 20 canaries: '
    """
    if leakage_verdict(c) == "detectable":
        text = (
            "The model gives its IN canaries a lower loss on their wrong labels than the OUT ones: it has memorised "
            f"individual training images (IN-vs-OUT AUC {with_interval(c, 'auc')})."
        )
    else:
        text = (
            f"No memorisation is detectable with {format_number(c['n_in'] + c['n_out'])} canaries: IN-vs-OUT AUC "
            f"{with_interval(c, 'auc')}, an interval that includes 0.5."
        )
    if c["share_in_at_cap"] > 0:
        text += (
            f" A share {format_number(c['share_in_at_cap'])} of the IN canaries sit at exposure's cap, "
            f"log2(OUT + 1) = {format_number(c['max_exposure'])} bits: the measurement has saturated there; "
            "draw more canaries to separate them."
        )
    return text


def canary_section(canaries: dict | None, figure: str | None = None) -> list[str]:
    """The canaries' exposure and IN-vs-OUT figures and their histogram, or that none were inserted.

    `canaries` is `canary_report`'s dict without its exposure arrays (or `None`); `figure` is the
    file name of the exposure histogram.

    Example:
        >>> canary_section(None)[2][:52]
        'Not run: the model was trained without canaries (see'
    """
    title = "### Memorization canaries"
    if canaries is None:
        return [
            title,
            "",
            "Not run: the model was trained without canaries (see `cifar_lab.ethics.canaries.make_canaries`).",
            "",
        ]
    c = canaries
    kind = "training images given a random wrong label" if c["kind"] == "label" else "noise images with random labels"
    return [
        title,
        "",
        f"{format_number(c['n_in'] + c['n_out'])} canaries ({c['kind']} canaries: {kind}), each trained on with "
        f"probability 1/2: {format_number(c['n_in'])} IN, {format_number(c['n_out'])} OUT [Carlini2019].",
        "",
        canary_statement(c),
        "",
        markdown_table(
            ["measure", "value"],
            [
                ["IN-vs-OUT AUC (lower loss on the canary label = IN)", c["auc"]],
                ["its 95% interval", f"{format_number(c['auc_low'])} to {format_number(c['auc_high'])}"],
                ["median exposure of IN canaries (bits)", c["median_exposure_in"]],
                ["mean exposure of IN canaries (bits)", c["mean_exposure_in"]],
                ["highest exposure of an IN canary (bits)", c["highest_exposure_in"]],
                ["exposure's cap, log2(OUT + 1) (bits)", c["max_exposure"]],
                ["share of IN canaries at the cap", c["share_in_at_cap"]],
                ["share of IN canaries predicted as their canary label", c["predicted_as_canary_label_in"]],
                ["share of OUT canaries predicted as their canary label", c["predicted_as_canary_label_out"]],
            ],
        ),
        "",
        f"![Canary exposure]({figure})",
        "",
    ]
