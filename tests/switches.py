"""Switches between overflight's compiled passes and their numpy paths, for tests that check
one against the other."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from overflight.geometry import distance_many


@contextlib.contextmanager
def numpy_path() -> Iterator[None]:
    """Distances to few-edge polygons by the numpy path (``_few_edges``), not the compiled
    pass, inside the block."""
    saved = distance_many._compiled_struct
    distance_many._compiled_struct = lambda: None
    try:
        yield
    finally:
        distance_many._compiled_struct = saved
