"""``overflight airspace national|corridor``: build national airspace from coastline data.

>>> sorted(c.name for c in app.registered_commands)
['corridor', 'national']
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from ..errors import OverflightError
from ._support import parse_distance

__all__ = ["app", "build_from_options", "corridor_command", "national_command"]

app = typer.Typer(
    help="Build airspaces: national airspace from coastline and territorial sea.",
    no_args_is_help=True,
    add_completion=False,
)

WidthOpt = Annotated[
    str, typer.Option("--width", help="Territorial-sea width: 12nm (UNCLOS art. 3), 22224m, 3nm...")
]
CoastOpt = Annotated[
    Path | None,
    typer.Option(
        "--coastline",
        help="Land polygons to use instead of the default GSHHS full-resolution shoreline "
        "(any OGR file in WGS84: OSM land polygons, national survey data...)",
    ),
]
BaselinesOpt = Annotated[
    list[Path] | None,
    typer.Option("--baselines", help="Straight baselines (lines, UNCLOS art. 7); repeatable"),
]
LimitOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--limit",
        help="Limits fixed by agreement: polygons are left out (a corridor), lines cut the "
        "area and the side without the state's land is dropped; repeatable",
    ),
]
CorridorOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--corridor",
        help="Stay back from the median line with a neighbour: FIN:3nm (repeatable)",
    ),
]
OutOpt = Annotated[Path, typer.Option("--out", help="GeoJSON file to write")]


def _err(msg: str) -> None:
    typer.echo(f"error: {msg}", err=True)
    raise typer.Exit(2)


def _distance(text: str, option: str) -> float:
    try:
        return parse_distance(text)
    except (ValueError, typer.BadParameter) as exc:
        raise typer.BadParameter(f"{text!r}: {exc}", param_hint=option) from None


def build_from_options(
    country: str,
    *,
    width: str = "12nm",
    coastline: Path | None = None,
    baselines: list[Path] | None = None,
    limit: list[Path] | None = None,
    corridor: list[str] | None = None,
) -> Any:
    """Build a national airspace from CLI-style options (raises OverflightError)."""
    from ..formats.coastline import ogr
    from ..national.build import Corridor, build_national
    from ..national.land import Frame, land_by_state, resolve_country

    width_m = _distance(width, "--width")
    corridors = []
    for c in corridor or ():
        other, _, dist = c.partition(":")
        if not other or not dist:
            raise typer.BadParameter(
                f"{c!r}: expected STATE:DISTANCE, e.g. FIN:3nm", param_hint="--corridor"
            )
        corridors.append(Corridor(other, _distance(dist, "--corridor")))
    base_lines = [line for p in baselines or () for line in ogr.read_lines(p)]
    areas, lines = [], []
    for p in limit or ():
        for g in ogr.read_geometries(p):
            if g.geom_type in ("Polygon", "MultiPolygon"):
                areas.append(g)
            else:
                lines.append(g)
    land = None
    if coastline is not None:
        from ..formats.coastline import dcw

        iso2 = resolve_country(country)[0]
        if not dcw.available():
            raise dcw._missing()
        frame = Frame.around(dcw.country_bounds(iso2), 2 * width_m + 60_000.0)
        land = land_by_state(frame, rings=ogr.land_loader(coastline))
        land.coast_source = {"name": "user file", "path": str(coastline)}
    return build_national(
        country,
        width_m=width_m,
        land=land,
        baselines=base_lines,
        corridors=corridors,
        limit_areas=areas,
        limit_lines=lines,
    )


@app.command("national", no_args_is_help=True)
def national_command(
    country: Annotated[str, typer.Argument(help="ISO 3166 code or name: EST, EE, Estonia")],
    out: OutOpt,
    width: WidthOpt = "12nm",
    coastline: CoastOpt = None,
    baselines: BaselinesOpt = None,
    limit: LimitOpt = None,
    corridor: CorridorOpt = None,
) -> None:
    """Build COUNTRY's national airspace (land + internal waters + territorial sea, SFC-UNL)."""
    from ..formats.airspace.geojson_writer import write_geojson_airspaces

    console = Console(stderr=True)
    t0 = time.perf_counter()
    try:
        with console.status(f"building the national airspace of {country}..."):
            built = build_from_options(
                country, width=width, coastline=coastline, baselines=baselines,
                limit=limit, corridor=corridor,
            )  # fmt: skip
        write_geojson_airspaces([built.airspace], out)
    except OverflightError as exc:
        _err(str(exc))
    except OSError as exc:
        _err(f"{out}: cannot write: {exc.strerror or exc}")
    _summary(built, out, time.perf_counter() - t0)


@app.command("corridor", no_args_is_help=True)
def corridor_command(
    a: Annotated[str, typer.Argument(help="First state (ISO code)")],
    b: Annotated[str, typer.Argument(help="Second state (ISO code)")],
    out: OutOpt,
    offset: Annotated[
        str, typer.Option("--offset", help="Distance either side of the median line")
    ] = "3nm",
    width: WidthOpt = "12nm",
) -> None:
    """Build the corridor within OFFSET of the median line between A's and B's coasts."""
    from ..formats.airspace.geojson_writer import write_geojson_airspaces
    from ..national.build import build_corridor

    offset_m = _distance(offset, "--offset")
    width_m = _distance(width, "--width")
    console = Console(stderr=True)
    t0 = time.perf_counter()
    try:
        with console.status(f"building the {a}-{b} corridor..."):
            built = build_corridor(a, b, offset_m=offset_m, width_m=width_m)
        write_geojson_airspaces([built.airspace], out)
    except OverflightError as exc:
        _err(str(exc))
    except OSError as exc:
        _err(f"{out}: cannot write: {exc.strerror or exc}")
    _summary(built, out, time.perf_counter() - t0)


def _summary(built: Any, out: Path, seconds: float) -> None:
    import shapely

    from ..geometry.geodesic import GEOD

    area_km2 = (
        sum(abs(GEOD.geometry_area_perimeter(p)[0]) for p in shapely.get_parts(built.geometry))
        / 1e6
    )
    notes = "; ".join(built.parameters.get("notes", []))
    typer.echo(
        f"{built.name}: {len(built.airspace.polygons)} polygon(s), {area_km2:,.0f} km², "
        f"built in {seconds:.1f} s -> {out}" + (f" ({notes})" if notes else "")
    )
