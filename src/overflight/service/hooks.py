"""Optional alert hook: run a command or POST a webhook, best effort, never blocking ingest.

Alerts are put on a bounded queue (``maxsize``; when full, the alert is dropped for the hook and
counted) and a background task delivers them one at a time: a command gets the alert JSON on its
standard input (and ``OVERFLIGHT_ALERT_KIND``/``_ID`` in its environment), a webhook gets it as a
JSON POST body. Failures and timeouts are counted, never raised.

>>> h = AlertHook(command="true")
>>> h.stats()["queued"]
0
"""

from __future__ import annotations

import asyncio
import json
import os
import shlex
from typing import Any

__all__ = ["AlertHook"]


class AlertHook:
    def __init__(
        self,
        *,
        command: str | None = None,
        url: str | None = None,
        timeout: float = 10.0,
        maxsize: int = 1000,
    ) -> None:
        self.command = command
        self.url = url
        self.timeout = timeout
        self.queue: asyncio.Queue[dict[str, Any]] | None = None
        self.maxsize = maxsize
        self.counts = {"queued": 0, "delivered": 0, "failed": 0, "dropped": 0}

    @property
    def enabled(self) -> bool:
        return bool(self.command or self.url)

    def submit(self, alert: dict[str, Any]) -> None:
        if not self.enabled:
            return
        if self.queue is None:
            self.queue = asyncio.Queue(self.maxsize)
        try:
            self.queue.put_nowait(alert)
            self.counts["queued"] += 1
        except asyncio.QueueFull:
            self.counts["dropped"] += 1

    async def run(self) -> None:
        if not self.enabled:
            return
        if self.queue is None:
            self.queue = asyncio.Queue(self.maxsize)
        client = None
        if self.url:
            import httpx

            client = httpx.AsyncClient(timeout=self.timeout)
        try:
            while True:
                alert = await self.queue.get()
                try:
                    await asyncio.wait_for(self._deliver(alert, client), self.timeout)
                    self.counts["delivered"] += 1
                except Exception:
                    self.counts["failed"] += 1
        finally:
            if client is not None:
                await client.aclose()

    async def _deliver(self, alert: dict[str, Any], client: Any) -> None:
        body = json.dumps(alert).encode()
        if self.command:
            env = dict(os.environ)
            env["OVERFLIGHT_ALERT_KIND"] = str(alert.get("kind"))
            env["OVERFLIGHT_ALERT_ID"] = str(alert.get("id"))
            proc = await asyncio.create_subprocess_exec(
                *shlex.split(self.command),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
                env=env,
            )
            try:
                await proc.communicate(body)
            finally:
                if proc.returncode is None:
                    proc.kill()
            if proc.returncode != 0:
                raise RuntimeError(f"hook exited with {proc.returncode}")
        if self.url and client is not None:
            r = await client.post(
                self.url, content=body, headers={"content-type": "application/json"}
            )
            r.raise_for_status()

    def stats(self) -> dict[str, int]:
        return dict(self.counts)
