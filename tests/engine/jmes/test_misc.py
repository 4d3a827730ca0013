"""lookup, items, object_from_lists, label_match, to_boolean, path_canonicalize, truncate, random, is_external_url."""

from __future__ import annotations

import re
from typing import Any

import pytest

from argogate.engine.jmes import JMESError, search


@pytest.mark.parametrize(
    ("expr", "data", "expected"),
    [
        ('lookup( `{"key1": "value1", "key2": "value2"}`, `"key2"` )', {}, "value2"),
        ('lookup( `["item0", "item1", "item2"]`, `1` )', {}, "item1"),
        ('lookup( `["item0"]`, `5` )', {}, None),
        ("lookup(@, 'missing')", {"a": 1}, None),
        (
            "items(@, 'key', 'value')",
            {"team": "apple", "organization": "banana"},
            [{"key": "organization", "value": "banana"}, {"key": "team", "value": "apple"}],
        ),
        (
            "items(@, 'key', 'value')",
            [{"team": "apple"}, {"organization": "banana"}],
            [{"key": 0.0, "value": {"team": "apple"}}, {"key": 1.0, "value": {"organization": "banana"}}],
        ),
        (
            "object_from_lists(spec.containers[].env[].name, spec.containers[].env[].value)",
            {
                "spec": {
                    "containers": [
                        {
                            "env": [
                                {"name": "KEY", "value": "123-456-789"},
                                {"name": "endpoint", "value": "licensing.corp.org"},
                            ]
                        }
                    ]
                }
            },
            {"KEY": "123-456-789", "endpoint": "licensing.corp.org"},
        ),
        ("object_from_lists(['a', 'b'], [`1`])", {}, {"a": 1, "b": None}),
        ('label_match(`{"dog": "lab", "color": "tan"}`, `{"color": "tan", "dog": "lab"}`)', {}, True),
        (
            'label_match(`{"dog": "lab", "color": "tan"}`, `{"color": "tan", "weight": "chonky", "dog": "lab"}`)',
            {},
            True,
        ),
        ('label_match(`{"dog": "lab", "color": "tan"}`, `{"color": "black", "dog": "lab"}`)', {}, False),
        ("to_boolean('true')", {}, True),
        ("to_boolean('FalsE')", {}, False),
        ("path_canonicalize('/var//lib///kubelet')", {}, "/var/lib/kubelet"),
        ("path_canonicalize('//var/run/../lib/')", {}, "/var/lib"),
        ("truncate('foobar', `3`)", {}, "foo"),
        ("truncate('foobar', `-1`)", {}, ""),
        ("truncate('ab', `9`)", {}, "ab"),
        ("is_external_url('http://10.0.0.1/x')", {}, False),
        ("is_external_url('http://127.0.0.1')", {}, False),
        ("is_external_url('https://8.8.8.8')", {}, True),
    ],
)
def test_misc(expr: str, data: Any, expected: Any) -> None:
    assert search(expr, data) == expected


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("to_boolean('yes')", "lowercase argument must be 'true' or 'false' (provided: 'yes')"),
        ("lookup(`[1]`, `0.5`)", "argument #2: expected an integer number but got: 0.5"),
        ("lookup(`{}`, `1`)", "argument #2 is not of type String"),
        ("random('')", "no pattern provided"),
        ("is_external_url('https://example.com')", "name resolution"),
    ],
)
def test_misc_errors(expr: str, message: str) -> None:
    with pytest.raises(JMESError) as info:
        search(expr, {})
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("pattern", "regex"),
    [
        ("[0-9a-z]{5}", r"[0-9a-z]{5}"),
        ("[A-Z0-9]{8}-[A-Z0-9]{4}", r"[A-Z0-9]{8}-[A-Z0-9]{4}"),
        ("x\\d{2,3}", r"x\d{2,3}"),
    ],
)
def test_random_matches_pattern(pattern: str, regex: str) -> None:
    out = search("random(@)", pattern)
    assert re.fullmatch(regex, out), out
