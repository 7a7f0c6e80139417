"""Pydantic models of the HTTP API (the only module that uses pydantic).

>>> Alert(id="x", seq=1, kind="entry", icao24="abc123", callsign=None, airspace="R1",
...       airspace_name="R1", event_time=1.0, fix_time=1.0, lat=0.0, lon=0.0, alt_m=None,
...       details={}, committed=2.0).kind
'entry'
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

__all__ = ["Aircraft", "Alert", "AlertKind", "Health"]

AlertKind = Literal["predicted", "entry", "exit", "cleared"]


class Aircraft(BaseModel):
    icao24: str = Field(description="ICAO 24-bit address, lower-case hex")
    callsign: str | None = None
    time: float = Field(description="time of the latest fix, UTC epoch seconds")
    lat: float
    lon: float
    alt_baro_m: float | None = Field(None, description="pressure altitude, metres")
    alt_geo_m: float | None = Field(None, description="geometric altitude, metres")
    gs_ms: float | None = Field(None, description="ground speed, m/s")
    track_deg: float | None = None
    vrate_ms: float | None = None
    on_ground: bool = False
    feed: str = ""
    messages: int = 0
    inside: list[str] = Field(default_factory=list, description="zones it is inside")
    predicted: list[str] = Field(default_factory=list, description="zones predicted")


class Alert(BaseModel):
    id: str = Field(description="deterministic id: hash of icao24, zone, kind, event time")
    seq: int = Field(description="commit order in the store")
    kind: AlertKind
    icao24: str
    callsign: str | None
    airspace: str = Field(description="zone key (airspace id or name, unique)")
    airspace_name: str
    event_time: float = Field(
        description="entry/exit: interpolated boundary time; predicted/cleared: fix time"
    )
    fix_time: float
    lat: float
    lon: float
    alt_m: float | None
    details: dict[str, Any]
    committed: float = Field(description="wall-clock commit time, UTC epoch seconds")


class Health(BaseModel):
    status: str
    uptime_s: float
    feeds: list[dict[str, Any]]
    counters: dict[str, Any]
    alert_latency_s: dict[str, Any]
