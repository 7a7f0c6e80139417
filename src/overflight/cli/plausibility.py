"""Warnings for crossings that rest on a gap or an implausible jump in the track.

>>> from overflight.analysis.params import CheckOutcome, CheckParameters
>>> crossing_warnings(CheckOutcome([], CheckParameters()), [])
[]
"""

from __future__ import annotations

from collections.abc import Sequence

from ..analysis.params import CheckOutcome
from ..analysis.plausibility import MAX_GAP_S, MAX_SPEED_MPS, suspect_segments
from ..model import Track
from ..reports.table import format_time

__all__ = ["crossing_warnings"]


def crossing_warnings(outcome: CheckOutcome, tracks: Sequence[Track]) -> list[str]:
    """One warning per entry/exit interpolated across a gap (> 10 min) or a jump faster than
    1,200 m/s: the crossing time and place there are not observed, only assumed."""
    by_id = {t.id: t for t in tracks}
    segs = {tid: suspect_segments(t) for tid, t in by_id.items()}
    out = []
    for r in outcome.results:
        found = segs.get(r.track_id) or []
        if not found:
            continue
        for inc in r.incursions:
            for what, t in (("entry", inc.entry_time), ("exit", inc.exit_time)):
                for s in found:
                    if s.start < t < s.end:
                        why = (
                            f"{s.distance_m / 1000:.0f} km in {s.end - s.start:.0f} s "
                            f"({s.speed_mps:.0f} m/s, over {MAX_SPEED_MPS:.0f}: not a flight)"
                            if s.reason == "jump"
                            else f"no position for {s.end - s.start:.0f} s (over {MAX_GAP_S:.0f} s)"
                        )
                        out.append(
                            f"track {r.track_id!r} x {r.airspace.name}: {what} at "
                            f"{format_time(t)} is interpolated between fixes at "
                            f"{format_time(s.start)} and {format_time(s.end)}: {why}; "
                            "it is assumed, not observed"
                        )
    return out
