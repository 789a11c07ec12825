"""Telling public internet addresses from the others (loopback, private networks, link-local
metadata endpoints, ...), for the URLs recruiters give us to fetch."""

import ipaddress
from urllib.parse import urlsplit


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # without an IPv6 zone
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
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
