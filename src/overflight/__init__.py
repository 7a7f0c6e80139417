"""overflight: did this aircraft enter that airspace, when, where, how deep, how sure?

>>> import overflight
>>> callable(overflight.check), callable(overflight.read_airspaces)
(True, True)
"""

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
    "CheckOutcome",
    "CheckParameters",
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
    "check",
    "check_pair",
    "read_airspaces",
    "read_tracks",
    "sniff",
]


def __getattr__(name: str) -> object:
    """Heavier entry points, imported on first use so ``import overflight`` stays cheap."""
    if name in ("read_tracks", "read_airspaces", "sniff"):
        from . import formats

        return getattr(formats, name)
    if name in ("check", "check_pair"):
        from .analysis import check as _check

        return getattr(_check, name)
    if name in ("CheckParameters", "CheckOutcome"):
        from .analysis import params

        return getattr(params, name)
    raise AttributeError(f"module 'overflight' has no attribute {name!r}")
