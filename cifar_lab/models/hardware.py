"""What this machine's CPU can do, for choosing a numeric precision.

bfloat16 training is only worth it where the CPU multiplies bfloat16 natively: Intel AMX
(`amx_bf16`) is the big win; AVX-512 BF16 (`avx512_bf16`) has bfloat16 dot products but far less
throughput. Elsewhere bfloat16 is emulated and slower than float32. Whether it actually pays on a given
machine is measured by `benchmarks/bench_matmul.py`. Only `fast_cnn` defaults to `precision="auto"`
(bfloat16 where this reports support), after `benchmarks/bench_training.py` showed no accuracy cost;
the original CNN stays float32 unless asked.

Example:
    >>> bfloat16_support() in ("amx", "avx512_bf16", None)
    True
"""

from __future__ import annotations

from pathlib import Path


def cpu_flags(cpuinfo: str | Path = "/proc/cpuinfo") -> frozenset[str]:
    """The feature flags of the first CPU listed in `cpuinfo` (empty where there is no such file).

    Example:
        >>> import tempfile
        >>> cpuinfo = Path(tempfile.mkdtemp()) / "cpuinfo"
        >>> _ = cpuinfo.write_text("processor : 0\\nflags : fpu sse2 avx512_bf16\\n")
        >>> sorted(cpu_flags(cpuinfo))
        ['avx512_bf16', 'fpu', 'sse2']
        >>> cpu_flags("/nonexistent")
        frozenset()
    """
    try:
        text = Path(cpuinfo).read_text()
    except OSError:
        return frozenset()
    for line in text.splitlines():
        if line.startswith("flags"):
            return frozenset(line.partition(":")[2].split())
    return frozenset()


def bfloat16_support(cpuinfo: str | Path = "/proc/cpuinfo") -> str | None:
    """`"amx"`, `"avx512_bf16"` or None: the best native bfloat16 support of this CPU.

    Example:
        >>> import tempfile
        >>> cpuinfo = Path(tempfile.mkdtemp()) / "cpuinfo"
        >>> _ = cpuinfo.write_text("flags : fpu sse2 avx512_bf16 amx_bf16\\n")
        >>> bfloat16_support(cpuinfo)
        'amx'
        >>> bfloat16_support("/nonexistent") is None
        True
    """
    flags = cpu_flags(cpuinfo)
    if "amx_bf16" in flags:
        return "amx"
    if "avx512_bf16" in flags:
        return "avx512_bf16"
    return None
