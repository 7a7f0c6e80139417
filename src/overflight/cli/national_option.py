"""``overflight check --national EST``: check tracks against national airspace built on the fly.

Each state is built with the defaults of ``overflight airspace national`` (12 NM territorial sea,
median lines with neighbours, bundled coastline) and added to the airspaces of the check; the
report records it as an input ``national:EST`` with the construction parameters as its
version and the SHA-256 of the coastline data it was built from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer

from ..errors import OverflightError
from ..reports.json import InputRecord
from .inputs import LoadedInputs

__all__ = ["NationalOpt", "add_national"]

NationalOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--national",
        help="Also check against STATE's national airspace (land + 12 NM territorial sea, "
        "median lines), built from the bundled coastline; repeatable: --national EST "
        "--national FIN. For other widths, baselines or treaty limits build a file with "
        "`overflight airspace national` and pass it as an airspace file.",
    ),
]


def _data_hash(path: str | None) -> str | None:
    if not path:
        return None
    from ..reports.provenance import sha256_file

    try:
        return sha256_file(path)
    except OSError:
        return None


def add_national(loaded: LoadedInputs, codes: Sequence[str] | None) -> None:
    """Build each state's national airspace and add it to ``loaded`` (errors are recorded
    like a bad input file: one line, the rest of the check still runs)."""
    for code in codes or ():
        where = f"national:{code.upper()}"
        try:
            from ..national.build import build_national

            built = build_national(code)
        except OverflightError as exc:
            loaded.errors.append({"path": where, "line": None, "reason": str(exc)})
            loaded.messages.append(f"error: {where}: {exc}")
            continue
        loaded.airspaces.append(built.airspace)
        coast = built.parameters.get("coastline", {})
        version = {  # the report's airspace_version fields, then the construction
            "sha256": _data_hash(coast.get("path")),  # of the coastline data it was built from
            "airac": None,
            "effective": None,
            "valid_until": None,
            "date": None,
            "version": coast.get("name"),
            "written_by": "overflight airspace national",
            "description": f"{built.name}: land + internal waters + "
            f"{built.parameters['width_nm']:g} NM territorial sea",
            "evidence": list(built.parameters.get("notes", [])),
            "construction": built.parameters,
        }
        loaded.inputs.append(
            InputRecord(
                f"national:{built.code}", "airspace", "national", None, 1, 0, version=version
            )
        )
