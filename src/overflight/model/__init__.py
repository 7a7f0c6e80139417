"""Domain objects: frozen dataclasses and numpy arrays; no I/O."""

from .airspace import Airspace, ArcByAngles, ArcByPoints, Circle, Polygon, Ring, Vertex
from .limits import FT, Reference, VerticalLimit
from .result import CheckResult, ClosestApproach, Incursion, LatLon
from .track import Track

__all__ = [
    "FT",
    "Airspace",
    "ArcByAngles",
    "ArcByPoints",
    "CheckResult",
    "Circle",
    "ClosestApproach",
    "Incursion",
    "LatLon",
    "Polygon",
    "Reference",
    "Ring",
    "Track",
    "Vertex",
    "VerticalLimit",
]
