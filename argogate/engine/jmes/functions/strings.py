"""String functions (kyverno pkg/engine/jmespath/functions.go): compare, replace, split, regex_*, ..."""

from __future__ import annotations

import re
from typing import Any

from argogate.engine import wildcards as wildcard
from argogate.engine.jmes.functions._common import (
    FunctionEntry,
    arg_type_error,
    fail,
    iface_to_string,
    signature,
    want_num,
    want_str,
)

S = {"types": ["string"]}
SN = {"types": ["string", "number"]}

ENTRIES = (
    FunctionEntry(
        "compare",
        ("string", "string"),
        "number",
        "compares two strings lexicographically",
        "compare('a', 'b') == `-1`",
    ),
    FunctionEntry(
        "equal_fold",
        ("string", "string"),
        "bool",
        "allows comparing two strings for equivalency where the only differences are letter cases",
        "equal_fold('pizza', 'pIzZa') == `true`",
    ),
    FunctionEntry(
        "replace",
        ("string", "string", "string", "number"),
        "string",
        "replaces a specified number of instances of the source string with the replacement string in a parent",
        "replace('Lorem ipsum dolor sit amet foo ipsum bar ipsum', 'ipsum', 'muspi', `2`)",
    ),
    FunctionEntry(
        "replace_all",
        ("string", "string", "string"),
        "string",
        "replace all instances of one string with another in an overall parent string",
        "replace_all('Lorem ipsum dolor sit amet', 'ipsum', 'muspi')",
    ),
    FunctionEntry(
        "to_upper",
        ("string",),
        "string",
        "takes in a string and outputs the same string with all upper-case letters",
        "to_upper('abc')",
    ),
    FunctionEntry(
        "to_lower",
        ("string",),
        "string",
        "takes in a string and outputs the same string with all lower-case letters",
        "to_lower('ABC')",
    ),
    FunctionEntry(
        "trim",
        ("string", "string"),
        "string",
        "trims both ends of the source string by characters appearing in the second string",
        "trim('foocorpcom', 'mcof') == 'rp'",
    ),
    FunctionEntry(
        "trim_prefix",
        ("string", "string"),
        "string",
        "trims the second string prefix from the first string if the first string starts with the prefix",
        "trim_prefix('docker://nginx', 'docker://')",
    ),
    FunctionEntry(
        "split",
        ("string", "string"),
        "array[string]",
        "splits the first string when the second string is found and converts it into an array",
        "split('cat,dog,horse', ',')",
    ),
    FunctionEntry(
        "regex_replace_all",
        ("string", "string|number", "string|number"),
        "string",
        "converts all parameters to string",
        "regex_replace_all('([0-9])([0-9])', 'im 42', '${1}1')",
    ),
    FunctionEntry(
        "regex_replace_all_literal",
        ("string", "string|number", "string|number"),
        "string",
        "converts all parameters to string",
        "regex_replace_all_literal('^(\\d{3}-?\\d{2}-?\\d{4})$', '123-45-6789', 'redacted')",
    ),
    FunctionEntry(
        "regex_match",
        ("string", "string|number"),
        "bool",
        "first string is the regular exression which is compared with second input which can be a number or string",
        "regex_match('^[1-7]$', `1`)",
    ),
    FunctionEntry(
        "pattern_match",
        ("string", "string|number"),
        "bool",
        "'*' matches zero or more alphanumeric characters, '?' matches a single alphanumeric character",
        "pattern_match('158-7?-4*', '158-73-417')",
    ),
)


def _go_regex(function: str, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as e:
        raise fail(function, f"error parsing regexp: {e}") from e


_TEMPLATE = re.compile(r"\$(?:\$|\{([A-Za-z0-9_]*)\}|([A-Za-z0-9_]+))")


def _expand(template: str, m: re.Match[str]) -> str:
    """Go regexp.Expand: `$1`, `${1}`, `$name`, `$$`; an unknown group expands to nothing."""

    def one(t: re.Match[str]) -> str:
        if t.group(0) == "$$":
            return "$"
        name = t.group(1) if t.group(1) is not None else t.group(2)
        try:
            group = m.group(int(name)) if name.isdigit() else m.group(name)
        except IndexError:
            return ""
        return group or ""

    return _TEMPLATE.sub(one, template)


def _simple_case(s: str, upper: bool) -> str:
    out = []
    for c in s:
        m = c.upper() if upper else c.lower()
        out.append(m if len(m) == 1 else c)
    return "".join(out)


class StringFunctions:
    @signature(S, S)
    def _func_compare(self, a: str, b: str) -> int:
        return (a > b) - (a < b)

    @signature(S, S)
    def _func_equal_fold(self, a: str, b: str) -> bool:
        return len(a) == len(b) and all(
            x == y or _simple_case(x, False) == _simple_case(y, False) for x, y in zip(a, b, strict=True)
        )

    @signature(S, S, S, {"types": ["number"]})
    def _func_replace(self, s: str, old: str, new: str, n: float) -> str:
        count = int(want_num("replace", (s, old, new, n), 3))
        return s.replace(old, new, count if count >= 0 else -1)

    @signature(S, S, S)
    def _func_replace_all(self, s: str, old: str, new: str) -> str:
        return s.replace(old, new)

    @signature(S)
    def _func_to_upper(self, s: str) -> str:
        return _simple_case(s, True)

    @signature(S)
    def _func_to_lower(self, s: str) -> str:
        return _simple_case(s, False)

    @signature(S, S)
    def _func_trim(self, s: str, cutset: str) -> str:
        return s.strip(cutset) if cutset else s

    @signature(S, S)
    def _func_trim_prefix(self, s: str, prefix: str) -> str:
        return s[len(prefix) :] if s.startswith(prefix) else s

    @signature(S, S)
    def _func_split(self, s: str, sep: str) -> list[str]:
        if sep == "":
            return list(s)
        return s.split(sep)

    def _regex_replace(self, name: str, args: tuple[Any, ...], literal: bool) -> str:
        regex = want_str(name, args, 0)
        src = iface_to_string(args[1])
        if src is None:
            raise arg_type_error(name, 2, "String or Real")
        repl = iface_to_string(args[2])
        if repl is None:
            raise arg_type_error(name, 3, "String or Real")
        reg = _go_regex(name, regex)
        if literal:
            return reg.sub(lambda _m: repl, src)
        return reg.sub(lambda m: _expand(repl, m), src)

    @signature(S, SN, SN)
    def _func_regex_replace_all(self, regex: str, src: Any, repl: Any) -> str:
        return self._regex_replace("regex_replace_all", (regex, src, repl), literal=False)

    @signature(S, SN, SN)
    def _func_regex_replace_all_literal(self, regex: str, src: Any, repl: Any) -> str:
        return self._regex_replace("regex_replace_all_literal", (regex, src, repl), literal=True)

    @signature(S, SN)
    def _func_regex_match(self, regex: str, src: Any) -> bool:
        text = iface_to_string(src)
        if text is None:
            raise arg_type_error("regex_match", 2, "String or Real")
        return _go_regex("regex_match", regex).search(text) is not None

    @signature(S, SN)
    def _func_pattern_match(self, pattern: str, src: Any) -> bool:
        text = iface_to_string(src)
        if text is None:
            # functions.go reuses regex_match's name in this message
            raise arg_type_error("regex_match", 2, "String or Real")
        return wildcard.match(pattern, text)
