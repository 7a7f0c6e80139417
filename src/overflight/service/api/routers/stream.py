"""GET /api/stream: Server-Sent Events (``alert`` and ``aircraft`` events).

Each client reads from its own bounded queue (see :mod:`overflight.service.broadcast`): a slow
client loses its oldest events (counted), it never slows ingest.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from ...watch import Watch
from ..deps import get_watch

router = APIRouter(prefix="/api", tags=["stream"])

KEEPALIVE_S = 15.0


async def _events(request: Request, watch: Watch) -> AsyncIterator[bytes]:
    sub = watch.broadcaster.subscribe()
    try:
        yield b"retry: 2000\nevent: hello\ndata: {}\n\n"
        while True:
            try:
                event, data = await asyncio.wait_for(sub.queue.get(), KEEPALIVE_S)
            except TimeoutError:
                if await request.is_disconnected():
                    break
                yield b": keepalive\n\n"
                continue
            sub.sent += 1
            yield f"event: {event}\ndata: {data}\n\n".encode()
    finally:
        watch.broadcaster.unsubscribe(sub)


@router.get("/stream", response_class=StreamingResponse)
async def stream(
    request: Request, watch: Annotated[Watch, Depends(get_watch)]
) -> StreamingResponse:
    """Live events as ``text/event-stream``: ``alert`` (one committed alert, JSON) and
    ``aircraft`` (``{"aircraft": [...], "gone": [...]}`` once a second)."""
    return StreamingResponse(
        _events(request, watch),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
