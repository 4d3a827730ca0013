from __future__ import annotations

from typing import Any

import pytest

from argogate.engine.cel import CelEvalError
from tests.engine.cel.library._helpers import ev


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("isIP('127.0.0.1')", True),
        ("isIP('::1')", True),
        ("isIP('127.0.0.256')", False),
        ("isIP('::ffff:127.0.0.1')", False),
        ("isIP('fe80::1%eth0')", False),
        ("ip('127.0.0.1').family()", 4),
        ("ip('::1').family()", 6),
        ("ip('127.0.0.1').isLoopback()", True),
        ("ip('0.0.0.0').isUnspecified()", True),
        ("ip('224.0.0.1').isLinkLocalMulticast()", True),
        ("ip('169.254.1.1').isLinkLocalUnicast()", True),
        ("ip('192.168.0.1').isGlobalUnicast()", True),
        ("ip('255.255.255.255').isGlobalUnicast()", False),
        ("string(ip('2001:db8::68'))", "2001:db8::68"),
        ("ip('127.0.0.1') == ip('127.0.0.1')", True),
        ("ip.isCanonical('2001:db8::68')", True),
        ("ip.isCanonical('2001:DB8::68')", False),
        ("isCIDR('192.168.0.0/24')", True),
        ("isCIDR('192.168.0.0')", False),
        ("cidr('192.168.0.0/24').containsIP('192.168.0.1')", True),
        ("cidr('192.168.0.0/24').containsIP(ip('192.168.1.1'))", False),
        ("cidr('192.168.0.0/16').containsCIDR('192.168.10.0/24')", True),
        ("cidr('192.168.0.0/24').containsCIDR(cidr('192.168.0.0/16'))", False),
        ("cidr('192.168.0.1/24').ip() == ip('192.168.0.1')", True),
        ("string(cidr('192.168.0.1/24').masked())", "192.168.0.0/24"),
        ("cidr('192.168.0.0/24').prefixLength()", 24),
    ],
)
def test_ip_cidr(expr: str, expected: Any) -> None:
    assert ev(expr) == expected


def test_bad_ip() -> None:
    with pytest.raises(CelEvalError, match="parse error"):
        ev("ip('nope')")
