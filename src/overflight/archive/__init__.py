"""Scanning ADS-B archives: billions of state vectors against thousands of airspaces.

The per-batch kernel (:mod:`.kernel`) cleans rows, breaks tracks at gaps and implausible
jumps, prefilters segments against a grid of airspace caps (:mod:`.index`) and runs the core
check (:func:`overflight.analysis.check`) on the stitched pieces of track near an airspace.
Engines: DuckDB (:mod:`.duckdb`, embedded default) and Dask (:mod:`.dask`, imported lazily).
Nothing heavy is imported here.
"""

from __future__ import annotations

__all__: list[str] = []
