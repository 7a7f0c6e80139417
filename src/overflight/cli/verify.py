"""``overflight verify REPORT.json``: re-run a check from its report and say whether the new
report is the same.

Inputs are looked up by their recorded paths, relative to the current directory or, when missing
there, to the report's folder, and checked by SHA-256; the recorded command's options are parsed
by ``overflight check``'s own code (:func:`~overflight.cli.check.prepare_check`) and the check
re-run in memory (:func:`~overflight.cli.check.run_check`): no file is written, figures and KML
(``--png``, ``--kml``) are not re-created. ``created`` is ignored; a different ``environment``
(library versions) is a note, not a failure. Exit 0: identical; 1: an input or a result
differs; 2: the report cannot be read.

>>> list(differences({"a": [1, 2]}, {"a": [1, 3]}))
['a[1]: 2 -> 3']
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.exceptions import TyperException

from ..reports.json import SCHEMA_ID
from ..reports.provenance import sha256_file
from .check import check_command, check_report, prepare_check, run_check

__all__ = [
    "MAX_SHOWN",
    "ReportError",
    "Verification",
    "differences",
    "load_report",
    "locate_inputs",
    "verify_command",
    "verify_report",
]

MAX_SHOWN = 20
"""At most this many differences are listed."""
_IGNORED = ("created",)
_NOTED = ("environment", "version")  # software versions: a note when they differ
_MISSING = "(missing)"


class ReportError(ValueError):
    """The report file cannot be read or is not an ``overflight.check/1`` report."""


def load_report(path: str | Path) -> dict[str, Any]:
    """Read a report and check that it can be re-run (a check command, inputs with paths).

    Raises ReportError with the reason.

    >>> load_report("/nonexistent/report.json")
    Traceback (most recent call last):
    ...
    overflight.cli.verify.ReportError: cannot read: No such file or directory
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ReportError("not UTF-8 text") from None
    try:
        report = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportError(f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(report, dict) or report.get("schema") != SCHEMA_ID:
        raise ReportError(f"not an {SCHEMA_ID} report")
    command = report.get("command")
    if (
        not isinstance(command, list)
        or not all(isinstance(w, str) for w in command)
        or command[:2] != ["overflight", "check"]
    ):
        raise ReportError("no recorded 'overflight check' command to re-run")
    inputs = report.get("inputs")
    if not isinstance(inputs, list) or not all(
        isinstance(i, dict) and isinstance(i.get("path"), str) for i in inputs
    ):
        raise ReportError("'inputs' is not a list of files with paths")
    return report


def locate_inputs(
    inputs: Sequence[Mapping[str, Any]], folder: Path
) -> tuple[dict[str, Path], list[str]]:
    """Find each recorded input (current directory first, then ``folder``) and check its hash.

    Returns where each recorded path was found and the problems, one line per input.

    >>> locate_inputs([{"path": "no/such.csv", "sha256": "00"}], Path("/nonexistent"))
    ({}, ['input no/such.csv: not found (looked in . and /nonexistent)'])
    """
    found: dict[str, Path] = {}
    problems: list[str] = []
    for record in inputs:
        recorded = record["path"]
        if record.get("format") == "national":
            continue  # rebuilt by the command's --national; its data hash is compared after
        place = next((p for p in (Path(recorded), folder / recorded) if p.is_file()), None)
        if place is None:
            problems.append(f"input {recorded}: not found (looked in . and {folder})")
            continue
        try:
            digest = sha256_file(place)
        except OSError as exc:
            problems.append(f"input {recorded}: cannot read: {exc.strerror or exc}")
            continue
        want = record.get("sha256")
        if want is not None and digest != want:
            problems.append(f"input {recorded}: sha256 differs (recorded {want}, now {digest})")
            continue
        found[recorded] = place
    return found, problems


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if value is not _MISSING else _MISSING
    return text if len(text) <= 80 else text[:77] + "..."


def differences(old: Any, new: Any, where: str = "") -> Iterator[str]:
    """Lines ``json.path: old -> new`` for every leaf where ``old`` and ``new`` differ.

    >>> list(differences({"r": [{"t": "a"}]}, {"r": [{"t": "b"}], "x": 1}))
    ['r[0].t: "a" -> "b"', 'x: (missing) -> 1']
    """
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            sub = f"{where}.{key}" if where else str(key)
            yield from differences(old.get(key, _MISSING), new.get(key, _MISSING), sub)
    elif isinstance(old, list) and isinstance(new, list):
        for i in range(max(len(old), len(new))):
            a = old[i] if i < len(old) else _MISSING
            b = new[i] if i < len(new) else _MISSING
            yield from differences(a, b, f"{where}[{i}]")
    elif old != new or type(old) is not type(new):
        yield f"{where or '(report)'}: {_show(old)} -> {_show(new)}"


@dataclass
class Verification:
    """What :func:`verify_report` found: input problems (then nothing was re-run), differences
    of the re-run report, and notes (software versions, outputs not re-created)."""

    problems: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return not self.problems and not self.differences


def _parse_command(words: Sequence[str]) -> dict[str, Any]:
    """The recorded ``overflight check`` words parsed by the check command's own options."""
    app = typer.Typer()
    app.command()(check_command)
    command = typer.main.get_command(app)
    ctx = command.make_context("overflight check", list(words[2:]))
    return dict(ctx.params)


def _relabel(value: Any, names: Mapping[str, str]) -> Any:
    """``value`` with the paths actually read replaced by the recorded ones."""
    if isinstance(value, str):
        for actual, recorded in names.items():
            value = value.replace(actual, recorded)
        return value
    if isinstance(value, dict):
        return {k: _relabel(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_relabel(v, names) for v in value]
    return value


def _rerun(old: Mapping[str, Any], located: Mapping[str, Path], folder: Path) -> dict[str, Any]:
    """The report of the recorded command re-run on the located inputs (nothing written)."""
    request = prepare_check(**_parse_command(old["command"]))
    # run where the recorded paths resolve: the report's folder if any input is only there
    base = folder if any(p != Path(r) for r, p in located.items()) else Path.cwd()
    names: dict[str, str] = {}
    files = []
    for f in request.files:
        place = located.get(str(f))
        if place is not None and place.resolve() != (base / f).resolve():
            names[str(place.resolve())] = str(f)
            f = place.resolve()
        files.append(f)
    request = replace(request, files=files)
    with contextlib.chdir(base):
        run = run_check(request)
    outputs = old.get("outputs") if isinstance(old.get("outputs"), list) else None
    return _relabel(check_report(request, run, outputs), names)


def verify_report(old: Mapping[str, Any], folder: Path) -> Verification:
    """Re-run the check a report records and compare (``folder``: where the report lies).

    Raises ``TyperException`` or ``typer.Exit`` when the recorded options are invalid.

    >>> v = verify_report({"inputs": [{"path": "gone.csv", "sha256": "00"}]}, Path("/x"))
    >>> v.identical, v.problems
    (False, ['input gone.csv: not found (looked in . and /x)'])
    """
    out = Verification()
    located, out.problems = locate_inputs(old["inputs"], folder)
    if out.problems:
        return out
    new = _rerun(old, located, folder)
    old = dict(old)
    written = [o for o in old.get("outputs") or [] if isinstance(o, dict)]
    if written:
        paths = ", ".join(str(o.get("path")) for o in written)
        out.notes.append(f"outputs not re-created by verify (--png/--kml): {paths}")
    sides = {str(w) for w in _option_values(old["command"], ("--png", "--kml"))}
    if sides and isinstance(old.get("errors"), list):  # failures writing figures/KML
        old["errors"] = [e for e in old["errors"] if not _is_side(e, sides)]
    for key in _NOTED:
        out.notes += [
            f"{d} (software version)" for d in differences(old.get(key), new.get(key), key)
        ]
    skip = (*_IGNORED, *_NOTED)
    out.differences = list(
        differences(
            {k: v for k, v in old.items() if k not in skip},
            {k: v for k, v in new.items() if k not in skip},
        )
    )
    return out


def _option_values(words: Sequence[str], options: Sequence[str]) -> list[str]:
    return [words[i + 1] for i, w in enumerate(words[:-1]) if w in options]


def _is_side(error: Any, paths: set[str]) -> bool:
    return isinstance(error, dict) and str(error.get("path")) in paths


def verify_command(
    report: Annotated[
        Path, typer.Argument(help="A JSON report written by `overflight check --json`.")
    ],
) -> None:
    """Re-run the check REPORT records; exit 0 if identical, 1 if something differs."""
    try:
        old = load_report(report)
    except ReportError as exc:
        typer.echo(f"error: {report}: {exc}", err=True)
        raise typer.Exit(2) from None
    try:
        found = verify_report(old, report.parent)
    except TyperException as exc:
        typer.echo(f"error: {report}: recorded command: {exc.format_message()}", err=True)
        raise typer.Exit(2) from None
    for line in found.problems:
        typer.echo(line)
    for line in found.notes:
        typer.echo(f"note: {line}")
    if found.identical:
        typer.echo("identical")
        return
    diffs = found.differences
    for line in diffs[:MAX_SHOWN]:
        typer.echo(line)
    if len(diffs) > MAX_SHOWN:
        typer.echo(f"... and {len(diffs) - MAX_SHOWN} more differences")
    raise typer.Exit(1)
