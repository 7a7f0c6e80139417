"""What the kernel carries per aircraft from one batch to the next: the last row, the last kept
fix, the current run of identical positions, the start of the current track.

Arrays are indexed by an integer aircraft code (:class:`Codes` maps icao24 -> code) and grow
as aircraft appear, so one state costs a few hundred bytes per aircraft ever seen.

>>> s = AircraftState()
>>> s.ensure(10); s.fix_t.shape[0] >= 11, bool(s.seen[3])
(True, False)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, fields, replace

import numpy as np
from numpy.typing import NDArray

__all__ = ["FLAG_NAMES", "FROZEN", "JUMP", "SPEED", "AircraftState", "Codes", "flag_names"]

FROZEN = 1
"""The position did not change while the aircraft went on transmitting (frozen, or the fix
right after such a freeze)."""
JUMP = 2
"""A jump faster than any aircraft (both ends of the jump)."""
SPEED = 4
"""The distance between two fixes contradicts the reported ground speed (both ends)."""
FLAG_NAMES = {FROZEN: "frozen", JUMP: "jump", SPEED: "speed"}


def flag_names(mask: int) -> list[str]:
    """Names of the flags in ``mask``.

    >>> flag_names(FROZEN | SPEED)
    ['frozen', 'speed']
    """
    return [name for bit, name in FLAG_NAMES.items() if mask & bit]


class Codes:
    """Stable integer codes for strings (icao24, callsigns), in order of first appearance.

    Names are only ever added, so a :meth:`copy` is the first ``n`` names of the original,
    taken when first used: the copy a scan keeps of each file's start (to go back to if the
    file breaks) costs nothing unless used, not a copy of every name seen (a day of traffic:
    ~130,000 names and their table, copied and dropped at every file)."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._names: list[str] = []
        self._base: Codes | None = None  # a copy not yet taken: the first _n names of _base
        self._n = 0

    @property
    def ids(self) -> dict[str, int]:
        self._own()
        return self._ids

    @property
    def names(self) -> list[str]:
        self._own()
        return self._names

    def _own(self) -> None:
        """Take the copy's names from the original (its first ``n``: codes are given in order,
        and a name's entry is never removed)."""
        base = self._base
        if base is not None:
            self._names = base.names[: self._n]
            self._ids = dict(itertools.islice(base.ids.items(), self._n))
            self._base = None

    def copy(self) -> Codes:
        """A copy with its own table and names (new names are added to the copied one only):
        the names as they are now, taken from this one when the copy is first used."""
        new = Codes()
        new._base, new._n = self, len(self.names)
        return new

    def __getstate__(self) -> dict[str, object]:
        # a checkpoint holds the names alone (the packed table is rebuilt on use)
        return {"ids": self.ids, "names": self.names}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__()  # type: ignore[misc]
        self._ids, self._names = state["ids"], state["names"]  # type: ignore[assignment]

    def packed_table(self) -> tuple[NDArray[np.uint64], NDArray[np.int64], int]:
        """The table of packed names already coded (:mod:`.codes_compiled`): keys (0: an
        empty slot) and their codes, a power of two long, and how many keys it holds."""
        packed = self.__dict__.get("_packed")
        if packed is None:
            packed = self._packed = (np.zeros(1 << 12, np.uint64), np.zeros(1 << 12, np.int64), 0)
        return packed  # type: ignore[no-any-return]

    def set_packed_table(
        self, keys: NDArray[np.uint64], codes: NDArray[np.int64], count: int
    ) -> None:
        self._packed = (keys, codes, count)

    def encode_unique(self, values: list[str | None]) -> NDArray[np.int64]:
        """Codes of distinct values (None/empty -> -1)."""
        get = self.ids.get
        found = [get(v, -2) if v else -1 for v in values]  # -2: not seen before
        if -2 in found:
            for i, v in enumerate(values):
                if found[i] == -2:
                    c = get(v)  # a name twice among the new ones: its first code
                    if c is None:
                        c = self.ids[v] = len(self.names)  # type: ignore[index]
                        self.names.append(v)  # type: ignore[arg-type]
                    found[i] = c
        return np.array(found, np.int64)


_F64 = (
    "row_t",
    "row_lat",
    "row_lon",
    "lp",
    "fix_t",
    "fix_lat",
    "fix_lon",
    "fix_baro",
    "fix_geo",
    "fix_vel",
    "hold_t",
    "run_t0",
    "track_t0",
)


@dataclass
class AircraftState:
    """Per-aircraft carried values (see the module docstring)."""

    size: int = 0
    seen: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, bool))
    has_fix: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, bool))
    fix_flags: NDArray[np.uint8] = field(default_factory=lambda: np.zeros(0, np.uint8))
    fix_cs: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    fix_ground: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, bool))
    run_frozen: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, bool))
    row_t: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    row_lat: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    row_lon: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    lp: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    fix_t: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    fix_lat: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    fix_lon: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    fix_baro: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    fix_geo: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    fix_vel: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    hold_t: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    run_t0: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    track_t0: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))

    def copy(self) -> AircraftState:
        """A copy with arrays of its own (:func:`~.clean.clean` writes them in place)."""
        arrays = {f.name: getattr(self, f.name).copy() for f in fields(self) if f.name != "size"}
        return replace(self, **arrays)

    def ensure(self, max_code: int) -> None:
        """Grow every array to hold code ``max_code``."""
        if max_code < self.size:
            return
        new = max(max_code + 1, 2 * self.size, 1024)
        for name in ("seen", "has_fix", "fix_ground", "run_frozen"):
            setattr(
                self, name, np.concatenate([getattr(self, name), np.zeros(new - self.size, bool)])
            )
        self.fix_flags = np.concatenate([self.fix_flags, np.zeros(new - self.size, np.uint8)])
        self.fix_cs = np.concatenate([self.fix_cs, np.full(new - self.size, -1, np.int64)])
        for name in _F64:
            setattr(
                self, name, np.concatenate([getattr(self, name), np.full(new - self.size, np.nan)])
            )
        self.size = new
