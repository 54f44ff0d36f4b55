"""How well `cifar-lab check` does on real Keras 1/2 code: recall and precision against a hand-verified inventory.

The corpus in `tests/check/corpus/` holds public Keras 1/2-era files and an inventory of every
place each one breaks or changes on Keras 3 (`inventory.json`: per file, instances with a
`category`, a `cell` (0-based, notebooks only), a `stmt_line` and a `line`). `score` matches the
checker's findings to those instances: a finding matches an instance of its file when it is in the
same cell, on a line from the statement's first line to the instance's line, and its rule belongs
to the instance's category (`CATEGORIES`). Recall is the share of instances matched, precision the
share of findings that match one. `tests/check/test_check_corpus.py` asserts both;
`benchmarks/bench_checker.py` prints the table. Standard library only.

Example:
    >>> from cifar_lab.check import check_source
    >>> inventory = {"a": {"instances": [{"category": "lr_kwarg", "stmt_line": 2, "line": 2}]}}
    >>> findings = check_source("from keras.optimizers import SGD\\nopt = SGD(lr=0.1)", "files/a.py")
    >>> result = score({"a": findings}, inventory)
    >>> result.recall, result.precision
    (1.0, 1.0)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from cifar_lab.check.findings import Finding

# The inventory's categories (its numbered ones are the issue's ten; the named ones the checker's first rules).
CATEGORIES: dict[str, set[str]] = {
    "K3001": {"3", "np_utils"},  # the import is a removed module (3); each use needs its own edit
    "K3002": {"layer_submodule_import"},
    "K3003": {"fit_generator"},
    "K3004": {"8"},
    "K3005": {"image_data_generator"},
    "K3006": {"lr_kwarg"},
    "K3007": {"decay_kwarg"},
    "K3008": {"9"},
    "K3009": {"input_shape_kwarg"},
    "K3010": {"conv_positional_strides"},
    "K3011": {"tls_verify_off"},
    "K3012": {"test_as_validation"},
    "K3013": {"predict_classes"},
    **{rule: {"1"} for rule in ("K3014", "K3015")},
    **{rule: {"2"} for rule in ("K3016", "K3038")},
    **{rule: {"3"} for rule in ("K3017", "K3018")},
    **{rule: {"4"} for rule in ("K3019", "K3020", "K3021", "K3022")},
    "K3023": {"5"},
    "K3024": {"6"},
    **{rule: {"7"} for rule in ("K3025", "K3026", "K3027")},
    "K3028": {"8"},
    **{rule: {"9"} for rule in ("K3029", "K3030")},
    **{rule: {"10"} for rule in ("K3031", "K3032", "K3033", "K3034", "K3035")},
    "K3036": {"image_data_generator"},
    "K3037": {"deprecated_kwarg"},
}


# Stricter: the inventory's finer `rule` of an instance -> the checker rules that report exactly that.
RULES_BY_KIND: dict[str, set[str]] = {
    **{kind: {"K3015"} for kind in ("backend_fn", "backend_fn_graph")},
    "image_dim_ordering": {"K3014"},
    "adadelta_default_lr": {"K3031"},
    "gan_trainable": {"K3032"},
    "silent_other": {"K3034", "K3035"},
    **{kind: {"K3016"} for kind in ("keras1_kwarg", "keras1_positional_kwarg")},
    "keras1_layer_api": {"K3016", "K3038"},
    "removed_module": {"K3001", "K3017", "K3018"},
    "removed_name": {"K3017", "K3018"},
    "tf1_api": {"K3019", "K3020"},
    "tf1_api_moved": {"K3020"},
    "tf_contrib": {"K3021"},
    "dataset_iterator_method": {"K3019"},
    "tf1_eager_enable": {"K3022"},
    "history_acc": {"K3023"},
    **{kind: {"K3024"} for kind in ("graph_era", "model_input_output_kwargs")},
    **{"checkpoint_path": {"K3025"}, "checkpoint_period": {"K3026"}, "checkpoint_monitor_acc": {"K3027"}},
    **{kind: {"K3004"} for kind in ("fit_kwarg", "evaluate_kwarg")},
    "fit_kwarg_multiproc": {"K3028"},
    "save_weights_path": {"K3008"},
    **{kind: {"K3029"} for kind in ("load_weights_path", "model_save_path", "load_model_path")},
    "tf_checkpoint_restore": {"K3030"},
    **{"conv_positional_strides": {"K3010"}, "decay_kwarg": {"K3007"}, "deprecated_kwarg": {"K3037"}},
    **{"fit_generator": {"K3003"}, "image_data_generator": {"K3005"}, "image_data_generator_tfkeras": {"K3036"}},
    **{"input_shape_kwarg": {"K3009"}, "layer_submodule_import": {"K3002"}, "lr_kwarg": {"K3006"}},
    **{"lr_attr": {"K3006"}, "np_utils": {"K3001"}, "predict_classes": {"K3013"}},
    **{"test_as_validation": {"K3012"}, "tls_verify_off": {"K3011"}},
}


@dataclass
class Score:
    """The result of `score`: per-category counts, and what did not match, for reading.

    Example:
        >>> Score(instances=Counter({"1": 4}), found=Counter({"1": 3}), findings=5, correct=5).recall
        0.75
    """

    instances: Counter = field(default_factory=Counter)  # category -> instances
    found: Counter = field(default_factory=Counter)  # category -> instances some finding matched
    exact: Counter = field(default_factory=Counter)  # category -> instances matched by the very rule for them
    findings: int = 0
    correct: int = 0  # findings that matched an instance
    missed: list[tuple[str, dict]] = field(default_factory=list)  # (file, instance)
    wrong: list[tuple[str, Finding]] = field(default_factory=list)  # (file, finding)

    @property
    def recall(self) -> float:
        return sum(self.found.values()) / max(sum(self.instances.values()), 1)

    @property
    def exact_recall(self) -> float:
        return sum(self.exact.values()) / max(sum(self.instances.values()), 1)

    @property
    def precision(self) -> float:
        return self.correct / max(self.findings, 1)


def as_first_built(inventory: dict[str, dict]) -> dict[str, dict]:
    """The inventory as it was first built: the instances added on review left out, the corrected ones as they were.

    Each change made on review says why (`added`, or `corrected` with the old values), so both
    versions can be scored; `tests/check/corpus/README.md` lists them.

    Example:
        >>> inventory = {"a": {"instances": [{"line": 7, "corrected": {"line": 6, "why": "..."}}, {"added": "..."}]}}
        >>> as_first_built(inventory)["a"]["instances"]
        [{'line': 6}]
    """
    original = {}
    for name, entry in inventory.items():
        instances = []
        for instance in entry["instances"]:
            if "added" in instance:
                continue
            old = instance.get("corrected", {})
            instance = {k: v for k, v in instance.items() if k != "corrected"}
            instances.append({**instance, **{k: v for k, v in old.items() if k != "why"}})
        original[name] = {**entry, "instances": instances}
    return original


def matches(finding: Finding, instance: dict, exact: bool = False) -> bool:
    """True when `finding` is the checker's report of the inventory's `instance` (same file assumed).

    Example:
        >>> from cifar_lab.check import check_source
        >>> finding = check_source("import keras\\nkeras.optimizers.SGD(\\n    lr=0.1)")[0]
        >>> matches(finding, {"category": "lr_kwarg", "stmt_line": 2, "line": 3})
        True
    """
    cell = instance.get("cell")
    if (None if cell is None else cell + 1) != finding.cell:
        return False
    first = instance.get("stmt_line") or instance["line"]
    if exact:
        return first <= finding.line <= instance["line"] and finding.rule in RULES_BY_KIND.get(instance.get("rule"), ())
    return first <= finding.line <= instance["line"] and str(instance["category"]) in CATEGORIES.get(finding.rule, ())


def score(findings: dict[str, list[Finding]], inventory: dict[str, dict]) -> Score:
    """Match each file's findings (by inventory name) to its inventory instances.

    Example:
        >>> from cifar_lab.check import check_source
        >>> inventory = {"a": {"instances": [{"category": "np_utils", "stmt_line": 1, "line": 1}]}}
        >>> result = score({"a": check_source("import keras\\nkeras.optimizers.SGD(lr=1)")}, inventory)
        >>> result.recall, result.precision, [f.rule for _, f in result.wrong]
        (0.0, 0.0, ['K3006'])
    """
    result = Score()
    for name, entry in inventory.items():
        found = findings.get(name, [])
        for instance in entry["instances"]:
            category = str(instance["category"])
            result.instances[category] += 1
            if any(matches(f, instance) for f in found):
                result.found[category] += 1
            else:
                result.missed.append((name, instance))
            result.exact[category] += any(matches(f, instance, exact=True) for f in found)
        for finding in found:
            result.findings += 1
            if any(matches(finding, instance) for instance in entry["instances"]):
                result.correct += 1
            else:
                result.wrong.append((name, finding))
    return result


def table(result: Score) -> str:
    """The per-category table: instances, found, recall, and recall by the very rule; then the precision.

    Example:
        >>> result = Score(instances=Counter({"1": 4}), found=Counter({"1": 3}), exact=Counter({"1": 2}))
        >>> result.findings = result.correct = 5
        >>> print(table(result))
        category                 instances  found  recall   exact
        1                                4      3   75.0%   50.0%
        all                              4      3   75.0%   50.0%
        findings 5, correct 5: precision 100.0%
    """
    rows = [f"{'category':24s} {'instances':>9s} {'found':>6s} {'recall':>7s} {'exact':>7s}"]
    for category in sorted(result.instances, key=lambda c: (not c.isdigit(), c.zfill(3))):
        total, hit, exact = result.instances[category], result.found[category], result.exact[category]
        rows.append(f"{category:24s} {total:9d} {hit:6d} {hit / total:7.1%} {exact / total:7.1%}")
    total, hit = sum(result.instances.values()), sum(result.found.values())
    rows.append(f"{'all':24s} {total:9d} {hit:6d} {result.recall:7.1%} {result.exact_recall:7.1%}")
    rows.append(f"findings {result.findings}, correct {result.correct}: precision {result.precision:.1%}")
    return "\n".join(rows)
