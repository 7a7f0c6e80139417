"""Codes of short names straight from an Arrow string column, compiled (numba): each value's
bytes, trimmed of whitespace (and lowered), packed into one 64-bit key and looked up in an
open-addressing table of the keys already coded (:class:`~.state.Codes`).

A name packs when it is at most 8 bytes of ASCII with no NUL byte (an icao24 address is 6,
an OpenSky callsign at most 8): the key is its bytes in order, little-endian, so two names
share a key only if they are equal. Other values (longer, non-ASCII) are left to the caller
(Arrow's dictionary encoding). Trimming strips exactly what Arrow's
``utf8_trim_whitespace`` strips from ASCII text (tab to carriage return, 0x1c-0x1f, space),
lowering maps A-Z as ``utf8_lower`` does. On the 100M benchmark's batches: ~5 ns per row
and column, against ~15 for the dictionary encoding alone.
"""

from __future__ import annotations

import numpy as np

from ..geometry.jit import jit as _jit

__all__ = ["KEY", "NONE", "OTHER", "first_seen", "grown", "lookup", "packed_keys", "settle_codes"]

KEY = 0
"""Status of a value packed into a key."""
NONE = 1
"""Status of a null value, or one that is empty once trimmed (no name: code -1)."""
OTHER = 2
"""Status of a value that does not pack (longer than 8 bytes, non-ASCII, a NUL byte)."""


@_jit()
def _space(c):  # type: ignore[no-untyped-def]
    return c == 32 or (9 <= c <= 13) or (28 <= c <= 31)


_ONES = 0x0101010101010101
_HIGH = 0x8080808080808080


@_jit()
def packed_keys(offsets, data, words, valid, voff, lower):  # type: ignore[no-untyped-def]
    """(keys, status) of the ``offsets.size - 1`` values whose bytes are
    ``data[offsets[i]:offsets[i + 1]]``; ``words``: ``data`` as 64-bit words (its first
    ``len(data) // 8``, the value's bytes read two words at a time where both are there);
    ``valid``: Arrow's validity bitmap (empty: no nulls), its first value at bit ``voff``.
    ``lower``: A-Z lowered."""
    n = offsets.size - 1
    keys = np.empty(n, np.uint64)  # (read only where the status is KEY)
    status = np.empty(n, np.int8)
    nulls = valid.size > 0
    ones = np.uint64(_ONES)
    high = np.uint64(_HIGH)
    for i in range(n):
        if nulls:
            b = voff + i
            if (valid[b >> 3] >> (b & 7)) & 1 == 0:
                status[i] = NONE
                continue
        a = np.int64(offsets[i])
        z = np.int64(offsets[i + 1])
        if a < z and (data[a] <= 32 or data[z - 1] <= 32):  # rare: trim
            while a < z and _space(data[a]):
                a += 1
            while z > a and _space(data[z - 1]):
                z -= 1
        size = z - a
        if size == 0:
            status[i] = NONE
            continue
        if size > 8:
            status[i] = OTHER
            continue
        w = a >> 3
        if w + 1 < words.size:  # the value's bytes from two words, shifted and masked
            shift = np.uint64(8 * (a & 7))
            v = words[w] >> shift
            if shift:
                v |= words[w + 1] << (np.uint64(64) - shift)
        else:
            v = np.uint64(0)
            for j in range(size):
                v |= np.uint64(data[a + j]) << np.uint64(8 * j)
        mask = ~np.uint64(0) if size == 8 else (np.uint64(1) << np.uint64(8 * size)) - np.uint64(1)
        v &= mask
        t = v | (~mask & ones)  # bytes past the value: 1, so that only its own can be 0
        if v & high or (t - ones) & ~t & high:  # non-ASCII, or a NUL byte
            status[i] = OTHER
            continue
        if lower:  # bytes of A-Z (0x41-0x5a): their high bit set by the first sum alone
            upper = (v + ones * np.uint64(0x3F)) & ~(v + ones * np.uint64(0x25)) & high
            v |= upper >> np.uint64(2)
        keys[i] = v
        status[i] = KEY
    return keys, status


@_jit()
def _slot(k, mask):  # type: ignore[no-untyped-def]
    h = k * np.uint64(0x9E3779B97F4A7C15)
    h ^= h >> np.uint64(29)
    return np.int64(h & np.uint64(mask))


@_jit()
def lookup(keys, status, table_keys, table_codes, count, start, m, out, new_keys, new_rows):  # type: ignore[no-untyped-def]
    """Each packed value's code in the table into ``out``, -1 for :data:`NONE`, -3 for
    :data:`OTHER`, from row ``start`` on; a key not in the table is put in it with the
    provisional code ``-10 - m`` (the ``m``-th new key, ``m`` new so far: ``new_keys[m]``,
    first met at row ``new_rows[m]``). The table (a power of two long; key 0 marks an empty
    slot, and no packed name is 0) holds ``count`` keys. Stops after the row that fills it
    half: returns (the next row, new keys so far, count); the caller grows the table and
    goes on."""
    n = keys.size
    mask = table_keys.size - 1
    for i in range(start, n):
        s = status[i]
        if s == NONE:
            out[i] = -1
            continue
        if s == OTHER:
            out[i] = -3
            continue
        k = keys[i]
        j = _slot(k, mask)
        while True:
            t = table_keys[j]
            if t == k:
                out[i] = table_codes[j]
                break
            if t == 0:
                table_keys[j] = k
                table_codes[j] = -10 - m
                out[i] = -10 - m
                new_keys[m] = k
                new_rows[m] = i
                m += 1
                count += 1
                if 2 * count > table_keys.size:
                    return i + 1, m, count
                break
            j = (j + 1) & mask
    return n, m, count


@_jit()
def grown(table_keys, table_codes, size):  # type: ignore[no-untyped-def]
    """The table's keys and codes in a table of ``size`` slots."""
    keys = np.zeros(size, np.uint64)
    codes = np.zeros(size, np.int64)
    mask = size - 1
    for i in range(table_keys.size):
        k = table_keys[i]
        if k != 0:
            j = _slot(k, mask)
            while keys[j] != 0:
                j = (j + 1) & mask
            keys[j] = k
            codes[j] = table_codes[i]
    return keys, codes


@_jit()
def settle_codes(out, table_keys, table_codes, new_keys, real):  # type: ignore[no-untyped-def]
    """Replace the provisional codes of :func:`lookup` (``-10 - m``) by ``real[m]``, in
    ``out`` and in the table."""
    for i in range(out.size):
        c = out[i]
        if c <= -10:
            out[i] = real[-10 - c]
    mask = table_keys.size - 1
    for m in range(real.size):
        j = _slot(new_keys[m], mask)
        while table_keys[j] != new_keys[m]:
            j = (j + 1) & mask
        table_codes[j] = real[m]


@_jit()
def first_seen(idx, size):  # type: ignore[no-untyped-def]
    """The distinct values of ``idx`` below ``size`` in order of first appearance (the
    dictionary positions a batch uses, in the order a dictionary encoding of its values
    would number them)."""
    seen = np.zeros(size, np.bool_)
    out = np.empty(size, np.int64)
    m = 0
    for i in range(idx.size):
        v = idx[i]
        if v < size and not seen[v]:
            seen[v] = True
            out[m] = v
            m += 1
    return out[:m]
