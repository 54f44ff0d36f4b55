"""The ethics report: a trained model's disparities, privacy leakage and memorisation, as a model card.

The original assignment ended with an essay on three risks: models memorise rare training details
(Carlini et al. 2019), face recognition strips people of anonymity (Hill 2020), and models trained on
skewed data fail under-represented groups (Wilson, Hoffman & Morgenstern 2019; Buolamwini & Gebru 2018).
`ethics_report` turns the essay into measurements on the student's own model and writes them as a
model card (Mitchell et al. 2019).

What the notebooks use is re-exported here; the modules below may change freely:

- `report`: `ethics_report`, which measures everything and writes the card (its figure files: `FIGURES`);
- `fairness`: per-class disparity with intervals;
- `brightness`: the brightness-group analogue of group fairness (equalized odds with its noise level);
- `privacy`: the loss-threshold attack and the attack metrics; `membership`: the attacks overall, per
  class and by correctness; `lira`: offline LiRA and its reference models; `intervals`: the bootstrap;
- `calibration`: expected calibration error and the reliability diagram;
- `leakage_curve`: leakage against training length, from one training (a per-epoch callback and its figure);
- `dp_sgd`: DP-SGD training and its privacy budget, the mitigation `benchmarks/bench_mitigations.py` measures;
- `datasheet`: provenance, train/test near-duplicates and candidate label errors of the data used;
- `canaries`: memorisation canaries (inserted before training) and their exposure;
- `sampling_bias`: retraining with one class under-represented (three trainings);
- `card`: the model card, rendered and written; its sections are in `card_sections` (descriptive),
  `card_analyses`, `card_privacy` and `card_data` (measured), its number and table formatting in `card_format`;
- `plots`, `bibliography`: the card's figures and the works it cites.

Example:
    >>> from cifar_lab.ethics import wilson_interval
    >>> [round(float(bound), 3) for bound in wilson_interval(8, 10)]
    [0.49, 0.943]
"""

from cifar_lab.ethics.bibliography import BIBLIOGRAPHY
from cifar_lab.ethics.brightness import brightness_analogue
from cifar_lab.ethics.canaries import Canaries, canary_report, make_canaries, training_set
from cifar_lab.ethics.card import render_markdown, write_card
from cifar_lab.ethics.datasheet import datasheet, near_duplicates
from cifar_lab.ethics.dp_sgd import dp_sgd_epsilon, dp_sgd_model
from cifar_lab.ethics.fairness import per_class_disparity, wilson_interval
from cifar_lab.ethics.leakage_curve import leakage_callback, plot_leakage_curve
from cifar_lab.ethics.lira import References, offline_lira_scores, train_reference_models
from cifar_lab.ethics.membership import membership_inference
from cifar_lab.ethics.plots import plot_attack_roc, plot_exposure_histogram, plot_per_class_recall
from cifar_lab.ethics.privacy import attack_metrics
from cifar_lab.ethics.report import FIGURES, ethics_report
from cifar_lab.ethics.sampling_bias import sampling_bias_experiment

__all__ = [
    "BIBLIOGRAPHY",
    "FIGURES",
    "Canaries",
    "References",
    "attack_metrics",
    "brightness_analogue",
    "canary_report",
    "datasheet",
    "dp_sgd_epsilon",
    "dp_sgd_model",
    "ethics_report",
    "make_canaries",
    "leakage_callback",
    "membership_inference",
    "near_duplicates",
    "offline_lira_scores",
    "per_class_disparity",
    "plot_attack_roc",
    "plot_exposure_histogram",
    "plot_leakage_curve",
    "plot_per_class_recall",
    "render_markdown",
    "sampling_bias_experiment",
    "train_reference_models",
    "training_set",
    "wilson_interval",
    "write_card",
]
