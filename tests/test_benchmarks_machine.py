"""benchmarks/machine.py: the theoretical peak from a CPU's description, and the quietness record."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from machine import CpuPeak, QuietMonitor, read_cpuinfo, share_of_peak, theoretical_peak

ZEN4 = {"vendor_id": "AuthenticAMD", "cpu family": "25", "cpu MHz": "3000", "flags": "fma avx2 avx512f avx512_bf16"}
SAPPHIRE_RAPIDS = {
    "vendor_id": "GenuineIntel",
    "cpu family": "6",
    "cpu MHz": "2000",
    "flags": "fma avx2 avx512f amx_bf16",
}


def test_the_peak_is_cores_times_clock_times_fma_units_times_lanes_times_two():
    # Zen 4: one 512-bit FMA per cycle = 16 float32 lanes x 2 FLOP; 2 cores at 3 GHz.
    assert theoretical_peak("float32", ZEN4, cores=2).gflops == pytest.approx(2 * 3.0 * 1 * 16 * 2)


def test_avx512_bf16_doubles_the_float32_peak():
    assert theoretical_peak("bfloat16", ZEN4, cores=2).gflops == pytest.approx(
        2 * theoretical_peak("float32", ZEN4, cores=2).gflops
    )


def test_without_native_bfloat16_its_ceiling_is_the_float32_peak_and_says_why():
    ice_lake = {"vendor_id": "GenuineIntel", "cpu family": "6", "cpu MHz": "2600", "flags": "fma avx2 avx512f"}
    peak = theoretical_peak("bfloat16", ice_lake, cores=2)
    assert peak.gflops == theoretical_peak("float32", ice_lake, cores=2).gflops
    assert "computed through float32" in peak.source


def test_amx_gives_1024_bfloat16_flop_per_cycle_per_core():
    assert theoretical_peak("bfloat16", SAPPHIRE_RAPIDS, cores=2).gflops == pytest.approx(2 * 2.0 * 1024)


def test_an_avx2_only_cpu_has_eight_lanes():
    info = {"vendor_id": "Other", "cpu family": "1", "cpu MHz": "1000", "flags": "fma avx avx2"}
    peak = theoretical_peak("float32", info, cores=1)
    assert (peak.lanes, peak.fma_units, peak.gflops) == (8, 1, pytest.approx(16.0))
    assert "unknown CPU" in peak.describe()


def test_a_share_above_the_peak_is_explained_not_printed():
    peak = CpuPeak(100.0, "float32", 2, 2.0, 16, 1, 2, "test")
    assert share_of_peak(61.0, peak) == "61% of the theoretical float32 peak"
    text = share_of_peak(113.0, peak)
    assert "%" not in text and "exceeds" in text


def test_read_cpuinfo_takes_the_first_processor():
    info = read_cpuinfo("processor : 0\ncpu MHz : 2596.1\n\nprocessor : 1\ncpu MHz : 9999\n")
    assert info["cpu MHz"] == "2596.1"


def test_the_monitor_counts_other_processes_not_its_own_work():
    lines = []
    with QuietMonitor("spec", print_fn=lines.append) as monitor:
        total = sum(i * i for i in range(3_000_000))  # this process's own work is not "others"
    assert total > 0 and 0.0 <= monitor.others_share <= 1.0
    assert "load average at start" in lines[0] and "other processes used" in lines[-1]


def test_require_quiet_refuses_a_loaded_start(monkeypatch):
    ticks = iter([(100, 1000), (150, 1100)])  # half the CPU time busy in the sampled second
    monkeypatch.setattr("machine._busy_and_total_ticks", lambda: next(ticks))
    monkeypatch.setattr("machine.START_SAMPLE_SECONDS", 0.0)
    with pytest.raises(SystemExit, match="NOT QUIET"):
        with QuietMonitor("spec", print_fn=lambda line: None, require_quiet=True):
            pass


def test_a_load_average_left_by_a_job_that_just_ended_is_not_a_loaded_start(monkeypatch):
    monkeypatch.setattr("os.getloadavg", lambda: (3.0, 3.0, 3.0))
    ticks = iter([(100, 1000), (101, 1100), (101, 1100), (102, 1200)])  # 1% busy now, whatever the lagging average says
    monkeypatch.setattr("machine._busy_and_total_ticks", lambda: next(ticks))
    monkeypatch.setattr("machine.START_SAMPLE_SECONDS", 0.0)
    with QuietMonitor("spec", print_fn=lambda line: None, require_quiet=True) as monitor:
        pass
    assert monitor.busy_before == 0.01


def test_its_docstring_examples_run():
    import doctest

    import machine

    assert doctest.testmod(machine).failed == 0
