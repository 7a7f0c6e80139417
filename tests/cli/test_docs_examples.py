"""The README's worked example is the real output, and examples/ is what the script makes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from overflight.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
COMMAND = "overflight check examples/tallinn_flights.csv examples/tallinn_airspace.txt"


def _readme_block() -> tuple[str, list[str]]:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"$ {COMMAND}"))
    end = next(i for i in range(start + 1, len(lines)) if lines[i] == "```")
    return lines[start][2:], lines[start + 1 : end]


def test_readme_worked_example_is_real_output(tmp_path, monkeypatch) -> None:
    command, expected = _readme_block()
    words = command.split()
    assert words[:2] == ["overflight", "check"]
    monkeypatch.chdir(ROOT)
    args = [w if w != "report.json" else str(tmp_path / "report.json") for w in words[2:]]
    res = CliRunner().invoke(app, ["check", *args])
    assert res.exit_code == 0, res.output
    got = [line.rstrip() for line in res.stdout.splitlines()]
    assert got == expected
    assert (tmp_path / "report.json").exists()


def test_readme_gives_exactly_the_two_setup_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert (
        "python3.11 -m venv .venv && .venv/bin/pip install -e '.[test]' && "
        f".venv/bin/{COMMAND} --json report.json"
    ) in text
    assert "\n.venv/bin/pytest\n" in text
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert "\n.venv/bin/pytest\n" in ci  # CI runs the README's test command exactly


def test_make_example_reproduces_examples(tmp_path) -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts/make_example.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    for name in ("tallinn_airspace.txt", "tallinn_flights.csv"):
        assert (tmp_path / name).read_bytes() == (ROOT / "examples" / name).read_bytes(), name
