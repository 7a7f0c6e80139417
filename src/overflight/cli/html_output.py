"""``overflight check --html FILE``: write the self-contained HTML evidence report.

The page embeds the JSON report (inputs with SHA-256, parameters, version, the command line),
so it is written from the same report dict as ``--json``; the command recorded in it carries
``--html FILE`` too (:func:`with_html_words`).

>>> with_html_words(["overflight", "check", "a.csv", "--json", "r.json"], "r.html")
['overflight', 'check', 'a.csv', '--html', 'r.html', '--json', 'r.json']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from os import PathLike
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from ..analysis.params import CheckOutcome
from ..errors import OverflightError
from ..model import Track

__all__ = ["HtmlOpt", "with_html_command", "with_html_words", "write_html_output"]

R = TypeVar("R")


def with_html_words(command: Sequence[str], path: str | PathLike[str]) -> list[str]:
    """``command`` with ``--html PATH`` added: before a trailing ``--json FILE`` (where the
    canonical command keeps it), else at the end."""
    words = list(command)
    at = len(words) - 2 if len(words) >= 2 and words[-2] == "--json" else len(words)
    return [*words[:at], "--html", str(path), *words[at:]]


def with_html_command(request: R, path: str | PathLike[str]) -> R:
    """A copy of a check request (any dataclass with a ``command`` list) whose recorded
    command line carries ``--html PATH``."""
    return replace(request, command=with_html_words(request.command, path))  # type: ignore[type-var, attr-defined]


def write_html_output(
    path: str | PathLike[str],
    report: Mapping[str, Any],
    outcome: CheckOutcome,
    tracks: Sequence[Track],
    *,
    basemap: bool = True,
) -> str | None:
    """Write the HTML report to ``path``; None when written, else the one-line reason
    (``path: cannot write HTML report: ...``) for the caller to print.

    >>> from overflight.analysis.params import CheckParameters
    >>> from overflight.reports.json import build_report
    >>> out = CheckOutcome([], CheckParameters())
    >>> write_html_output("/nonexistent/dir/r.html", build_report(out, []), out, [],
    ...                   basemap=False)[:50]
    '/nonexistent/dir/r.html: cannot write HTML report:'
    """
    from ..reports.html import write_html

    try:
        write_html(path, report, outcome, tracks, basemap=basemap)
    except (OSError, OverflightError) as exc:
        return f"{path}: cannot write HTML report: {getattr(exc, 'strerror', None) or exc}"
    return None


# -- typer option declaration (used by ``check_command``) -----------------------------------------
HtmlOpt = Annotated[
    Path | None,
    typer.Option(
        "--html",
        help="Write the evidence report as one self-contained HTML file that works offline: "
        "map, timelines, verdicts, inputs with SHA-256, parameters and the command line.",
        metavar="FILE",
        show_default=False,
    ),
]
