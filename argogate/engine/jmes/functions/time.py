"""Time functions (kyverno pkg/engine/jmespath/time.go): RFC 3339 in, RFC 3339 or Go durations out."""

from __future__ import annotations

from argogate.engine.jmes.errors import JMESError
from argogate.engine.jmes.functions import _gotime
from argogate.engine.jmes.functions._common import FunctionEntry, signature
from argogate.engine.jmes.functions._gotime import GoTime, TimeParseError, parse_layout, parse_rfc3339
from argogate.engine.jmes.functions._units import go_duration
from argogate.engine.units import parse_duration_ns

S = {"types": ["string"]}

ENTRIES = (
    FunctionEntry(
        "time_since",
        ("string", "string", "string"),
        "string",
        "calculate the difference between a start and end period of time where the end may either be "
        "a static definition or the then-current time",
        "time_since('', '2022-04-10T03:14:05-07:00', '2022-04-11T03:14:05-07:00') == '24h0m0s'",
    ),
    FunctionEntry("time_now", (), "string", "returns current time in RFC 3339 format", "time_now()"),
    FunctionEntry(
        "time_now_utc", (), "string", "returns current UTC time in RFC 3339 format", "time_now_utc()"
    ),
    FunctionEntry(
        "time_to_cron",
        ("string",),
        "string",
        "converts a time (RFC 3339) to a cron expression (string).",
        "time_to_cron('2022-04-11T03:14:05-07:00') == '14 3 11 4 1'",
    ),
    FunctionEntry(
        "time_add",
        ("string", "string"),
        "string",
        "adds duration (second string) to a time value (first string)",
        "time_add('2023-01-12T12:37:56-05:00', '6h') == '2023-01-12T18:37:56-05:00'",
    ),
    FunctionEntry(
        "time_parse",
        ("string", "string"),
        "string",
        "changes a time value of a given layout to RFC 3339",
        "time_parse('Mon Jan 02 2006 15:04:05 -0700', 'Fri Jun 22 2022 17:45:00 +0100')",
    ),
    FunctionEntry(
        "time_utc",
        ("string",),
        "string",
        "calcutes time in UTC from a given time in RFC 3339 format",
        "time_utc('2021-01-02T18:04:05-05:00') == '2021-01-02T23:04:05Z'",
    ),
    FunctionEntry(
        "time_diff",
        ("string", "string"),
        "string",
        "calculate the difference between a start and end date in RFC3339 format",
        "time_diff('2023-01-10T00:00:00Z', '2023-01-11T00:00:00Z') == '24h0m0s'",
    ),
    FunctionEntry(
        "time_before",
        ("string", "string"),
        "bool",
        "checks if a time is before another time, both in RFC3339 format",
        "time_before('2023-01-12T19:05:59Z', '2023-01-13T19:05:59Z')",
    ),
    FunctionEntry(
        "time_after",
        ("string", "string"),
        "bool",
        "checks if a time is after another time, both in RFC3339 format",
        "time_after('2023-01-12T14:07:55-05:00', '2023-01-12T19:05:59Z')",
    ),
    FunctionEntry(
        "time_between",
        ("string", "string", "string"),
        "bool",
        "checks if a time is between a start and end time, all in RFC3339 format",
        "time_between('2023-01-12T19:05:59Z', '2023-01-01T19:05:59Z', '2023-01-15T19:05:59Z')",
    ),
    FunctionEntry(
        "time_truncate",
        ("string", "string"),
        "string",
        "returns the result of rounding time down to a multiple of duration",
        "time_truncate('2023-01-12T17:37:00Z', '2h') == '2023-01-12T16:00:00Z'",
    ),
)

# nanoseconds from Go's zero time (January 1, year 1, UTC) to the Unix epoch
_ZERO_TO_UNIX_NS = 62135596800 * 10**9


def _rfc(value: str) -> GoTime:
    try:
        return parse_rfc3339(value)
    except TimeParseError as e:
        raise JMESError(str(e)) from None


def _duration(value: str) -> int:
    ns = parse_duration_ns(value)
    if ns is None:
        raise JMESError(f'time: invalid duration "{value}"')
    return ns


def _layout(layout: str, value: str) -> GoTime:
    try:
        return parse_rfc3339(value) if layout == "" else parse_layout(layout, value)
    except TimeParseError as e:
        raise JMESError(str(e)) from None


class TimeFunctions:
    @signature(S, S, S)
    def _func_time_since(self, layout: str, ts1: str, ts2: str) -> str:
        t1 = _layout(layout, ts1)
        t2 = _gotime.now() if ts2 == "" else _layout(layout, ts2)
        return go_duration(t2.unix_ns - t1.unix_ns)

    @signature()
    def _func_time_now(self) -> str:
        return _gotime.now().rfc3339()

    @signature()
    def _func_time_now_utc(self) -> str:
        return _gotime.now().with_offset(0).rfc3339()

    @signature(S)
    def _func_time_to_cron(self, value: str) -> str:
        d = _rfc(value).local()
        weekday = (d.weekday() + 1) % 7  # Go: Sunday == 0
        return f"{d.minute} {d.hour} {d.day} {d.month} {weekday}"

    @signature(S, S)
    def _func_time_add(self, value: str, duration: str) -> str:
        t = _rfc(value)
        return GoTime(t.unix_ns + _duration(duration), t.offset).rfc3339()

    @signature(S, S)
    def _func_time_parse(self, layout: str, value: str) -> str:
        if layout.lstrip("+-").isdigit():
            # time.go: a numeric layout means "value is Unix epoch seconds"
            try:
                epoch = int(value)
            except ValueError:
                raise JMESError(f'strconv.ParseInt: parsing "{value}": invalid syntax') from None
            return GoTime(epoch * 10**9, 0).rfc3339()
        try:
            return parse_layout(layout, value).rfc3339()
        except TimeParseError as e:
            raise JMESError(str(e)) from None

    @signature(S)
    def _func_time_utc(self, value: str) -> str:
        return _rfc(value).with_offset(0).rfc3339()

    @signature(S, S)
    def _func_time_diff(self, start: str, end: str) -> str:
        return go_duration(_rfc(end).unix_ns - _rfc(start).unix_ns)

    @signature(S, S)
    def _func_time_before(self, a: str, b: str) -> bool:
        return _rfc(a).unix_ns < _rfc(b).unix_ns

    @signature(S, S)
    def _func_time_after(self, a: str, b: str) -> bool:
        return _rfc(a).unix_ns > _rfc(b).unix_ns

    @signature(S, S, S)
    def _func_time_between(self, value: str, start: str, end: str) -> bool:
        t = _rfc(value).unix_ns
        return _rfc(start).unix_ns < t < _rfc(end).unix_ns

    @signature(S, S)
    def _func_time_truncate(self, value: str, duration: str) -> str:
        t = _rfc(value)
        d = _duration(duration)
        if d <= 0:
            return t.rfc3339()
        since_zero = t.unix_ns + _ZERO_TO_UNIX_NS
        return GoTime(t.unix_ns - since_zero % d, t.offset).rfc3339()
