"""GET /: the live map page (static, offline: no CDN, no tile server)."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

router = APIRouter(tags=["page"])

_TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html"}


def _static(name: str) -> bytes:
    return resources.files("overflight.service").joinpath("static", name).read_bytes()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def index() -> HTMLResponse:
    return HTMLResponse(_static("index.html"))


@router.get("/static/{name}", include_in_schema=False)
def static(name: str) -> Response:
    suffix = name[name.rfind(".") :] if "." in name else ""
    if suffix not in _TYPES or "/" in name or name.startswith("."):
        return Response(status_code=404)
    try:
        body = _static(name)
    except (FileNotFoundError, IsADirectoryError):
        return Response(status_code=404)
    return Response(body, media_type=_TYPES[suffix])


_ICON = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
    b'<circle cx="8" cy="8" r="6" fill="none" stroke="#b02a2a" stroke-width="2"/>'
    b'<circle cx="8" cy="8" r="2" fill="#1f5fbf"/></svg>'
)


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    return Response(_ICON, media_type="image/svg+xml")
