"""How long this process has existed, from the kernel's own record (no Qt, nothing else).

Shared by ``bench_gui.py`` and ``floor_table.py``, which both take it as early as they can:
everything before it counts as interpreter start-up.
"""

from __future__ import annotations

import os
from pathlib import Path


def process_age_s() -> float:
    """Seconds since the kernel started this process (Linux); 0 where unknown."""
    try:
        stat = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        started_ticks = int(stat[19])  # field 22 of proc(5), counted after "pid (comm)"
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return uptime - started_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0
