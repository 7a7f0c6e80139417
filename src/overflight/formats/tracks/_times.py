"""Text and number timestamps as float epoch seconds UTC, for the track readers.

>>> iso_seconds("2022-07-16T19:41:31Z")
1658000491.0
>>> epoch_number(1543225095000)
1543225095.0
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

__all__ = ["MS_THRESHOLD", "NaiveTime", "epoch_number", "iso_seconds"]

MS_THRESHOLD = 1e11
"""Epoch numbers above this are milliseconds (1e11 s is past the year 5000)."""

_FRACTION = re.compile(r"(\.\d{6})\d+")  # fromisoformat takes at most microseconds


class NaiveTime(ValueError):
    """Raised by :func:`iso_seconds` with ``strict_tz=True`` for a time without a zone."""


def iso_seconds(text: str, *, strict_tz: bool = False) -> float:
    """An ISO 8601 date-time (``Z``, an offset, or none = UTC) as epoch seconds.

    Raises ValueError for anything else (a bare date included), and :class:`NaiveTime`
    for a time without zone when ``strict_tz`` is set.

    >>> iso_seconds("2012-01-14T02:12:55+00:00"), iso_seconds("2012-01-14 02:12:55.5")
    (1326507175.0, 1326507175.5)
    """
    s = text.strip()
    if "T" not in s and " " not in s:
        raise ValueError(f"not a date and time: {text!r}")
    s = _FRACTION.sub(r"\1", s.replace("z", "Z").replace("Z", "+00:00"))
    d = datetime.fromisoformat(s)
    if d.tzinfo is None:
        if strict_tz:
            raise NaiveTime(f"no time zone: {text!r}")
        d = d.replace(tzinfo=UTC)
    return d.timestamp()


def epoch_number(value: float) -> float:
    """A number of epoch seconds, or milliseconds when above :data:`MS_THRESHOLD`.

    >>> epoch_number(1587094850.5)
    1587094850.5
    """
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"not a finite time: {value!r}")
    return v / 1000.0 if abs(v) > MS_THRESHOLD else v
