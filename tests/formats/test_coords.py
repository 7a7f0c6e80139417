"""OpenAir coordinate text: every form seen in the real files, bad forms, round trips."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overflight.formats._coords import format_latlon, parse_latlon, split_latlon

SEC = 1.0 / 3600.0


@pytest.mark.parametrize(
    ("text", "lat", "lon"),
    [
        # WinPilot spec sample (degrees, decimal minutes)
        ("39:29.9 N 119:46.1 W", 39 + 29.9 / 60, -(119 + 46.1 / 60)),
        ("39:36.8 N 119:46.1W", 39 + 36.8 / 60, -(119 + 46.1 / 60)),
        # degrees, minutes, seconds
        ("39:29:54 N 119:46:06W", 39 + 29 / 60 + 54 / 3600, -(119 + 46 / 60 + 6 / 3600)),
        ("36:29:18 S 145:59:35 E", -(36 + 29 / 60 + 18 / 3600), 145 + 59 / 60 + 35 / 3600),
        # SeeYou: no spaces before the hemisphere letters
        ("45:37:56N 013:45:20E", 45 + 37 / 60 + 56 / 3600, 13 + 45 / 60 + 20 / 3600),
        ("45:43:40N 14:30:00E", 45 + 43 / 60 + 40 / 3600, 14.5),
        # Kemme: one-digit longitude degrees
        ("50:26:02 N 6:22:35 E", 50 + 26 / 60 + 2 / 3600, 6 + 22 / 60 + 35 / 3600),
        # decimal degrees, decimal minutes without spaces
        ("52.5N 13.3E", 52.5, 13.3),
        ("52:30.5N 013:18.0E", 52 + 30.5 / 60, 13.3),
        # lower-case hemisphere, decimal seconds
        ("01:05:30.5 n 000:05:30.25 w", 1 + 5 / 60 + 30.5 / 3600, -(5 / 60 + 30.25 / 3600)),
        # exactly on the limits
        ("90:00:00 S 180:00:00 W", -90.0, -180.0),
        ("00:00:00 N 000:00:00 E", 0.0, 0.0),
    ],
)
def test_parse_latlon_forms(text: str, lat: float, lon: float) -> None:
    got = parse_latlon(text)
    assert got == pytest.approx((lat, lon), abs=1e-12)


def test_sixty_seconds_is_the_next_minute() -> None:
    # xcsoar_test_openair_2.txt line 13: "DP 47:22:60 N 007:39:30 E"
    assert parse_latlon("47:22:60 N 007:39:30 E") == pytest.approx(
        parse_latlon("47:23:00 N 007:39:30 E"), abs=1e-12
    )
    assert parse_latlon("47:59:60 N 007:59:60 E") == pytest.approx((48.0, 8.0), abs=1e-12)


def test_split_latlon_returns_trailing_label() -> None:
    # winpilot_spec_sample.txt: "DP 36:41:00 N 115:56:10 W    c29"
    lat, lon, rest = split_latlon("36:41:00 N 115:56:10 W    c29")
    assert (lat, lon) == pytest.approx((36 + 41 / 60, -(115 + 56 / 60 + 10 / 3600)))
    assert rest == "c29"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("47:60:00 N 007:39:30 E", "minutes 60 not below 60 in latitude '47:60:00 N'"),
        ("47:22:00 N 007:75.5 E", "minutes 75.5 not below 60 in longitude '007:75.5 E'"),
        ("47:22:61 N 007:39:30 E", "seconds 61 above 60 in latitude '47:22:61 N'"),
        ("91:00:00 N 007:39:30 E", "latitude '91:00:00 N' beyond 90 degrees"),
        ("90:00:01 N 007:39:30 E", "latitude '90:00:01 N' beyond 90 degrees"),
        ("47:00:00 N 180:00:01 W", "longitude '180:00:01 W' beyond 180 degrees"),
        ("007:39:30 E 47:22:00 N", "longitude before latitude"),
        ("47:22:00 N", "expected latitude N/S then longitude E/W"),
        ("47:2x:00 N 007:39:30 E", "bad coordinate '47:2x:00 N 007:39:30 E'"),
        ("47:22:00 N 007:39:30 Q", "bad coordinate"),
        ("47:22:00 007:39:30", "bad coordinate"),
        ("", "empty coordinate"),
    ],
)
def test_parse_latlon_rejects_with_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_latlon(text)
    assert reason in str(info.value)


def test_parse_latlon_rejects_trailing_text() -> None:
    with pytest.raises(ValueError, match="unexpected text 'c29' after coordinate"):
        parse_latlon("36:41:00 N 115:56:10 W    c29")
    # no space between the hemisphere letter and more text: not a coordinate at all
    with pytest.raises(ValueError, match="bad coordinate"):
        split_latlon("36:41:00 N 115:56:10 Wc29")


def test_format_latlon_carries_rounded_seconds() -> None:
    assert format_latlon(47.383333333, 7.658333333) == "47:23:00 N 007:39:30 E"
    assert format_latlon(47.9999999, -7.9999999) == "48:00:00 N 008:00:00 W"
    assert format_latlon(-0.5, 0.0, decimals=2) == "00:30:00.00 S 000:00:00.00 E"
    with pytest.raises(ValueError, match="latitude"):
        format_latlon(90.5, 0.0)
    with pytest.raises(ValueError, match="longitude"):
        format_latlon(0.0, float("nan"))


lats = st.floats(-90.0, 90.0, allow_nan=False)
lons = st.floats(-180.0, 180.0, allow_nan=False)


@settings(deadline=None)
@given(lats, lons, st.integers(0, 3))
def test_round_trip_float_text_float(lat: float, lon: float, decimals: int) -> None:
    text = format_latlon(lat, lon, decimals=decimals)
    back = parse_latlon(text)
    half_unit = 0.5 * SEC * 10.0**-decimals
    assert back == pytest.approx((lat, lon), abs=half_unit + 1e-9)


@settings(deadline=None)
@given(
    st.integers(0, 89),
    st.integers(0, 59),
    st.integers(0, 59),
    st.sampled_from("NS"),
    st.integers(0, 179),
    st.integers(0, 59),
    st.integers(0, 59),
    st.sampled_from("EW"),
    st.sampled_from([" ", ""]),
)
def test_round_trip_text_float_text(
    ad: int, am: int, as_: int, ah: str, od: int, om: int, os_: int, oh: str, gap: str
) -> None:
    text = f"{ad:02d}:{am:02d}:{as_:02d}{gap}{ah} {od:03d}:{om:02d}:{os_:02d}{gap}{oh}"
    lat, lon = parse_latlon(text)
    assert format_latlon(lat, lon) == f"{ad:02d}:{am:02d}:{as_:02d} {ah if lat else 'N'} " + (
        f"{od:03d}:{om:02d}:{os_:02d} {oh if lon else 'E'}"
    )


@settings(deadline=None)
@given(st.integers(0, 89), st.integers(0, 59), st.integers(0, 9999))
def test_decimal_minutes_equal_seconds(d: int, m: int, frac: int) -> None:
    # DD:MM.mmmm and DD:MM:SS.ss name the same angle
    minutes = m + frac / 10000.0
    seconds = frac / 10000.0 * 60.0
    a = parse_latlon(f"{d:02d}:{m:02d}.{frac:04d} N 010:00.0 E")[0]
    b = parse_latlon(f"{d:02d}:{m:02d}:{seconds:06.3f} N 010:00:00 E")[0]
    assert a == pytest.approx(d + minutes / 60.0, abs=1e-12)
    assert a == pytest.approx(b, abs=1e-9)
