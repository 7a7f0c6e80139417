"""Terminal tables: what a user reads for each track x airspace pair."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from rich.console import Console

from overflight.analysis.params import CheckOutcome, CheckParameters
from overflight.model import (
    Airspace,
    CheckResult,
    Circle,
    ClosestApproach,
    Incursion,
    Polygon,
    VerticalLimit,
)
from overflight.reports.table import (
    format_distance,
    format_duration,
    format_time,
    render_outcome,
)

T0 = datetime(2024, 6, 15, 9, 0, 0, tzinfo=UTC).timestamp()


def _airspace(name: str = "TALLINN CTR") -> Airspace:
    return Airspace(
        name=name,
        kind="C",
        polygons=(Polygon(Circle(59.41, 24.83, 9000.0)),),
        floor=VerticalLimit.surface("GND"),
        ceiling=VerticalLimit.parse("2500ft MSL"),
    )


def _inc(vertical: str = "inside", **kw: object) -> Incursion:
    base: dict[str, object] = dict(
        entry_time=T0 + 400.25,
        exit_time=T0 + 1075.5,
        entry_point=(59.3, 24.5),
        exit_point=(59.55, 24.9),
        max_depth_m=4321.4,
        max_depth_time=T0 + 700.0,
        max_depth_point=(59.45, 24.7),
        vertical=vertical,
        entry_via="lateral",
        exit_via="lateral",
    )
    base.update(kw)
    return Incursion(**base)  # type: ignore[arg-type]


def _text(outcome: CheckOutcome) -> str:
    con = Console(width=200, record=True, color_system=None, file=io.StringIO())
    render_outcome(outcome, con)
    return con.export_text()


def test_incursion_row_shows_times_duration_depth_vertical() -> None:
    r = CheckResult("511f01", "ESEXA", _airspace(), (_inc(vertical_margin_m=304.8),), (), None)
    text = _text(CheckOutcome([r], CheckParameters(), pairs=1))
    assert "511f01 (ESEXA) x TALLINN CTR [C] GND - 2500ft MSL" in text
    row = next(line for line in text.splitlines() if "incursion" in line)
    assert "2024-06-15 09:06:40.250Z" in row  # entry
    assert "2024-06-15 09:17:55.500Z" in row  # exit
    assert "11:15.2" in row  # 675.25 s
    assert "4321 m" in row
    assert "inside (margin 305 m)" in row
    assert "1 track x airspace pairs: 1 listed, 1 entered, 0 beyond" in text


def test_no_entry_shows_closest_approach() -> None:
    ca = ClosestApproach(6123.4, None, T0 + 900.0, (59.2, 24.8))
    r = CheckResult("511f02", None, _airspace(), (), (), ca)
    text = _text(CheckOutcome([r], CheckParameters(search_m=20_000), pairs=3, beyond_search=2))
    assert "511f02 x TALLINN CTR" in text
    assert "closest approach 6123 m laterally at 2024-06-15 09:15:00.000Z" in text
    assert (
        "3 track x airspace pairs: 1 listed, 0 entered, 2 beyond the search distance (20 km)"
        in text
    )


def test_lateral_pass_above_is_listed_but_not_entered() -> None:
    ca = ClosestApproach(0.0, 305.0, T0 + 500.0, (59.4, 24.8), laterally_inside=True)
    above = _inc("above", vertical_margin_m=-305.0, starts_inside=True, entry_via="start")
    r = CheckResult("511f03", "ESEXC", _airspace(), (), (above,), ca)
    text = _text(CheckOutcome([r], CheckParameters(), pairs=1))
    row = next(line for line in text.splitlines() if "passed above" in line)
    assert "(start)" in row and "above (clear by 305 m)" in row
    assert "laterally inside, closest vertical separation 305 m" in text
    assert "0 entered" in text


def test_unknown_vertical_shows_reason_and_warning() -> None:
    unk = _inc("unknown", vertical_reason="floor is AGL and no terrain was given")
    r = CheckResult("x", None, _airspace(), (unk,), (), None, warnings=("terrain missing",))
    text = _text(CheckOutcome([r], CheckParameters(), pairs=1))
    assert "unknown: floor is AGL and no terrain was given" in text
    assert "warning: terrain missing" in text
    assert "0 entered" in text  # unknown is not counted as entered


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.0, "0:00.0"), (59.96, "1:00.0"), (600.864, "10:00.9"), (3600.0, "1:00:00")],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


def test_format_time_and_distance() -> None:
    assert format_time(1718442000.0) == "2024-06-15 09:00:00.000Z"
    assert format_time(None) == "-"
    assert format_distance(9999.4) == "9999 m"
    assert format_distance(10000.0) == "10.00 km"
