"""overflight: did this aircraft enter that airspace, when, where, how deep, how sure?"""

from importlib.metadata import PackageNotFoundError, version

from .errors import GeometryError, OverflightError, ParseError, UnsupportedFormatError
from .model import (
    Airspace,
    ArcByAngles,
    ArcByPoints,
    CheckResult,
    Circle,
    ClosestApproach,
    Incursion,
    Polygon,
    Reference,
    Track,
    Vertex,
    VerticalLimit,
)

try:
    __version__ = version("overflight")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = [
    "Airspace",
    "ArcByAngles",
    "ArcByPoints",
    "CheckResult",
    "Circle",
    "ClosestApproach",
    "GeometryError",
    "Incursion",
    "OverflightError",
    "ParseError",
    "Polygon",
    "Reference",
    "Track",
    "UnsupportedFormatError",
    "Vertex",
    "VerticalLimit",
    "__version__",
]
