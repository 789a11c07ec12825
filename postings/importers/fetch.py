"""Fetching a feed from its URL to a file, with the standard library.

Conditional (If-None-Match, If-Modified-Since), bounded in time (one timeout for connecting and
for each read, and a deadline for the whole body) and in size (counted while streaming, whatever
Content-Length claims), and kept to the public internet: a recruiter's URL must not reach the
services beside ours (a metadata endpoint, Redis, the admin of a router)."""

import http.client
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..addresses import is_public
from .rows import UnreadableFile

BLOCK = 64 * 1024


class FeedUnavailable(Exception):
    """The server cannot be reached, is too slow or fails for now: worth trying again later."""


class PrivateAddress(OSError):
    """The feed's host is, or resolves to, an address off the public internet."""


def _public_connection(
    address: tuple[str, int],
    timeout: float | None,
    source_address: tuple[str, int] | None = None,
) -> socket.socket:
    """socket.create_connection, to an address resolved and checked here, once: connecting to
    the checked address (not to the name again) leaves no room for a DNS answer that changes
    in between. Every connection of a fetch goes through it, redirects' included."""
    host, port = address[:2]
    resolved = [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]
    if not resolved or not all(is_public(ip) for ip in resolved):
        raise PrivateAddress(host)
    return socket.create_connection((resolved[0], port), timeout, source_address)


class _PublicHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _public_connection


class _PublicHTTPSConnection(http.client.HTTPSConnection):
    """TLS still checks the certificate against the URL's host name."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _public_connection


class _PublicHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_PublicHTTPConnection, req)


class _PublicHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        # No context of its own: the connection makes the default one, certificate checks on.
        return self.do_open(_PublicHTTPSConnection, req)


class _HTTPOnlyRedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows redirects to http and https only: urllib would follow one to ftp too, whose
    connection goes around the address check."""

    def http_error_302(self, req, fp, code, msg, headers):
        target = urljoin(req.full_url, headers.get("Location") or headers.get("URI") or "")
        if urlsplit(target).scheme.lower() not in ("http", "https"):
            fp.close()
            raise UnreadableFile(
                _("the server redirected to a URL that is neither HTTP nor HTTPS: %(url)s")
                % {"url": target[:200]}
            )
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _opener(*, allow_private: bool) -> urllib.request.OpenerDirector:
    """HTTP and HTTPS only, without the ftp:, file: and data: handlers build_opener adds."""
    if allow_private:
        handlers = [
            urllib.request.ProxyHandler(),  # from the environment, as before
            urllib.request.HTTPHandler(),
            urllib.request.HTTPSHandler(),
        ]
    else:
        # No proxy from the environment: the check would then see the proxy's address.
        handlers = [urllib.request.ProxyHandler({}), _PublicHTTPHandler(), _PublicHTTPSHandler()]
    opener = urllib.request.OpenerDirector()
    for handler in [
        *handlers,
        urllib.request.UnknownHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        _HTTPOnlyRedirectHandler(),
        urllib.request.HTTPErrorProcessor(),
    ]:
        opener.add_handler(handler)
    return opener


@dataclass
class Fetched:
    not_modified: bool
    etag: str = ""
    last_modified: str = ""


def fetch_feed(
    *,
    url: str,
    destination: Path,
    max_bytes: int,
    timeout: float,
    deadline: int,
    etag: str = "",
    last_modified: str = "",
    allow_private: bool = False,
) -> Fetched:
    """Stream the feed at `url` into `destination`; nothing is written there unless it all came.

    Raises FeedUnavailable for what may pass (network errors, timeouts, 5xx, 429) and
    UnreadableFile for what will not (other HTTP errors, a feed larger than `max_bytes`, a host
    off the public internet unless `allow_private`, a body still coming `deadline` seconds after
    the request: a server that sends a byte just within each read's timeout would otherwise hold
    the worker for as long as it likes; it is checked after each read, so it may overrun by one
    `timeout`)."""
    give_up = time.monotonic() + deadline
    request = urllib.request.Request(  # noqa: S310 (the URL field allows http and https only)
        url, headers={"User-Agent": "jobboard-importer/1", "Accept-Encoding": "identity"}
    )
    if etag:
        request.add_header("If-None-Match", etag)
    if last_modified:
        request.add_header("If-Modified-Since", last_modified)
    try:
        response = _opener(allow_private=allow_private).open(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return Fetched(not_modified=True, etag=etag, last_modified=last_modified)
        status = {"status": error.code, "reason": error.reason}
        if error.code >= 500 or error.code in (408, 429):
            raise FeedUnavailable(_("the server answered %(status)s %(reason)s") % status) from None
        raise UnreadableFile(_("the server answered %(status)s %(reason)s") % status) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, PrivateAddress):
            raise UnreadableFile(
                _("%(host)s is not an address on the public internet") % {"host": error.reason}
            ) from None
        unreachable = _("the feed could not be fetched: %(error)s") % {"error": error}
        raise FeedUnavailable(unreachable) from None
    except (OSError, http.client.HTTPException) as error:  # timeouts, resets
        unreachable = _("the feed could not be fetched: %(error)s") % {"error": error}
        raise FeedUnavailable(unreachable) from None
    too_large = _("the feed is larger than the limit of %(limit)s bytes") % {"limit": max_bytes}
    too_slow = ngettext(
        "the feed took longer than %(seconds)d second to download",
        "the feed took longer than %(seconds)d seconds to download",
        deadline,
    ) % {"seconds": deadline}
    partial = destination.with_name(destination.name + ".part")
    with response:
        declared = response.headers.get("Content-Length", "")
        # isdecimal, not isdigit: "²" is a digit that int() refuses.
        if declared.isdecimal() and int(declared) > max_bytes:
            raise UnreadableFile(too_large)
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            with partial.open("wb") as out:
                size = 0
                # read1: what has come, up to a block; read() would wait for a whole block.
                while block := response.read1(BLOCK):
                    size += len(block)
                    if size > max_bytes:
                        raise UnreadableFile(too_large)
                    if time.monotonic() > give_up:
                        raise UnreadableFile(too_slow)
                    out.write(block)
        except (OSError, http.client.HTTPException) as error:
            partial.unlink(missing_ok=True)
            raise FeedUnavailable(
                _("the feed could not be fetched: %(error)s") % {"error": error}
            ) from None
        except UnreadableFile:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(destination)
        return Fetched(
            not_modified=False,
            etag=response.headers.get("ETag", "")[:200],
            last_modified=response.headers.get("Last-Modified", "")[:64],
        )
