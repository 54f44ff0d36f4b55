"""On real Keras 1/2 code (`corpus/`), the checker finds at least 90% of what breaks and is right 97% of the time.

The corpus is 47 public, permissively licensed files with a hand-verified inventory of every place
each breaks or changes on Keras 3 (`corpus/README.md`). The figures are deterministic: the same
files, the same findings. The per-category table is printed by `benchmarks/bench_checker.py`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from cifar_lab.check import check_paths, check_source
from cifar_lab.check.rules import RULES
from cifar_lab.check.scoring import CATEGORIES, RULES_BY_KIND, as_first_built, score

CORPUS = Path(__file__).parent / "corpus"
INVENTORY = json.loads((CORPUS / "inventory.json").read_text(encoding="utf-8"))
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
PERMISSIVE = {
    "MIT": "Permission is hereby granted",
    "Apache-2.0": "Apache License",
    "BSD-2-Clause": "Redistribution and use",
}


@pytest.fixture(scope="module")
def findings():
    return {name: check_paths([CORPUS / entry["file"]]) for name, entry in INVENTORY.items()}


def test_recall_is_at_least_90_percent_and_precision_at_least_97_percent(findings):
    result = score(findings, INVENTORY)
    assert sum(result.instances.values()) == 582
    assert result.recall >= 0.90, f"recall {result.recall:.1%}; missed: {result.missed}"
    assert result.precision >= 0.97, f"precision {result.precision:.1%}; wrong: {result.wrong}"


def test_the_figures_also_hold_against_the_inventory_as_first_built(findings):
    result = score(findings, as_first_built(INVENTORY))
    assert sum(result.instances.values()) == 573
    assert result.recall >= 0.90 and result.precision >= 0.97


def test_recall_holds_when_only_the_rule_meant_for_each_instance_counts(findings):
    assert score(findings, INVENTORY).exact_recall >= 0.90


def test_every_inventory_change_made_on_review_says_why():
    changed = [i for e in INVENTORY.values() for i in e["instances"] if "added" in i or "corrected" in i]
    assert len(changed) == 10
    assert all(i.get("added") or i["corrected"].get("why") for i in changed)


def test_every_instance_snippet_is_on_its_recorded_line():
    for name, entry in INVENTORY.items():
        path = CORPUS / entry["file"]
        for instance in entry["instances"]:
            if "cell" in instance:
                source = json.loads(path.read_text(encoding="utf-8"))["cells"][instance["cell"]]["source"]
                source = "".join(source) if isinstance(source, list) else source
            else:
                source = path.read_text(encoding="utf-8")
            line = source.split("\n")[instance["line"] - 1]
            assert instance["snippet"] in line, (name, instance)


def test_every_corpus_file_is_the_recorded_public_version_with_its_licence():
    assert {m["name"] for m in MANIFEST} == set(INVENTORY)
    for entry in MANIFEST:
        data = (CORPUS / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["name"]
        assert len(entry["commit"]) == 40 and entry["licence"] in PERMISSIVE
        assert PERMISSIVE[entry["licence"]] in (CORPUS / entry["licence_copy"]).read_text(encoding="utf-8")


def test_every_rule_that_reports_is_scored_in_some_inventory_category():
    assert set(RULES) - set(CATEGORIES) == {"K3000"}  # a syntax error is never an inventory instance
    assert set().union(*RULES_BY_KIND.values()) <= set(CATEGORIES)


def test_a_finding_of_another_category_on_an_instance_line_counts_as_wrong():
    inventory = {"a": {"instances": [{"category": "np_utils", "stmt_line": 2, "line": 2}]}}
    findings = check_source("import keras\nkeras.optimizers.SGD(lr=0.1)", "files/a.py")
    result = score({"a": findings}, inventory)
    assert (result.recall, result.precision, len(result.wrong)) == (0.0, 0.0, 1)


def test_a_finding_within_a_multiline_statement_matches_its_instance():
    inventory = {"a": {"instances": [{"category": "lr_kwarg", "stmt_line": 2, "line": 3}]}}
    findings = check_source("import keras\nopt = keras.optimizers.SGD(\n    lr=0.1)", "files/a.py")
    assert score({"a": findings}, inventory).recall == 1.0
