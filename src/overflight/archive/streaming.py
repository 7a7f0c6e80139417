"""One input file through the kernel (:func:`stream_file`), and what is left when its work is
undone (:func:`undone`): a file that fails, or that its footer wrongly called in time order
(:class:`~.duckdb.NotInTimeOrder`), is dropped from the kernel and the check pool."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .clean import Rows
from .columns import BatchDecoder
from .duckdb import FileInfo, read_batches
from .kernel import Kernel
from .pool import CheckPool

__all__ = ["Progress", "stream_file", "undone"]

Progress = Callable[[int, int], None]
"""Called with (rows done, rows in all)."""


def stream_file(
    con: Any,
    info: FileInfo,
    kernel: Kernel,
    rows: list[Any],
    reading: tuple[tuple[float, float, float, float] | None, tuple[int, int], int],
    progress: Progress | None,
    done_rows: int,
    total: int,
) -> int:
    """The file's rows through ``kernel`` (``reading``: the bounding box, the partition and
    the rows per batch), the incursion rows it gives appended to ``rows``; how many rows
    were read."""
    bbox, part, batch_rows = reading
    dec = BatchDecoder(info.spec, kernel.icao, kernel.calls)
    row0 = 0
    held: Rows | None = None
    for batch in read_batches(con, info, bbox, part, batch_rows):
        now = dec.decode(batch, row0)
        body, tail = now.split_last()
        if held is None:
            now, held = body, tail
            if len(now):
                rows += kernel.process(now, bbox)
        elif tail is not None and (len(held) == 0 or tail.time[0] > held.time[0]):
            # the rows held back (at a time before this batch's last) and this batch's rows
            # before its last time: one batch, as their concatenation, but not copied
            rows += kernel.process(body, bbox, before=held)
            held = tail
        else:  # (this batch has no row after the held time)
            now, held = Rows.concat([held, now]).split_last()
            if len(now):
                rows += kernel.process(now, bbox)
        row0 += batch.num_rows
        if progress:
            progress(done_rows + row0 * part[1], total)
    if held is not None:
        rows += kernel.process(held, bbox)
    return row0


def undone(overlap: CheckPool | None, n: int, kernel: Kernel, rows: list[Any]) -> list[Any]:
    """What is left of ``rows`` once the pieces of file ``n`` are dropped (``kernel`` is then
    to be replaced by its copy from before the file)."""
    if overlap is not None:
        overlap.discard(n)
        return rows + overlap.done()  # the rows of earlier files: kept
    kernel.drain()
    return []
