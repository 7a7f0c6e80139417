"""How many chunks a batch of check jobs is cut into (:meth:`~.pool.CheckPool.submit_many`).

A chunk is the unit the main process and the check workers share: the main process takes
back the chunks a worker has not started when it has nothing else to do (at the end of the
data, or with a worker behind), so both finish within about one chunk's checking of each
other. Chunks of many pieces check faster per piece (the vectorised passes), but a chunk of
hours-long tracks across national airspaces (thousands of coastline edges) took 2.7-7.7 s:
at the end of a 9.2M-row scan of four countries the main process waited 4.6 s for the
worker's last chunks. So a chunk holds at most ``chunk`` pieces *and* about :data:`CHUNK_S`
seconds of checking, at the cost per fix measured on the chunks checked so far
(:class:`ChunkCost`).

>>> c = ChunkCost()
>>> c.parts(jobs=900, fixes=540_000, workers=1, chunk=2048)  # nothing measured yet
1
>>> c.learn(fixes=180_000, seconds=2.7)
>>> c.parts(jobs=900, fixes=540_000, workers=1, chunk=2048)
9
"""

from __future__ import annotations

import math

__all__ = ["CHUNK_S", "MIN_FIXES", "ChunkCost"]

CHUNK_S = 1.0
"""Seconds of checking a chunk is cut to (the synthetic 100M-row benchmark's chunks, ~2 us
per fix and ~150,000 fixes each, are not cut)."""

MIN_FIXES = 16_384
"""Fixes below which a chunk is never cut (a first chunk that prepared the airspaces, or a
slow moment, measures a cost per fix far above the usual)."""

_WEIGHT = 0.3
"""Weight of the latest chunk in the running cost per fix."""


class ChunkCost:
    """The cost per fix of the chunks checked so far (a running average), and the number of
    chunks a batch of jobs is cut into."""

    def __init__(self) -> None:
        self.per_fix: float | None = None

    def learn(self, fixes: int, seconds: float) -> None:
        """A chunk of ``fixes`` fixes took ``seconds`` to check."""
        if fixes <= 0 or not seconds >= 0:
            return
        x = seconds / fixes
        self.per_fix = x if self.per_fix is None else (1 - _WEIGHT) * self.per_fix + _WEIGHT * x

    def max_fixes(self) -> float:
        """Fixes per chunk: :data:`CHUNK_S` seconds' worth (at least :data:`MIN_FIXES`)."""
        if not self.per_fix:
            return math.inf
        return max(float(MIN_FIXES), CHUNK_S / self.per_fix)

    def parts(self, jobs: int, fixes: int, workers: int, chunk: int) -> int:
        """Chunks for ``jobs`` jobs of ``fixes`` fixes in all: one per worker at least, at most
        ``chunk`` jobs and :meth:`max_fixes` fixes each (as far as whole jobs allow)."""
        want = max(workers, -(-jobs // chunk), math.ceil(fixes / self.max_fixes()))
        return max(1, min(jobs, want))
