"""GET /api/aircraft: every aircraft currently tracked."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from ...watch import Watch, aircraft_dict
from ..deps import get_watch
from ..schemas import Aircraft

router = APIRouter(prefix="/api", tags=["aircraft"])


@router.get("/aircraft", response_model=list[Aircraft])
async def list_aircraft(
    watch: Annotated[Watch, Depends(get_watch)],
    icao24: Annotated[str | None, Query(pattern=r"^[0-9a-fA-F]{6}$")] = None,
) -> list[dict[str, object]]:
    """Latest state of every tracked aircraft (or one, with ``icao24``)."""
    out = []
    for st in list(watch.tracker.aircraft.values()):
        if not st.fixes or (icao24 and st.icao24 != icao24.lower()):
            continue
        d = aircraft_dict(st)
        d.update(watch.engine.state_of(st.icao24))
        out.append(d)
    return out
