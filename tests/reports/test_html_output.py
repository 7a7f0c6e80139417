"""``--html FILE`` through the CLI's library function (no CliRunner): the page is written from the
same report as ``--json``, its recorded command carries ``--html``, a failure is one line."""

from __future__ import annotations

import json
import re
from pathlib import Path

from overflight.cli.check import check_report, prepare_check, run_check
from overflight.cli.html_output import with_html_command, with_html_words, write_html_output
from overflight.reports.json import build_report

ROOT = Path(__file__).resolve().parents[2]
FLIGHTS = ROOT / "examples" / "tallinn_flights.csv"
AIRSPACE = ROOT / "examples" / "tallinn_airspace.txt"


def _run_like_the_cli(tmp_path: Path, html: Path) -> tuple[str | None, dict]:
    """What ``overflight check FLIGHTS AIRSPACE --json r.json --html FILE`` does."""
    req = with_html_command(prepare_check([FLIGHTS, AIRSPACE], json_path=tmp_path / "r.json"), html)
    run = run_check(req)
    report = check_report(req, run)
    return write_html_output(html, report, run.outcome, run.loaded.tracks), report


def test_writes_the_page_with_the_command_that_recreates_it(tmp_path: Path) -> None:
    path = tmp_path / "out" / "report.html"
    path.parent.mkdir()
    reason, report = _run_like_the_cli(tmp_path, path)
    assert reason is None
    page = path.read_text("utf-8")
    assert report["command"] == [
        "overflight", "check", str(FLIGHTS), str(AIRSPACE), "--edges", "geodesic",
        "--search-distance", "50km", "--html", str(path), "--json", str(tmp_path / "r.json"),
    ]  # fmt: skip
    blob = re.search(r'id="ovf-data">(.*?)</script>', page, re.S)
    assert blob is not None
    assert json.loads(blob.group(1))["report"]["command"] == report["command"]
    assert f"--html {path} --json" in page
    assert report["summary"]["entered"] == 2  # examples/README.md: ESEXA x CTR, ESEXC x TMA


def test_a_folder_that_cannot_hold_the_file_gives_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    target = blocker / "report.html"
    reason, _ = _run_like_the_cli(tmp_path, target)
    assert reason is not None and "\n" not in reason
    assert reason.startswith(f"{target}: cannot write HTML report: ")
    assert not target.exists()


def test_html_words_go_before_json_or_at_the_end() -> None:
    assert with_html_words(["overflight", "check", "a.csv"], "x.html") == [
        "overflight", "check", "a.csv", "--html", "x.html",
    ]  # fmt: skip
    assert with_html_words(["overflight", "check", "a", "--json", "r.json"], Path("x y.html"))[
        -4:
    ] == ["--html", "x y.html", "--json", "r.json"]


def test_a_report_without_results_still_makes_a_page(tmp_path: Path) -> None:
    from overflight.analysis.params import CheckOutcome, CheckParameters

    out = CheckOutcome([], CheckParameters())
    path = tmp_path / "empty.html"
    report = build_report(
        out, [], errors=[{"path": "<inputs>", "reason": "no track could be read"}]
    )
    assert write_html_output(path, report, out, [], basemap=False) is None
    page = path.read_text("utf-8")
    assert "No track entered an airspace" in page and "no track could be read" in page
