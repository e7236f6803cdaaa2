"""The SSRF guard: where webhook requests may go, checked when a URL is saved and at delivery.

At delivery the host is resolved once, every address checked, and the request is sent to
the checked address (Host header and TLS name kept), so a DNS answer that changes between
the check and the connection (rebinding) cannot redirect it. Redirects are never followed.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final

import httpx

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# Cloud instance metadata services (AWS, GCP, Azure: 169.254.169.254; AWS IPv6; ECS task
# metadata; Alibaba): blocked in every mode.
METADATA: Final = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "fd00:ec2::254", "169.254.170.2", "100.100.100.200")
)


class BlockedURL(ValueError):
    """A webhook URL that may not be called (its message names the reason, not the address)."""


@dataclass(frozen=True)
class Target:
    """Where to connect: a checked address, and the name the request is for."""

    url: httpx.URL
    address: Address

    def request(
        self, client: httpx.AsyncClient, body: bytes, headers: dict[str, str]
    ) -> httpx.Request:
        """A POST to the checked address, for the URL's host (Host header, TLS server name)."""
        pinned = self.url.copy_with(host=str(self.address))
        extensions = {"sni_hostname": self.url.host} if self.url.scheme == "https" else {}
        return client.build_request(
            "POST",
            pinned,
            content=body,
            headers={**headers, "host": self.url.netloc.decode("ascii")},
            extensions=extensions,
        )


# RFC 6052's well-known NAT64 prefix, and RFC 8215's local-use one (whose embedding
# varies with the network's prefix length: refused whole).
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")


def address_problem(address: Address, *, allow_loopback: bool) -> str | None:
    """Why requests may not go to this address, or None."""
    if isinstance(address, ipaddress.IPv6Address):
        if address in _LOCAL_NAT64:
            return "a NAT64 address"
        # An IPv4 address carried inside IPv6 (mapped, NAT64, 6to4, the deprecated
        # IPv4-compatible ::a.b.c.d) is judged as itself: the network may deliver it there.
        embedded = address.ipv4_mapped or address.sixtofour
        if address in _NAT64 or (embedded is None and 1 < int(address) < 2**32):
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            address = embedded
    if address in METADATA:
        return "a cloud metadata address"
    if address.is_loopback:
        return None if allow_loopback else "a loopback address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_private:
        return "a private address"
    if not address.is_global:
        return "a reserved address"
    return None


def check_url(url: str, *, production: bool) -> httpx.URL:
    """The URL parsed, or BlockedURL: https in production, http(s) elsewhere, no credentials."""
    try:
        parsed = httpx.URL(url)
        host = parsed.host  # decoded on access: an invalid IDNA A-label is a ValueError
    except (httpx.InvalidURL, ValueError):
        raise BlockedURL("url is not a valid URL") from None
    allowed = ("https",) if production else ("https", "http")
    if parsed.scheme not in allowed:
        raise BlockedURL("url must use https" if production else "url must use http or https")
    if not host:
        raise BlockedURL("url needs a host")
    if parsed.userinfo:
        raise BlockedURL("url may not carry credentials")
    return parsed


Resolver = Callable[[str, int], Awaitable[list[str]]]


async def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for a host."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


# Replaced in tests, which must not depend on DNS.
resolver: Resolver = system_resolver


async def resolve(url: str, *, production: bool) -> Target:
    """Check the URL and every address its host resolves to; the first address to use."""
    parsed = check_url(url, production=production)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        literal: Address | None = ipaddress.ip_address(parsed.host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        try:
            addresses = [
                ipaddress.ip_address(a.split("%")[0]) for a in await resolver(parsed.host, port)
            ]
        except OSError:
            raise BlockedURL("url's host does not resolve") from None
    if not addresses:
        raise BlockedURL("url's host does not resolve")
    for address in addresses:
        problem = address_problem(address, allow_loopback=not production)
        if problem is not None:
            raise BlockedURL(f"url resolves to {problem}")
    return Target(url=parsed, address=addresses[0])
