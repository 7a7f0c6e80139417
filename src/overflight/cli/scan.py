"""``overflight scan DATA... --airspace FILE --out incursions.parquet``: scan ADS-B archives.

Bad files get one line on stderr (``error: path: reason``) and the scan goes on; the exit code
is then 2. A progress bar (rows, rows/s, ETA) is drawn on a terminal; at the end a
per-airspace summary and the dropped rows per reason are printed.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from ..errors import OverflightError
from ..formats import read_airspaces
from ..model import Airspace

__all__ = ["Engine", "scan_command"]


class Engine(StrEnum):
    duckdb = "duckdb"
    dask = "dask"


def _airspaces(paths: list[Path], err: Console) -> tuple[list[Airspace], bool]:
    out: list[Airspace] = []
    bad = False
    for p in paths:
        try:
            got, problems = read_airspaces(p)
        except OverflightError as exc:
            typer.echo(f"error: {exc}", err=True)
            bad = True
            continue
        for pr in problems:
            typer.echo(f"warning: {pr}", err=True)
        out += got
    return out, bad


def _interrupted(exc: BaseException) -> bool:
    """Whether ``exc`` is Ctrl-C, or was raised by it (inside a compiled pass, the signal's
    ``KeyboardInterrupt`` comes out as a ``SystemError`` caused by it)."""
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        if isinstance(e, KeyboardInterrupt):
            return True
        seen.add(id(e))
        e = e.__cause__ or e.__context__
    return False


@contextlib.contextmanager
def _interrupt(out: Path, cp: Path | None) -> Iterator[None]:
    """Ctrl-C during the scan: one line on stderr saying what was kept, exit code 130."""
    try:
        yield
    except (KeyboardInterrupt, SystemError) as exc:
        if not _interrupted(exc):
            raise
        kept = (
            f"; {cp} keeps the files finished: the same command goes on from there"
            if cp is not None
            else ""
        )
        typer.echo(f"interrupted: {out} not written{kept}", err=True)
        raise typer.Exit(130) from None


def scan_command(
    data: Annotated[list[str], typer.Argument(help="Parquet/CSV files, globs or folders.")],
    airspace: Annotated[
        list[Path], typer.Option("--airspace", "-a", help="Airspace file (repeatable).")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output Parquet file.")] = Path(
        "incursions.parquet"
    ),
    engine: Annotated[Engine, typer.Option("--engine", help="duckdb or dask.")] = Engine.duckdb,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Dask scheduler, tcp://host:port.")
    ] = None,
    workers: Annotated[int, typer.Option("--workers", help="LocalCluster workers.")] = 2,
    gap: Annotated[float, typer.Option("--gap", help="Gap (s) that breaks a track.")] = 600.0,
    max_speed: Annotated[
        float, typer.Option("--max-speed", help="Jumps faster than this (m/s) break a track.")
    ] = 1200.0,
    frozen: Annotated[
        float, typer.Option("--frozen", help="A position held longer (s) is frozen.")
    ] = 60.0,
    checkpoint: Annotated[
        Path | None,
        typer.Option("--checkpoint", help="Checkpoint folder (default: OUT.checkpoint)."),
    ] = None,
    no_checkpoint: Annotated[
        bool, typer.Option("--no-checkpoint", help="Do not write checkpoints.")
    ] = False,
    no_bbox: Annotated[
        bool, typer.Option("--no-bbox", help="Read every row (no bounding-box filter in SQL).")
    ] = False,
    check_workers: Annotated[
        int,
        typer.Option(
            "--check-workers",
            help="Processes for the exact check (0: in-process; default: one per CPU but one, "
            "at least one, for archives of over 1M rows, else in-process). With fewer than "
            "the CPUs, the main process also checks while they are all behind.",
        ),
    ] = -1,
    evict: Annotated[
        float,
        typer.Option(
            "--evict",
            help="Close the open track piece of an aircraft silent this long (s) at a file "
            "boundary, and forget the aircraft: its next row starts it afresh (bounds "
            "memory; at least the gap + 60 s).",
        ),
    ] = 3_600.0,
) -> None:
    """Find every airspace incursion in ADS-B archives (OpenSky or traffic columns)."""
    from ..archive.clean import ScanParameters
    from ..archive.output import summary
    from ..archive.scan import scan
    from ..geometry.jit import noticing_compiles

    console = Console(highlight=False)
    err = Console(stderr=True, highlight=False)
    zones, bad = _airspaces(airspace, err)
    if not zones:
        typer.echo("error: no airspace to scan against", err=True)
        raise typer.Exit(2)
    params = ScanParameters(gap_s=gap, max_speed_ms=max_speed, frozen_s=frozen, evict_s=evict)
    cp = None if no_checkpoint else (checkpoint or out.with_name(out.name + ".checkpoint"))
    started = time.perf_counter()
    with Progress(
        TextColumn("scanning"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("scan", total=None, rate="")

        def progress(done: int, total: int) -> None:
            rate = done / max(1e-9, time.perf_counter() - started)
            bar.update(task, completed=done, total=total, rate=f"{rate:,.0f} rows/s")

        def compiling() -> None:
            err.print("compiling the scan's passes (once after installing, ~30 s; then cached)")

        with noticing_compiles(compiling), _interrupt(out, cp):
            outcome = scan(
                data,
                zones,
                out,
                engine=engine.value,
                scheduler=scheduler,
                workers=workers,
                params=params,
                checkpoint=cp,
                bbox_filter=not no_bbox,
                progress=progress,
                check_workers=check_workers,
            )
    for e in outcome.errors:
        typer.echo(f"error: {e}", err=True)
    for k, why in sorted(outcome.skipped_airspaces.items()):
        typer.echo(f"warning: airspace {zones[k].name!r} skipped: {why}", err=True)
    secs = time.perf_counter() - started
    table = Table(title=f"{outcome.incursions} incursions -> {out}")
    for col in (
        "airspace",
        "class",
        "incursions",
        "aircraft",
        "inside",
        "unknown",
        "entry during gap",
        "suspect",
    ):
        table.add_column(col, justify="left" if col in ("airspace", "class") else "right")
    for s in summary(out):
        table.add_row(
            s["airspace"],
            s["class"],
            str(s["incursions"]),
            str(s["aircraft"]),
            str(s["inside"]),
            str(s["unknown"]),
            str(s["entry_during_gap"]),
            str(s["suspect"]),
        )
    console.print(table)
    console.print(
        f"{outcome.rows_in:,} rows read of {outcome.rows_total:,} in {outcome.files} files, "
        f"{secs:.1f} s ({outcome.rows_total / max(secs, 1e-9):,.0f} rows/s)"
    )
    if outcome.counts:
        console.print(
            "rows dropped: " + ", ".join(f"{k} {v:,}" for k, v in sorted(outcome.counts.items()))
        )
    if outcome.errors or bad:
        raise typer.Exit(2)
