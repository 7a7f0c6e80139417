"""A non-loopback bind needs a token (app factory, service builder and CLI refuse without one);
with a token every route, the API description included, needs it as a bearer header or
``?token=``. Nothing the app serves refers to another host (no CDN): ``/docs`` is a local page
and FastAPI's CDN-backed pages are gone."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():  # starlette's note about its httpx-based client
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from overflight.service.alerts import AlertEngine
from overflight.service.api.app import create_app
from overflight.service.serve import ConfigError, WatchConfig, build
from overflight.service.store import AlertStore
from overflight.service.tracker import Tracker
from overflight.service.watch import Watch
from overflight.service.zones import ZoneIndex

TOKEN = "s3cret-token"
ROUTES = [
    "/",
    "/api/aircraft",
    "/api/alerts",
    "/api/airspaces",
    "/api/health",
    "/docs",
    "/openapi.json",
    "/favicon.ico",
]


def _app(tmp_path: Path, **kw: Any) -> Any:
    store = AlertStore(tmp_path / "a.sqlite")
    tracker = Tracker()
    return create_app(store, tracker, Watch(store, tracker, AlertEngine(ZoneIndex([]))), **kw)


def test_non_local_bind_without_token_is_refused(tmp_path: Path) -> None:
    with pytest.raises(
        ValueError, match=re.escape("binding to 0.0.0.0 (not loopback) needs a token")
    ):
        _app(tmp_path, host="0.0.0.0")
    cfg = WatchConfig(airspace=[], sbs=["127.0.0.1:30003"], db=tmp_path / "b.sqlite")
    cfg.http = "192.0.2.10:8080"
    with pytest.raises(ConfigError, match=re.escape("192.0.2.10:8080: binding to a non-loopback")):
        build(cfg, warn=lambda m: None)
    cfg.token = TOKEN
    app, host, port = build(cfg, warn=lambda m: None)  # with a token it builds
    assert (host, port, app.state.token) == ("192.0.2.10", 8080, TOKEN)
    app.state.store.close()


def test_every_route_needs_the_token(tmp_path: Path) -> None:
    client = TestClient(_app(tmp_path, host="0.0.0.0", token=TOKEN))
    for path in ROUTES:
        r = client.get(path)
        assert r.status_code == 401, path
        assert r.headers["www-authenticate"] == "Bearer"
        assert client.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert client.get(path, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        assert client.get(path, params={"token": TOKEN}).status_code == 200, path


def test_local_bind_needs_no_token(tmp_path: Path) -> None:
    client = TestClient(_app(tmp_path))
    assert all(client.get(p).status_code == 200 for p in ROUTES)


def test_nothing_served_refers_to_another_host(tmp_path: Path) -> None:
    client = TestClient(_app(tmp_path))
    assert client.get("/redoc").status_code == 404
    assert client.get("/docs/oauth2-redirect").status_code == 404
    page = client.get("/docs")
    assert page.headers["content-type"].startswith("text/html")
    spec = client.get("/openapi.json").json()
    for path in spec["paths"]:  # every API operation is listed on the page
        assert f"<code>{path}</code>" in page.text
    assert "<code>since</code>" in page.text and "<code>kind</code>" in page.text
    urls = []
    for path in ROUTES:
        text = client.get(path).text
        urls += re.findall(r"(?:src|href)\s*=\s*[\"']?((?:https?:)?//[^\"' >]+)", text)
        urls += re.findall(r"@import|url\(\s*['\"]?(?:https?:)?//", text)
        assert "cdn" not in text.lower(), path
    assert urls == []
    with_token = TestClient(_app(tmp_path, host="0.0.0.0", token=TOKEN))
    page = with_token.get("/docs", params={"token": TOKEN}).text
    assert f"href='openapi.json?token={TOKEN}'" in page
