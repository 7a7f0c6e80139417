"""Resumable scans: after each input file, its incursion rows and the kernel's carried state
are written to a checkpoint folder, each file atomically (temporary name, then rename), and
the manifest, written last, commits the file. A re-run with the same inputs and settings skips
the committed files and gives the same output; an interrupted write leaves only a temporary
file that is ignored.

Inputs are identified by path, size, modification time and a quick SHA-256 of their first and
last MiB (hashing terabytes of archive on every run would cost more than the scan).

>>> import tempfile, pyarrow as pa
>>> cp = Checkpoint(Path(tempfile.mkdtemp()), "key1", [])
>>> cp.done
0
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["Checkpoint", "atomic_write_table", "quick_sha256", "replacing"]

_MIB = 1 << 20


def quick_sha256(path: Path) -> str:
    """SHA-256 of the size, the first MiB and the last MiB of ``path``."""
    h = hashlib.sha256()
    size = path.stat().st_size
    h.update(str(size).encode())
    with path.open("rb") as fh:
        h.update(fh.read(_MIB))
        if size > 2 * _MIB:
            fh.seek(size - _MIB)
            h.update(fh.read(_MIB))
    return h.hexdigest()


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` (``.NAME.tmp``) to write to: renamed to ``path`` when
    the block ends, removed when it raises (an error, Ctrl-C), so that ``path`` is either
    whole or untouched and nothing is left beside it.

    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "a.txt"
    >>> try:
    ...     with replacing(out) as tmp:
    ...         _ = tmp.write_text("half")
    ...         raise KeyboardInterrupt
    ... except KeyboardInterrupt:
    ...     pass
    >>> out.exists(), list(out.parent.iterdir())
    (False, [])
    >>> with replacing(out) as tmp:
    ...     _ = tmp.write_text("whole")
    >>> out.read_text(), len(list(out.parent.iterdir()))
    ('whole', 1)
    """
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        yield tmp
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)


def _atomic_bytes(path: Path, data: bytes) -> None:
    with replacing(path) as tmp, tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def atomic_write_table(table: pa.Table, path: Path) -> None:
    """Write ``table`` as Parquet to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path) as tmp:
        pq.write_table(table, tmp)


class Checkpoint:
    """The checkpoint folder of one scan (or one partition of it).

    ``key`` identifies settings and airspaces; ``inputs`` are the file records (path, size,
    mtime, quick hash). A folder written under another key or for other inputs is cleared.
    """

    def __init__(self, folder: Path, key: str, inputs: Sequence[dict[str, Any]]) -> None:
        self.folder = folder
        self.key = key
        self.inputs = list(inputs)
        folder.mkdir(parents=True, exist_ok=True)
        self.done = 0
        man = folder / "manifest.json"
        if man.is_file():
            try:
                m = json.loads(man.read_text())
            except (OSError, ValueError):
                m = {}
            same = (
                m.get("key") == key
                and m.get("inputs", [])[: m.get("done", 0)] == self.inputs[: m.get("done", 0)]
            )
            if same and (folder / f"state-{m.get('done', 0):06d}.pkl").is_file():
                self.done = int(m.get("done", 0))
            else:
                self.clear()

    def clear(self) -> None:
        """Forget everything in the folder."""
        for p in self.folder.iterdir():
            if p.is_dir():
                shutil.rmtree(p)
            else:
                p.unlink()
        self.done = 0

    def load_state(self) -> Any | None:
        """The pickled kernel after the committed files (None if none)."""
        if self.done == 0:
            return None
        with (self.folder / f"state-{self.done:06d}.pkl").open("rb") as fh:
            return pickle.load(fh)

    def commit(self, rows: pa.Table, state: Any) -> None:
        """Commit the next input file: its rows, the state after it, then the manifest."""
        i = self.done
        atomic_write_table(rows, self.folder / f"part-{i:06d}.parquet")
        _atomic_bytes(self.folder / f"state-{i + 1:06d}.pkl", pickle.dumps(state, protocol=5))
        man = {"key": self.key, "inputs": self.inputs, "done": i + 1}
        _atomic_bytes(self.folder / "manifest.json", json.dumps(man, indent=1).encode())
        old = self.folder / f"state-{i:06d}.pkl"
        if old.exists():
            old.unlink()
        self.done = i + 1

    def parts(self) -> list[Path]:
        """Row files of the committed inputs, in order."""
        return [self.folder / f"part-{i:06d}.parquet" for i in range(self.done)]
