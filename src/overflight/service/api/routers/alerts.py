"""GET /api/alerts: committed alerts, filtered."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query

from ...store import AlertStore
from ..deps import get_store
from ..schemas import Alert, AlertKind

router = APIRouter(prefix="/api", tags=["alerts"])


def parse_time(text: str) -> float:
    """Epoch seconds or ISO 8601 (naive = UTC) -> epoch seconds; ValueError otherwise.

    >>> parse_time("1700000000.5"), parse_time("2023-11-14T22:13:20Z")
    (1700000000.5, 1700000000.0)
    """
    try:
        v = float(text)
    except ValueError:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=UTC)
        return dt.timestamp()
    if v != v or v in (float("inf"), float("-inf")):
        raise ValueError("not a finite time")
    return v


@router.get("/alerts", response_model=list[Alert])
async def list_alerts(
    store: Annotated[AlertStore, Depends(get_store)],
    since: Annotated[
        str | None,
        Query(max_length=40, description="event time >= this (epoch seconds or ISO 8601)"),
    ] = None,
    until: Annotated[str | None, Query(max_length=40)] = None,
    airspace: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    icao24: Annotated[str | None, Query(pattern=r"^[0-9a-fA-F]{6}$")] = None,
    kind: AlertKind | None = None,
    after_seq: Annotated[int | None, Query(ge=0, description="only alerts committed after")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> list[dict[str, Any]]:
    """Alerts in event-time order. Every parameter is validated (422 on bad input)."""
    try:
        t0 = parse_time(since) if since is not None else None
        t1 = parse_time(until) if until is not None else None
    except ValueError as exc:
        raise HTTPException(422, f"bad time: {exc}") from None
    return store.query(
        since=t0,
        until=t1,
        airspace=airspace,
        icao24=icao24,
        kind=kind,
        after_seq=after_seq,
        limit=limit,
    )
