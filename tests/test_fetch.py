"""Fetching feed URLs stays on the public internet and on HTTP(S): servers on loopback only."""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from postings.addresses import is_public, private_host
from postings.importers import UnreadableFile
from postings.importers.fetch import fetch_feed


@pytest.fixture
def listener():
    """A bare socket on loopback that records whether anything connected to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    sock.settimeout(0.2)
    connected = threading.Event()
    done = threading.Event()

    def accept() -> None:
        while not done.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            connected.set()
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield sock.getsockname()[1], connected
    done.set()
    thread.join()
    sock.close()


@pytest.fixture
def redirector():
    """An HTTP server on loopback answering every GET with a redirect to `Redirect.target`."""

    class Redirect(BaseHTTPRequestHandler):
        target = ""

        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", Redirect.target)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    http = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    http.daemon_threads = True
    threading.Thread(target=http.serve_forever, daemon=True).start()
    yield Redirect, f"http://127.0.0.1:{http.server_address[1]}/feed"
    http.shutdown()
    http.server_close()


@pytest.mark.parametrize("scheme", ["ftp", "file", "data"])
def test_it_refuses_a_redirect_to_another_scheme_than_http(tmp_path, listener, redirector, scheme):
    port, connected = listener
    handler, url = redirector
    handler.target = {
        "ftp": f"ftp://127.0.0.1:{port}/feed.json",
        "file": "file:///etc/hostname",
        "data": "data:application/json,[]",
    }[scheme]
    destination = tmp_path / "feed"
    # Private addresses allowed, so that the first request reaches the server on loopback: the
    # scheme rule holds whatever that setting says (and without it, an FTP connection would
    # not go through the address check at all).
    with pytest.raises(UnreadableFile, match="redirected to a URL that is neither HTTP nor"):
        fetch_feed(
            url=url,
            destination=destination,
            max_bytes=1000,
            timeout=1,
            deadline=5,
            allow_private=True,
        )
    assert not connected.wait(0.5)
    assert not destination.exists()


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "::1",
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:10.0.0.1",
        "::7f00:1",  # IPv4-compatible (deprecated) loopback
        "::a9fe:a9fe",  # IPv4-compatible link-local metadata endpoint
        "64:ff9b::7f00:1",  # NAT64 of loopback
        "64:ff9b::a9fe:a9fe",  # NAT64 of the metadata endpoint
        "2002:7f00:1::1",  # 6to4 of loopback
        "2002:c0a8:101::1",  # 6to4 of 192.168.1.1
        "fec0::1",  # deprecated site-local
        "64:ff9b:1::a9fe:a9fe",  # local-use NAT64 (RFC 8215) of the metadata endpoint
        "64:ff9b:1:7f00:0:100::",  # local-use NAT64, the IPv4 address in the middle
        "fe80::1%eth0",
        "fd00::1",
    ],
)
def test_it_treats_every_form_of_a_private_address_as_private(address):
    assert not is_public(address)
    host = f"[{address.split('%')[0]}]" if ":" in address else address
    assert private_host(f"http://{host}/feed")


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "2001:4860:4860::8888", "64:ff9b::808:808", "2002:808:808::1"]
)
def test_it_keeps_public_addresses_public(address):
    assert is_public(address)


@pytest.fixture
def dripping_server():
    """An HTTP server on loopback that answers 200 at once, then sends its body one byte every
    0.3 s (each read well within the timeout), for 10 s."""

    class Drip(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            for _ in range(33):
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.3)

        def log_message(self, *args) -> None:
            pass

    http = ThreadingHTTPServer(("127.0.0.1", 0), Drip)
    http.daemon_threads = True
    threading.Thread(target=http.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{http.server_address[1]}/feed.json"
    http.shutdown()
    http.server_close()


def test_it_bounds_the_whole_fetch_in_time(tmp_path, dripping_server):
    """A server that sends a byte just before each read timeout would hold a worker for as long
    as it likes: the whole fetch has a deadline."""
    destination = tmp_path / "feed.json"
    started = time.monotonic()
    with pytest.raises(UnreadableFile, match="took longer than 2 seconds"):
        fetch_feed(
            url=dripping_server,
            destination=destination,
            max_bytes=2**20,
            timeout=1,
            deadline=2,
            allow_private=True,  # the server is on loopback; the address check is not the point
        )
    assert time.monotonic() - started < 4
    assert not destination.exists()
    assert not destination.with_name("feed.json.part").exists()


@pytest.fixture
def odd_length_server():
    """An HTTP server on loopback whose Content-Length is a superscript two: a digit to
    str.isdigit(), not a number to int()."""

    class OddLength(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "²")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"[]")

        def log_message(self, *args) -> None:
            pass

    http = ThreadingHTTPServer(("127.0.0.1", 0), OddLength)
    http.daemon_threads = True
    threading.Thread(target=http.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{http.server_address[1]}/feed.json"
    http.shutdown()
    http.server_close()


def test_it_reads_a_feed_whose_declared_length_is_not_a_number(tmp_path, odd_length_server):
    destination = tmp_path / "feed.json"
    fetch_feed(
        url=odd_length_server,
        destination=destination,
        max_bytes=2**20,
        timeout=1,
        deadline=5,
        allow_private=True,  # the server is on loopback; the address check is not the point
    )
    assert destination.read_bytes() == b"[]"
