"""A hardened, streaming XML reader for the track formats (KML, and the GPX guard).

Built on the standard library's expat, fed in 64 KiB chunks, with:

* entity declarations refused (no "billion laughs"), parameter entities and external
  entities never loaded, no network, no DTD fetching;
* element text capped (:data:`MAX_TEXT` characters per element) and nesting capped
  (:data:`MAX_DEPTH`), so memory stays bounded whatever the file holds;
* line numbers on every element, for ``ParseError(path, line, reason)``.

Only the elements asked for are kept, as small :class:`Node` trees; everything else streams
by. Namespace prefixes are dropped (``gx:Track`` is ``Track``).

>>> import io
>>> doc = b"<kml><Folder><name>F</name><Placemark><name>P</name></Placemark></Folder></kml>"
>>> [(n.tag, n.child_text("name"), [a.name for a in up]) for n, up in
...  iter_subtrees(io.BytesIO(doc), "x.kml", frozenset({"Placemark"}))]
[('Placemark', 'P', [None, 'F'])]
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO
from xml.parsers import expat

from ...errors import ParseError

__all__ = [
    "MAX_DEPTH",
    "MAX_TEXT",
    "Ancestor",
    "Node",
    "iter_subtrees",
    "refuse_entities",
    "root_tag",
]

MAX_TEXT = 64 * 1024 * 1024
"""Most characters of text one element may hold."""
MAX_DEPTH = 256
"""Deepest element nesting accepted."""
_CHUNK = 1 << 16
_CONTAINERS = frozenset({"Document", "Folder", "kml", "gpx", "trk", "rte"})


@dataclass
class Node:
    """One kept element: local tag, attributes, text, children and its line."""

    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def child(self, tag: str) -> Node | None:
        """The first direct child named ``tag``."""
        return next((c for c in self.children if c.tag == tag), None)

    def child_text(self, tag: str) -> str | None:
        """The stripped text of the first direct child named ``tag``, or None."""
        c = self.child(tag)
        return None if c is None else c.text.strip()

    def iter(self, tag: str) -> Iterator[Node]:
        """Every descendant (and self) named ``tag``, depth first, in document order."""
        if self.tag == tag:
            yield self
        for c in self.children:
            yield from c.iter(tag)

    def find(self, tag: str) -> Node | None:
        """The first descendant (or self) named ``tag``."""
        return next(self.iter(tag), None)


@dataclass
class Ancestor:
    """An open element above a kept subtree: tag, line and (for containers) its name."""

    tag: str
    line: int
    name: str | None = None


class _Refused(Exception):
    """Raised from inside expat handlers; becomes a ParseError."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _harden(p: expat.XMLParserType) -> None:
    def entity_decl(name: str, *_: object) -> None:
        raise _Refused(
            p.CurrentLineNumber,
            f"XML entity declaration {name!r} refused (entity expansion is not allowed)",
        )

    def external_ref(*_: object) -> int:
        raise _Refused(p.CurrentLineNumber, "external XML entity refused")

    p.EntityDeclHandler = entity_decl
    p.ExternalEntityRefHandler = external_ref
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)


def _expat_error(path: object, exc: expat.ExpatError) -> ParseError:
    reason = expat.ErrorString(exc.code) if exc.code is not None else str(exc)
    return ParseError(path, exc.lineno, f"not well-formed XML: {reason} (column {exc.offset})")


def iter_subtrees(
    source: BinaryIO, path: object, tags: frozenset[str]
) -> Iterator[tuple[Node, list[Ancestor]]]:
    """Yield each element whose local name is in ``tags`` once it is complete, with its open
    ancestors (outermost first; containers such as Folder carry their ``<name>``).

    Raises ParseError (with the line) for malformed XML, refused entities, text longer than
    :data:`MAX_TEXT` or nesting deeper than :data:`MAX_DEPTH`.

    >>> import io
    >>> doc = io.BytesIO(b"<a><b>1</b><b>2</b></a>")
    >>> [n.text for n, _ in iter_subtrees(doc, "x", frozenset("b"))]
    ['1', '2']
    """
    p = expat.ParserCreate()
    p.buffer_text = True
    _harden(p)
    ancestors: list[Ancestor] = []
    kept: list[tuple[Node, list[str], int]] = []  # open kept nodes, text parts, text size
    done: list[tuple[Node, list[Ancestor]]] = []
    name_text: list[str] | None = None  # collecting a container's <name>

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal name_text
        tag = _local(name)
        line = p.CurrentLineNumber
        if len(ancestors) + len(kept) >= MAX_DEPTH:
            raise _Refused(line, f"XML nested deeper than {MAX_DEPTH} elements")
        if kept or tag in tags:
            node = Node(tag, dict(attrs), line)
            if kept:
                kept[-1][0].children.append(node)
            kept.append((node, [], 0))
            return
        if tag == "name" and ancestors and ancestors[-1].tag in _CONTAINERS:
            name_text = []
        ancestors.append(Ancestor(tag, line))

    def end(name: str) -> None:
        nonlocal name_text
        if kept:
            node, parts, _ = kept.pop()
            node.text = "".join(parts)
            if not kept:
                done.append((node, list(ancestors)))
            return
        closed = ancestors.pop()
        if closed.tag == "name" and name_text is not None and ancestors:
            ancestors[-1].name = "".join(name_text).strip()
            name_text = None

    def chars(data: str) -> None:
        if kept:
            node, parts, size = kept[-1]
            size += len(data)
            if size > MAX_TEXT:
                raise _Refused(
                    p.CurrentLineNumber,
                    f"text of <{node.tag}> (line {node.line}) longer than {MAX_TEXT} characters",
                )
            parts.append(data)
            kept[-1] = (node, parts, size)
        elif name_text is not None and sum(map(len, name_text)) < 4096:
            name_text.append(data)

    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = chars
    try:
        while True:
            chunk = source.read(_CHUNK)
            p.Parse(chunk, not chunk)
            yield from done
            done.clear()
            if not chunk:
                break
    except expat.ExpatError as exc:
        raise _expat_error(path, exc) from exc
    except _Refused as exc:
        raise ParseError(path, exc.line, exc.reason) from None


class _Root(Exception):
    def __init__(self, tag: str) -> None:
        self.tag = tag


def refuse_entities(source: BinaryIO, path: object) -> str:
    """Read the prolog up to the root element with the hardened parser; return the root's
    local name. Entity declarations can only stand before the root, so a file that passes
    cannot expand entities (used before handing a GPX file to gpxpy).

    >>> import io
    >>> refuse_entities(io.BytesIO(b'<?xml version="1.0"?><gpx version="1.1"/>'), "x.gpx")
    'gpx'
    """
    p = expat.ParserCreate()
    _harden(p)

    def start(name: str, attrs: dict[str, str]) -> None:
        raise _Root(_local(name))

    p.StartElementHandler = start
    try:
        while True:
            chunk = source.read(_CHUNK)
            p.Parse(chunk, not chunk)
            if not chunk:
                break
    except _Root as root:
        return root.tag
    except expat.ExpatError as exc:
        raise _expat_error(path, exc) from exc
    except _Refused as exc:
        raise ParseError(path, exc.line, exc.reason) from None
    raise ParseError(path, None, "no XML root element")  # pragma: no cover - expat raises first


def root_tag(head: bytes) -> str | None:
    """The local name of the root element from the first bytes of a file, or None (not XML,
    or the root is not within ``head``). Entity declarations make it None too.

    >>> root_tag(b'<?xml version="1.0"?>\\n<!-- c -->\\n<kml xmlns="http://www.opengis.net/kml/2.2">')
    'kml'
    >>> root_tag(b"time,icao24") is None
    True
    """
    import io

    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return None
    try:
        return refuse_entities(io.BytesIO(head), "<head>")
    except ParseError:
        return None
