"""Durations as admins write them: ``90s``, ``15m``, ``24h``, ``7d`` (and combinations such as ``1h30m``)."""

from __future__ import annotations

import re
from datetime import timedelta

_PART = re.compile(r"(\d+)\s*([smhd])")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class DurationError(ValueError):
    pass


def parse_duration(text: str) -> timedelta:
    """Parse ``90s``/``15m``/``24h``/``2d``/``1h30m``; a bare number means seconds. Raises DurationError."""
    raw = str(text).strip().lower()
    if not raw:
        raise DurationError("empty duration; write it like 90s, 15m, 24h or 2d")
    if raw.isdigit():
        seconds = int(raw)
    else:
        pos, seconds = 0, 0
        for match in _PART.finditer(raw):
            if raw[pos : match.start()].strip():
                break
            seconds += int(match.group(1)) * _UNITS[match.group(2)]
            pos = match.end()
        if pos != len(raw) or (seconds == 0 and pos == 0):
            raise DurationError(f"{text!r} is not a duration; write it like 90s, 15m, 24h or 2d")
    if seconds <= 0:
        raise DurationError(f"{text!r} must be longer than zero")
    return timedelta(seconds=seconds)


def format_duration(value: timedelta) -> str:
    """The shortest exact form: 5400s -> ``1h30m``."""
    seconds = int(value.total_seconds())
    out = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            out.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(out) or "0s"
