"""Writing values the way the standards want them: exact money, ISO dates, streamed bytes."""

import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from cosviluppo.lib.money import quantize_eur

# Bytes gathered before a chunk goes out: fewer, larger writes than one per grant.
BUFFER_BYTES = 64 * 1024


def money(amount: Decimal | None) -> str:
    """`1250.5` → `"1250.50"`: two decimals, a dot, no grouping, never through a float."""
    return format(quantize_eur(amount), "f")


def iso_datetime(moment: datetime) -> str:
    """RFC 3339 with the Rome offset, to the second: `2011-10-21T12:00:00+02:00`."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def iso_date(value: date | datetime) -> str:
    """The calendar day; an aware datetime counts in Rome (a decision at 00:30 is that day)."""
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return value.isoformat()


def to_json(value) -> str:
    """Compact JSON in which a Decimal is written as the number it is, to the cent.

    The json module would need floats (12.1 + 0.2 = 12.299999…); 360Giving wants numbers, and
    the totals must reconcile with the database to the cent.
    """
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(key))}:{to_json(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(to_json(item) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def buffered(chunks: Iterable[str], size: int = BUFFER_BYTES) -> Iterator[bytes]:
    """UTF-8 bytes of `chunks`, in pieces of about `size` bytes."""
    pending: list[bytes] = []
    length = 0
    for chunk in chunks:
        data = chunk.encode("utf-8")
        pending.append(data)
        length += len(data)
        if length >= size:
            yield b"".join(pending)
            pending, length = [], 0
    if pending:
        yield b"".join(pending)


def write_export(path: str, chunks: Iterable[bytes]) -> int:
    """Write `chunks` to `path` (or to standard output for "-"); returns the bytes written.

    A file is written beside its destination and renamed at the end, so a web server or a
    scheduled publication never serves a half-written export.
    """
    if path == "-":
        written = 0
        for chunk in chunks:
            sys.stdout.buffer.write(chunk)
            written += len(chunk)
        sys.stdout.buffer.flush()
        return written
    target = Path(path)
    handle, temporary = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            written = 0
            for chunk in chunks:
                stream.write(chunk)
                written += len(chunk)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return written
