"""BaseStation (SBS-1) parsing and merging: field values as written in the lines, the fast
path and the checked parser agree on every line (malformed ones with their reason), messages
merged per aircraft, line splitting across chunks, drops and overlong lines."""

from __future__ import annotations

import math

import pytest

from overflight.service.ingest.sbs1 import (
    LineSplitter,
    SbsDecoder,
    SbsFeed,
    _fast_record,
    parse_sbs_line,
)

FT, KT, FPM = 0.3048, 1852.0 / 3600.0, 0.3048 / 60.0
# 2019-05-23 11:03:32 UTC = 1558609412
DAY = "2019/05/23"
MSG1 = f"MSG,1,1,1,4CA2D6,1,{DAY},11:03:32.000,{DAY},11:03:32.000,RYR2RG  ,,,,,,,,,,,0"
MSG3 = (
    f"MSG,3,1,1,4CA2D6,1,{DAY},11:03:33.500,{DAY},11:03:33.500,,36000,,,53.10123,-2.10456,,,0,0,0,0"
)
MSG4 = f"MSG,4,1,1,4CA2D6,1,{DAY},11:03:34.000,{DAY},11:03:34.000,,,450.5,91.2,,,-640,,0,0,0,0"
MSG3B = (
    f"MSG,3,1,1,4CA2D6,1,{DAY},11:03:35.250,{DAY},11:03:35.250,,35975,,,53.10200,-2.09000,,,0,0,0,0"
)
MSG2 = (
    f"MSG,2,1,1,400F01,1,{DAY},11:03:36.000,{DAY},11:03:36.000,,,12.0,270.0,51.47,-0.4543,,,,,,-1"
)
MSG5 = f"MSG,5,1,1,4ca2d6,1,{DAY},11:03:37.000,{DAY},11:03:37.000,,36100,,,,,,,0,0,0,0"
MSG6 = f"MSG,6,1,1,4CA2D6,1,{DAY},11:03:38.000,{DAY},11:03:38.000,,,,,,,,7700,1,1,0,0"
NOTIME = "MSG,3,1,1,4CA2D6,1,,,,,,36000,,,53.1,-2.1,,,0,0,0,0"
ODDCLOCK = f"MSG,3,1,1,4CA2D6,1,{DAY},1:03:33.5,{DAY},1:03:33.5,,36000,,,53.1,-2.1,,,0,0,0,0"
GOOD = [
    MSG1,
    MSG3,
    MSG4,
    MSG3B,
    MSG2,
    MSG5,
    MSG6,
    NOTIME,
    ODDCLOCK,
    f"STA,,5,179,400AE7,10103,{DAY},11:03:32.000,{DAY},11:03:32.000,RM",
]
BAD = [
    ("MSG,3,1,1,4CA2D6", "expected 22 fields, got 5"),
    (MSG3.replace("MSG,3,", "MSG,9,"), "transmission type 9 is not 1-8"),
    (MSG3.replace("MSG,3,", "MSG,x,"), "invalid literal for int() with base 10: 'x'"),
    (MSG3.replace("4CA2D6", "4CA2DZ"), "bad hex ident '4CA2DZ'"),
    (MSG3.replace("4CA2D6", "4CA2D"), "bad hex ident '4CA2D'"),
    (MSG3.replace("53.10123", "93.5"), "position out of range: '93.5', '-2.10456'"),
    (MSG3.replace("53.10123", ""), "position out of range: '', '-2.10456'"),
    (MSG3.replace("36000", "36k"), "could not convert string to float: '36k'"),
    (MSG3.replace("11:03:33.500", "11-03-33", 1), "bad date/time '2019/05/23' '11-03-33'"),
    ("XYZ,1,2,3", "unknown record type 'XYZ'"),
    ("\x00\xff garbage", "unknown record type '\\x00\xff garba'"),  # first 8 characters
]


@pytest.mark.parametrize("line", GOOD)
def test_fast_path_agrees_with_the_checked_parser(line: str) -> None:
    slow = parse_sbs_line(line)
    try:
        fast = _fast_record(line)
    except ValueError:
        fast = None
    if line in GOOD[:7]:
        assert fast is not None  # the common lines take the fast path
    if fast is not None:  # when the fast path takes a line, it reads it exactly the same
        assert fast == slow or (
            repr(fast) == repr(slow)  # NaN fields compare unequal
        )


@pytest.mark.parametrize(("line", "reason"), BAD)
def test_malformed_lines_counted_with_their_reason(line: str, reason: str) -> None:
    with pytest.raises(ValueError) as exc:
        parse_sbs_line(line)
    assert str(exc.value) == reason
    d = SbsDecoder()
    assert d.line(line, 0.0) is None
    assert d.counts == {"lines": 1, "positions": 0, "malformed": 1, "other": 0}
    assert d.last_error == reason


def test_fields_and_merging_as_written() -> None:
    d = SbsDecoder(feed="sbs:test")
    assert d.line(MSG1, 1.0) is None
    f1 = d.line(MSG3, 2.0)
    assert f1 is not None
    assert (f1.icao24, f1.time, f1.lat, f1.lon) == ("4ca2d6", 1558609413.5, 53.10123, -2.10456)
    assert f1.alt_baro == 36000 * FT and math.isnan(f1.alt_geo)
    assert f1.callsign == "RYR2RG" and not f1.on_ground and f1.feed == "sbs:test"
    assert math.isnan(f1.gs) and f1.received == 2.0  # no velocity message yet
    assert d.line(MSG4, 3.0) is None
    f2 = d.line(MSG3B, 4.0)
    assert f2 is not None and f2.time == 1558609415.25 and f2.alt_baro == 35975 * FT
    assert f2.gs == 450.5 * KT and f2.track == 91.2 and f2.vrate == -640 * FPM
    g = d.line(MSG2, 5.0)  # a surface position
    assert g is not None and g.on_ground and g.icao24 == "400f01" and g.gs == 12.0 * KT
    assert d.line(MSG5, 6.0) is None and d.line(MSG6, 7.0) is None
    f3 = d.line(NOTIME, 8.0)  # no date/time: the arrival time
    assert f3 is not None and f3.time == 8.0 and f3.alt_baro == 36000 * FT
    f4 = d.line(ODDCLOCK, 9.0)  # an unpadded clock still reads right (checked parser)
    assert f4 is not None and f4.time == 1558609413.5 - 10 * 3600
    assert d.line(GOOD[-1], 10.0) is None
    assert d.counts == {"lines": 10, "positions": 5, "malformed": 0, "other": 1}


def test_stale_altitude_and_velocity_are_not_attached() -> None:
    d = SbsDecoder(max_age_s=30.0)
    d.line(MSG4, 0.0)
    late = MSG3.replace("11:03:33.500", "11:04:33.500").replace(",36000,", ",,")
    f = d.line(late, 0.0)
    assert f is not None and math.isnan(f.gs) and math.isnan(f.alt_baro)


def test_splitter_across_chunks_overlong_and_drop() -> None:
    s = LineSplitter(max_line=120)
    data = (MSG3 + "\n" + MSG4 + "\r\n").encode()
    got = [ln for k in range(0, len(data), 7) for ln in s.feed(data[k : k + 7])]
    assert got == [MSG3, MSG4]
    assert list(s.feed(b"x" * 150 + b"\n" + MSG1.encode() + b"\n")) == [MSG1]
    assert s.overlong == 1
    assert list(s.feed(MSG3[:40].encode())) == []
    assert s.reset() and s.partial == 1
    assert list(s.feed(MSG3[40:].encode() + b"\n")) == [MSG3[40:]]  # a fragment, not a line


def test_feed_counts_in_status() -> None:
    feed = SbsFeed("127.0.0.1", 30003)
    fixes: list[object] = []
    chunk = "\n".join([MSG1, MSG3, BAD[0][0], MSG4, MSG3B, GOOD[-1]]) + "\n" + MSG3[:20]
    feed.feed_bytes(chunk.encode(), fixes.append)
    feed.disconnected()
    st = feed.status.to_dict()
    assert len(fixes) == 2
    assert (st["messages"], st["positions"], st["malformed"], st["other"]) == (6, 2, 1, 1)
    assert st["partial"] == 1 and st["last_error"] == "expected 22 fields, got 5"
    assert st["last_message_age_s"] is not None and st["lag_s"] is not None
