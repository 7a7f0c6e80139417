"""When an airspace is active: OpenAir ``AA`` windows (ISO 8601 UTC intervals, ``NONE`` for an
open or unknown bound) applied to incursion intervals.

No windows: always active. ``AA NONE`` alone: activation times unknown (e.g. by NOTAM), so any
incursion is reported with activation ``"unknown"``. Otherwise an interval is split at the window
edges into ``"active"`` and ``"inactive"`` parts; an inactive part is not an infringement.

>>> w = parse_windows(("2023-05-28T12:00Z/2023-05-28T20:00Z",))
>>> split_by_activation(1685270000.0, 1685280000.0, w)
[(1685270000.0, 1685275200.0, 'inactive'), (1685275200.0, 1685280000.0, 'active')]
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from datetime import UTC, datetime

__all__ = ["Windows", "parse_windows", "split_by_activation"]

Windows = list[tuple[float, float]] | None
"""Active windows as (start, end) epoch seconds; None: activation unknown; [] never given."""


def _when(text: str, default: float) -> float:
    t = text.strip()
    if t.upper() == "NONE":
        return default
    if t.endswith(("Z", "z")):
        t = t[:-1] + "+00:00"
    day_end = "T24:00" in t
    if day_end:
        t = t.replace("T24:00", "T00:00")
    dt = datetime.fromisoformat(t)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp() + (86_400.0 if day_end else 0.0)


def parse_windows(values: Sequence[str] | None) -> Windows:
    """Parse ``AA`` values; raises ValueError naming a bad one.

    >>> parse_windows(()) == []
    True
    >>> parse_windows(("NONE",)) is None
    True
    """
    if not values:
        return []
    if any(v.strip().upper() == "NONE" for v in values):
        return None
    out = []
    for v in values:
        if "/" not in v:
            raise ValueError(f"activation window {v!r} is not start/end")
        a, b = v.split("/", 1)
        try:
            out.append((_when(a, -math.inf), _when(b, math.inf)))
        except ValueError as exc:
            raise ValueError(f"activation window {v!r}: {exc}") from exc
    return sorted(out)


def split_by_activation(t0: float, t1: float, windows: Windows) -> list[tuple[float, float, str]]:
    """Pieces of [t0, t1] with their activation: "always", "active", "inactive", "unknown"."""
    if windows is None:
        return [(t0, t1, "unknown")]
    if not windows:
        return [(t0, t1, "always")]
    cuts = sorted({t0, t1, *(x for w in windows for x in w if t0 < x < t1)})
    pieces: list[tuple[float, float, str]] = []
    for a, b in itertools.pairwise(cuts):
        mid = 0.5 * (a + b)
        state = "active" if any(s <= mid <= e for s, e in windows) else "inactive"
        if pieces and pieces[-1][2] == state:
            pieces[-1] = (pieces[-1][0], b, state)
        else:
            pieces.append((a, b, state))
    if t0 == t1:
        state = "active" if any(s <= t0 <= e for s, e in windows) else "inactive"
        return [(t0, t1, state)]
    return pieces
