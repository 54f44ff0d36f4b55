"""What a benchmark needs to know about the machine it ran on: the CPU's theoretical peak, and whether it was quiet.

Two things every figure in ``benchmarks/results`` depends on and cannot show by itself:

- the **theoretical peak** (GFLOP/s) of the cores this process may use, from the CPU's vector width, its
  FMA units, its clock and its core count, each printed beside the figure so a wrong assumption is visible;
- **quietness**: a benchmark measured while other jobs ran is not comparable with one measured alone
  (ratios moved 1.6x with the load on these machines). :class:`QuietMonitor` records the load average
  before and after and, more precisely, how much CPU *other* processes used during the run (the machine's
  busy time less this process's and its children's), and marks the figures when that share is not small.

Example:
    >>> with QuietMonitor("demo", print_fn=lambda line: None) as monitor:
    ...     pass
    >>> monitor.others_share is not None
    True
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cifar_lab.files import atomic_write_text

# FMA instructions each core can start per cycle at the full vector width, by CPU family. These are the
# published microarchitecture figures; an unknown CPU gets the conservative 1 and says so.
# Zen 4 (AMD family 25) runs 512-bit FMAs on two 256-bit pipes: one 512-bit FMA per cycle.
# Zen 5 (family 26) has two full-width 512-bit FMA pipes on its server parts.
FMA_UNITS_BY_FAMILY = {("AuthenticAMD", 25): 1, ("AuthenticAMD", 26): 2, ("AuthenticAMD", 23): 2}

# Beyond this share of the machine used by other processes during a benchmark, its figures are marked.
QUIET_OTHERS_SHARE = 0.10
# How long the monitor watches an idle second at the start.
START_SAMPLE_SECONDS = 1.0


@dataclass(frozen=True)
class CpuPeak:
    """A theoretical peak and the assumptions behind it."""

    gflops: float
    dtype: str
    cores: int
    clock_ghz: float
    lanes: int
    fma_units: int
    flop_per_lane: int
    source: str

    def describe(self) -> str:
        """One line: the figure and the product it came from."""
        return (
            f"theoretical {self.dtype} peak {self.gflops:.0f} GFLOP/s = {self.cores} cores x {self.clock_ghz:.2f} GHz"
            f" x {self.fma_units} FMA unit(s) x {self.lanes} lanes x {self.flop_per_lane} FLOP ({self.source})"
        )


def read_cpuinfo(text: str | None = None) -> dict[str, str]:
    """The first processor's fields of ``/proc/cpuinfo`` (or of ``text``)."""
    if text is None:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            if fields:
                break
            continue
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return fields


def theoretical_peak(
    dtype: str, cpuinfo: dict[str, str] | None = None, cores: int | None = None, clock_ghz: float | None = None
) -> CpuPeak:
    """The cores' peak GFLOP/s for ``dtype`` ("float32" or "bfloat16") at the nominal clock.

    The nominal clock is the one ``/proc/cpuinfo`` reports; a CPU boosting above it can beat this figure,
    which is why benchmarks say "exceeds the theoretical peak" instead of printing a share over 100%.

    Example:
        >>> info = {"vendor_id": "AuthenticAMD", "cpu family": "26", "cpu MHz": "2600",
        ...         "flags": "fma avx2 avx512f avx512_bf16"}
        >>> round(theoretical_peak("float32", info, cores=2).gflops)
        333
        >>> round(theoretical_peak("bfloat16", info, cores=2).gflops)
        666
    """
    info = read_cpuinfo() if cpuinfo is None else cpuinfo
    flags = set(info.get("flags", "").split())
    cores = cores if cores is not None else len(os.sched_getaffinity(0))
    clock = clock_ghz if clock_ghz is not None else float(info.get("cpu MHz", "0")) / 1000
    lanes = 16 if "avx512f" in flags else 8 if {"avx", "avx2"} & flags else 4
    family = (info.get("vendor_id", ""), int(info.get("cpu family", "0") or 0))
    if family in FMA_UNITS_BY_FAMILY:
        units, source = FMA_UNITS_BY_FAMILY[family], f"{family[0]} family {family[1]}"
    elif family[0] == "GenuineIntel" and "avx512f" in flags:
        units, source = 2, "Intel with AVX-512: two FMA ports"
    else:
        units, source = 1, "unknown CPU: one FMA unit assumed"
    flop = 2 if "fma" in flags else 1
    if dtype == "bfloat16":
        if "amx_bf16" in flags:
            # One AMX tile multiply: 16 x 32 bfloat16 pairs into 16 x 16 float32 per 16 cycles per core.
            return CpuPeak(cores * clock * 1024, dtype, cores, clock, 512, 1, 2, "AMX: 1,024 FLOP/cycle/core")
        if "avx512_bf16" in flags:
            flop, source = flop * 2, source + "; VDPBF16PS: two bfloat16 products per float32 lane"
        else:
            # Without a native bfloat16 instruction each value is widened and multiplied in float32:
            # the float32 peak is its ceiling, and the conversions make it slower in practice.
            source += "; no AVX-512 BF16: bfloat16 is computed through float32"
    return CpuPeak(cores * clock * units * lanes * flop, dtype, cores, clock, lanes, units, flop, source)


def share_of_peak(measured_gflops: float, peak: CpuPeak) -> str:
    """``"61% of the theoretical float32 peak"``, or why no share is printed when it would exceed 100%."""
    share = measured_gflops / peak.gflops
    if share > 1:
        return f"exceeds the theoretical {peak.dtype} peak ({peak.gflops:.0f} GFLOP/s): the clock boosted above nominal"
    return f"{share:.0%} of the theoretical {peak.dtype} peak"


def _busy_and_total_ticks() -> tuple[int, int]:
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    total = sum(fields[:8])
    return total - idle, total


def _own_cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class QuietMonitor:
    """Records how quiet the machine was while a benchmark ran, and says so at its start and end.

    ``others_share`` (after the block) is the share of all cores' time that other processes used; the
    figures are marked NOT QUIET above :data:`QUIET_OTHERS_SHARE`, or when the CPUs are already that
    busy in the second before the block starts. ``require_quiet=True`` makes a noisy start an error instead of a mark.
    """

    def __init__(self, name: str, print_fn: Callable[[str], None] = print, require_quiet: bool = False):
        self.name, self.print, self.require_quiet = name, print_fn, require_quiet
        self.others_share: float | None = None
        self.quiet = True

    def __enter__(self) -> QuietMonitor:
        cores = os.cpu_count() or 1
        self.load_before = os.getloadavg()[0]
        # The load average lags by a minute (a job that just ended still shows), so quietness at the
        # start is what the CPUs do during one second in which this process does nothing.
        start = _busy_and_total_ticks()
        time.sleep(START_SAMPLE_SECONDS)
        end = _busy_and_total_ticks()
        self.busy_before = (end[0] - start[0]) / max(end[1] - start[1], 1)
        self.print(
            f"{self.name}: {cores} CPUs; 1-min load average at start {self.load_before:.2f}; "
            f"CPUs {self.busy_before:.0%} busy in the second before it"
        )
        if self.busy_before > QUIET_OTHERS_SHARE:
            message = f"NOT QUIET: the CPUs were {self.busy_before:.0%} busy at the start (other jobs are running)"
            if self.require_quiet:
                sys.exit(f"{self.name}: {message}; wait until the machine is idle, or drop --require-quiet.")
            self.quiet = False
            self.print(message)
        self._ticks, self._own = _busy_and_total_ticks(), _own_cpu_seconds()
        return self

    def __exit__(self, *exc_info) -> None:
        busy, total = _busy_and_total_ticks()
        hz = os.sysconf("SC_CLK_TCK")
        busy_seconds = (busy - self._ticks[0]) / hz
        total_seconds = max((total - self._ticks[1]) / hz, 1e-9)
        others = max(busy_seconds - (_own_cpu_seconds() - self._own), 0.0)
        self.others_share = min(others / total_seconds, 1.0)
        load_after = os.getloadavg()[0]
        verdict = "quiet" if self.others_share <= QUIET_OTHERS_SHARE and self.quiet else "NOT QUIET"
        self.quiet = verdict == "quiet"
        self.print(
            f"{self.name}: 1-min load average at end {load_after:.2f}; other processes used "
            f"{self.others_share:.0%} of the machine during the run: {verdict}"
            + ("" if self.quiet else " (compare only figures measured side by side in this run)")
        )


class Transcript:
    """What a benchmark prints, kept to be written to its results file in one piece at the end.

    Example:
        >>> transcript = Transcript(echo=False)
        >>> transcript.say("matmul: 175 GFLOP/s")
        >>> transcript.lines
        ['matmul: 175 GFLOP/s']
    """

    def __init__(self, echo: bool = True):
        self.echo = echo
        self.lines: list[str] = []

    def say(self, text: str = "") -> None:
        if self.echo:
            print(text, flush=True)
        self.lines.append(text)

    def write(self, path: Path) -> None:
        atomic_write_text(path, "\n".join(self.lines) + "\n")
