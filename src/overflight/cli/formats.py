"""``overflight formats``: list every readable format with its detection rule.

>>> import io
>>> from rich.console import Console
>>> console = Console(file=io.StringIO(), width=200, record=True, color_system=None)
>>> render_formats(console)
>>> "igc" in console.export_text()
True
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from ..formats import FORMATS

__all__ = ["formats_command", "render_formats"]


def render_formats(console: Console) -> None:
    """Print the table of :data:`overflight.formats.FORMATS` to ``console``."""
    table = Table(title="Formats overflight reads (told apart by content; --format forces one)")
    table.add_column("format", no_wrap=True)
    table.add_column("holds", no_wrap=True)
    table.add_column("usual extensions")
    table.add_column("detected by")
    for f in FORMATS:
        table.add_row(f.name, f.kind, " ".join(f.extensions), f.rule)
    console.print(table)


def formats_command() -> None:
    """List the track and airspace formats overflight reads, with how each is detected."""
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(width=160, highlight=False, color_system=None)
    render_formats(console)
