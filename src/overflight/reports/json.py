"""The machine-readable report of a check, schema ``overflight.check/1``.

A public contract: field names never change within ``/1`` (fields may be added). The JSON
Schema ships with the package (:func:`load_schema`) and docs/report-schema.md documents every
field. Floats are rounded (positions 1e-7 degree, metres 0.01, seconds 0.001) so that two runs
on the same inputs give identical JSON apart from ``created``.

>>> from overflight.analysis.params import CheckOutcome, CheckParameters
>>> out = CheckOutcome(results=[], parameters=CheckParameters(), pairs=3, beyond_search=3)
>>> rep = build_report(out, [InputRecord("a.csv", "track", "opensky-csv", "00" * 32)])
>>> rep["schema"], rep["summary"]["pairs"], rep["summary"]["beyond_search"]
('overflight.check/1', 3, 3)
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..analysis.params import CheckOutcome
from ..model import Airspace, CheckResult, ClosestApproach, Incursion, Reference, Track
from .along import Along, along_by_id
from .provenance import environment

if TYPE_CHECKING:
    from ..analysis.uncertainty import EntryProbability, Spread

__all__ = [
    "SCHEMA_ID",
    "InputRecord",
    "build_report",
    "dumps",
    "iso_utc",
    "load_schema",
    "write_report",
]

SCHEMA_ID = "overflight.check/1"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

ALTITUDE_NOTES: dict[str, str] = {
    "FL": "flight levels compare with barometric (pressure) altitude, 1013.25 hPa datum",
    "AMSL": "ft/m AMSL limits compare with geometric altitude when the track has it, "
    "else barometric altitude; altitude_source in each result says which. Geometric "
    "altitude is used as reported: ADS-B (DO-260B) reports height above the WGS84 ellipsoid, "
    "which differs from AMSL by the geoid undulation (about +20 to +50 m over Europe); no "
    "geoid correction is applied",
    "AGL": "AGL limits need terrain: without a terrain source the vertical status is "
    "'unknown' with the reason, never assumed",
    "SFC": "a surface floor is met by any altitude",
    "UNL": "an unlimited ceiling is met by any altitude",
}


# -- small formatting helpers -------------------------------------------------------------------
def iso_utc(t: float | None) -> str | None:
    """UTC epoch seconds as ISO-8601 with milliseconds and ``Z`` (None for None/NaN).

    >>> iso_utc(0.0)
    '1970-01-01T00:00:00.000Z'
    >>> iso_utc(1717243199.9996)
    '2024-06-01T12:00:00.000Z'
    """
    if t is None or not math.isfinite(t):
        return None
    ms = round(t * 1000.0)
    dt = _EPOCH + timedelta(milliseconds=ms)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + f".{ms % 1000:03d}Z"


def _num(x: float | None, ndigits: int) -> float | None:
    """Round for stable output; NaN/inf become None, -0.0 becomes 0.0."""
    if x is None:
        return None
    x = float(x)
    if not math.isfinite(x):
        return None
    r = round(x, ndigits)
    return r + 0.0 if r != 0 else 0.0


def _metres(x: float | None) -> float | None:
    return _num(x, 2)


def _seconds(x: float | None) -> float | None:
    return _num(x, 3)


def _point(p: Sequence[float] | None) -> list[float | None] | None:
    if p is None:
        return None
    return [_num(p[0], 7), _num(p[1], 7)]


# -- inputs --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class InputRecord:
    """One input file as recorded in the report.

    ``airspaces``/``skipped`` are set for airspace files, ``tracks`` for track files;
    ``version`` (airspace files) is what
    :func:`overflight.formats.airspace.version.airspace_version` found: hash, AIRAC cycle,
    effective date...

    >>> InputRecord("de.txt", "airspace", "openair", None, 2, 0,
    ...             version={"airac": "2603"}).to_dict()["version"]
    {'airac': '2603'}
    """

    path: str
    kind: Literal["track", "airspace"]
    format: str | None
    sha256: str | None
    airspaces: int | None = None
    skipped: int | None = None
    tracks: int | None = None
    version: Mapping[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "path": self.path,
            "sha256": self.sha256,
            "kind": self.kind,
            "format": self.format,
        }
        if self.kind == "airspace":
            d["airspaces"] = int(self.airspaces or 0)
            d["skipped"] = int(self.skipped or 0)
            if self.version is not None:
                d["version"] = {
                    k: (list(v) if isinstance(v, tuple | list) else v)
                    for k, v in self.version.items()
                }
        else:
            d["tracks"] = int(self.tracks or 0)
        return d


# -- results -------------------------------------------------------------------------------------
def _clock(t: float, along: Along | None) -> str | None:
    """ISO time, or None when the track's times are not clock times."""
    return iso_utc(t) if along is None or along.clock else None


def _along_m(t: float, along: Along | None) -> float | None:
    return _metres(along.distance_at(t)) if along is not None else None


def _incursion(i: Incursion, along: Along | None = None) -> dict[str, Any]:
    timed = along is None or along.timed
    entry_d, exit_d = _along_m(i.entry_time, along), _along_m(i.exit_time, along)
    return {
        "entry_time": _clock(i.entry_time, along),
        "exit_time": _clock(i.exit_time, along),
        "duration_s": _seconds(i.duration_s) if timed else None,
        "entry_point": _point(i.entry_point),
        "exit_point": _point(i.exit_point),
        "max_depth_m": _metres(i.max_depth_m),
        "max_depth_time": _clock(i.max_depth_time, along),
        "max_depth_point": _point(i.max_depth_point),
        "vertical": i.vertical,
        "entry_via": i.entry_via,
        "exit_via": i.exit_via,
        "starts_inside": bool(i.starts_inside),
        "ends_inside": bool(i.ends_inside),
        "vertical_margin_m": _metres(i.vertical_margin_m),
        "vertical_reason": i.vertical_reason,
        "activation": i.activation,
        "entry_distance_m": entry_d,
        "exit_distance_m": exit_d,
        "distance_inside_m": (
            _metres(exit_d - entry_d) if entry_d is not None and exit_d is not None else None
        ),
        "max_depth_distance_m": _along_m(i.max_depth_time, along),
        "entry_elapsed_s": _seconds(along.elapsed(i.entry_time)) if along else None,
        "exit_elapsed_s": _seconds(along.elapsed(i.exit_time)) if along else None,
    }


def _approach(c: ClosestApproach | None, along: Along | None = None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {
        "lateral_m": _metres(c.lateral_m),
        "vertical_m": _metres(c.vertical_m),
        "time": _clock(c.time, along),
        "point": _point(c.point),
        "laterally_inside": bool(c.laterally_inside),
        "distance_m": _along_m(c.time, along),
    }


def _airspace(a: Airspace) -> dict[str, Any]:
    return {
        "name": a.name,
        "class": a.kind,
        "id": a.id,
        "floor": a.floor.to_dict(),
        "ceiling": a.ceiling.to_dict(),
        "source": a.source,
        "line": a.line,
    }


def _result(
    r: CheckResult,
    track_sources: Mapping[str, str | None],
    alongs: Mapping[str, Along | None] | None = None,
) -> dict[str, Any]:
    along = (alongs or {}).get(r.track_id)
    return {
        "track": {
            "id": r.track_id,
            "callsign": r.callsign,
            "source": track_sources.get(r.track_id),
            "timing": along.timing if along is not None else "measured",
        },
        "airspace": _airspace(r.airspace),
        "entered": bool(r.entered),
        "incursions": [_incursion(i, along) for i in r.incursions],
        "lateral_passes": [_incursion(i, along) for i in r.lateral_passes],
        "closest_approach": _approach(r.closest_approach, along),
        "altitude_source": {str(k): str(v) for k, v in sorted(r.altitude_source.items())},
        "warnings": [str(w) for w in r.warnings],
    }


def _spread(s: Spread | None, rnd: Any) -> dict[str, float | None] | None:
    if s is None:
        return None
    return {"median": rnd(s.median), "p05": rnd(s.p05), "p95": rnd(s.p95)}


def _probability(p: EntryProbability | None) -> dict[str, Any] | None:
    """P(entry) of one result (see :mod:`overflight.analysis.uncertainty`), rounded."""
    if p is None:
        return None
    d = p.to_dict()
    d["p_entry"] = _num(p.p_entry, 6)
    d["stderr"] = _num(p.stderr, 6)
    d["p_lateral"] = _num(p.p_lateral, 6)
    d["duration_s"] = _spread(p.duration_s, _seconds)
    d["max_depth_m"] = _spread(p.max_depth_m, _metres)
    return d


def _sensitivity(rows: Sequence[Mapping[str, Any]], along: Along | None) -> list[dict[str, Any]]:
    timed = along is None or along.timed
    return [
        {
            **row,
            "entered": bool(row["entered"]),
            "duration_s": _seconds(row["duration_s"]) if timed else None,
            "max_depth_m": _metres(row["max_depth_m"]),
            "flips_verdict": bool(row["flips_verdict"]),
        }
        for row in rows
    ]


def _track_sources(tracks: Iterable[Track]) -> dict[str, str | None]:
    found: dict[str, list[str]] = {}
    for t in tracks:
        srcs = found.setdefault(t.id, [])
        if t.source and t.source not in srcs:
            srcs.append(t.source)
    return {k: ("; ".join(v) if v else None) for k, v in found.items()}


def build_report(
    outcome: CheckOutcome,
    inputs: Sequence[InputRecord],
    *,
    tracks: Iterable[Track] = (),
    warnings: Sequence[str] = (),
    errors: Sequence[Mapping[str, Any]] = (),
    command: Sequence[str] | None = None,
    created: float | None = None,
    digitising: Mapping[str, Any] | None = None,
    uncertainty: Mapping[str, Any] | None = None,
    probabilities: Sequence[EntryProbability | None] | None = None,
    sensitivities: Sequence[Sequence[Mapping[str, Any]]] | None = None,
    outputs: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """Build the ``overflight.check/1`` report as a JSON-ready dict.

    Parameters
    ----------
    outcome
        What :func:`overflight.analysis.check.check` returned.
    inputs
        Every input file that was read (bad inputs go in ``errors``).
    tracks
        The tracks checked: each track's source file, timing, and distances along it
        (an untimed track's results get distances and null times).
    warnings
        Reader warnings (skipped records...), listed before the check's own warnings.
    errors
        Inputs that could not be read: ``{"path", "line", "reason"}`` each.
    command
        The command line (recorded as given).
    created
        UTC epoch seconds of creation (default: now).
    digitising
        Digitising uncertainty of untimed map tracks (``map_scale``, ``line_width_m``),
        recorded in ``parameters.digitising`` when given.
    uncertainty
        The error model, samples and seed of ``--uncertainty`` (``parameters.uncertainty``).
    probabilities, sensitivities
        Per result (same order as ``outcome.results``): P(entry) (None: not computed) and the
        boundary sensitivity rows; each result gets ``probability`` and ``sensitivity`` when
        given, and neither key otherwise.
    outputs
        Files written beside the report (figures, KML): ``{"kind", "path", "sha256"}`` each.

    >>> from overflight.analysis.params import CheckOutcome, CheckParameters
    >>> rep = build_report(CheckOutcome([], CheckParameters()), [], created=0.0)
    >>> rep["created"], rep["parameters"]["edges"], rep["results"]
    ('1970-01-01T00:00:00.000Z', 'geodesic', [])
    """
    params = outcome.parameters.to_dict()
    params["search_m"] = _metres(params["search_m"])
    params["arc_tolerance_m"] = _num(params["arc_tolerance_m"], 4)
    params["altitude"] = {ref.value: ALTITUDE_NOTES[ref.value] for ref in Reference}
    if digitising is not None:
        params["digitising"] = dict(digitising)
    if uncertainty is not None:
        params["uncertainty"] = dict(uncertainty)
    tracks = list(tracks)
    sources = _track_sources(tracks)
    alongs = along_by_id(tracks)
    results = [_result(r, sources, alongs) for r in outcome.results]
    if probabilities is not None:
        for res, p in zip(results, probabilities, strict=True):
            res["probability"] = _probability(p)
    if sensitivities is not None:
        for res, r, rows in zip(results, outcome.results, sensitivities, strict=True):
            res["sensitivity"] = _sensitivity(rows, alongs.get(r.track_id))
    from .. import __version__

    report: dict[str, Any] = {
        "schema": SCHEMA_ID,
        "version": __version__,
        "created": iso_utc(time.time() if created is None else created),
        "command": list(command) if command is not None else None,
        "environment": environment(),
        "inputs": [i.to_dict() for i in inputs],
        "parameters": params,
        "results": results,
        "summary": {
            "pairs": int(outcome.pairs),
            "listed": len(results),
            "beyond_search": int(outcome.beyond_search),
            "search_m": _metres(outcome.parameters.search_m),
            "entered": sum(1 for r in results if r["entered"]),
        },
        "warnings": [str(w) for w in warnings] + [str(w) for w in outcome.warnings],
        "errors": [
            {"path": str(e["path"]), "line": e.get("line"), "reason": str(e["reason"])}
            for e in errors
        ],
    }
    if outputs is not None:
        report["outputs"] = [dict(o) for o in outputs]
    return report


def dumps(report: Mapping[str, Any]) -> str:
    """The report as JSON text (2-space indent, UTF-8, newline at the end; NaN refused).

    >>> dumps({"a": 1.5})
    '{\\n  "a": 1.5\\n}\\n'
    """
    return json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_report(report: Mapping[str, Any], path: str | PathLike[str]) -> None:
    """Write the report as JSON to ``path`` (UTF-8). Raises OSError if it cannot be written."""
    Path(path).write_text(dumps(report), encoding="utf-8")


def load_schema() -> dict[str, Any]:
    """The JSON Schema of ``overflight.check/1`` shipped with the package.

    >>> load_schema()["properties"]["schema"]["const"]
    'overflight.check/1'
    """
    text = files("overflight.reports").joinpath("schema/check-1.json").read_text("utf-8")
    return json.loads(text)
