"""Hostile inputs: entity expansion, zip bombs, binary junk, truncated files, huge lines.
Each gives a clear error naming the file and the reason, without reading everything."""

from __future__ import annotations

import gzip
import io
import os
import zipfile
from pathlib import Path

import pytest

from overflight.errors import ParseError, UnsupportedFormatError
from overflight.formats import read_tracks, sniff
from overflight.formats.tracks import _kmz, _xml

TRACK_FORMATS = ["igc", "gpx", "kml", "kmz", "geojson-track", "traffic-json"]

LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">\n'
              for i in range(1, 10))
    + "]>\n<{root}><name>&lol9;</name></{root}>\n"
)  # fmt: skip


@pytest.mark.parametrize(("root", "suffix"), [("kml", ".kml"), ("gpx", ".gpx")])
def test_billion_laughs_refused(tmp_path: Path, root: str, suffix: str) -> None:
    path = tmp_path / f"lol{suffix}"
    path.write_text(LAUGHS.format(root=root))
    with pytest.raises(ParseError) as err:
        read_tracks(path, fmt=suffix[1:])
    assert err.value.path == str(path) and err.value.line == 3
    assert (
        err.value.reason == "XML entity declaration 'lol' refused (entity expansion is not allowed)"
    )


def test_external_entity_refused(tmp_path: Path) -> None:
    path = tmp_path / "xxe.kml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        "<kml>&x;</kml>"
    )
    with pytest.raises(ParseError, match=r"xxe\.kml:2: XML entity declaration 'x' refused"):
        read_tracks(path, fmt="kml")


def test_kmz_zip_bomb_refused_before_inflating(tmp_path: Path) -> None:
    path = tmp_path / "bomb.kmz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("doc.kml", b"<kml>" + b" " * (64 * 1024 * 1024) + b"</kml>")
    assert path.stat().st_size < 200_000
    assert sniff(path) == "kmz"
    with pytest.raises(ParseError) as err:
        read_tracks(path)
    assert err.value.path == str(path)
    assert "KMZ member 'doc.kml' compressed" in err.value.reason and "zip bomb" in err.value.reason


def test_kmz_member_over_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_kmz, "MAX_KML_BYTES", 1000)
    path = tmp_path / "big.kmz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("doc.kml", b"<kml>" + os.urandom(2000).hex().encode() + b"</kml>")
    with pytest.raises(ParseError, match=r"big\.kmz: KMZ member 'doc\.kml' is 4011 bytes \(limit"):
        read_tracks(path)


def test_kmz_too_many_members(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_kmz, "MAX_MEMBERS", 5)
    path = tmp_path / "many.kmz"
    with zipfile.ZipFile(path, "w") as z:
        for i in range(6):
            z.writestr(f"f{i}.kml", "<kml/>")
    with pytest.raises(ParseError, match=r"many\.kmz: KMZ with 6 members \(limit 5\)"):
        read_tracks(path)


def test_gzip_bomb_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from overflight.formats.tracks import traffic_json

    monkeypatch.setattr(traffic_json, "MAX_BYTES", 1 << 20)
    path = tmp_path / "bomb.json.gz"
    rec = '{"timestamp":0,"icao24":"abc123","latitude":60,"longitude":25},'
    path.write_bytes(gzip.compress(("[" + rec * 100_000)[:-1].encode() + b"]"))
    with pytest.raises(ParseError, match=r"bomb\.json\.gz: JSON text longer than 1048576 bytes"):
        read_tracks(path)


@pytest.mark.parametrize("fmt", TRACK_FORMATS)
def test_binary_junk(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "junk.bin"
    path.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(UnsupportedFormatError, match=r"junk\.bin: cannot tell the format"):
        sniff(path)
    with pytest.raises(ParseError) as err:
        read_tracks(path, fmt=fmt)
    assert err.value.path == str(path) and err.value.reason


TRUNCATED = {
    "igc": ("AXXX\nHFDTE010124\nB1200004350420N0802", 3, "truncated B record"),
    "gpx": ('<gpx version="1.1"><trk><trkseg><trkpt lat="60" lon="25"><time>2024', None,
            "not a valid GPX file"),
    "kml": ("<kml>\n<Placemark><Track><when>2024-05-01T12:00:00Z</when>\n<coord>25 60", 3,
            "not well-formed XML: no element found"),
    "geojson-track": ('{"type": "Feature", "geometry": {"type": "LineString", "coord', 1,
                      "not valid JSON"),
}  # fmt: skip


@pytest.mark.parametrize("fmt", list(TRUNCATED))
def test_truncated_text_files(tmp_path: Path, fmt: str) -> None:
    text, line, reason = TRUNCATED[fmt]
    path = tmp_path / f"cut.{fmt}"
    path.write_text(text)
    assert sniff(path) == fmt
    with pytest.raises(ParseError) as err:
        read_tracks(path)
    assert (err.value.path, err.value.line) == (str(path), line)
    assert err.value.reason.startswith(reason)


def test_truncated_gzip_and_kmz(shared_data: Path, tmp_path: Path) -> None:
    data = (shared_data / "adsb/traffic_samples/gliders_franconia.json.gz").read_bytes()
    gz = tmp_path / "cut.json.gz"
    gz.write_bytes(data[: len(data) // 2])
    assert sniff(gz) == "traffic-json"
    with pytest.raises(ParseError, match=r"cut\.json\.gz: cannot read gzip data"):
        read_tracks(gz)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "doc.kml", (shared_data / "kml/gpsbabel_27GLQKF3_ontario_2022-07-16.kml").read_text()
        )
    kmz = tmp_path / "cut.kmz"
    kmz.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    with pytest.raises(ParseError) as err:
        read_tracks(kmz, fmt="kmz")
    assert err.value.path == str(kmz) and "zip" in err.value.reason.lower()


def test_very_long_line(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    with path.open("wb") as fh:
        fh.write(b"HFDTE010124 ")
        for _ in range(40):
            fh.write(b"x" * (1 << 20))
    assert sniff(path) == "igc"  # the head looks like IGC
    with pytest.raises(ParseError) as err:
        read_tracks(path)
    assert (err.value.path, err.value.line) == (str(path), 1)
    assert err.value.reason == "line longer than 65536 bytes: not an IGC file"
    with pytest.raises(ParseError) as err:
        read_tracks(path, fmt="kml")
    assert err.value.line == 1 and err.value.reason.startswith("not well-formed XML")


def test_huge_element_text_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_xml, "MAX_TEXT", 1 << 20)
    path = tmp_path / "huge.kml"
    with path.open("wb") as fh:
        fh.write(b"<kml><Placemark><LineString><coordinates>")
        for _ in range(8):
            fh.write(b"25,60,0 " * (1 << 17))
        fh.write(b"</coordinates></LineString></Placemark></kml>")
    with pytest.raises(ParseError) as err:
        read_tracks(path)
    assert err.value.line == 1
    assert err.value.reason == "text of <coordinates> (line 1) longer than 1048576 characters"


def test_deep_nesting(tmp_path: Path) -> None:
    path = tmp_path / "deep.kml"
    path.write_text("<kml>" + "<Folder>" * 300 + "</Folder>" * 300 + "</kml>")
    with pytest.raises(ParseError, match=r"deep\.kml:1: XML nested deeper than 256 elements"):
        read_tracks(path)


def test_json_bomb_nesting(tmp_path: Path) -> None:
    path = tmp_path / "nest.geojson"
    path.write_text('{"type": "Feature", "geometry": {"type": "Point"}, "properties": '
                    + "[" * 100_000 + "]" * 100_000 + "}")  # fmt: skip
    with pytest.raises(ParseError) as err:
        read_tracks(path, fmt="geojson-track")
    assert err.value.path == str(path) and "nested too deeply" in err.value.reason
