"""OpenAir ``AL``/``AH`` altitude values, including remarks and compound limits.

>>> parse_limit("FL95").value
95.0
"""

from __future__ import annotations

import re
from dataclasses import replace

from ...model import VerticalLimit

__all__ = ["parse_limit"]

_UNL = frozenset({"UNL", "UNLTD", "UNLIM", "UNLIMITED"})
_REMARK = re.compile(r"\([^)]*\)")
_WHICHEVER = re.compile(r"[,\s]*\bWHICHEVER\s+IS\s+(HIGHER|LOWER)\b\.?")
_JOIN = re.compile(
    r"\s*(/|\bOR\b|\bBUT\s+(?:AT\s+LEAST|NOT\s+(?:BELOW|LOWER\s+THAN|LESS\s+THAN)))\s*"
    r"|\s*\b(BUT\s+NOT\s+(?:ABOVE|HIGHER\s+THAN|MORE\s+THAN))\s*"
)
_REF_BEFORE_UNIT = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(AMSL|MSL|ASL|AGL|GND|SFC)\s*(FT|F|FEET|M)$")


def parse_limit(text: str) -> VerticalLimit:
    """Read an OpenAir ``AL``/``AH`` value; the original text is kept in ``.text``.

    Beyond :meth:`VerticalLimit.parse` this reads remarks in brackets (``UNLIM (Mon-Fri)``),
    ``UNL FT``, ``2900AMSL FT`` and compound limits: ``FL130 but at least 1000 ft AGL`` (rule
    ``"higher"``), ``... but not above ...`` (``"lower"``), ``A or B`` / ``A / B`` (``"higher"``
    unless a trailing "whichever is lower" says otherwise). Raises ValueError with the reason.

    >>> parse_limit("FL100 or 1000ft AGL").rule
    'higher'
    >>> str(parse_limit("2900AMSL FT")), parse_limit("2900AMSL FT").value
    ('2900AMSL FT', 2900.0)
    """
    raw = text.strip()
    s = " ".join(_REMARK.sub(" ", raw).upper().split())
    rule: str | None = None
    m = _WHICHEVER.search(s)
    if m:
        rule, s = m.group(1).lower(), (s[: m.start()] + s[m.end() :]).strip()
    pieces = _JOIN.split(s, maxsplit=1)
    if len(pieces) == 1:
        return replace(_single(s, raw), text=raw)
    head, join_a, join_b, tail = pieces
    joiner = join_a or join_b
    if "NOT ABOVE" in joiner or "HIGHER THAN" in joiner or "MORE THAN" in joiner:
        rule = "lower"
    elif joiner.startswith("BUT"):
        rule = "higher"
    first, other = _single(head, raw), _single(tail, raw)
    return VerticalLimit(
        first.value,
        first.unit,
        first.reference,
        raw,
        other=replace(other, text=tail),
        rule="lower" if rule == "lower" else "higher",
    )


def _single(s: str, raw: str) -> VerticalLimit:
    words = s.split()
    if words and words[0] in _UNL and set(words[1:]) <= {"FT", "F", "FEET", "M"}:
        return VerticalLimit.unlimited(raw)
    m = _REF_BEFORE_UNIT.match(s)
    if m:
        s = f"{m.group(1)} {m.group(3)} {m.group(2)}"
    if "NOTAM" in words:
        raise ValueError(f"altitude {raw!r} is set by NOTAM, not given in the file")
    try:
        return VerticalLimit.parse(s)
    except ValueError:
        raise ValueError(f"unknown altitude {raw!r}") from None
