"""Alerts in SQLite (WAL): committed before they are announced, never duplicated.

Every alert is inserted with ``INSERT OR IGNORE`` on its deterministic id (PRIMARY KEY) and the
transaction is committed before :meth:`AlertStore.add` returns; only alerts actually inserted
are returned for announcement. A restart that re-derives an alert (a replay, the same fixes
again) therefore neither duplicates it nor announces it twice. ``synchronous=NORMAL`` in WAL mode
keeps every committed transaction through a crash of the process (kill -9); only a power loss
or OS crash may lose the last ones (``durable=True`` selects ``FULL``).

>>> import tempfile, os
>>> from overflight.service.alerts import Alert
>>> s = AlertStore(os.path.join(tempfile.mkdtemp(), "a.sqlite"))
>>> a = Alert("id1", "entry", "4ca2d6", None, "R1", "R1", 10.0, 10.5, 50.0, 8.0, None, {})
>>> len(s.add([a])), len(s.add([a])), s.count()
(1, 0, 1)
>>> s.query(kind="entry")[0]["icao24"]
'4ca2d6'
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Sequence
from os import PathLike
from typing import Any

from .alerts import Alert

__all__ = ["AlertStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    icao24 TEXT NOT NULL,
    callsign TEXT,
    airspace TEXT NOT NULL,
    airspace_name TEXT NOT NULL,
    event_time REAL NOT NULL,
    fix_time REAL NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    alt_m REAL,
    details TEXT NOT NULL,
    committed REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_event_time ON alerts(event_time);
CREATE INDEX IF NOT EXISTS alerts_icao24 ON alerts(icao24);
"""

_COLS = (
    "seq, id, kind, icao24, callsign, airspace, airspace_name, event_time, fix_time, lat, lon, "
    "alt_m, details, committed"
)


class AlertStore:
    """The alert database (one connection, used from the event-loop thread)."""

    def __init__(self, path: str | PathLike[str], *, durable: bool = False) -> None:
        self.path = str(path)
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
        self.db.executescript(_SCHEMA)
        self.inserted = 0
        self.ignored = 0

    def add(self, alerts: Sequence[Alert]) -> list[Alert]:
        """Insert and commit; returns the alerts that were new (to be announced)."""
        if not alerts:
            return []
        new: list[Alert] = []
        now = time.time()
        cur = self.db.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            for a in alerts:
                cur.execute(
                    "INSERT OR IGNORE INTO alerts (id, kind, icao24, callsign, airspace, "
                    "airspace_name, event_time, fix_time, lat, lon, alt_m, details, committed) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        a.id,
                        a.kind,
                        a.icao24,
                        a.callsign,
                        a.airspace,
                        a.airspace_name,
                        a.event_time,
                        a.fix_time,
                        a.lat,
                        a.lon,
                        a.alt_m,
                        json.dumps(_clean(a.details), allow_nan=False, default=_json_default),
                        now,
                    ),
                )
                if cur.rowcount == 1:
                    new.append(a)
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        self.inserted += len(new)
        self.ignored += len(alerts) - len(new)
        return new

    def query(
        self,
        *,
        since: float | None = None,
        until: float | None = None,
        airspace: str | None = None,
        icao24: str | None = None,
        kind: str | None = None,
        after_seq: int | None = None,
        limit: int = 1000,
    ) -> list[dict[str, Any]]:
        """Alerts matching every filter given, oldest event first (parameterised SQL)."""
        where, args = [], []
        if since is not None:
            where.append("event_time >= ?")
            args.append(since)
        if until is not None:
            where.append("event_time <= ?")
            args.append(until)
        if airspace is not None:
            where.append("(airspace = ? OR airspace_name = ?)")
            args += [airspace, airspace]
        if icao24 is not None:
            where.append("icao24 = ?")
            args.append(icao24.lower())
        if kind is not None:
            where.append("kind = ?")
            args.append(kind)
        if after_seq is not None:
            where.append("seq > ?")
            args.append(after_seq)
        sql = f"SELECT {_COLS} FROM alerts"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY event_time, seq LIMIT ?"
        args.append(int(limit))
        rows = self.db.execute(sql, args).fetchall()
        return [_row(r) for r in rows]

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM alerts").fetchone()[0])

    def open_incursions(self) -> list[dict[str, Any]]:
        """Entries with no exit after them (per aircraft and airspace)."""
        rows = self.db.execute(
            f"SELECT {_COLS} FROM alerts a WHERE kind = 'entry' AND NOT EXISTS ("
            "SELECT 1 FROM alerts b WHERE b.kind = 'exit' AND b.icao24 = a.icao24 "
            "AND b.airspace = a.airspace AND b.event_time >= a.event_time)"
        ).fetchall()
        return [_row(r) for r in rows]

    def close(self) -> None:
        self.db.close()


def _clean(o: Any) -> Any:
    if isinstance(o, float):
        return o if o == o and abs(o) != float("inf") else None
    if isinstance(o, dict):
        return {k: _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_clean(v) for v in o]
    return o


def _json_default(o: Any) -> Any:
    if hasattr(o, "item"):
        return o.item()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def _row(r: tuple[Any, ...]) -> dict[str, Any]:
    keys = [k.strip() for k in _COLS.split(",")]
    d = dict(zip(keys, r, strict=True))
    d["details"] = json.loads(d["details"])
    return d
