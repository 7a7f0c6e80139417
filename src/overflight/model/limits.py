"""Vertical limits of an airspace: value + unit + reference, and compound limits.

>>> round(VerticalLimit.parse("FL95").metres(), 3)
2895.6
>>> VerticalLimit.parse("2500ft AMSL").metres()
762.0
>>> VerticalLimit.parse("GND").reference
<Reference.SFC: 'SFC'>
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

FT = 0.3048  # metres per foot (exact)

__all__ = ["FT", "Reference", "VerticalLimit"]


class Reference(StrEnum):
    """What an altitude is measured from."""

    SFC = "SFC"  # the surface (GND): floor at the ground
    AGL = "AGL"  # above ground level: needs terrain
    AMSL = "AMSL"  # above mean sea level (geometric altitude)
    FL = "FL"  # flight level: pressure altitude, 1013.25 hPa datum
    UNL = "UNL"  # unlimited


Unit = Literal["ft", "m", "FL"]

_NUM = r"(\d+(?:[.,]\d+)?)"
_RE_FL = re.compile(rf"^FL\s*{_NUM}$")
_RE_VALUE = re.compile(
    rf"^{_NUM}\s*(FT|F|FEET|M|METERS|METRES|MTR)?\s*"
    r"(AMSL|MSL|ASL|AGL|AGND|GND|SFC|STD|ALT)?$"
)


@dataclass(frozen=True)
class VerticalLimit:
    """One airspace floor or ceiling.

    ``value`` is in ``unit`` (feet, metres, or hundreds of feet for flight levels);
    ``reference`` says what it is measured from. A compound limit such as
    "FL130 but at least 1000 ft AGL" is ``other`` combined with ``rule``:
    ``"higher"`` (whichever is higher) or ``"lower"``.
    """

    value: float
    unit: Unit
    reference: Reference
    text: str = ""
    other: VerticalLimit | None = None
    rule: Literal["higher", "lower"] | None = None

    def __post_init__(self) -> None:
        if not math.isfinite(self.value) and self.reference is not Reference.UNL:
            raise ValueError(f"vertical limit value must be finite, got {self.value!r}")
        if (self.other is None) != (self.rule is None):
            raise ValueError("a compound limit needs both 'other' and 'rule'")

    # -- constructors -------------------------------------------------------------------------
    @classmethod
    def surface(cls, text: str = "SFC") -> VerticalLimit:
        return cls(0.0, "ft", Reference.SFC, text)

    @classmethod
    def unlimited(cls, text: str = "UNL") -> VerticalLimit:
        return cls(math.inf, "ft", Reference.UNL, text)

    @classmethod
    def flight_level(cls, level: float, text: str = "") -> VerticalLimit:
        return cls(float(level), "FL", Reference.FL, text or f"FL{level:g}")

    @classmethod
    def parse(cls, text: str) -> VerticalLimit:
        """Parse the usual textual forms: ``FL95``, ``2500ft``, ``2500 ft AMSL``, ``1000ft AGL``,
        ``500m``, ``GND``, ``SFC``, ``UNL``, ``UNLTD``. Raises ValueError with the reason.

        >>> VerticalLimit.parse("1000 ft AGL").reference
        <Reference.AGL: 'AGL'>
        >>> VerticalLimit.parse("500m").unit
        'm'
        """
        raw = text
        s = " ".join(text.strip().upper().replace("\t", " ").split())
        if s in {"GND", "SFC", "SURFACE", "0", "0FT", "0 FT", "0 AGL", "0FT AGL", "0 FT AGL"}:
            return cls.surface(raw.strip())
        if s in {"UNL", "UNLTD", "UNLIM", "UNLIMITED", "NOLIMIT", "INF"}:
            return cls.unlimited(raw.strip())
        m = _RE_FL.match(s)
        if m:
            return cls(float(m.group(1).replace(",", ".")), "FL", Reference.FL, raw.strip())
        m = _RE_VALUE.match(s)
        if m:
            value = float(m.group(1).replace(",", "."))
            unit_txt = (m.group(2) or "FT").upper()
            unit: Unit = "m" if unit_txt in {"M", "METERS", "METRES", "MTR"} else "ft"
            ref_txt = m.group(3) or "AMSL"
            if ref_txt in {"AGL", "AGND", "GND", "SFC"}:
                ref = Reference.AGL
            elif ref_txt == "STD":
                # "5500ft STD": a pressure altitude, i.e. a flight level
                level = value / 100.0 if unit == "ft" else value / FT / 100.0
                return cls(level, "FL", Reference.FL, raw.strip())
            else:
                ref = Reference.AMSL
            return cls(value, unit, ref, raw.strip())
        raise ValueError(f"unknown altitude {raw.strip()!r}")

    # -- values -------------------------------------------------------------------------------
    def metres(self) -> float:
        """The value in metres above the reference (FL: pressure altitude in metres)."""
        if self.reference is Reference.UNL:
            return math.inf
        if self.reference is Reference.SFC:
            return 0.0
        if self.unit == "FL":
            return self.value * 100.0 * FT
        if self.unit == "ft":
            return self.value * FT
        return float(self.value)

    @property
    def is_compound(self) -> bool:
        return self.other is not None

    def parts(self) -> tuple[VerticalLimit, ...]:
        """This limit and every limit compounded with it (flattened), cached."""
        cached = self.__dict__.get("_parts")
        if cached is None:
            head = VerticalLimit(self.value, self.unit, self.reference, self.text)
            cached = (head, *(self.other.parts() if self.other else ()))
            object.__setattr__(self, "_parts", cached)
        return cached  # type: ignore[no-any-return]

    def to_dict(self) -> dict[str, Any]:
        """JSON form used in reports.

        >>> VerticalLimit.parse("FL95").to_dict()
        {'value': 95.0, 'unit': 'FL', 'reference': 'FL', 'text': 'FL95', 'metres': 2895.6}
        """
        d: dict[str, Any] = {
            "value": None if math.isinf(self.value) else self.value,
            "unit": self.unit,
            "reference": self.reference.value,
            "text": self.text,
            "metres": None if math.isinf(self.metres()) else round(self.metres(), 3),
        }
        if self.other is not None:
            d["other"] = self.other.to_dict()
            d["rule"] = self.rule
        return d

    def __str__(self) -> str:
        if self.text:
            return self.text
        cached = self.__dict__.get("_str")
        if cached is None:
            if self.reference in (Reference.SFC, Reference.UNL):
                cached = self.reference.value
            elif self.unit == "FL":
                cached = f"FL{self.value:g}"
            else:
                cached = f"{self.value:g}{self.unit} {self.reference.value}"
            object.__setattr__(self, "_str", cached)
        return cached  # type: ignore[no-any-return]
