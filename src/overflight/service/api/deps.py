"""Shared request helpers: the running objects, and the bearer-token check."""

from __future__ import annotations

import secrets

from fastapi import HTTPException, Request

from ..store import AlertStore
from ..tracker import Tracker
from ..watch import Watch

__all__ = ["check_token", "get_store", "get_tracker", "get_watch"]


async def get_watch(request: Request) -> Watch:
    return request.app.state.watch  # type: ignore[no-any-return]


async def get_store(request: Request) -> AlertStore:
    return request.app.state.store  # type: ignore[no-any-return]


async def get_tracker(request: Request) -> Tracker:
    return request.app.state.tracker  # type: ignore[no-any-return]


async def check_token(request: Request) -> None:
    """With a token configured, every request needs ``Authorization: Bearer <token>`` (or
    ``?token=`` for the page and EventSource, which cannot set headers)."""
    token: str | None = request.app.state.token
    if not token:
        return
    auth = request.headers.get("authorization", "")
    given = auth[7:].strip() if auth.lower().startswith("bearer ") else None
    if given is None:
        given = request.query_params.get("token")
    if given is None or not secrets.compare_digest(given.encode(), token.encode()):
        raise HTTPException(401, "missing or wrong bearer token", {"WWW-Authenticate": "Bearer"})
