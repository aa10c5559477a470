"""What machine a benchmark ran on, for the figures it prints (shared by the bench scripts)."""

from __future__ import annotations

import platform


def cpu_model() -> str:
    """The processor's name: platform.processor() is empty on most Linux systems."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or "?"
