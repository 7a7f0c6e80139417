"""What the kernel carries per aircraft from one batch to the next: the last row, the last kept
fix, the current run of identical positions, the start of the current track.

Arrays are indexed by an integer aircraft code (:class:`Codes` maps icao24 -> code) and grow
as aircraft appear. An aircraft silent for longer than the eviction horizon is forgotten
(:meth:`AircraftState.forget`: its next row starts it afresh), and once the forgotten codes
outnumber the others the codes are given again to the remembered names alone
(:meth:`AircraftState.taken`, :meth:`Codes.taken`): the state follows the aircraft heard in the
last hour or so, not every aircraft ever seen.

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

    def __len__(self) -> int:
        """How many names have codes (without taking a copy's names)."""
        return self._n if self._base is not None else len(self._names)

    def taken(self, codes: NDArray[np.int64]) -> Codes:
        """New codes for the names of ``codes`` (ascending) alone: the i-th gets code i."""
        names = self.names
        new = Codes()
        new._names = [names[c] for c in codes.tolist()]
        new._ids = {v: i for i, v in enumerate(new._names)}
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


_UNSET = {
    "seen": False,
    "has_fix": False,
    "fix_flags": 0,
    "fix_cs": -1,
    "fix_ground": False,
    "run_frozen": False,
}
"""A never-seen aircraft's values (the float columns': NaN), as :meth:`AircraftState.ensure`
gives them."""


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

    def forget(self, codes: NDArray[np.int64]) -> None:
        """Aircraft ``codes`` as if never seen: their next row starts them afresh."""
        for f in fields(self):
            if f.name != "size":
                getattr(self, f.name)[codes] = _UNSET.get(f.name, np.nan)

    def taken(self, codes: NDArray[np.int64]) -> AircraftState:
        """A state of the aircraft ``codes`` alone, the i-th now code i (new arrays)."""
        arrays = {f.name: getattr(self, f.name)[codes] for f in fields(self) if f.name != "size"}
        return AircraftState(int(codes.size), **arrays)

    def ensure(self, max_code: int) -> None:
        """Grow every array to hold code ``max_code``."""
        if max_code < self.size:
            return
        new = max(max_code + 1, 2 * self.size, 1024)
        for f in fields(self):
            if f.name != "size":
                old = getattr(self, f.name)
                more = np.full(new - self.size, _UNSET.get(f.name, np.nan), old.dtype)
                setattr(self, f.name, np.concatenate([old, more]))
        self.size = new
