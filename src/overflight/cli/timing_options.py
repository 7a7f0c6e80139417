"""Options of ``overflight check`` for untimed (hand-digitised) tracks: speed, start and end
time, and the digitising uncertainty (map scale, line width).

>>> round(parse_speed("450kt"), 3), parse_speed("200 m/s"), round(parse_speed("900km/h"), 3)
(231.5, 200.0, 250.0)
>>> parse_scale("1:500000"), parse_length("0.5mm")
(500000.0, 0.0005)
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

import numpy as np
import typer

from ..analysis.error_model import digitising_sigma_m
from ..errors import ParseError
from ..formats.tracks._times import iso_seconds
from ..formats.tracks.timing import apply_timing
from ..model import Track

__all__ = [
    "TimingOptions",
    "parse_length",
    "parse_scale",
    "parse_speed",
    "parse_time",
    "timed_tracks",
    "timing_options",
]

_SPEED_UNITS = {
    "": 1.0,
    "m/s": 1.0,
    "mps": 1.0,
    "kt": 1852.0 / 3600.0,
    "kts": 1852.0 / 3600.0,
    "kn": 1852.0 / 3600.0,
    "km/h": 1000.0 / 3600.0,
    "kmh": 1000.0 / 3600.0,
    "kph": 1000.0 / 3600.0,
    "mph": 1609.344 / 3600.0,
}
_LENGTH_UNITS = {"mm": 0.001, "cm": 0.01, "m": 1.0, "in": 0.0254, "pt": 0.0254 / 72}
_RE_NUMBER_UNIT = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-z/]*)\s*$", re.IGNORECASE)


def _number_unit(text: str, units: dict[str, float], what: str, example: str) -> float:
    m = _RE_NUMBER_UNIT.match(text)
    if not m or m.group(2).lower() not in units:
        raise ValueError(f"not a {what}: {text!r} (expected e.g. {example})")
    value = float(m.group(1)) * units[m.group(2).lower()]
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{what} must be positive: {text!r}")
    return value


def parse_speed(text: str) -> float:
    """A ground speed with a unit (kt, km/h, mph, m/s; m/s if none) in m/s; ValueError if not.

    >>> parse_speed("100")
    100.0
    """
    return _number_unit(text, _SPEED_UNITS, "speed", "450kt, 830km/h, 230m/s")


def parse_length(text: str) -> float:
    """A length on paper (mm, cm, m, in, pt; mm if none) in metres; ValueError if not.

    >>> parse_length("0.3")
    0.0003
    """
    units = {**_LENGTH_UNITS, "": 0.001}
    return _number_unit(text, units, "line width", "0.5mm")


def parse_scale(text: str) -> float:
    """A map scale ``1:500000`` (or ``500000``) as its denominator; ValueError if not.

    >>> parse_scale("1:250 000")
    250000.0
    """
    m = re.match(r"^\s*(?:1\s*:\s*)?([\d\s]+(?:\.\d*)?)\s*$", text)
    if not m:
        raise ValueError(f"not a map scale: {text!r} (expected e.g. 1:500000)")
    value = float(m.group(1).replace(" ", ""))
    if not value >= 1:
        raise ValueError(f"map scale must be at least 1:1: {text!r}")
    return value


def parse_time(text: str) -> float:
    """ISO 8601 date and time (no zone = UTC) as epoch seconds; ValueError if not.

    >>> parse_time("2024-06-01T12:00:00Z")
    1717243200.0
    """
    try:
        return iso_seconds(text)
    except ValueError:
        raise ValueError(f"not an ISO 8601 date and time: {text!r}") from None


@dataclass(frozen=True)
class TimingOptions:
    """What the user said about untimed tracks (every field optional)."""

    speed_mps: float | None = None
    start: float | None = None
    end: float | None = None
    map_scale: float | None = None
    line_width_m: float | None = None

    @property
    def timing_given(self) -> bool:
        return self.speed_mps is not None or self.start is not None or self.end is not None

    def digitising(self) -> dict[str, Any] | None:
        """The digitising parameters for the report, or None when neither was given.

        >>> TimingOptions(map_scale=500000.0).digitising()
        {'map_scale': 500000.0, 'line_width_m': None}
        """
        if self.map_scale is None and self.line_width_m is None:
            return None
        return {"map_scale": self.map_scale, "line_width_m": self.line_width_m}


DIGITISING_BASIS = (
    "map accuracy 0.237 mm (US NMAS, CE90 0.508 mm) and line width / sqrt(12), times the scale"
)


def timed_tracks(
    tracks: Sequence[Track], options: TimingOptions | None, path: object = None
) -> list[Track]:
    """Apply ``options`` to the untimed tracks (``meta["timing"] == "distance"``): digitising
    parameters go in ``meta["digitising"]``, then
    :func:`~overflight.formats.tracks.timing.apply_timing` (ParseError for a timed track given
    a speed or times, or partial times needing a speed; it names ``path`` when given).

    >>> from overflight.model import Track
    >>> t = Track.from_arrays("a", time=[0, 1], lat=[0, 0], lon=[0, 1])
    >>> timed_tracks([t], TimingOptions(speed_mps=10.0))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    overflight.errors.ParseError: <input>: track 'a' has measured times: --speed/...
    """
    opts = options or TimingOptions()
    digitising = opts.digitising()
    out = []
    for t in tracks:
        if t.meta.get("timing") == "distance" and digitising is not None:
            sigma = digitising_sigma_m(opts.map_scale, opts.line_width_m)
            info = {**digitising, "sigma_h_m": sigma, "basis": DIGITISING_BASIS}
            t = replace(t, meta=MappingProxyType({**t.meta, "digitising": info}))
            if sigma is not None and not np.isfinite(t.accuracy_h).any():
                t = t.replaced(accuracy_h=np.full(len(t), sigma))
        try:
            t = apply_timing(t, speed_mps=opts.speed_mps, start=opts.start, end=opts.end)
        except ParseError as exc:
            if path is None:
                raise
            raise ParseError(path, exc.line, exc.reason) from None
        out.append(t)
    return out


def timing_options(
    speed: str | None,
    start: str | None,
    end: str | None,
    map_scale: str | None,
    line_width: str | None,
) -> TimingOptions:
    """Parse the untimed-track options as given on the command line (``typer.BadParameter``
    naming the option when one is bad).

    >>> timing_options("10", None, None, "1:500000", "0.5mm").line_width_m
    0.0005
    """
    parsed: dict[str, float | None] = {}
    parsers: tuple[tuple[str, str, str | None, Callable[[str], float]], ...] = (
        ("--speed", "speed_mps", speed, parse_speed),
        ("--start", "start", start, parse_time),
        ("--end", "end", end, parse_time),
        ("--map-scale", "map_scale", map_scale, parse_scale),
        ("--line-width", "line_width_m", line_width, parse_length),
    )
    for hint, key, text, parse in parsers:
        try:
            parsed[key] = parse(text) if text is not None else None
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint=hint) from None
    if speed is not None and start is not None and end is not None:
        raise typer.BadParameter("give --speed, or --start and --end, not all three")
    return TimingOptions(**parsed)
