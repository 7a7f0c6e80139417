"""GET /api/health: feed status, message rates, lag, counters (dropped included)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from ...watch import Watch
from ..deps import get_watch
from ..schemas import Health

router = APIRouter(prefix="/api", tags=["health"])


@router.get("/health", response_model=Health)
async def health(watch: Annotated[Watch, Depends(get_watch)]) -> dict[str, Any]:
    """Service health: per-feed state and counters, tracker/engine/store/stream counters."""
    return watch.health()
