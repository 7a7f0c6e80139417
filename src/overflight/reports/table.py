"""Terminal rendering of a check with rich: one table per track x airspace, then a summary.

>>> from rich.console import Console
>>> from overflight.analysis.params import CheckOutcome, CheckParameters
>>> con = Console(width=100, color_system=None)
>>> render_outcome(CheckOutcome([], CheckParameters(), beyond_search=2, pairs=2), con)
2 track x airspace pairs: 0 listed, 0 entered, 2 beyond the search distance (50 km).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from ..analysis.params import CheckOutcome
from ..model import CheckResult, ClosestApproach, Incursion, Track
from .along import Along, along_by_id
from .json import iso_utc

if TYPE_CHECKING:
    from ..analysis.uncertainty import EntryProbability

__all__ = [
    "format_distance",
    "format_duration",
    "format_probability",
    "format_time",
    "render_outcome",
    "render_result",
]


def format_time(t: float | None) -> str:
    """UTC time for the terminal: ``2024-06-01 10:03:12.412Z``.

    >>> format_time(0.0)
    '1970-01-01 00:00:00.000Z'
    """
    s = iso_utc(t)
    return "-" if s is None else s.replace("T", " ")


def format_duration(seconds: float) -> str:
    """``m:ss.s`` under an hour, ``h:mm:ss`` above.

    >>> format_duration(75.25), format_duration(3725.0)
    ('1:15.2', '1:02:05')
    """
    if seconds >= 3600:
        s = round(seconds)
        return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
    tenths = round(seconds * 10)
    return f"{tenths // 600}:{tenths % 600 / 10:04.1f}"


def format_distance(metres: float | None) -> str:
    """Metres below 10 km, kilometres with two decimals above.

    >>> format_distance(512.345), format_distance(12345.0), format_distance(None)
    ('512 m', '12.35 km', '-')
    """
    if metres is None:
        return "-"
    if abs(metres) < 10_000:
        return f"{metres:.0f} m"
    return f"{metres / 1000:.2f} km"


def format_probability(p: EntryProbability | None) -> str:
    """P(entry) with its Monte Carlo standard error, for the terminal.

    >>> from overflight.analysis.error_model import ErrorModel
    >>> from overflight.analysis.uncertainty import EntryProbability
    >>> format_probability(EntryProbability(0.25, 0.0137, 1000, 0, ErrorModel(), 0.3, 250,
    ...                                     None, None))
    'P(entry) 0.250 ± 0.014'
    >>> format_probability(None)
    'P(entry) not computed'
    """
    if p is None:
        return "P(entry) not computed"
    return f"P(entry) {p.p_entry:.3f} ± {p.stderr:.3f}"


def _flips(rows: Sequence[Mapping[str, Any]]) -> str | None:
    names = [str(r["definition"]) for r in rows if r.get("flips_verdict")]
    return f"verdict flips with: {', '.join(names)}" if names else None


def _vertical(i: Incursion) -> str:
    text = i.vertical
    m = i.vertical_margin_m
    if m is not None and i.vertical == "inside":
        text += f" (margin {m:.0f} m)"
    elif m is not None and i.vertical in ("above", "below"):
        text += f" (clear by {abs(m):.0f} m)"
    if i.vertical_reason:
        text += f": {i.vertical_reason}"
    if i.activation != "always":
        known = i.activation != "unknown"
        text += f"; airspace {i.activation}" if known else "; activation unknown"
    return text


def _title(r: CheckResult, note: str | None = None) -> str:
    a = r.airspace
    who = r.track_id + (f" ({r.callsign})" if r.callsign else "")
    return f"{who} x {a.name} [{a.kind}] {a.floor} - {a.ceiling}" + (f"; {note}" if note else "")


def _when(t: float, along: Along | None) -> str:
    """A time as the table shows it: the UTC time, or "—" and the distance along the track
    when the track's times are not clock times."""
    if along is None or along.clock:
        return format_time(t)
    return f"— ({format_distance(_metres(along.distance_at(t)))} along the track)"


def _metres(x: float) -> float | None:
    return x if math.isfinite(x) else None


def _approach_text(c: ClosestApproach | None, along: Along | None = None) -> str:
    if c is None:
        return "no closest approach computed"
    where = f"{c.point[0]:.5f}, {c.point[1]:.5f}"
    if c.laterally_inside:
        vert = "unknown" if c.vertical_m is None else format_distance(c.vertical_m)
        return (
            f"not entered; laterally inside, closest vertical separation {vert} "
            f"at {_when(c.time, along)} ({where})"
        )
    text = f"not entered; closest approach {format_distance(c.lateral_m)} laterally"
    if c.vertical_m == 0:
        text += ", within the vertical limits"
    elif c.vertical_m is not None:
        text += f", {format_distance(c.vertical_m)} vertically"
    return text + f" at {_when(c.time, along)} ({where})"


def render_result(
    r: CheckResult,
    console: Console,
    along: Along | None = None,
    note: str | None = None,
) -> None:
    """One track x airspace: a table of incursions (and lateral passes), or the closest approach.

    ``along`` (the track's clock and distances, :class:`~overflight.reports.along.Along`)
    adds distances along the track; times that are not clock times show as "—". ``note``
    (e.g. P(entry)) is shown beside the verdict: after the table's title or the one-line
    closest approach."""
    if along is not None and not along.clock:
        _render_untimed(r, console, along, note)
        return
    rows: Sequence[tuple[str, Incursion]] = [
        *(("incursion", i) for i in r.incursions),
        *(("passed " + i.vertical, i) for i in r.lateral_passes),
    ]
    if not rows:
        text = _approach_text(r.closest_approach, along) + (f"; {note}" if note else "")
        console.print(f"[bold]{_title(r)}[/bold]: {text}", soft_wrap=True)
    else:
        table = Table(title=_title(r, note), title_justify="left", expand=False)
        for col in ("", "entry (UTC)", "exit (UTC)", "duration", "max depth", "vertical"):
            table.add_column(col, no_wrap=col != "vertical")
        for what, i in sorted(rows, key=lambda row: row[1].entry_time):
            entry = format_time(i.entry_time) + (" (start)" if i.starts_inside else "")
            exit_ = format_time(i.exit_time) + (" (end)" if i.ends_inside else "")
            table.add_row(
                what,
                entry,
                exit_,
                format_duration(i.duration_s),
                format_distance(i.max_depth_m),
                _vertical(i),
            )
        console.print(table)
        if not r.incursions:
            console.print(f"  {_approach_text(r.closest_approach)}", soft_wrap=True)
    for w in r.warnings:
        console.print(f"  warning: {w}", style="yellow", highlight=False, soft_wrap=True)


def _render_untimed(
    r: CheckResult, console: Console, along: Along, note: str | None = None
) -> None:
    """A track without clock times: distances along it instead of times ("—")."""
    rows = [
        *(("incursion", i) for i in r.incursions),
        *(("passed " + i.vertical, i) for i in r.lateral_passes),
    ]
    if not rows:
        text = _approach_text(r.closest_approach, along) + (f"; {note}" if note else "")
        console.print(f"[bold]{_title(r)}[/bold] ({along.timing}): {text}", soft_wrap=True)
    else:
        title = f"{_title(r)} ({along.timing})" + (f"; {note}" if note else "")
        table = Table(title=title, title_justify="left", expand=False)
        cols = ("", "entry (UTC)", "exit (UTC)", "entry at", "exit at", "inside for", "duration",
                "max depth", "vertical")  # fmt: skip
        for col in cols:
            table.add_column(col, no_wrap=col != "vertical")
        for what, i in sorted(rows, key=lambda row: row[1].entry_time):
            d0 = _metres(along.distance_at(i.entry_time))
            d1 = _metres(along.distance_at(i.exit_time))
            table.add_row(
                what,
                "—" + (" (start)" if i.starts_inside else ""),
                "—" + (" (end)" if i.ends_inside else ""),
                format_distance(d0),
                format_distance(d1),
                format_distance(d1 - d0 if d0 is not None and d1 is not None else None),
                format_duration(i.duration_s) if along.timed else "—",
                format_distance(i.max_depth_m),
                _vertical(i),
            )
        console.print(table)
        if not r.incursions:
            console.print(f"  {_approach_text(r.closest_approach, along)}", soft_wrap=True)
    for w in r.warnings:
        console.print(f"  warning: {w}", style="yellow", highlight=False, soft_wrap=True)


def render_outcome(
    outcome: CheckOutcome,
    console: Console,
    tracks: Iterable[Track] = (),
    probabilities: Sequence[EntryProbability | None] | None = None,
    sensitivities: Sequence[Sequence[Mapping[str, Any]]] | None = None,
) -> None:
    """Every listed pair, then one summary line. ``tracks`` (the tracks checked) lets a track
    without clock times show distances along it instead of times. ``probabilities`` and
    ``sensitivities`` (per result, ``--uncertainty``) add P(entry) ± its standard error beside
    each verdict and the alternative definitions that flip it."""
    alongs = along_by_id(tracks)
    for k, r in enumerate(outcome.results):
        note = None
        if probabilities is not None:
            note = format_probability(probabilities[k])
        if sensitivities is not None:
            flips = _flips(sensitivities[k])
            note = "; ".join(x for x in (note, flips) if x) or None
        render_result(r, console, alongs.get(r.track_id), note)
    entered = sum(1 for r in outcome.results if r.entered)
    km = outcome.parameters.search_m / 1000.0
    console.print(
        f"{outcome.pairs} track x airspace pairs: {len(outcome.results)} listed, "
        f"{entered} entered, {outcome.beyond_search} beyond the search distance ({km:g} km).",
        highlight=False,
    )
