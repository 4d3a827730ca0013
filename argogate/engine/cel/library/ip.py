"""Kubernetes IP and CIDR libraries (apiserver/pkg/cel/library/ip.go, cidr.go; >= 1.30).

Like Kubernetes, IPv4-mapped IPv6 addresses and zones are rejected, and IPv4 octets
with leading zeros are invalid (Python's `ipaddress` agrees on the latter).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from argogate.engine.cel.errors import CelEvalError
from argogate.engine.cel.library import cel_function
from argogate.engine.cel.values import no_such_overload

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class IP:
    __slots__ = ("addr",)
    cel_type = "net.IP"

    def __init__(self, addr: Address) -> None:
        self.addr = addr

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IP) and other.addr == self.addr

    def __hash__(self) -> int:
        return hash(self.addr)

    def cel_string(self) -> str:
        return str(self.addr)


class CIDR:
    __slots__ = ("addr", "net")
    cel_type = "net.CIDR"

    def __init__(self, addr: Address, net: Network) -> None:
        self.addr = addr
        self.net = net

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CIDR) and (other.addr, other.net) == (self.addr, self.net)

    def __hash__(self) -> int:
        return hash((self.addr, self.net))

    def cel_string(self) -> str:
        return f"{self.addr}/{self.net.prefixlen}"


def _parse_ip(text: str) -> Address | None:
    if "%" in text:
        return None
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return None
    return addr


def _parse_cidr(text: str) -> CIDR | None:
    head, sep, bits = text.partition("/")
    addr = _parse_ip(head)
    if not sep or addr is None or not bits.isdigit() or (len(bits) > 1 and bits[0] == "0"):
        return None
    try:
        net = ipaddress.ip_network(f"{head}/{bits}", strict=False)
    except ValueError:
        return None
    return CIDR(addr, net)


def _str(value: Any) -> str:
    if type(value) is not str:
        raise no_such_overload()
    return value


@cel_function("ip", glob=True, member=True)
def ip(value: Any) -> IP:
    if type(value) is CIDR:
        return IP(value.addr)
    addr = _parse_ip(_str(value))
    if addr is None:
        raise CelEvalError(
            f"IP Address {value!r} parse error during conversion from string: ParseAddr({value!r}): unable to parse IP"
        )
    return IP(addr)


@cel_function("isIP", glob=True)
def is_ip(value: Any) -> bool:
    return _parse_ip(_str(value)) is not None


@cel_function("ip.isCanonical", glob=True)
def is_canonical(value: Any) -> bool:
    addr = _parse_ip(_str(value))
    if addr is None:
        raise CelEvalError(f"IP Address {value!r} parse error during conversion from string")
    return bool(str(addr) == value)


@cel_function("cidr", glob=True)
def cidr(value: Any) -> CIDR:
    parsed = _parse_cidr(_str(value))
    if parsed is None:
        raise CelEvalError(
            f"network address parse error during conversion from string: netip.ParsePrefix({value!r}): bad prefix"
        )
    return parsed


@cel_function("isCIDR", glob=True)
def is_cidr(value: Any) -> bool:
    return _parse_cidr(_str(value)) is not None


def _ip(value: Any) -> Address:
    if type(value) is not IP:
        raise no_such_overload()
    return value.addr


def _cidr(value: Any) -> CIDR:
    if type(value) is not CIDR:
        raise no_such_overload()
    return value


@cel_function("family", member=True)
def family(value: Any) -> int:
    return _ip(value).version


@cel_function("isUnspecified", member=True)
def is_unspecified(value: Any) -> bool:
    return _ip(value).is_unspecified


@cel_function("isLoopback", member=True)
def is_loopback(value: Any) -> bool:
    return _ip(value).is_loopback


@cel_function("isLinkLocalMulticast", member=True)
def is_link_local_multicast(value: Any) -> bool:
    addr = _ip(value)
    if addr.version == 4:
        return addr in ipaddress.ip_network("224.0.0.0/24")
    return addr in ipaddress.ip_network("ff02::/16")


@cel_function("isLinkLocalUnicast", member=True)
def is_link_local_unicast(value: Any) -> bool:
    addr = _ip(value)
    if addr.version == 4:
        return addr in ipaddress.ip_network("169.254.0.0/16")
    return addr in ipaddress.ip_network("fe80::/10")


@cel_function("isGlobalUnicast", member=True)
def is_global_unicast(value: Any) -> bool:
    # Go netip.Addr.IsGlobalUnicast: not unspecified, loopback, multicast, link-local or broadcast
    addr = _ip(value)
    if addr.is_unspecified or addr.is_loopback or addr.is_multicast or is_link_local_unicast(value):
        return False
    return not (addr.version == 4 and addr == ipaddress.IPv4Address("255.255.255.255"))


@cel_function("containsIP", member=True)
def contains_ip(net: Any, value: Any) -> bool:
    c = _cidr(net)
    addr = _parse_ip(value) if type(value) is str else _ip(value)
    if addr is None:
        raise CelEvalError(f"IP Address {value!r} parse error during conversion from string")
    return addr.version == c.net.version and addr in c.net


@cel_function("containsCIDR", member=True)
def contains_cidr(net: Any, value: Any) -> bool:
    c = _cidr(net)
    other = _parse_cidr(value) if type(value) is str else _cidr(value)
    if other is None:
        raise CelEvalError(f"network address parse error during conversion from string: {value!r}")
    return other.net.version == c.net.version and other.net.subnet_of(c.net)  # type: ignore[arg-type]


@cel_function("masked", member=True)
def masked(net: Any) -> CIDR:
    c = _cidr(net)
    return CIDR(c.net.network_address, c.net)


@cel_function("prefixLength", member=True)
def prefix_length(net: Any) -> int:
    return _cidr(net).net.prefixlen
