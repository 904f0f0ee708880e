"""Run a child process and measure it: wall time, CPU, and its *own* peak RSS.

`ru_maxrss` from wait4 is not enough on Linux: a forked child starts with its parent's
high-water mark, and exec keeps it, so a bench process that has grown (or pytest) inflates
the figure. The kernel's per-process VmHWM (/proc/PID/status) starts afresh at exec; we poll
it while the child runs and take the largest value seen.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import IO, Any


def _vm_hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def run(cmd: list[str], stdout: IO[bytes], stderr: IO[bytes], cwd: Path,
        poll_s: float = 0.02) -> dict[str, Any]:
    """Run `cmd`; returns exit code, wall seconds, user/sys CPU and peak RSS in MB."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=stderr, cwd=cwd)
    peak_kb = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        peak_kb = max(peak_kb, _vm_hwm_kb(proc.pid))
        time.sleep(poll_s)
    wall = time.perf_counter() - t0
    if not peak_kb:  # no /proc (not Linux): fall back to the rusage figure
        peak_kb = usage.ru_maxrss
    return {
        "code": os.waitstatus_to_exitcode(status),
        "wall_s": wall,
        "user_cpu_s": usage.ru_utime,
        "sys_cpu_s": usage.ru_stime,
        "peak_rss_mb": peak_kb / 1024,
    }
