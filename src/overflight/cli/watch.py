"""``overflight watch``: live feeds in, alerts out (SQLite), HTTP API and live map.

>>> watch_command.__name__
'watch_command'
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["watch_command"]


def watch_command(
    sbs: Annotated[
        list[str] | None,
        typer.Option(
            "--sbs",
            help="SBS-1/BaseStation feed host:port (e.g. 127.0.0.1:30003). Repeatable.",
            show_default=False,
        ),
    ] = None,
    beast: Annotated[
        list[str] | None,
        typer.Option(
            "--beast",
            help="Beast binary (or AVR text) feed host:port, e.g. 127.0.0.1:30005. Repeatable.",
            show_default=False,
        ),
    ] = None,
    aircraft_json: Annotated[
        list[str] | None,
        typer.Option(
            "--aircraft-json",
            help="readsb/dump1090 aircraft.json URL, polled. Repeatable.",
            show_default=False,
        ),
    ] = None,
    poll: Annotated[
        float,
        typer.Option("--poll", help="Seconds between --aircraft-json polls.", min=0.05),
    ] = 1.0,
    replay: Annotated[
        Path | None,
        typer.Option(
            "--replay",
            help="Replay a recorded file (SBS lines or Beast bytes).",
            show_default=False,
        ),
    ] = None,
    replay_speed: Annotated[
        float,
        typer.Option(
            "--replay-speed", help="Replay speed (1 = real time; 0 = as fast as possible)."
        ),
    ] = 1.0,
    airspace: Annotated[
        list[Path] | None,
        typer.Option(
            "--airspace",
            help="Airspace file to watch (OpenAir, GeoJSON...). Repeatable.",
            show_default=False,
        ),
    ] = None,
    db: Annotated[Path, typer.Option("--db", help="Alert database (SQLite, WAL).")] = Path(
        "alerts.sqlite"
    ),
    http: Annotated[
        str, typer.Option("--http", help="Where to serve the API and map (host:port).")
    ] = "127.0.0.1:8080",
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="OVERFLIGHT_WATCH_TOKEN",
            help="Bearer token required by every request; mandatory when --http is "
            "not a loopback address.",
            show_default=False,
        ),
    ] = None,
    lookahead: Annotated[
        float, typer.Option("--lookahead", help="Prediction look-ahead, seconds.")
    ] = 120.0,
    archive: Annotated[
        Path | None,
        typer.Option(
            "--archive",
            help="Folder for a Parquet archive of every fix (OpenSky "
            "columns, readable by `overflight check`).",
            show_default=False,
        ),
    ] = None,
    hook_command: Annotated[
        str | None,
        typer.Option(
            "--hook-command",
            help="Run this command per alert (alert JSON on stdin).",
            show_default=False,
        ),
    ] = None,
    hook_url: Annotated[
        str | None,
        typer.Option("--hook-url", help="POST each alert as JSON to this URL.", show_default=False),
    ] = None,
) -> None:
    """Watch live traffic: predicted, entry, exit and cleared alerts for the airspaces given."""
    from ..errors import OverflightError
    from ..service.serve import WatchConfig, serve

    cfg = WatchConfig(
        airspace=list(airspace or []),
        sbs=list(sbs or []),
        beast=list(beast or []),
        aircraft_json=list(aircraft_json or []),
        poll_s=poll,
        replay=replay,
        replay_speed=replay_speed,
        db=db,
        http=http,
        token=token,
        lookahead=lookahead,
        archive=archive,
        hook_command=hook_command,
        hook_url=hook_url,
    )
    try:
        serve(cfg, warn=lambda m: typer.echo(m, err=True))
    except (OverflightError, ValueError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
