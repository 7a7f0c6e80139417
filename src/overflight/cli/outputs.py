"""``overflight check --png DIR --kml FILE``: write the figures and the KML/KMZ evidence and
record each written file (kind, path, SHA-256) for the report's ``outputs``.

matplotlib is optional (the ``report`` extra): :func:`matplotlib_missing` says so in one line.

>>> safe_name("511f01 x TALLINN CTR/2")
'511f01_x_TALLINN_CTR_2'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from ..analysis.params import CheckOutcome
from ..model import Airspace, Track
from ..reports.provenance import sha256_file

__all__ = [
    "PNG_EXTRA",
    "KmlOpt",
    "PngOpt",
    "matplotlib_missing",
    "output_record",
    "safe_name",
    "timeline_results",
    "write_kml_output",
    "write_png_outputs",
]

PNG_EXTRA = "pip install 'overflight[report]'"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(text: str) -> str:
    """A file-name stem: runs of characters other than letters, digits, ``.``, ``_``, ``-``
    become one ``_``; no leading or trailing ``.``/``_``; ``"unnamed"`` if nothing is left.

    >>> safe_name("../ÄÖ"), safe_name("EDR 4 Mühlhausen")
    ('unnamed', 'EDR_4_M_hlhausen')
    """
    return _UNSAFE.sub("_", text).strip("._") or "unnamed"


def matplotlib_missing() -> str | None:
    """None when matplotlib can be imported, else the one-line reason and how to install it.

    >>> matplotlib_missing() is None or "overflight[report]" in matplotlib_missing()
    True
    """
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return f"--png needs matplotlib, which is not installed: {PNG_EXTRA}"
    return None


def output_record(kind: str, path: Path) -> dict[str, Any]:
    """One written file as recorded in the report.

    >>> import tempfile; p = Path(tempfile.mkdtemp()) / "a.kml"; _ = p.write_bytes(b"")
    >>> output_record("kml", p)["sha256"][:8]
    'e3b0c442'
    """
    return {"kind": kind, "path": str(path), "sha256": sha256_file(path)}


def timeline_results(outcome: CheckOutcome) -> list[tuple[int, str]]:
    """(result index, file name) for each result with incursions or lateral passes; names are
    ``timeline_<track id>_<airspace name>.png``, made unique with ``-2``, ``-3``...

    >>> from overflight.analysis.params import CheckParameters
    >>> timeline_results(CheckOutcome([], CheckParameters()))
    []
    """
    names: set[str] = {"map.png"}
    out = []
    for k, r in enumerate(outcome.results):
        if not (r.incursions or r.lateral_passes):
            continue
        stem = f"timeline_{safe_name(r.track_id)}_{safe_name(r.airspace.name)}"
        name, n = f"{stem}.png", 1
        while name.lower() in names:
            n += 1
            name = f"{stem}-{n}.png"
        names.add(name.lower())
        out.append((k, name))
    return out


def write_png_outputs(
    outcome: CheckOutcome, tracks: Sequence[Track], directory: Path
) -> list[dict[str, Any]]:
    """Write ``map.png`` and one timeline per result with incursions or lateral passes into
    ``directory`` (created if needed). Raises OSError, or ImportError without matplotlib."""
    from ..reports.png import write_map_png, write_timeline_png

    directory.mkdir(parents=True, exist_ok=True)
    by_id: dict[str, Track] = {}
    for t in tracks:
        by_id.setdefault(t.id, t)
    written = []
    path = directory / "map.png"
    write_map_png(outcome, list(tracks), path)
    written.append(output_record("png-map", path))
    for k, name in timeline_results(outcome):
        r = outcome.results[k]
        track = by_id.get(r.track_id)
        if track is None:
            continue
        path = directory / name
        write_timeline_png(r, track, path)
        written.append(output_record("png-timeline", path))
    return written


def write_kml_output(
    outcome: CheckOutcome,
    tracks: Sequence[Track],
    airspaces: Sequence[Airspace],
    path: Path,
    provenance: Mapping[str, Any],
) -> dict[str, Any]:
    """Write the KML (``.kml``) or KMZ (``.kmz``) evidence with ``provenance`` recorded in it.
    Raises OSError, or UnsupportedFormatError for another extension."""
    from ..reports.kml import write_kml

    write_kml(outcome, list(tracks), list(airspaces), path, provenance=provenance)
    return output_record("kmz" if path.suffix.lower() == ".kmz" else "kml", path)


# -- typer option declarations (used by ``check_command``) ----------------------------------------
PngOpt = Annotated[
    Path | None,
    typer.Option(
        "--png",
        help="Write map.png and one timeline per result with incursions or lateral passes "
        f"into this folder (needs matplotlib: {PNG_EXTRA}).",
        metavar="DIR",
        show_default=False,
    ),
]
KmlOpt = Annotated[
    Path | None,
    typer.Option(
        "--kml",
        help="Write the evidence for Google Earth: FILE.kml (plain) or FILE.kmz (zipped).",
        metavar="FILE",
        show_default=False,
    ),
]
