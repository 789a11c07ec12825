"""Telling public internet addresses from the others (loopback, private networks, link-local
metadata endpoints, ...), for the URLs recruiters give us to fetch."""

import ipaddress
from urllib.parse import urlsplit

# Prefixes whose last 32 bits are an IPv4 address that a packet ends up at: IPv4-compatible
# (deprecated) and NAT64's well-known prefix. 6to4 (2002::/16) carries one in bits 16 to 48.
_EMBEDS_IPV4 = [ipaddress.ip_network("::/96"), ipaddress.ip_network("64:ff9b::/96")]
# NAT64 prefixes a network chooses for itself (RFC 8215's local-use 64:ff9b:1::/48, unknown to
# Python 3.11), which its gateway translates to any IPv4 address it likes: never public.
_LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # without an IPv6 zone
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.is_site_local or ip in _LOCAL_NAT64:  # fec0::/10: deprecated, still routed
            return False
        if embedded := ip.ipv4_mapped or ip.sixtofour:
            ip = embedded
        elif any(ip in network for network in _EMBEDS_IPV4):
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.is_global


def private_host(url: str) -> bool:
    """Whether the URL names a private host outright (an address or localhost), without
    resolving it: what a form can tell at once. Fetching checks every address it connects to."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return not is_public(host)
    except ValueError:  # a name
        return False
