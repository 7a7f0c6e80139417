"""The ``overflight`` command: a thin typer app, one module per command.

>>> {"check", "formats", "verify", "scan", "synth", "watch"} <= {
...     c.name for c in app.registered_commands}
True
"""

from __future__ import annotations

from typing import Annotated

import typer

from . import airspace as airspace_cmd
from . import check as check_cmd
from . import formats as formats_cmd
from . import scan as scan_cmd
from . import synth as synth_cmd
from . import verify as verify_cmd
from . import watch as watch_cmd

__all__ = ["app", "main"]

app = typer.Typer(
    name="overflight",
    help="Did this aircraft enter that airspace? Exact checks on the WGS84 ellipsoid.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"overflight {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Did this aircraft enter that airspace? Exact checks on the WGS84 ellipsoid."""


app.command("check", no_args_is_help=True)(check_cmd.check_command)
app.command("formats")(formats_cmd.formats_command)
app.command("verify", no_args_is_help=True)(verify_cmd.verify_command)
app.command("scan", no_args_is_help=True)(scan_cmd.scan_command)
app.command("synth", no_args_is_help=True)(synth_cmd.synth_command)
app.command("watch", no_args_is_help=True)(watch_cmd.watch_command)
app.add_typer(airspace_cmd.app, name="airspace")


def main() -> None:
    """Console-script entry point."""
    app(prog_name="overflight")


if __name__ == "__main__":
    main()
