"""String functions, with the examples from Kyverno's JMESPath docs."""

from __future__ import annotations

from typing import Any

import pytest

from argogate.engine.jmes import JMESError, search


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("compare('a', 'b')", -1),
        ("compare('b', 'a')", 1),
        ("compare('a', 'a')", 0),
        ("equal_fold('pizza', 'Pizza')", True),
        ("equal_fold('pizza', 'pIzZa')", True),
        ("equal_fold('pizza', 'APPLE')", False),
        (
            "replace('Lorem ipsum dolor sit amet foo ipsum bar ipsum', 'ipsum', 'muspi', `2`)",
            "Lorem muspi dolor sit amet foo muspi bar ipsum",
        ),
        ("replace('a a a', 'a', 'b', `-1`)", "b b b"),
        ("replace_all('Lorem ipsum dolor sit amet', 'ipsum', 'muspi')", "Lorem muspi dolor sit amet"),
        ("to_upper('abc')", "ABC"),
        ("to_lower('AbC')", "abc"),
        ("trim('¡¡¡Hello, Gophers!!!', '!¡')", "Hello, Gophers"),
        ("trim('foocorpcom', 'mo')", "foocorpc"),
        ("trim('foocorpcom', 'o')", "foocorpcom"),
        ("trim('foocorpcom', 'mcof')", "rp"),
        (
            "trim_prefix('docker://kubevirt/fedora-cloud-registry-disk-demo', 'docker://')",
            "kubevirt/fedora-cloud-registry-disk-demo",
        ),
        ("trim_prefix('abc', 'x')", "abc"),
        ("split('cat,dog,horse', ',')", ["cat", "dog", "horse"]),
        ("split('ab', '')", ["a", "b"]),
        ("regex_replace_all('([0-9])([0-9])', 'hello im 42 months old', '${1}1')", "hello im 41 months old"),
        ("regex_replace_all('([0-9])([0-9])', 'days_37', '${1}0')", "days_30"),
        ("regex_replace_all('([0-9])', `12`, `3`)", "33"),
        ("regex_replace_all('(a)', 'a', '$1x')", ""),  # Go reads $1x as the group named "1x"
        ("regex_replace_all_literal('^(\\d{3}-?\\d{2}-?\\d{4})$', '123-45-6789', 'redacted')", "redacted"),
        (
            "regex_replace_all_literal('^[^/]+', 'docker.io/nginx:latest', 'myregistry.corp.com')",
            "myregistry.corp.com/nginx:latest",
        ),
        ("regex_replace_all_literal('a', 'aa', '$1')", "$1$1"),
        ("regex_match('^[1-7]$', `1`)", True),
        ("regex_match('^[1-7]$', '1')", True),
        ("regex_match('^[1-7]$', '8')", False),
        ("regex_match('b', 'abc')", True),
        ("pattern_match('158-7?-4*', '158-73-417')", True),
        ("pattern_match('158-6?-3*', '158-73-417')", False),
        ("pattern_match('1*', `123`)", True),
    ],
)
def test_string_functions(expr: str, expected: Any) -> None:
    assert search(expr, {}) == expected


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("regex_match('(', 'x')", "JMESPath function 'regex_match': error parsing regexp"),
        ("to_upper(`1`)", "to_upper"),
        ("regex_match('a', `true`)", "regex_match"),
    ],
)
def test_string_function_errors(expr: str, message: str) -> None:
    with pytest.raises(JMESError, match=message.replace("(", r"\(")):
        search(expr, {})
