"""GET /openapi.json and /docs: the API description, served offline.

FastAPI's own ``/docs`` and ``/redoc`` pages load Swagger UI / ReDoc from a CDN, so they are
switched off (:func:`~overflight.service.api.app.create_app`); ``/docs`` here is a plain HTML
page rendered on the server from the OpenAPI document (operations, parameters, responses),
with no script, style sheet or font from anywhere else. Both go through the token check like
every other route.

>>> page = render_docs({"info": {"title": "t", "version": "1"}, "paths": {"/api/x": {"get": {
...     "summary": "X", "parameters": [{"name": "q", "in": "query", "required": False,
...     "schema": {"type": "string"}}], "responses": {"200": {"description": "OK"}}}}}})
>>> "/api/x" in page and "<code>q</code>" in page and "https://" not in page
True
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

__all__ = ["render_docs", "router"]

router = APIRouter(tags=["docs"])

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;color:#222}
h1{font-size:1.5em}h2{font-size:1.05em;margin:1.6em 0 .3em}
.m{display:inline-block;min-width:4em;font-weight:bold;color:#1f5fbf}
table{border-collapse:collapse;margin:.3em 0 0 4.5em}td,th{padding:2px 10px;text-align:left}
th{border-bottom:1px solid #ccc}p{margin:.2em 0 .2em 4.5em}code{font-size:.95em}
"""


def _schema_text(s: dict[str, Any]) -> str:
    if "$ref" in s:
        return str(s["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in s:
        return " | ".join(_schema_text(x) for x in s["anyOf"])
    if "enum" in s:
        return " | ".join(repr(v) for v in s["enum"])
    t = str(s.get("type", "any"))
    if t == "array" and isinstance(s.get("items"), dict):
        t = f"array of {_schema_text(s['items'])}"
    extras = [
        f"{k} {s[k]}" for k in ("minimum", "maximum", "minLength", "maxLength", "pattern") if k in s
    ]
    return t + (f" ({', '.join(extras)})" if extras else "")


def render_docs(spec: dict[str, Any], spec_url: str = "openapi.json") -> str:
    """The OpenAPI document as a self-contained HTML page (``spec_url``: its link)."""
    e = html.escape
    info = spec.get("info", {})
    out = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{e(str(info.get('title', 'API')))} docs</title><style>{_STYLE}</style>",
        "</head><body>",
        f"<h1>{e(str(info.get('title', 'API')))} <small>{e(str(info.get('version', '')))}"
        "</small></h1>",
        f"<p style='margin-left:0'>{e(str(info.get('description', '')))}</p>",
        "<p style='margin-left:0'>Machine-readable: "
        f"<a href='{e(spec_url)}'>openapi.json</a>"
        " (OpenAPI 3). With a token, send <code>Authorization: Bearer &lt;token&gt;</code>"
        " or add <code>?token=</code>.</p>",
    ]
    for path, ops in sorted(spec.get("paths", {}).items()):
        for method, op in ops.items():
            out.append(
                f"<h2><span class='m'>{e(method.upper())}</span><code>{e(path)}</code>"
                f" &mdash; {e(str(op.get('summary', '')))}</h2>"
            )
            if op.get("description"):
                out.append(f"<p>{e(str(op['description']))}</p>")
            params = op.get("parameters", [])
            if params:
                out.append("<table><tr><th>parameter</th><th>in</th><th>type</th><th></th></tr>")
                for p in params:
                    req = "required" if p.get("required") else ""
                    desc = p.get("description") or p.get("schema", {}).get("description", "")
                    out.append(
                        f"<tr><td><code>{e(str(p.get('name')))}</code></td>"
                        f"<td>{e(str(p.get('in')))}</td>"
                        f"<td>{e(_schema_text(p.get('schema', {})))}</td>"
                        f"<td>{e(req)} {e(str(desc))}</td></tr>"
                    )
                out.append("</table>")
            codes = ", ".join(
                f"{e(str(c))} {e(str(r.get('description', '')))}"
                for c, r in op.get("responses", {}).items()
            )
            out.append(f"<p>Responses: {codes}</p>")
    out.append("</body></html>")
    return "\n".join(out)


@router.get("/openapi.json", include_in_schema=False)
async def openapi(request: Request) -> JSONResponse:
    return JSONResponse(request.app.openapi())


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
async def docs(request: Request) -> HTMLResponse:
    token = request.query_params.get("token")
    link = "openapi.json" + (f"?{urlencode({'token': token})}" if token else "")
    return HTMLResponse(render_docs(request.app.openapi(), link))
