"""``overflight synth OUT_DIR``: write a synthetic ADS-B archive (hourly OpenSky Parquet)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["synth_command"]


def synth_command(
    out_dir: Annotated[Path, typer.Argument(help="Folder for the hourly Parquet files.")],
    flights: Annotated[int, typer.Option("--flights", help="Number of flights.")] = 100,
    hours: Annotated[int, typer.Option("--hours", help="Hours of data (one file each).")] = 2,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
) -> None:
    """Flights between real airports: climb, cruise, descent, dropouts, gaps, noise."""
    from ..archive.synth import synthesize

    paths = synthesize(out_dir, flights=flights, hours=hours, seed=seed)
    typer.echo(f"wrote {len(paths)} files to {out_dir}")
