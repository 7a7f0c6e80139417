"""Points read off a map: the error model's horizontal sigma comes from --map-scale and
--line-width (NMAS map accuracy + line width), stated in the track's metadata."""

from __future__ import annotations

import math

import numpy as np

from overflight.analysis.error_model import digitising_sigma_m
from overflight.cli.timing_options import TimingOptions, timed_tracks
from overflight.formats.tracks.timing import untimed_track


def test_sigma_closed_form() -> None:
    # 1:250,000, 0.3 mm line: sqrt((0.508/2.146 mm)^2 + (0.3 mm)^2 / 12) * 250,000
    want = 250_000 * math.sqrt((0.508e-3 / 2.146) ** 2 + (0.3e-3) ** 2 / 12)
    assert abs(digitising_sigma_m(250_000, 0.3e-3) - want) < 1e-9
    assert digitising_sigma_m(None, 0.3e-3) is None


def test_untimed_track_gets_the_digitising_sigma() -> None:
    t = untimed_track("map", [24.0, 24.1, 24.2], [59.0, 59.1, 59.2])
    assert t.meta.get("timing") == "distance"
    opts = TimingOptions(speed_mps=100.0, map_scale=500_000.0, line_width_m=0.5e-3)
    (out,) = timed_tracks([t], opts)
    sigma = digitising_sigma_m(500_000.0, 0.5e-3)
    assert np.allclose(out.accuracy_h, sigma)
    assert out.meta["digitising"]["sigma_h_m"] == sigma
    assert "NMAS" in out.meta["digitising"]["basis"]
