"""Results of a check: incursions, closest approach, per track x airspace."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .airspace import Airspace

__all__ = ["CheckResult", "ClosestApproach", "Incursion", "LatLon", "VerticalStatus"]

LatLon = tuple[float, float]
VerticalStatus = Literal["inside", "above", "below", "unknown"]
Via = Literal["lateral", "floor", "ceiling", "start", "end", "activation"]
Activation = Literal["always", "active", "inactive", "unknown"]


@dataclass(frozen=True)
class Incursion:
    """One interval during which the track was laterally inside the airspace and, for
    ``vertical == "inside"``, between floor and ceiling (``"unknown"``: cannot be decided,
    e.g. an AGL limit with no terrain; the reason is in ``vertical_reason``).

    Times are UTC epoch seconds. ``entry_time`` is the interpolated boundary crossing; if the
    track starts inside, ``starts_inside`` is True and ``entry_time`` is the first fix's time.
    ``entry_via``/``exit_via`` tell a lateral crossing from a floor or ceiling crossing.
    ``activation``: whether the airspace was active then ("always" when it has no activation
    times; "inactive" parts are not infringements; "unknown" when activated by NOTAM with no
    times given). ``vertical_margin_m``: when inside, the deepest vertical penetration
    (metres from the nearer of floor and ceiling, at its best moment); when above or below,
    the least clearance.
    """

    entry_time: float
    exit_time: float
    entry_point: LatLon
    exit_point: LatLon
    max_depth_m: float
    max_depth_time: float
    max_depth_point: LatLon
    vertical: VerticalStatus
    entry_via: Via
    exit_via: Via
    starts_inside: bool = False
    ends_inside: bool = False
    vertical_margin_m: float | None = None
    vertical_reason: str | None = None
    activation: Activation = "always"

    @property
    def duration_s(self) -> float:
        return self.exit_time - self.entry_time


@dataclass(frozen=True)
class ClosestApproach:
    """Smallest lateral distance to the boundary (0 when laterally inside) and, at that time,
    the vertical separation from the floor-ceiling band (0 when within it, None if unknown)."""

    lateral_m: float
    vertical_m: float | None
    time: float
    point: LatLon
    laterally_inside: bool = False


@dataclass(frozen=True)
class CheckResult:
    """One track against one airspace."""

    track_id: str
    callsign: str | None
    airspace: Airspace
    incursions: tuple[Incursion, ...]
    lateral_passes: tuple[Incursion, ...]
    closest_approach: ClosestApproach | None
    altitude_source: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def entered(self) -> bool:
        """Whether the track was inside (laterally and vertically) while the airspace was, or
        may have been, active."""
        return any(i.vertical == "inside" and i.activation != "inactive" for i in self.incursions)
