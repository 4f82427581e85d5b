"""Peak memory of this process and its worker processes, sampled while a benchmark runs.

Forked workers share the parent's model pages, so adding up their RSS would count the
models once per process. The proportional set size (PSS) splits shared pages between the
processes that map them; its sum is the memory the whole run really takes.
"""

from __future__ import annotations

import os
import resource
import threading
from pathlib import Path


def _pss_kb(pid: int) -> int | None:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    return next((int(line.split()[1]) for line in text.splitlines() if line.startswith("Pss:")), None)


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def total_memory_mb(pid: int | None = None) -> float | None:
    """PSS of ``pid`` (default: this process) and all its descendants, in MB; None off Linux."""
    pid = pid or os.getpid()
    total, stack, seen = 0, [pid], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        pss = _pss_kb(current)
        if pss is None:
            if current == pid:
                return None
            continue
        total += pss
        stack += _children(current)
    return total / 1024


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class MemorySampler:
    """Samples ``total_memory_mb`` every ``interval`` seconds inside a ``with`` block; ``peak_mb``
    is the largest sample, or this process's peak RSS where PSS cannot be read."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        current = total_memory_mb()
        self.peak_mb = max(self.peak_mb, current if current is not None else peak_rss_mb())

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> MemorySampler:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
