"""Which version of an airspace file was used: its hash and any validity it states.

A wrong airspace version is a known cause of disputed verdicts, so reports record, for every
airspace file, its SHA-256 and what the file says about itself:

* OpenAir: the comment block before the first record, e.g. ``* effective from 19th March
  2026`` (Peter Kemme's Germany files), ``*VERSION: 2.1`` / ``*WRITTEN_BY: SeeYou`` /
  ``*DATE: 23-05-2025`` (SeeYou), ``* Updated 2008-03-06``, ``AIRAC 2603``;
* GeoJSON: top-level members (``version``, ``airac``, ``effective``, ``date``, ``description``
  ...; also inside a top-level ``metadata`` object) and, for openAIP exports, the newest
  ``updatedAt`` of the features;
* GeoPackage and other OGR files: dataset and layer metadata (pyogrio ``read_info``).

An effective date that is an AIRAC date (the 28-day cycle counted from 2020-01-02, cycle 2001)
also gives the AIRAC cycle, and a stated cycle gives its effective date. Nothing is guessed
from file names. ``evidence`` quotes where each value came from.

>>> import os, tempfile
>>> p = os.path.join(tempfile.mkdtemp(), "de.txt")
>>> _ = open(p, "w").write("* Germany\\n* effective from 19th March 2026\\nAC D\\n")
>>> v = airspace_version(p)
>>> v["effective"], v["airac"], v["evidence"]
('2026-03-19', '2603', ['line 2: effective from 19th March 2026'])
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from os import PathLike
from pathlib import Path
from typing import Any

from ...errors import ParseError

__all__ = ["airac_cycle", "airac_effective", "airspace_version"]

_HEAD_BYTES = 1 << 16
_MAX_JSON_BYTES = 64 << 20
_MAX_HEADER_LINES = 400
_AIRAC_EPOCH = dt.date(2020, 1, 2)  # AIRAC 2001
_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january", "januar", "janvier"),
            ("feb", "february", "februar", "fevrier", "février"),
            ("mar", "march", "märz", "maerz", "mars"),
            ("apr", "april", "avril"),
            ("may", "mai"),
            ("jun", "june", "juni", "juin"),
            ("jul", "july", "juli", "juillet"),
            ("aug", "august", "aout", "août"),
            ("sep", "sept", "september", "septembre"),
            ("oct", "october", "oktober", "octobre"),
            ("nov", "november", "novembre"),
            ("dec", "december", "dezember", "decembre", "décembre"),
        ],
        start=1,
    )
    for m in names
}
_MONTH = r"([A-Za-zäéû]{3,9})\.?"
_DATE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"), "ymd"),
    (re.compile(r"(?<!\d)(\d{1,2})[-./](\d{1,2})[-./](\d{4})(?!\d)"), "dmy"),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\.?\s+(?:of\s+)?{_MONTH}\s+(\d{{4}})\b"), "dMy"),
    (re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b"), "Mdy"),
]
_DATE_ANY = "(.+)"
_OPENAIR_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("version", re.compile(r"^VERSION\s*:\s*(\S.*)$", re.IGNORECASE)),
    ("written_by", re.compile(r"^WRITTEN[_ ]BY\s*:\s*(\S.*)$", re.IGNORECASE)),
    ("date", re.compile(r"^DATE\s*:\s*" + _DATE_ANY, re.IGNORECASE)),
    ("airac", re.compile(r"\bAIRAC\b(?:\s*(?:cycle|no\.?|nr\.?|#))?\s*[:=]?\s*(\d{4})\b", re.I)),
    (
        "effective",
        re.compile(
            r"\b(?:effective|valid|gültig|gueltig)(?!\s+(?:until|till|to|bis)\b)"
            r"(?:\s+(?:from|since|as\s+of|on|date|ab))?\s*[:=]?\s*" + _DATE_ANY,
            re.IGNORECASE,
        ),
    ),
    ("valid_until", re.compile(r"\bvalid\s+(?:until|till|to)\s*[:=]?\s*" + _DATE_ANY, re.I)),
    ("date", re.compile(r"\b(?:updated|last\s+update)(?:\s+on)?\s*[:=]?\s*" + _DATE_ANY, re.I)),
    ("version", re.compile(r"^version\s*[:=]?\s*(\d[\w.\-]*)\s*$", re.IGNORECASE)),
]
_DATE_KEYS = {"effective", "valid_until", "date"}
_JSON_KEYS: dict[str, str] = {
    "version": "version",
    "airac": "airac",
    "airac_cycle": "airac",
    "airaccycle": "airac",
    "effective": "effective",
    "effective_date": "effective",
    "effectivedate": "effective",
    "valid_from": "effective",
    "validfrom": "effective",
    "valid_until": "valid_until",
    "validuntil": "valid_until",
    "valid_to": "valid_until",
    "date": "date",
    "updated": "date",
    "updatedat": "date",
    "last_updated": "date",
    "created": "date",
    "createdat": "date",
    "generated": "date",
    "written_by": "written_by",
    "generator": "written_by",
    "creator": "written_by",
    "description": "description",
}


def airac_cycle(day: dt.date) -> str | None:
    """The AIRAC cycle (``YYNN``) that takes effect on ``day``, or None if none does.

    >>> airac_cycle(dt.date(2026, 3, 19)), airac_cycle(dt.date(2026, 3, 20))
    ('2603', None)
    """
    offset = (day - _AIRAC_EPOCH).days
    if offset % 28:
        return None
    first = _AIRAC_EPOCH + dt.timedelta(days=offset % 28)
    while first.year < day.year:
        first += dt.timedelta(days=28)
    while (first - dt.timedelta(days=28)).year == day.year:
        first -= dt.timedelta(days=28)
    return f"{day.year % 100:02d}{(day - first).days // 28 + 1:02d}"


def airac_effective(cycle: str) -> dt.date | None:
    """The effective date of AIRAC cycle ``YYNN`` (None if there is no such cycle).

    >>> airac_effective("2001"), airac_effective("2603"), airac_effective("2615")
    (datetime.date(2020, 1, 2), datetime.date(2026, 3, 19), None)
    """
    if not re.fullmatch(r"\d{4}", cycle):
        return None
    year, number = 2000 + int(cycle[:2]), int(cycle[2:])
    day = _AIRAC_EPOCH + dt.timedelta(days=((dt.date(year, 1, 1) - _AIRAC_EPOCH).days // 28) * 28)
    while day.year < year:
        day += dt.timedelta(days=28)
    day += dt.timedelta(days=28 * (number - 1))
    return day if number >= 1 and day.year == year else None


def _parse_date(text: str) -> dt.date | None:
    """The first date in ``text`` (ISO, d-m-y, ``19th March 2026``, ``March 19, 2026``)."""
    found: list[tuple[int, dt.date]] = []
    for pattern, order in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            a, b, c = m.groups()
            try:
                if order == "ymd":
                    day = dt.date(int(a), int(b), int(c))
                elif order == "dmy":
                    day = dt.date(int(c), int(b), int(a))
                elif order == "dMy":
                    day = dt.date(int(c), _MONTHS[b.lower()], int(a))
                else:
                    day = dt.date(int(c), _MONTHS[a.lower()], int(b))
            except (KeyError, ValueError):
                continue
            found.append((m.start(), day))
    return min(found)[1] if found else None


def _empty(sha256: str | None) -> dict[str, Any]:
    return {
        "sha256": sha256,
        "airac": None,
        "effective": None,
        "valid_until": None,
        "date": None,
        "version": None,
        "written_by": None,
        "description": None,
        "evidence": [],
    }


def _set(out: dict[str, Any], key: str, raw: Any, where: str) -> None:
    """Record ``raw`` under ``key`` (first value wins), dates normalised to ISO."""
    if out.get(key) is not None or raw is None:
        return
    text = " ".join(str(raw).split())
    if not text:
        return
    if key in _DATE_KEYS:
        day = _parse_date(text)
        if day is None:
            return
        value: str = day.isoformat()
    elif key == "airac":
        if airac_effective(text) is None:
            return
        value = text
    else:
        value = text[:200]
    out[key] = value
    out["evidence"].append(where)


def _derive(out: dict[str, Any]) -> None:
    if out["airac"] is None and out["effective"]:
        out["airac"] = airac_cycle(dt.date.fromisoformat(out["effective"]))
    elif out["airac"] and out["effective"] is None:
        day = airac_effective(out["airac"])
        out["effective"] = day.isoformat() if day else None


def _openair_header(out: dict[str, Any], lines: Iterable[str]) -> None:
    for number, raw in enumerate(lines, 1):
        if number > _MAX_HEADER_LINES:
            break
        text = raw.lstrip("\ufeff").strip()
        if not text:
            continue
        if not text.startswith(("*", "#")):
            break  # the first record: the header is over
        body = text.lstrip("*#").strip().strip("*#").strip()
        if not body:
            continue
        for key, pattern in _OPENAIR_RULES:
            m = pattern.search(body)
            if m:
                _set(out, key, m.group(1), f"line {number}: {body[:160]}")


def _scan_mapping(out: dict[str, Any], data: Mapping[str, Any], where: str) -> None:
    for name, value in data.items():
        key = _JSON_KEYS.get(str(name).lower())
        if key is None or isinstance(value, Mapping | list):
            continue
        _set(out, key, value, f"{where} {name}={json.dumps(value, default=str)[:160]}")


def _geojson(out: dict[str, Any], path: Path) -> None:
    if path.stat().st_size > _MAX_JSON_BYTES:
        return
    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return
    if not isinstance(doc, Mapping):
        return
    top = {k: v for k, v in doc.items() if k not in ("type", "features", "crs", "bbox")}
    _scan_mapping(out, top, "top-level member")
    if isinstance(doc.get("metadata"), Mapping):
        _scan_mapping(out, doc["metadata"], "metadata")
    feats = doc.get("features")
    if out["date"] is None and isinstance(feats, list):
        stamps = [
            str(f["properties"]["updatedAt"])
            for f in feats
            if isinstance(f, Mapping)
            and isinstance(f.get("properties"), Mapping)
            and f["properties"].get("updatedAt")
        ]
        if stamps:
            newest = max(stamps)
            _set(out, "date", newest, f"newest updatedAt of {len(stamps)} features: {newest}")


def _ogr_metadata(out: dict[str, Any], path: Path) -> None:
    try:
        import pyogrio

        info = pyogrio.read_info(path)
    except Exception:  # not an OGR file after all: nothing to record
        return
    for scope in ("dataset_metadata", "layer_metadata"):
        meta = info.get(scope)
        if isinstance(meta, Mapping):
            _scan_mapping(out, meta, scope.replace("_", " "))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def airspace_version(path: str | PathLike[str], text_head: str | None = None) -> dict[str, Any]:
    """The SHA-256 of an airspace file and any version or validity the file states.

    ``text_head`` is the start of the file as text when the caller has it already (else up
    to 64 KiB are read). Keys (None when not found): ``sha256``, ``airac`` (cycle ``YYNN``),
    ``effective``, ``valid_until``, ``date`` (written or updated; ISO dates), ``version``,
    ``written_by``, ``description``; ``evidence`` lists where each value was read.
    Raises ParseError if the file cannot be read.

    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "si.openair")
    >>> _ = open(p, "w").write("*VERSION: 2.1\\n*WRITTEN_BY: SeeYou\\n*DATE: 23-05-2025\\n")
    >>> v = airspace_version(p)
    >>> v["version"], v["written_by"], v["date"], v["airac"]
    ('2.1', 'SeeYou', '2025-05-23', None)
    """
    p = Path(path)
    try:
        digest = _sha256(p)
        if text_head is None:
            with p.open("rb") as fh:
                head = fh.read(_HEAD_BYTES)
            text_head = "" if b"\x00" in head else head.decode("utf-8", errors="replace")
    except OSError as exc:
        raise ParseError(p, None, f"cannot read: {exc.strerror or exc}") from exc
    out = _empty(digest)
    stripped = text_head.lstrip("\ufeff \t\r\n")
    if stripped.startswith("{"):
        _geojson(out, p)
    elif text_head:
        _openair_header(out, text_head.splitlines())
    else:
        _ogr_metadata(out, p)
    _derive(out)
    return out
