from __future__ import annotations

from typing import Any

import pytest

from argogate.engine.cel import CelEvalError
from tests.engine.cel.library._helpers import ev


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        # examples from apiserver/pkg/cel/library/urls.go doc comments
        ("url('https://example.com:80/').getHost()", "example.com:80"),
        ("url('https://[::1]:80/').getHost()", "[::1]:80"),
        ("url('https://example.com:80/').getHostname()", "example.com"),
        ("url('https://[::1]:80/').getHostname()", "::1"),
        ("url('https://example.com:80/').getPort()", "80"),
        ("url('https://example.com/').getPort()", ""),
        ("url('https://example.com/').getScheme()", "https"),
        (
            "url('https://example.com/path with spaces/'.replace(' ', '%20')).getEscapedPath()",
            "/path%20with%20spaces/",
        ),
        ("url('https://example.com/path?k1=a&k2=b&k2=c').getQuery()", {"k1": ["a"], "k2": ["b", "c"]}),
        ("isURL('https://user:pass@example.com:80/path?query=val#fragment')", False),
        ("isURL('/absolute-path')", True),
        ("isURL('https://example.com:80/path?query=val')", True),
        ("isURL('../relative-path')", False),
    ],
)
def test_urls(expr: str, expected: Any) -> None:
    assert ev(expr) == expected


def test_bad_url() -> None:
    with pytest.raises(CelEvalError, match="URL parse error"):
        ev("url('../x')")
