"""``python -m overflight.service``: the watch service on its own (same options as
``overflight watch``; the service package must not import the CLI, so this parses with
argparse)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import OverflightError
from .serve import WatchConfig, serve


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m overflight.service")
    ap.add_argument("--sbs", action="append", default=[])
    ap.add_argument("--beast", action="append", default=[])
    ap.add_argument("--aircraft-json", action="append", default=[])
    ap.add_argument("--poll", type=float, default=1.0)
    ap.add_argument("--replay", type=Path)
    ap.add_argument("--replay-speed", type=float, default=1.0)
    ap.add_argument("--airspace", action="append", type=Path, default=[])
    ap.add_argument("--db", type=Path, default=Path("alerts.sqlite"))
    ap.add_argument("--http", default="127.0.0.1:8080")
    ap.add_argument("--token")
    ap.add_argument("--lookahead", type=float, default=120.0)
    ap.add_argument("--archive", type=Path)
    ap.add_argument("--hook-command")
    ap.add_argument("--hook-url")
    a = ap.parse_args(argv)
    cfg = WatchConfig(
        airspace=a.airspace,
        sbs=a.sbs,
        beast=a.beast,
        aircraft_json=a.aircraft_json,
        poll_s=a.poll,
        replay=a.replay,
        replay_speed=a.replay_speed,
        db=a.db,
        http=a.http,
        token=a.token,
        lookahead=a.lookahead,
        archive=a.archive,
        hook_command=a.hook_command,
        hook_url=a.hook_url,
    )
    try:
        serve(cfg, warn=lambda m: print(m, file=sys.stderr))
    except (OverflightError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
