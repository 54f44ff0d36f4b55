"""The model card's datasheet and leakage-curve sections: the data actually used, and leakage per epoch.

Example:
    >>> leakage_curve_section(None)[2][:40]
    'Not measured: pass the curve of a leakag'
"""

from __future__ import annotations

from cifar_lab.ethics.card_format import format_number, markdown_table
from cifar_lab.ethics.card_privacy import leakage_verdict, with_interval
from cifar_lab.ethics.datasheet import LABEL_ISSUES_MIN_ACCURACY


def _provenance_lines(p: dict) -> list[str]:
    if p["synthetic"]:
        origin = "Synthetic images drawn by `cifar_lab.data.make_synthetic`: not CIFAR-10."
    else:
        matches = "matches" if p["sha256"] == p["official_sha256"] else "differs from"
        checksum = (
            f"SHA-256 `{p['sha256']}`, which {matches} the official archive's"
            if p["sha256"]
            else "a directory of batches (no single file to checksum)"
        )
        origin = f"Read from `{p['source']}` ({checksum}); the official archive is {p['official_url']}."
    classes = list(p["train_per_class"])
    return [
        origin + f" Split: {p['split']}.",
        "",
        markdown_table(
            ["split", *classes],
            [
                ["training", *(p["train_per_class"][c] for c in classes)],
                ["test", *(p["test_per_class"][c] for c in classes)],
            ],
        ),
        "",
    ]


def datasheet_section(sheet: dict | None, figure: str | None = None) -> list[str]:
    """Provenance with counts per class and split, train/test near-duplicates, and candidate label errors.

    `sheet` is `cifar_lab.ethics.datasheet.datasheet`'s dict (or `None`: not measured); `figure` the
    near-duplicate pairs' file.

    Example:
        >>> import numpy as np
        >>> from cifar_lab.data import make_synthetic
        >>> from cifar_lab.ethics.datasheet import datasheet
        >>> datasheet_section(datasheet(make_synthetic(n_train=40, n_test=20), np.arange(40)))[0]
        '## Datasheet: the data actually used'
    """
    title = "## Datasheet: the data actually used"
    if sheet is None:
        return [title, "", "Not measured for this card (see `cifar_lab.ethics.datasheet.datasheet`).", ""]
    d, issues = sheet["near_duplicates"], sheet["label_issues"]
    lines = [
        title,
        "",
        "After Gebru et al. [Gebru2021]: where the images came from, what overlaps between training and test, "
        "and which labels look wrong.",
        "",
        *_provenance_lines(sheet["provenance"]),
        f"Near-duplicates: {format_number(d['n_test_with_duplicate'])} test images (a share "
        f"{format_number(d['share_test_with_duplicate'])}) have a training image with a cosine similarity of at "
        f"least {format_number(d['threshold'])} (8x8 block means, centred and scaled to unit length). A test score "
        "on them partly measures memory, and they blur the line between members and non-members. Pixel "
        "similarity finds copies, not every re-framed near-duplicate.",
        "",
    ]
    if d["pairs"]:
        rows = [[p["test"], p["train"], p["similarity"]] for p in d["pairs"]]
        lines += [markdown_table(["test image", "training image", "cosine similarity"], rows), ""]
    if figure is not None and d["pairs"]:
        lines += [f"![Near-duplicate pairs]({figure})", ""]
    if issues is None:
        lines += ["Candidate label errors [Northcutt2021]: not searched (they need out-of-sample predictions, "
                  "which the LiRA reference models provide; none were trained).", ""]  # fmt: skip
        return lines
    listed = ", ".join(f"{w['split']} {w['index']}" for w in issues["where"][:10]) or "none"
    lines += [
        f"Candidate label errors: {format_number(issues['n_issues'])} images "
        f"(a share {format_number(issues['share'])}) of the members and test images, by Confident Learning "
        "[Northcutt2021] (`cleanlab`) on the reference models' out-of-sample predictions (their accuracy "
        f"{format_number(issues['out_of_sample_accuracy'])}); the most likely first: {listed}.",
        "",
    ]
    if issues["out_of_sample_accuracy"] < LABEL_ISSUES_MIN_ACCURACY:
        lines[-2] += (
            " The reference models are too weak to judge labels: most candidates are their own mistakes, not "
            "label errors. Train them longer (more epochs) before reading the list as findings."
        )
    else:
        lines[-2] += " Candidates, not verdicts: look at the images."
    return lines


def leakage_curve_section(curve: dict | None, figure: str | None = None) -> list[str]:
    """The train/held-out gap, the attack's AUC and the canary AUC after each epoch, from one training.

    `curve` is a `cifar_lab.ethics.leakage_curve.leakage_callback`'s `curve` (or `None`).

    Example:
        >>> curve = {"epoch": [1], "train_accuracy": [0.5], "heldout_accuracy": [0.4], "gap": [0.1],
        ...          "attack_auc": [0.52], "attack_auc_low": [0.48], "attack_auc_high": [0.56],
        ...          "canary_auc": [None], "canary_auc_low": [None], "canary_auc_high": [None]}
        >>> leakage_curve_section(curve)[-2][:33]
        'After the last epoch the loss-thr'
    """
    title = "### Leakage against training length"
    if curve is None:
        return [title, "", "Not measured: pass the curve of a leakage_callback to ethics_report.", ""]
    rows, last = [], {}
    for i, epoch in enumerate(curve["epoch"]):
        point = {key: values[i] for key, values in curve.items()}
        canary = "-" if point["canary_auc"] is None else with_interval(point, "canary_auc")
        rows.append([epoch, point["train_accuracy"], point["heldout_accuracy"], point["gap"],
                     with_interval(point, "attack_auc"), canary])  # fmt: skip
        last = point
    verdict = leakage_verdict({"auc_low": last["attack_auc_low"]})
    return [
        title,
        "",
        "Measured after every epoch of the audited model's training, on fixed members and non-members: the more "
        "the model fits its training images better than held-out ones, the better the attack tells them apart.",
        "",
        markdown_table(
            ["epoch", "train accuracy", "held-out accuracy", "gap", "loss-threshold AUC", "canary AUC"], rows
        ),  # fmt: skip
        "",
        f"After the last epoch the loss-threshold attack's leakage is {verdict} (AUC "
        f"{with_interval(last, 'attack_auc')}), at a train/held-out gap of {format_number(last['gap'])}.",
        "",
        *([] if figure is None else [f"![Leakage against training length]({figure})", ""]),
    ]
