"""Switches between overflight's compiled passes and their numpy paths, for tests that check
one against the other."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from overflight.archive import batch_crossings
from overflight.geometry import distance_many, jit


@contextlib.contextmanager
def numpy_path() -> Iterator[None]:
    """Inside the block, the numpy paths, not the compiled passes: distances to few-edge
    polygons (``_few_edges``) and their crossing candidates (``few_edge_pairs``)."""
    saved = distance_many._compiled_struct, batch_crossings._compiled
    distance_many._compiled_struct = lambda: None
    batch_crossings._compiled = lambda n: False
    try:
        yield
    finally:
        distance_many._compiled_struct, batch_crossings._compiled = saved


@contextlib.contextmanager
def compiled_path() -> Iterator[None]:
    """Inside the block, the compiled passes for calls of any size (outside, calls smaller
    than ``jit.COMPILED_MIN`` take the numpy paths)."""
    saved = jit.COMPILED_MIN
    jit.COMPILED_MIN = 0
    try:
        yield
    finally:
        jit.COMPILED_MIN = saved
