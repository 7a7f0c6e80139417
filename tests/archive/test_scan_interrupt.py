"""Ctrl-C during ``overflight scan``: one line on stderr saying what was kept, exit code 130, no
traceback, no output file and nothing half-written beside it; the same command then goes on
from the checkpoint and writes what an uninterrupted scan writes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

import overflight.archive.scan as archive_scan
from overflight.archive.synth import synthesize
from overflight.cli.scan import scan_command
from overflight.formats.airspace.openair_writer import write_openair
from overflight.model import Airspace, Circle, Polygon, VerticalLimit


def _zones(path: Path) -> Path:
    """Circles of 30 km, surface to unlimited, around airports the generator flies between."""
    places = [(59.41, 24.83), (56.92, 23.97), (60.32, 24.96), (52.17, 20.97), (54.64, 25.28)]
    zones = [
        Airspace(
            f"Z{k}",
            "R",
            (Polygon(Circle(lat, lon, 30_000.0)),),
            VerticalLimit.surface(),
            VerticalLimit.unlimited(),
        )
        for k, (lat, lon) in enumerate(places)
    ]
    write_openair(zones, path)
    return path


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("scan")(scan_command)
    app.command("other")(lambda: None)
    return app


@pytest.mark.parametrize(
    "raised",
    [KeyboardInterrupt(), SystemError("a compiled pass returned with an exception set")],
)
def test_ctrl_c_is_one_line_and_exit_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, raised: BaseException
) -> None:
    def interrupted(*args: object, **kw: object) -> None:
        if isinstance(raised, SystemError):  # as numba raises it: caused by the signal's
            raise raised from KeyboardInterrupt()
        raise raised

    monkeypatch.setattr(archive_scan, "scan", interrupted)
    (tmp_path / "a.parquet").write_bytes(b"")
    out = tmp_path / "inc.parquet"
    args = ["scan", str(tmp_path / "a.parquet"), "--airspace", str(_zones(tmp_path / "z.txt"))]
    res = CliRunner().invoke(_app(), [*args, "--out", str(out)])
    assert res.exit_code == 130
    assert res.output.strip().splitlines() == [
        f"interrupted: {out} not written; {out}.checkpoint keeps the files finished: the same "
        "command goes on from there"
    ]
    res = CliRunner().invoke(_app(), [*args, "--out", str(out), "--no-checkpoint"])
    assert res.exit_code == 130
    assert res.output.strip() == f"interrupted: {out} not written"


def test_another_system_error_is_not_taken_for_ctrl_c(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kw: object) -> None:
        raise SystemError("something else") from ValueError("inner")

    monkeypatch.setattr(archive_scan, "scan", broken)
    (tmp_path / "a.parquet").write_bytes(b"")
    args = ["scan", str(tmp_path / "a.parquet"), "--airspace", str(_zones(tmp_path / "z.txt"))]
    res = CliRunner().invoke(_app(), [*args, "--out", str(tmp_path / "inc.parquet")])
    assert res.exit_code != 130
    assert isinstance(res.exception, SystemError)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_real_ctrl_c_then_the_same_command_goes_on(tmp_path: Path) -> None:
    archive = tmp_path / "arc"
    synthesize(archive, flights=400, hours=8, seed=3)
    zones = _zones(tmp_path / "z.txt")
    ref = tmp_path / "ref.parquet"
    cmd = [sys.executable, "-m", "overflight", "scan", str(archive), "--airspace", str(zones)]
    done = subprocess.run([*cmd, "--out", str(ref), "--no-checkpoint"], capture_output=True)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "inc.parquet"
    cp = Path(f"{out}.checkpoint")
    p = subprocess.Popen([*cmd, "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120.0
    while not list(cp.glob("part-*.parquet")) and time.monotonic() < deadline:
        time.sleep(0.02)  # a first file finished: the others still to scan
    os.kill(p.pid, signal.SIGINT)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 130, err
    assert err.decode().strip().splitlines() == [
        f"interrupted: {out} not written; {cp} keeps the files finished: the same command "
        "goes on from there"
    ]
    assert not out.exists()
    assert not list(tmp_path.glob(".*tmp"))
    # the same command: on from the files finished, the same output as without a stop
    again = subprocess.run([*cmd, "--out", str(out)], capture_output=True)
    assert again.returncode == 0, again.stderr
    assert pq.read_table(out).equals(pq.read_table(ref))
