"""Parameters and outcome of a check run."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from ..model import CheckResult

__all__ = ["CheckOutcome", "CheckParameters"]


@dataclass(frozen=True)
class CheckParameters:
    """Everything that changes a verdict, recorded in every report.

    ``edges``: how straight boundary edges are meant: ``"geodesic"`` (aeronautical publications)
    or ``"planar"`` (straight in longitude/latitude, the GeoJSON RFC 7946 convention).
    ``search_m``: track x airspace pairs whose closest approach is farther than this are counted,
    not listed. ``arc_tolerance_m``: largest distance between an arc or circle and the geodesic
    chords that stand for it.

    >>> CheckParameters().to_dict()["edges"]
    'geodesic'
    """

    edges: Literal["geodesic", "planar"] = "geodesic"
    search_m: float = 50_000.0
    arc_tolerance_m: float = 0.1

    def __post_init__(self) -> None:
        if self.edges not in ("geodesic", "planar"):
            raise ValueError(f"edges must be 'geodesic' or 'planar', got {self.edges!r}")
        if not self.search_m >= 0:
            raise ValueError("search_m must be >= 0")
        if not self.arc_tolerance_m > 0:
            raise ValueError("arc_tolerance_m must be > 0")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class CheckOutcome:
    """All results of one run: one CheckResult per track x airspace pair within the search
    distance; ``beyond_search`` counts the pairs farther apart."""

    results: list[CheckResult]
    parameters: CheckParameters
    beyond_search: int = 0
    pairs: int = 0
    warnings: list[str] = field(default_factory=list)
