"""The FastAPI application: ``create_app(store, tracker, watch)``; its lifespan runs ingest.

Binds to loopback by default. A non-loopback bind needs a token: :func:`create_app` refuses to
build an app for a non-local ``host`` without one, and with a token every request must carry
``Authorization: Bearer <token>`` (or ``?token=``). Nothing it serves refers to another host:
the API description is ``/openapi.json`` and a plain page at ``/docs`` (no CDN assets).

>>> is_local("127.0.0.1"), is_local("::1"), is_local("localhost"), is_local("0.0.0.0")
(True, True, True, False)
"""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from ..store import AlertStore
from ..tracker import Tracker
from ..watch import Watch
from .deps import check_token
from .routers import aircraft, airspaces, alerts, docs, health, page, stream

__all__ = ["create_app", "is_local"]


def is_local(host: str) -> bool:
    """Whether ``host`` is a loopback address (or ``localhost``)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def create_app(
    store: AlertStore,
    tracker: Tracker,
    watch: Watch,
    *,
    token: str | None = None,
    host: str = "127.0.0.1",
) -> FastAPI:
    """Build the app; ``host`` is where it will be bound (for the token rule)."""
    if not is_local(host) and not token:
        raise ValueError(f"binding to {host} (not loopback) needs a token")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await watch.start()
        try:
            yield
        finally:
            await watch.stop()

    app = FastAPI(
        title="overflight watch",
        description="Live airspace watch: aircraft, predicted/entry/exit/cleared alerts.",
        lifespan=lifespan,
        dependencies=[Depends(check_token)],
        # FastAPI's Swagger UI / ReDoc pages load their assets from a CDN: served offline by
        # routers/docs.py instead (and /openapi.json behind the token check, like the rest)
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.store = store
    app.state.tracker = tracker
    app.state.watch = watch
    app.state.token = token
    app.state.cache = {}
    for r in (aircraft, alerts, airspaces, health, stream, page, docs):
        app.include_router(r.router)
    return app
