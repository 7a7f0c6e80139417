"""The alert hook: a command gets the alert JSON on stdin and its kind/id in the environment,
a webhook gets it POSTed; failures and a full queue are counted, never raised. End to end: the
service runs the hook for every committed alert."""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from watch_helpers import FakeFeed, fly, free_port, get, run_async, running, wait_for

from overflight.service.hooks import AlertHook
from overflight.service.serve import WatchConfig

T0 = 1_672_567_200.0
ZONE = """AC R
AN SYN C
AL GND
AH FL150
DP 48:00:00 N 010:00:00 E
DP 48:12:00 N 010:00:00 E
DP 48:12:00 N 010:18:00 E
DP 48:00:00 N 010:18:00 E
"""
ALERT = {"id": "abc", "kind": "entry", "icao24": "a1b2c3", "airspace": "SYN C"}


def recorder(out: Path) -> str:
    """A hook command (this Python) appending stdin and the environment's alert kind/id."""
    code = (
        "import json, os, sys; a = json.load(sys.stdin); "
        f"open({str(out)!r}, 'a').write(json.dumps([a, os.environ['OVERFLIGHT_ALERT_KIND'], "
        "os.environ['OVERFLIGHT_ALERT_ID']]) + '\\n')"
    )
    return f"{sys.executable} -c {json.dumps(code)}"


class Sink:
    """A loopback webhook receiver: records POSTed bodies, answers ``status``."""

    def __init__(self, status: int = 204) -> None:
        self.bodies: list[tuple[str, Any]] = []
        outer = self

        class H(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                n = int(self.headers["content-length"])
                outer.bodies.append((self.headers["content-type"], json.loads(self.rfile.read(n))))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *a: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


async def _deliver(hook: AlertHook, alerts: list[dict[str, Any]]) -> None:
    import asyncio

    task = asyncio.create_task(hook.run())
    for a in alerts:
        hook.submit(a)
    assert hook.queue is not None
    while (
        hook.queue.qsize()
        or sum(hook.counts[k] for k in ("delivered", "failed"))
        < len(alerts) - hook.counts["dropped"]
    ):
        await asyncio.sleep(0.01)
    task.cancel()


def test_command_gets_alert_on_stdin_and_env(tmp_path: Path) -> None:
    out = tmp_path / "calls.jsonl"
    hook = AlertHook(command=recorder(out))
    run_async(_deliver(hook, [ALERT, {**ALERT, "id": "def", "kind": "exit"}]))
    calls = [json.loads(s) for s in out.read_text().splitlines()]
    assert calls == [
        [ALERT, "entry", "abc"],
        [{**ALERT, "id": "def", "kind": "exit"}, "exit", "def"],
    ]
    assert hook.stats() == {"queued": 2, "delivered": 2, "failed": 0, "dropped": 0}


def test_failing_command_and_unreachable_webhook_are_counted() -> None:
    hook = AlertHook(command=f"{sys.executable} -c 'import sys; sys.exit(3)'")
    run_async(_deliver(hook, [ALERT]))
    assert hook.counts["failed"] == 1 and hook.counts["delivered"] == 0
    web = AlertHook(url=f"http://127.0.0.1:{free_port()}/hook", timeout=2.0)
    run_async(_deliver(web, [ALERT]))
    assert web.counts["failed"] == 1


def test_webhook_posts_json_and_http_errors_count() -> None:
    ok, bad = Sink(204), Sink(500)
    try:
        hook = AlertHook(url=ok.url)
        run_async(_deliver(hook, [ALERT]))
        failing = AlertHook(url=bad.url)
        run_async(_deliver(failing, [ALERT]))
    finally:
        ok.close()
        bad.close()
    assert ok.bodies == [("application/json", ALERT)]
    assert hook.counts["delivered"] == 1
    assert failing.counts["failed"] == 1 and len(bad.bodies) == 1


def test_full_queue_drops_and_counts() -> None:
    hook = AlertHook(command="true", maxsize=2)
    for k in range(5):
        hook.submit({**ALERT, "id": str(k)})
    assert hook.stats() == {"queued": 2, "delivered": 0, "failed": 0, "dropped": 3}
    assert AlertHook().stats()["queued"] == 0  # no hook: nothing queued
    AlertHook().submit(ALERT)


def test_service_runs_both_hooks_for_every_alert(tmp_path: Path) -> None:
    (tmp_path / "z.txt").write_text(ZONE)
    out = tmp_path / "calls.jsonl"
    lines = [s for _, s in sorted(fly("a1b2c3", T0, 48.1, 9.9, 90.0, 220.0, 8000, 200))]
    sink = Sink()
    try:
        cfg = WatchConfig(
            airspace=[tmp_path / "z.txt"],
            db=tmp_path / "a.sqlite",
            hook_command=recorder(out),
            hook_url=sink.url,
        )
        with FakeFeed([[("\n".join(lines) + "\n").encode()]]) as feed:
            cfg.sbs = [f"127.0.0.1:{feed.port}"]
            with running(cfg) as (base, _app):
                alerts = wait_for(
                    lambda: (a := get(base + "/api/alerts")) and a[-1]["kind"] == "exit" and a,
                    60.0,
                    "the exit alert",
                )
                wait_for(
                    lambda: (
                        get(base + "/api/health")["counters"]["hook"]["delivered"] >= len(alerts)
                    ),
                    60.0,
                    "hook deliveries",
                )
                stats = get(base + "/api/health")["counters"]["hook"]
    finally:
        sink.close()
    assert [a["kind"] for a in alerts] == ["predicted", "entry", "exit"]
    ids = [a["id"] for a in alerts]
    assert [c[2] for c in map(json.loads, out.read_text().splitlines())] == ids
    assert [b["id"] for _, b in sink.bodies] == ids
    assert stats["failed"] == 0 and stats["dropped"] == 0
