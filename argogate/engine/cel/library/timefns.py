"""Timestamps and durations: parsing (RFC 3339, Go duration strings), formatting
(`time.RFC3339Nano`), and the accessor methods (`getHours`, `getFullYear`, ...).

Kubernetes sets cel.DefaultUTCTimeZone, so timestamp accessors without a time zone
argument use UTC. Durations expose whole-unit truncations (cel-go common/types/duration.go).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from argogate.engine.cel.errors import CelEvalError
from argogate.engine.cel.library import cel_function
from argogate.engine.cel.operators import check_timestamp
from argogate.engine.cel.values import INT_MAX, INT_MIN, Duration, Timestamp, no_such_overload
from argogate.engine.units import duration_parts

_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse_duration(text: str) -> int:
    """Nanoseconds in a Go duration string (`1h30m`, `-1.5s`, `0`)."""
    s = text
    sign = 1
    if s[:1] in ("+", "-"):
        sign = -1 if s[0] == "-" else 1
        s = s[1:]
    if s == "0":
        return 0
    parts = duration_parts(s)
    if not parts:
        raise CelEvalError(f'time: invalid duration "{text}"')
    # not units.parse_duration (exact seconds): time.ParseDuration truncates each part to whole ns
    total = 0
    for number, scale in parts:
        whole, _, frac = number.partition(".")
        total += int(whole or "0") * scale
        if frac:
            total += int(frac) * scale // 10 ** len(frac)
    total *= sign
    if not INT_MIN <= total <= INT_MAX:
        raise CelEvalError(f'time: invalid duration "{text}"')
    return total


def parse_timestamp(text: str) -> int:
    m = _RFC3339.match(text)
    if m is None:
        raise CelEvalError(f'parsing time "{text}" as "2006-01-02T15:04:05Z07:00": cannot parse')
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    frac = m.group(7) or ""
    try:
        dt = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        raise CelEvalError(f'parsing time "{text}": out of range') from None
    offset = 0
    if m.group(9):
        offset = (int(m.group(10)) * 60 + int(m.group(11))) * 60
        offset = -offset if m.group(9) == "-" else offset
    seconds = (dt - _EPOCH) // timedelta(seconds=1) - offset
    nanos = int(frac.ljust(9, "0")) if frac else 0
    return check_timestamp(seconds * 10**9 + nanos).ns


def format_timestamp(ns: int) -> str:
    seconds, nanos = divmod(ns, 10**9)
    dt = _EPOCH + timedelta(seconds=seconds)
    text = dt.strftime("%Y-%m-%dT%H:%M:%S")
    if nanos:
        text += "." + f"{nanos:09d}".rstrip("0")
    return text + "Z"


def _zone(tz: str) -> tzinfo:
    if ":" in tz:
        sign = -1 if tz.startswith("-") else 1
        hours, _, minutes = tz.lstrip("+-").partition(":")
        try:
            return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
        except ValueError:
            raise CelEvalError(f"invalid time zone: {tz}") from None
    if tz in ("UTC", ""):
        return UTC
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise CelEvalError(f"unknown time zone {tz}") from None


def _datetime(ts: Any, tz: Any) -> tuple[datetime, int]:
    if type(ts) is not Timestamp or (tz is not None and type(tz) is not str):
        raise no_such_overload()
    seconds, nanos = divmod(ts.ns, 10**9)
    dt = _EPOCH + timedelta(seconds=seconds)
    if tz is not None:
        dt = dt.astimezone(_zone(tz))
    return dt, nanos


def _duration_unit(d: Duration, unit: int) -> int:
    q = abs(d.ns) // unit
    return -q if d.ns < 0 else q


def _accessor(name: str, from_ts: Any, duration_unit: int | None = None) -> None:
    def accessor(value: Any, tz: Any = None) -> int:
        if type(value) is Duration and duration_unit is not None and tz is None:
            return _duration_unit(value, duration_unit)
        dt, nanos = _datetime(value, tz)
        result: int = from_ts(dt, nanos)
        return result

    cel_function(name, member=True)(accessor)


_accessor("getFullYear", lambda dt, ns: dt.year)
_accessor("getMonth", lambda dt, ns: dt.month - 1)
_accessor("getDayOfYear", lambda dt, ns: dt.timetuple().tm_yday - 1)
_accessor("getDayOfMonth", lambda dt, ns: dt.day - 1)
_accessor("getDate", lambda dt, ns: dt.day)
_accessor("getDayOfWeek", lambda dt, ns: (dt.weekday() + 1) % 7)
_accessor("getHours", lambda dt, ns: dt.hour, 3600 * 10**9)
_accessor("getMinutes", lambda dt, ns: dt.minute, 60 * 10**9)
_accessor("getSeconds", lambda dt, ns: dt.second, 10**9)
_accessor("getMilliseconds", lambda dt, ns: ns // 10**6, 10**6)
