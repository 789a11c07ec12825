"""Fetching a feed from its URL to a file, with the standard library.

Conditional (If-None-Match, If-Modified-Since), bounded in time (one timeout for connecting and
for each read) and in size (counted while streaming, whatever Content-Length claims)."""

import http.client
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from . import UnreadableFile

BLOCK = 64 * 1024


class FeedUnavailable(Exception):
    """The server cannot be reached, is too slow or fails for now: worth trying again later."""


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
    etag: str = "",
    last_modified: str = "",
) -> Fetched:
    """Stream the feed at `url` into `destination`; nothing is written there unless it all came.

    Raises FeedUnavailable for what may pass (network errors, timeouts, 5xx, 429) and
    UnreadableFile for what will not (other HTTP errors, a feed larger than `max_bytes`)."""
    request = urllib.request.Request(  # noqa: S310 (the URL field allows http and https only)
        url, headers={"User-Agent": "jobboard-importer/1", "Accept-Encoding": "identity"}
    )
    if etag:
        request.add_header("If-None-Match", etag)
    if last_modified:
        request.add_header("If-Modified-Since", last_modified)
    try:
        response = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 (as above)
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return Fetched(not_modified=True, etag=etag, last_modified=last_modified)
        status = {"status": error.code, "reason": error.reason}
        if error.code >= 500 or error.code in (408, 429):
            raise FeedUnavailable(_("the server answered %(status)s %(reason)s") % status) from None
        raise UnreadableFile(_("the server answered %(status)s %(reason)s") % status) from None
    except (OSError, http.client.HTTPException) as error:  # URLError, timeouts, resets
        unreachable = _("the feed could not be fetched: %(error)s") % {"error": error}
        raise FeedUnavailable(unreachable) from None
    too_large = _("the feed is larger than the limit of %(limit)s bytes") % {"limit": max_bytes}
    partial = destination.with_name(destination.name + ".part")
    with response:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise UnreadableFile(too_large)
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            with partial.open("wb") as out:
                size = 0
                while block := response.read(BLOCK):
                    size += len(block)
                    if size > max_bytes:
                        raise UnreadableFile(too_large)
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
