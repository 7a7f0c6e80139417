"""``plain_paths`` fills a job's missing altitudes as the core check does (``fill_altitude``)
and gives each path the ``availability`` of its filled altitudes, counted for all jobs at once:
series with every value, none, some at the start, the end or inside missing, infinities."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from overflight.archive.batch_paths import plain_paths
from overflight.archive.pool import Job
from overflight.geometry.vertical import availability, fill_altitude

_ALT = st.one_of(st.just(np.nan), st.just(np.inf), st.floats(-500.0, 15_000.0))


@settings(max_examples=60, deadline=None)
@given(series=st.lists(st.lists(st.tuples(_ALT, _ALT), min_size=2, max_size=8), max_size=6))
def test_filled_altitudes_and_availability_equal_the_core_checks(series) -> None:
    jobs = []
    for k, s in enumerate(series):
        n = len(s)
        t = np.arange(n) * 10.0 + k
        jobs.append(
            Job(
                f"a{k}",
                None,
                0.0,
                [0],
                t,
                np.linspace(24.0, 24.05, n),  # 400 m steps: every job is plain
                np.full(n, 59.0),
                np.array([a for a, _ in s]),
                np.array([b for _, b in s]),
                np.zeros(n, np.uint8),
            )
        )
    P, plain = plain_paths(jobs)
    assert plain == [True] * len(jobs)
    for job, path, known in zip(jobs, P.paths, P.known, strict=True):
        ab, _ = fill_altitude(job.time, job.baro)
        ag, _ = fill_altitude(job.time, job.geo)
        np.testing.assert_array_equal(path.alt_baro, ab)
        np.testing.assert_array_equal(path.alt_geo, ag)
        assert known == availability(ab, ag)
