"""cel-go ext.Strings (version 2 in Kubernetes >= 1.29): charAt, indexOf, lastIndexOf,
lowerAscii, upperAscii, replace, split, substring, trim, join, format, strings.quote,
reverse. Indices count Unicode code points, as cel-go does.

`indexOf`/`lastIndexOf` are shared with the Kubernetes lists library, so they dispatch
on the receiver type here.
"""

from __future__ import annotations

from typing import Any

from argogate.engine.cel.errors import CelEvalError
from argogate.engine.cel.library import cel_function
from argogate.engine.cel.library.lists import list_index_of, list_last_index_of
from argogate.engine.cel.values import Duration, Timestamp, UInt, no_such_overload
from argogate.engine.gofmt import format_float


def _str(*values: Any) -> None:
    for v in values:
        if type(v) is not str:
            raise no_such_overload()


def _int(*values: Any) -> None:
    for v in values:
        if type(v) is not int:
            raise no_such_overload()


@cel_function("charAt", member=True)
def char_at(s: Any, i: Any) -> str:
    _str(s)
    _int(i)
    if i < 0 or i > len(s):
        raise CelEvalError(f"index out of range: {i}")
    return s[i : i + 1]  # type: ignore[no-any-return]


@cel_function("indexOf", member=True)
def index_of(s: Any, sub: Any, offset: Any = 0) -> int:
    if isinstance(s, list | tuple):
        return list_index_of(s, sub)
    _str(s, sub)
    _int(offset)
    if offset < 0 or offset > len(s):
        raise CelEvalError(f"index out of range: {offset}")
    return s.find(sub, offset)  # type: ignore[no-any-return]


@cel_function("lastIndexOf", member=True)
def last_index_of(s: Any, sub: Any, offset: Any = None) -> int:
    if isinstance(s, list | tuple):
        return list_last_index_of(s, sub)
    _str(s, sub)
    if offset is None:
        return s.rfind(sub)  # type: ignore[no-any-return]
    _int(offset)
    if offset < 0 or offset >= max(len(s), 1):
        raise CelEvalError(f"index out of range: {offset}")
    return s.rfind(sub, 0, offset + len(sub))  # type: ignore[no-any-return]


@cel_function("lowerAscii", member=True)
def lower_ascii(s: Any) -> str:
    _str(s)
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s)


@cel_function("upperAscii", member=True)
def upper_ascii(s: Any) -> str:
    _str(s)
    return "".join(chr(ord(c) - 32) if "a" <= c <= "z" else c for c in s)


@cel_function("replace", member=True)
def replace(s: Any, old: Any, new: Any, n: Any = -1) -> str:
    _str(s, old, new)
    _int(n)
    return s.replace(old, new, n if n >= 0 else -1)  # type: ignore[no-any-return]


@cel_function("split", member=True)
def split(s: Any, sep: Any, n: Any = -1) -> list[str]:
    _str(s, sep)
    _int(n)
    if n == 0:
        return []
    if sep == "":
        chars = list(s)
        if 0 < n < len(chars):
            return [*chars[: n - 1], "".join(chars[n - 1 :])]
        return chars
    return s.split(sep, n - 1 if n > 0 else -1)  # type: ignore[no-any-return]


@cel_function("substring", member=True)
def substring(s: Any, start: Any, end: Any = None) -> str:
    _str(s)
    _int(start)
    if end is None:
        end = len(s)
    _int(end)
    if start < 0 or start > len(s):
        raise CelEvalError(f"index out of range: {start}")
    if end < 0 or end > len(s):
        raise CelEvalError(f"index out of range: {end}")
    if start > end:
        raise CelEvalError(f"invalid substring range. start: {start}, end: {end}")
    return s[start:end]  # type: ignore[no-any-return]


@cel_function("trim", member=True)
def trim(s: Any) -> str:
    _str(s)
    return s.strip()  # type: ignore[no-any-return]


@cel_function("reverse", member=True)
def reverse(s: Any) -> Any:
    if isinstance(s, list | tuple):
        return list(reversed(s))
    _str(s)
    return s[::-1]


@cel_function("join", member=True)
def join(items: Any, sep: Any = "") -> str:
    if not isinstance(items, list | tuple):
        raise no_such_overload()
    _str(sep, *items)
    return sep.join(items)  # type: ignore[no-any-return]


@cel_function("strings.quote", glob=True)
def quote(s: Any) -> str:
    _str(s)
    escaped = (
        s.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\a", "\\a")
        .replace("\b", "\\b")
        .replace("\f", "\\f")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
        .replace("\v", "\\v")
    )
    return f'"{escaped}"'


def _format_arg(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is str:
        return value
    if type(value) is float:
        return format_float(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_format_arg(v) for v in value) + "]"
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: str(kv[0]))
        return "{" + ", ".join(f"{_format_arg(k)}: {_format_arg(v)}" for k, v in items) + "}"
    if isinstance(value, Duration | Timestamp):
        from argogate.engine.cel.library.std import to_string

        return to_string(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    custom = getattr(value, "cel_string", None)
    if custom is not None:
        return str(custom())
    return str(value)


@cel_function("format", member=True, note="printf-style: %s %d %f %e %x %X %o %b %%")
def format_string(fmt: Any, args: Any) -> str:
    _str(fmt)
    if not isinstance(args, list | tuple):
        raise no_such_overload()
    out: list[str] = []
    i = 0
    arg_i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch != "%":
            out.append(ch)
            i += 1
            continue
        j = i + 1
        precision = None
        if j < len(fmt) and fmt[j] == ".":
            k = j + 1
            while k < len(fmt) and fmt[k].isdigit():
                k += 1
            precision = int(fmt[j + 1 : k] or "0")
            j = k
        if j >= len(fmt):
            raise CelEvalError("unexpected end of format string")
        verb = fmt[j]
        i = j + 1
        if verb == "%":
            out.append("%")
            continue
        if arg_i >= len(args):
            raise CelEvalError(f"index {arg_i} out of range")
        arg = args[arg_i]
        arg_i += 1
        out.append(_format_verb(verb, arg, precision))
    return "".join(out)


def _format_verb(verb: str, arg: Any, precision: int | None) -> str:
    if verb == "s":
        return _format_arg(arg)
    if verb == "d":
        if type(arg) not in (int, UInt):
            raise CelEvalError("error during formatting: decimal clause can only be used on integers")
        return str(int(arg))
    if verb in "fe":
        if type(arg) not in (int, UInt, float):
            raise CelEvalError("error during formatting: fixed-point clause can only be used on doubles")
        p = 6 if precision is None else precision
        return f"{float(arg):.{p}{verb}}"
    if verb in "xXob":
        if type(arg) in (int, UInt):
            spec = {"x": "x", "X": "X", "o": "o", "b": "b"}[verb]
            text = format(abs(int(arg)), spec)
            return ("-" if int(arg) < 0 else "") + text
        if verb in "xX" and type(arg) in (str, bytes):
            data = arg.encode() if type(arg) is str else arg
            text = data.hex()
            return text.upper() if verb == "X" else text
        raise CelEvalError(f"error during formatting: only integers and strings can be formatted as {verb}")
    raise CelEvalError(f'could not parse formatting clause: unrecognized formatting clause "{verb}"')
