"""Benchmark: how well and how fast `cifar-lab check` does on the corpus of real Keras 1/2 code.

Checks every file of `tests/check/corpus/` and scores the findings against the hand-verified
inventory (`cifar_lab.check.scoring`): the per-category table of recall (and recall by the very
rule meant for each instance), the precision, and the same two figures against the inventory as it
was first built (before the review corrections listed in the corpus README). Then it applies
`--fix` to every file (in memory: nothing is written) and counts what was fixed, what remains and
whether every fixed file still compiles (compiled, never run). Last, the times: checking and fixing
the whole corpus (the median of a few rounds), checking a large generated script, and importing the checker (which must
not import TensorFlow). Recall and precision are deterministic; the times depend on the machine's
load, printed at the start and the end. Results go to `benchmarks/results/checker.txt`.

Usage:
    .venv/bin/python benchmarks/bench_checker.py            # about a minute on 2 cores
    .venv/bin/python benchmarks/bench_checker.py --rounds 5 --out /tmp/checker.txt
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import QuietMonitor, Transcript

from cifar_lab.check import check_paths, check_source
from cifar_lab.check.magics import python_lines
from cifar_lab.check.rewrite import fix_file
from cifar_lab.check.rule import FAILING
from cifar_lab.check.scoring import as_first_built, score, table

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "check" / "corpus"
RESULTS = Path(__file__).resolve().parent / "results" / "checker.txt"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds for each timing (the median is printed)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    transcript = Transcript()
    say = transcript.say

    say(f"machine: {platform.platform()}")
    with QuietMonitor("bench_checker", print_fn=say):
        inventory = json.loads((CORPUS / "inventory.json").read_text(encoding="utf-8"))
        files = {name: CORPUS / entry["file"] for name, entry in inventory.items()}
        findings = {name: check_paths([path]) for name, path in files.items()}
        result = score(findings, inventory)
        say(f"corpus: {len(files)} files, {sum(result.instances.values())} inventory instances")
        say(table(result))
        first = score(findings, as_first_built(inventory))
        say(
            f"against the inventory as first built ({sum(first.instances.values())} instances): "
            f"recall {first.recall:.1%}, precision {first.precision:.1%}"
        )
        breaking = {n for n, e in inventory.items() if any(i["severity"] != "advisory" for i in e["instances"])}
        failing = {n for n, found in findings.items() if any(f.severity in FAILING for f in found)}
        say(
            f"exit status 1 (an error or a silent change found): {len(failing & breaking)} of the "
            f"{len(breaking)} files that break or change on Keras 3, "
            f"{len(failing - breaking)} of the {len(files) - len(breaking)} others"
        )
        for name, instance in result.missed:
            where = f"cell {instance['cell'] + 1}, " if "cell" in instance else ""
            say(f"  missed {name} {where}line {instance['line']}: {instance['rule']}: {instance['source_line'][:70]}")
        say()
        fixes = [fix_file(path) for path in files.values()]
        fixed = sum(len(f.cells.fixed) for f in fixes)
        left = [finding for f in fixes for finding in f.cells.remaining]
        compiled = sum(all(_compiles(text) for text in f.cells.after.values()) for f in fixes)
        say(f"--fix: {fixed} of {fixed + len(left)} findings fixed in {sum(f.changed for f in fixes)} files")
        clean = sum(not any(x.severity in FAILING for x in f.cells.remaining) for f in fixes)
        say(f"  files left with no error and no silent change (exit status 0): {clean} of {len(fixes)}")
        say(
            f"  left: {sum(f.severity != 'advisory' for f in left)} errors and silent changes, "
            f"{sum(f.severity == 'advisory' for f in left)} advisories"
        )
        say(
            f"  every cell still compiles in {compiled} of {len(fixes)} files; "
            f"cells refused: {sum(len(f.cells.refused) for f in fixes)}"
        )
        say()
        say(f"check the corpus: {_median(args.rounds, lambda: check_paths(list(files.values()))):.2f} s")
        say(f"fix the corpus (in memory): {_median(args.rounds, lambda: [fix_file(p) for p in files.values()]):.2f} s")
        script = _generated_script(lines=20_000)
        say(
            f"check a generated {len(script) / 1e6:.1f} MB script: "
            f"{_median(args.rounds, lambda: check_source(script, 'big.py')):.2f} s"
        )
        say(_import_time())
    say(f"$ .venv/bin/python benchmarks/bench_checker.py --rounds {args.rounds}")
    transcript.write(args.out)
    return 0


def _compiles(text: str) -> bool:
    try:
        compile("\n".join(python_lines(text)[0]), "<fixed>", "exec", dont_inherit=True)
    except SyntaxError:
        return False
    return True


def _median(rounds: int, work) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _generated_script(lines: int) -> str:
    """Keras 2 training code repeated: imports, a model, an optimizer with lr=, a fit with nb_epoch=."""
    head = "from keras.layers import Conv2D, Dense\nfrom keras.optimizers import RMSprop\n"
    body = (
        "model{i}.add(Conv2D(32, 3, 3, border_mode='same'))\nmodel{i}.fit(x, y, nb_epoch={i}, validation_split=0.1)\n"
    )
    return head + "".join(body.format(i=i) for i in range(lines // 2))


def _import_time() -> str:
    code = (
        "import sys, time; start = time.perf_counter(); import cifar_lab.check; "
        "print(f'{time.perf_counter() - start:.2f}', 'tensorflow' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return f"import cifar_lab.check: {out[0]} s; TensorFlow imported: {out[1]}"


if __name__ == "__main__":
    sys.exit(main())
