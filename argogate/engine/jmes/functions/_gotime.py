"""Go's `time.Parse` layouts and RFC 3339 formatting, for the time_* functions.

Kyverno's time functions take Go reference layouts (`Mon Jan _2 15:04:05 MST 2006`,
`2006-Jan-02`) and print `time.RFC3339`. Times are kept as (UTC nanoseconds since the
Unix epoch, zone offset in seconds) so differences keep Go's nanosecond precision.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

_MONTHS = [calendar.month_name[i] for i in range(1, 13)]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass(frozen=True)
class GoTime:
    unix_ns: int
    offset: int  # seconds east of UTC

    def local(self) -> datetime:
        secs, _ = divmod(self.unix_ns, 10**9)
        tz = timezone(timedelta(seconds=self.offset))
        return datetime(1970, 1, 1, tzinfo=UTC).astimezone(tz) + timedelta(seconds=secs)

    def rfc3339(self) -> str:
        d = self.local()
        base = d.strftime("%Y-%m-%dT%H:%M:%S")
        if self.offset == 0:
            return base + "Z"
        sign = "+" if self.offset > 0 else "-"
        h, m = divmod(abs(self.offset) // 60, 60)
        return f"{base}{sign}{h:02d}:{m:02d}"

    def with_offset(self, offset: int) -> GoTime:
        return GoTime(self.unix_ns, offset)


class TimeParseError(ValueError):
    pass


def _build(
    year: int, month: int, day: int, hour: int, minute: int, sec: int, nsec: int, offset: int
) -> GoTime:
    try:
        naive = datetime(year, month, day, hour, minute, sec)
    except ValueError as e:
        raise TimeParseError(f"parsing time: {e}") from e
    epoch = calendar.timegm(naive.timetuple()) - offset
    return GoTime(epoch * 10**9 + nsec, offset)


_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:\d{2})$"
)


def parse_rfc3339(value: str) -> GoTime:
    m = _RFC3339.match(value)
    if not m:
        raise TimeParseError(f'parsing time "{value}" as "2006-01-02T15:04:05Z07:00": cannot parse')
    y, mo, d, h, mi, s, frac, zone = m.groups()
    offset = 0
    if zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        offset = sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    nsec = int((frac or "").ljust(9, "0")) if frac else 0
    return _build(int(y), int(mo), int(d), int(h), int(mi), int(s), nsec, offset)


# Layout tokens in time.nextStdChunk order of recognition.
_TOKENS = [
    "January",
    "Jan",
    "Monday",
    "Mon",
    "MST",
    "002",
    "01",
    "02",
    "03",
    "04",
    "05",
    "06",
    "15",
    "1",
    "2006",
    "2",
    "__2",
    "_2",
    "3",
    "4",
    "5",
    "PM",
    "pm",
    "-07:00:00",
    "-070000",
    "-07:00",
    "-0700",
    "-07",
    "Z07:00:00",
    "Z070000",
    "Z07:00",
    "Z0700",
    "Z07",
]
_FRAC = re.compile(r"[.,](0+|9+)(?!\d)")


def _tokenize(layout: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(layout):
        m = _FRAC.match(layout, i)
        if m:
            out.append(("frac", m.group(0)))
            i = m.end()
            continue
        for tok in _TOKENS:
            if layout.startswith(tok, i):
                rest = layout[i + len(tok) :]
                if tok in ("Jan", "Mon") and rest[:1].islower():
                    continue
                out.append(("std", tok))
                i += len(tok)
                break
        else:
            out.append(("lit", layout[i]))
            i += 1
    return out


_NUM = {
    "01": r"\d{2}",
    "02": r"\d{2}",
    "03": r"\d{2}",
    "04": r"\d{2}",
    "05": r"\d{2}",
    "06": r"\d{2}",
    "1": r"\d{1,2}",
    "2": r"\d{1,2}",
    "3": r"\d{1,2}",
    "4": r"\d{1,2}",
    "5": r"\d{1,2}",
    "15": r"\d{1,2}",
    "2006": r"\d{4}",
    "_2": r" ?\d{1,2}",
    "002": r"\d{3}",
    "__2": r" {0,2}\d{1,3}",
}


def parse_layout(layout: str, value: str) -> GoTime:
    """time.Parse(layout, value) with UTC as the local zone."""
    parts = []
    names = []
    for kind, tok in _tokenize(layout):
        if kind == "lit":
            parts.append(re.escape(tok))
            continue
        if kind == "frac":
            digits = len(tok) - 1
            parts.append(rf"[.,](\d{{{digits}}})" if tok[1] == "0" else r"(?:[.,](\d+))?")
            names.append("frac")
            continue
        if tok in _NUM:
            pattern = _NUM[tok]
        elif tok in ("January", "Jan"):
            pattern = "|".join(_MONTHS if tok == "January" else [m[:3] for m in _MONTHS])
        elif tok in ("Monday", "Mon"):
            pattern = "|".join(_DAYS if tok == "Monday" else [d[:3] for d in _DAYS])
        elif tok in ("PM", "pm"):
            pattern = "AM|PM" if tok == "PM" else "am|pm"
        elif tok == "MST":
            pattern = r"[A-Z]{3,5}|[A-Z]{3}[+-]\d{1,2}"
        else:
            pattern = (r"Z|" if tok.startswith("Z") else "") + r"[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?"
        parts.append(f"({pattern})")
        names.append(tok)
        if tok in ("05", "5"):
            # time.Parse accepts fractional seconds after a seconds field even if the layout has none
            parts.append(r"(?:[.,](\d+))?")
            names.append("frac")
    m = re.fullmatch("".join(parts), value)
    if not m:
        raise TimeParseError(f'parsing time "{value}" as "{layout}": cannot parse')
    year, month, day, hour, minute, sec, nsec, offset = 1, 1, 1, 0, 0, 0, 0, 0
    pm: bool | None = None
    yday = 0
    for tok, raw in zip(names, m.groups(), strict=True):
        if raw is None:
            continue
        if tok == "frac":
            nsec = int(raw[:9].ljust(9, "0"))
        elif tok == "2006":
            year = int(raw)
        elif tok == "06":
            year = int(raw) + (1900 if int(raw) >= 69 else 2000)
        elif tok in ("January", "Jan"):
            month = [m if tok == "January" else m[:3] for m in _MONTHS].index(raw) + 1
        elif tok in ("01", "1"):
            month = int(raw)
        elif tok in ("02", "2", "_2"):
            day = int(raw)
        elif tok in ("002", "__2"):
            yday = int(raw)
        elif tok in ("15", "03", "3"):
            hour = int(raw)
        elif tok in ("04", "4"):
            minute = int(raw)
        elif tok in ("05", "5"):
            sec = int(raw)
        elif tok in ("PM", "pm"):
            pm = raw.upper() == "PM"
        elif tok[0] in "-Z" and raw != "Z":
            zone = raw[1:].replace(":", "")
            secs = int(zone[0:2]) * 3600 + int(zone[2:4] or 0) * 60 + int(zone[4:6] or 0)
            offset = secs if raw[0] == "+" else -secs
    if pm is not None:
        if hour > 12:
            raise TimeParseError(f'parsing time "{value}": hour out of range')
        hour = (hour % 12) + (12 if pm else 0)
    if yday:
        base = datetime(year, 1, 1) + timedelta(days=yday - 1)
        month, day = base.month, base.day
    return _build(year, month, day, hour, minute, sec, nsec, offset)


def now() -> GoTime:
    """The current time; a seam for tests."""
    ns = int(datetime.now(UTC).timestamp() * 10**9)
    return GoTime(ns, 0)
