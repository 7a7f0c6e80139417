"""``overflight verify REPORT.json``: re-run the bundled example's check from its report."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from overflight.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ("tallinn_flights.csv", "tallinn_airspace.txt")
# README.md's worked example: 511f01 (ESEXA) enters TALLINN CTR at 09:07:04.452Z
ENTRY = "2024-06-15T09:07:04.452Z"

runner = CliRunner()


@pytest.fixture
def report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example checked in tmp_path (inputs copied there, relative paths recorded)."""
    for name in EXAMPLES:
        shutil.copyfile(ROOT / "examples" / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["check", *EXAMPLES, "--json", "report.json"])
    assert res.exit_code == 0, res.output
    return tmp_path / "report.json"


def _verify(path: Path | str) -> tuple[int, list[str], str]:
    res = runner.invoke(app, ["verify", str(path)])
    assert "Traceback" not in res.output
    return res.exit_code, res.stdout.splitlines(), res.stderr


def test_untouched_run_is_identical(report: Path) -> None:
    code, lines, err = _verify(report)
    assert (code, lines, err) == (0, ["identical"], "")


def test_inputs_found_beside_the_report_from_another_directory(
    report: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, lines, _ = _verify(report)
    assert (code, lines) == (0, ["identical"])


def test_one_changed_byte_names_the_input(report: Path, tmp_path: Path) -> None:
    target = tmp_path / "tallinn_airspace.txt"
    recorded = hashlib.sha256(target.read_bytes()).hexdigest()
    data = bytearray(target.read_bytes())
    data[-2] ^= 0x01
    target.write_bytes(bytes(data))
    now = hashlib.sha256(bytes(data)).hexdigest()
    code, lines, _ = _verify(report)
    assert code == 1
    assert lines == [f"input tallinn_airspace.txt: sha256 differs (recorded {recorded}, now {now})"]


def test_missing_input_is_named(report: Path, tmp_path: Path) -> None:
    (tmp_path / "tallinn_flights.csv").unlink()
    code, lines, _ = _verify(report)
    assert code == 1
    assert lines == [f"input tallinn_flights.csv: not found (looked in . and {tmp_path})"]


def test_edited_entry_time_is_listed(report: Path) -> None:
    rep = json.loads(report.read_text())
    incursion = rep["results"][0]["incursions"][0]
    assert incursion["entry_time"] == ENTRY  # the README's table
    incursion["entry_time"] = "2024-06-15T09:00:00.000Z"
    rep["created"] = "2000-01-01T00:00:00.000Z"  # ignored
    report.write_text(json.dumps(rep))
    code, lines, _ = _verify(report)
    assert code == 1
    assert lines == [
        f'results[0].incursions[0].entry_time: "2024-06-15T09:00:00.000Z" -> "{ENTRY}"'
    ]


def test_environment_difference_is_a_note(report: Path) -> None:
    rep = json.loads(report.read_text())
    rep["environment"]["numpy"] = "0.0.1"
    report.write_text(json.dumps(rep))
    code, lines, _ = _verify(report)
    assert code == 0
    assert lines[-1] == "identical"
    assert lines[0].startswith('note: environment.numpy: "0.0.1" -> "')


def test_many_differences_are_cut_at_twenty(report: Path) -> None:
    rep = json.loads(report.read_text())
    rep["parameters"]["altitude"] = {f"k{i}": i for i in range(30)}
    report.write_text(json.dumps(rep))
    code, lines, _ = _verify(report)
    assert code == 1
    assert lines[0] == "parameters.altitude.k0: 0 -> (missing)"
    assert len(lines) == 21
    assert lines[-1].startswith("... and ") and lines[-1].endswith(" more differences")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{", "not valid JSON (line 1: "),
        ("[1, 2]", "not an overflight.check/1 report"),
        ('{"schema": "overflight.check/1", "command": null}', "no recorded 'overflight check'"),
    ],
)
def test_bad_report_is_one_line_exit_2(tmp_path: Path, content: str, reason: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    code, lines, err = _verify(bad)
    assert code == 2
    assert lines == []
    assert len(err.splitlines()) == 1
    assert err.startswith(f"error: {bad}: {reason}")


def test_unreadable_report_is_one_line_exit_2(tmp_path: Path) -> None:
    code, _, err = _verify(tmp_path / "absent.json")
    assert code == 2
    assert err == f"error: {tmp_path / 'absent.json'}: cannot read: No such file or directory\n"


def test_side_outputs_are_not_recreated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in EXAMPLES:
        shutil.copyfile(ROOT / "examples" / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["check", *EXAMPLES, "--json", "r.json", "--kml", "ev.kml"])
    assert res.exit_code == 0, res.output
    (tmp_path / "ev.kml").unlink()
    code, lines, _ = _verify(tmp_path / "r.json")
    assert code == 0
    assert lines == ["note: outputs not re-created by verify (--png/--kml): ev.kml", "identical"]
    assert not (tmp_path / "ev.kml").exists()
