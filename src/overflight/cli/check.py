"""``overflight check TRACK... AIRSPACE...``: read inputs, run the check, print, write JSON.

Positional files are told apart by content (:func:`overflight.formats.kind_of`). Bad input gets
one line on stderr (``error: path:line: reason``), the other inputs are still read and checked
and the report still written; exit code 2. Records skipped inside an airspace file are warnings
(``warning: path:line: reason``) and leave the exit code at 0.

>>> parse_distance("50km"), parse_distance("5 NM"), parse_distance("1200")
(50000.0, 9260.0, 1200.0)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, get_args

import typer
from rich.console import Console

from ..analysis.params import CheckOutcome, CheckParameters
from ..errors import OverflightError
from ..reports.json import build_report, write_report
from ..reports.table import render_outcome
from ._support import (
    PROGRESS_MIN_DRAWS,
    _command,
    _echo_versions,
    _progress,
    _stdout_console,
    format_version,
    parse_distance,
)
from .html_output import HtmlOpt, write_html_output
from .inputs import LoadedInputs, load_inputs
from .national_option import NationalOpt, add_national
from .outputs import KmlOpt, PngOpt, matplotlib_missing, write_kml_output, write_png_outputs
from .plausibility import crossing_warnings
from .timing_options import TimingOptions, timing_options
from .uncertainty import (
    Assessment,
    BiasOpt,
    OptionError,
    SamplesOpt,
    SeedOpt,
    SigmaHOpt,
    SigmaTOpt,
    SigmaVOpt,
    TauOpt,
    UncertaintyFlag,
    UncertaintyOptions,
    assess,
    uncertainty_options,
)

if TYPE_CHECKING:
    from ..formats.airspace.ogr import FieldMap

__all__ = [
    "CheckRequest",
    "CheckRun",
    "Edges",
    "LoadedInputs",
    "check_command",
    "check_report",
    "format_version",
    "load_inputs",
    "parse_distance",
    "prepare_check",
    "run_check",
]


class Edges(StrEnum):
    geodesic = "geodesic"
    planar = "planar"


def _forcing_supported() -> bool:
    """Whether the format readers take ``fmt=`` (to force a format)."""
    from .. import formats

    return all(
        "fmt" in inspect.signature(fn).parameters
        for fn in (formats.kind_of, formats.sniff, formats.read_tracks, formats.read_airspaces)
    )


def _known_formats() -> tuple[str, ...]:
    from .. import formats

    return tuple(str(x) for x in get_args(formats.Format))


def check_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Track files (OpenSky CSV/Parquet...) and airspace files (OpenAir, GeoJSON...), "
            "in any order: they are told apart by content.",
            show_default=False,
        ),
    ],
    json_path: Annotated[
        Path | None,
        typer.Option("--json", help="Write the overflight.check/1 JSON report to this file."),
    ] = None,
    edges: Annotated[
        Edges,
        typer.Option(
            "--edges",
            help="Boundary edges between vertices: geodesic (aeronautical publications) or "
            "planar (straight in lon/lat, GeoJSON RFC 7946).",
        ),
    ] = Edges.geodesic,
    search_distance: Annotated[
        str,
        typer.Option(
            "--search-distance",
            help="Pairs farther apart than this are counted, not listed (m, km, NM).",
        ),
    ] = "50km",
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="Force the format of every file given instead of telling it by content "
            "(see `overflight formats`).",
            show_default=False,
        ),
    ] = None,
    airspace_fields: Annotated[
        list[str] | None,
        typer.Option(
            "--airspace-field",
            help="ROLE=FIELD: the attribute field of GIS airspace files (GeoPackage, "
            "Shapefile, FlatGeobuf, GeoJSON) holding name, class, floor, ceiling, floor_unit, "
            "floor_ref, ceiling_unit, ceiling_ref or id. Repeatable; unmapped roles are guessed.",
            show_default=False,
        ),
    ] = None,
    speed: Annotated[
        str | None,
        typer.Option(
            "--speed",
            help="Untimed tracks (points read off a map): constant ground speed, e.g. 450kt, "
            "830km/h, 230m/s; times then follow the distance along the track.",
            show_default=False,
        ),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            help="Untimed tracks: UTC time at the first point (ISO 8601); with --end, constant "
            "speed between; with --speed, the clock start.",
            show_default=False,
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--end",
            help="Untimed tracks: UTC time at the last point (ISO 8601).",
            show_default=False,
        ),
    ] = None,
    map_scale: Annotated[
        str | None,
        typer.Option(
            "--map-scale",
            help="Untimed tracks: scale of the map the points were read from (1:500000); "
            "recorded for the uncertainty of the result.",
            show_default=False,
        ),
    ] = None,
    line_width: Annotated[
        str | None,
        typer.Option(
            "--line-width",
            help="Untimed tracks: width of the drawn line on the map (0.5mm); recorded.",
            show_default=False,
        ),
    ] = None,
    uncertainty: UncertaintyFlag = False,
    samples: SamplesOpt = None,
    seed: SeedOpt = None,
    sigma_h: SigmaHOpt = None,
    sigma_v: SigmaVOpt = None,
    bias_fraction: BiasOpt = None,
    tau: TauOpt = None,
    sigma_t: SigmaTOpt = None,
    png: PngOpt = None,
    kml: KmlOpt = None,
    html: HtmlOpt = None,
    national: NationalOpt = None,
) -> None:
    """Check TRACK files against AIRSPACE files; exit 0 when the check ran, 2 on bad input."""
    request = prepare_check(
        files, json_path, edges, search_distance, fmt, airspace_fields,
        speed, start, end, map_scale, line_width,
        uncertainty, samples, seed, sigma_h, sigma_v, bias_fraction, tau, sigma_t,
        png, kml, html, national, warn=lambda line: typer.echo(line, err=True),
    )  # fmt: skip
    loaded = load_inputs(files, fmt=request.fmt, fields=request.fields, timing=request.timing)
    add_national(loaded, request.national)
    for line in loaded.messages:
        typer.echo(line, err=True)
    run = run_check(request, loaded, Console(stderr=True))
    for msg in run.missing:
        typer.echo(f"error: {msg}", err=True)
    if not run.missing:
        unc, found = request.unc, run.found
        render_outcome(
            run.outcome,
            _stdout_console(),
            loaded.tracks,
            found.probabilities if unc is not None else None,
            found.sensitivities if unc is not None else None,
        )
        _echo_versions(loaded.inputs)
        for w in [*run.outcome.warnings, *found.warnings]:
            typer.echo(f"warning: {w}", err=True)

    png, kml = request.png, request.kml
    written = _write_outputs(run.outcome, loaded, png, kml, request.unc) if not run.missing else []

    report = check_report(request, run, written if png is not None or kml is not None else None)
    if json_path is not None:
        try:
            write_report(report, json_path)
        except OSError as exc:
            typer.echo(f"error: {json_path}: cannot write report: {exc.strerror or exc}", err=True)
            raise typer.Exit(2) from None
    if request.html is not None:
        reason = write_html_output(request.html, report, run.outcome, loaded.tracks)
        if reason is not None:
            typer.echo(f"error: {reason}", err=True)
            raise typer.Exit(2)

    if loaded.errors:
        raise typer.Exit(2)


@dataclass(frozen=True)
class CheckRequest:
    """The parsed options of one ``overflight check`` (see :func:`prepare_check`)."""

    files: list[Path]
    params: CheckParameters
    fmt: str | None
    fields: FieldMap | None
    timing: TimingOptions
    unc: UncertaintyOptions | None
    png: Path | None
    kml: Path | None
    command: list[str]
    html: Path | None = None
    national: tuple[str, ...] = ()


@dataclass
class CheckRun:
    """What :func:`run_check` gave: inputs read, the outcome, P(entry)/sensitivity, and why no
    check ran (``missing``: no track or no airspace could be read)."""

    loaded: LoadedInputs
    outcome: CheckOutcome
    found: Assessment
    missing: list[str]


def prepare_check(
    files: Sequence[Path | str],
    json_path: Path | str | None = None,
    edges: Edges | str = Edges.geodesic,
    search_distance: str = "50km",
    fmt: str | None = None,
    airspace_fields: Sequence[str] | None = None,
    speed: str | None = None,
    start: str | None = None,
    end: str | None = None,
    map_scale: str | None = None,
    line_width: str | None = None,
    uncertainty: bool = False,
    samples: str | None = None,
    seed: str | None = None,
    sigma_h: str | None = None,
    sigma_v: str | None = None,
    bias_fraction: str | None = None,
    tau: str | None = None,
    sigma_t: str | None = None,
    png: Path | str | None = None,
    kml: Path | str | None = None,
    html: Path | str | None = None,
    national: Sequence[str] | None = None,
    warn: Callable[[str], None] | None = None,
) -> CheckRequest:
    """Parse the options of ``overflight check`` as given (strings) into a request; a bad one
    raises ``typer.BadParameter``, or prints one line and raises ``typer.Exit(2)``.
    ``warn`` gets the warnings (options given that do not apply).

    >>> r = prepare_check(["a.csv", "b.txt"], search_distance="10km")
    >>> r.params.search_m, r.command[-2:]
    (10000.0, ['--search-distance', '10km'])
    """
    from ..formats.airspace.ogr import FieldMap

    files = [Path(f) for f in files]
    edges = Edges(edges)
    png, kml, html = (Path(x) if x is not None else None for x in (png, kml, html))
    try:
        search_m = parse_distance(search_distance)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--search-distance") from None
    params = CheckParameters(edges=edges.value, search_m=search_m)
    timing = timing_options(speed, start, end, map_scale, line_width)
    if fmt is not None:
        if not _forcing_supported():
            raise typer.BadParameter(
                "forcing a format is not supported by this build's readers; "
                "leave it out to tell formats by content",
                param_hint="--format",
            )
        known = _known_formats()
        if known and fmt not in known:
            raise typer.BadParameter(
                f"unknown format {fmt!r} (one of: {', '.join(known)})", param_hint="--format"
            )
    fields = None
    if airspace_fields:
        try:
            fields = FieldMap.parse(airspace_fields)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--airspace-field") from None

    model_words = {
        "--samples": samples,
        "--seed": seed,
        "--sigma-h": sigma_h,
        "--sigma-v": sigma_v,
        "--bias-fraction": bias_fraction,
        "--tau": tau,
        "--sigma-t": sigma_t,
    }
    unc = _uncertainty(uncertainty, model_words, warn)
    if kml is not None and kml.suffix.lower() not in (".kml", ".kmz"):
        _usage_error("--kml", f"{kml}: the file name must end in .kml or .kmz")
    extra: list[str] = []
    if unc is not None:
        extra = ["--uncertainty", "--samples", str(unc.samples), "--seed", str(unc.seed)]
        extra += [w for k, v in model_words.items() if v is not None and k not in
                  ("--samples", "--seed") for w in (k, v)]  # fmt: skip
    extra += [w for k, v in (("--png", png), ("--kml", kml), ("--html", html))
              if v is not None for w in (k, str(v))]  # fmt: skip
    timing_words = {"--speed": speed, "--start": start, "--end": end,
                    "--map-scale": map_scale, "--line-width": line_width}  # fmt: skip
    out = None if json_path is None else Path(json_path)
    fields_given = airspace_fields or ()
    command = _command(
        files, out, edges.value, search_distance, fmt, fields_given, timing_words, extra
    )
    nat = tuple(national or ())
    at = len(command) - 2 if len(command) >= 2 and command[-2] == "--json" else len(command)
    command[at:at] = [w for code in nat for w in ("--national", code)]
    return CheckRequest(files, params, fmt, fields, timing, unc, png, kml, command, html, nat)


def run_check(
    request: CheckRequest, loaded: LoadedInputs | None = None, console: Console | None = None
) -> CheckRun:
    """Read the inputs (unless ``loaded`` is given), check and assess; prints nothing (but
    progress bars on ``console``, when given and a terminal) and writes no file.

    >>> run = run_check(prepare_check(["/nonexistent/a.csv"]))
    >>> run.missing, run.loaded.errors[0]["reason"]
    (['no track could be read', 'no airspace could be read'], 'no such file')
    """
    from ..analysis.check import check

    if loaded is None:
        loaded = load_inputs(
            request.files, fmt=request.fmt, fields=request.fields, timing=request.timing
        )
        add_national(loaded, request.national)
    missing = []
    if not loaded.tracks:
        missing.append("no track could be read")
    if not loaded.airspaces:
        missing.append("no airspace could be read")
    for msg in missing:
        loaded.errors.append({"path": "<inputs>", "line": None, "reason": msg})
    found = Assessment()
    if missing:
        return CheckRun(loaded, CheckOutcome(results=[], parameters=request.params), found, missing)
    unc = request.unc
    total = len(loaded.tracks) * len(loaded.airspaces)
    with _progress(total, console) as progress:
        outcome = check(loaded.tracks, loaded.airspaces, request.params, progress=progress)
    outcome.warnings.extend(crossing_warnings(outcome, loaded.tracks))
    if unc is not None:
        n, many = len(outcome.results), PROGRESS_MIN_DRAWS // max(1, unc.samples)
        with _progress(n, console, "sampling", max(2, many)) as progress:
            found = assess(outcome, loaded.tracks, unc, request.params, progress)
    loaded.warnings.extend(found.warnings)
    return CheckRun(loaded, outcome, found, missing)


def check_report(
    request: CheckRequest, run: CheckRun, outputs: Sequence[Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    """The ``overflight.check/1`` report of a run as a dict (nothing written).

    >>> req = prepare_check(["/nonexistent/a.csv"])
    >>> check_report(req, run_check(req))["summary"]["pairs"]
    0
    """
    unc, found, ok = request.unc, run.found, not run.missing
    return build_report(
        run.outcome,
        run.loaded.inputs,
        tracks=run.loaded.tracks,
        warnings=run.loaded.warnings,
        errors=run.loaded.errors,
        command=request.command,
        digitising=request.timing.digitising(),
        uncertainty=unc.to_dict() if unc is not None else None,
        probabilities=found.probabilities if unc is not None and ok else None,
        sensitivities=found.sensitivities if unc is not None and ok else None,
        outputs=outputs,
    )


def _usage_error(option: str, reason: str) -> None:
    """One line on stderr naming the option, exit 2."""
    typer.echo(f"error: {option}: {reason}", err=True)
    raise typer.Exit(2)


def _uncertainty(
    enabled: bool, given: Mapping[str, str | None], warn: Callable[[str], None] | None = None
) -> UncertaintyOptions | None:
    """The parsed --uncertainty options, or None without --uncertainty (a warning if some
    were given anyway). Bad values: one line naming the option, exit 2."""
    try:
        unc = uncertainty_options(*given.values())
    except OptionError as exc:
        _usage_error(exc.option, exc.reason)
        raise  # unreachable: _usage_error exits
    if enabled:
        return unc
    named = [k for k, v in given.items() if v is not None]
    if named and warn is not None:
        warn(f"warning: {', '.join(named)} apply only with --uncertainty; ignored")
    return None


def _write_outputs(
    outcome: CheckOutcome,
    loaded: LoadedInputs,
    png: Path | None,
    kml: Path | None,
    unc: UncertaintyOptions | None,
) -> list[dict[str, Any]]:
    """Write --png and --kml; a failure is one error line (and an entry in the report's
    errors), the other output is still written."""
    written: list[dict[str, Any]] = []
    if png is not None:
        reason = matplotlib_missing()
        if reason is None:
            try:
                written += write_png_outputs(outcome, loaded.tracks, png)
            except OSError as exc:
                reason = f"{png}: cannot write figures: {exc.strerror or exc}"
        if reason is not None:
            typer.echo(f"error: {reason}", err=True)
            loaded.errors.append({"path": str(png), "line": None, "reason": reason})
    if kml is not None:
        airspaces = list({id(r.airspace): r.airspace for r in outcome.results}.values())
        provenance = {
            "inputs": [i.to_dict() for i in loaded.inputs],
            "parameters": {
                "edges": outcome.parameters.edges,
                "search_m": outcome.parameters.search_m,
                **({"uncertainty": unc.to_dict()} if unc is not None else {}),
            },
        }
        try:
            written.append(write_kml_output(outcome, loaded.tracks, airspaces, kml, provenance))
        except (OSError, OverflightError) as exc:
            reason = f"{kml}: cannot write KML: {getattr(exc, 'strerror', None) or exc}"
            typer.echo(f"error: {reason}", err=True)
            loaded.errors.append({"path": str(kml), "line": None, "reason": reason})
    return written
