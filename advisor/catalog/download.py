"""Downloading a refresh document: HTTPS only, within a size limit, a total deadline and a minimum rate.

A per-read time-out alone does not bound a download: a server that sends one byte a second answers
every read in time and never finishes. So a download also has a deadline for the whole transfer
(connection, headers and body) and a minimum average rate after a short grace period. A watchdog
thread enforces both: when either is missed it shuts the socket down, which ends a read blocked
anywhere (in the TLS handshake, the headers or the body), and the error says which limit was hit.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from http.client import HTTPMessage
from typing import IO
from urllib.parse import urlparse

from advisor import __version__
from advisor.catalog.errors import CatalogError
from advisor.storage.problems import Problem

MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024
"""Largest body a refresh downloads (models.dev's api.json is a few MB)."""
TIMEOUT_S = 20.0
"""Longest wait for the connection or for any one read."""
DEADLINE_S = 180.0
"""Longest a whole download may take, from connecting to the last byte."""
MIN_RATE_BYTES_S = 20_000
"""Slowest average rate accepted once the grace period is over: a 3 MB document at this rate takes
150 s, inside the deadline; a server trickling bytes is cut off after the grace period."""
GRACE_S = 20.0
"""Time allowed before the rate is judged (connecting, TLS, a server preparing its answer)."""
CHUNK_BYTES = 256 * 1024
Progress = Callable[[float, str], None]


class _HttpsOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: HTTPMessage, newurl: str) -> urllib.request.Request | None:
        if urlparse(newurl).scheme != "https":
            raise CatalogError([Problem(req.full_url, None, None,
                                        f"redirected to a non-HTTPS address ({newurl[:120]}); refused")])
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _Watchdog:
    """The limits of one download, checked every `tick_s` by a thread that shuts down the sockets
    of a transfer that missed one; `reason` then says which."""

    def __init__(self, deadline_s: float, min_rate_bytes_s: float, grace_s: float) -> None:
        self.deadline_s, self.min_rate, self.grace_s = deadline_s, min_rate_bytes_s, grace_s
        self.start = time.monotonic()
        self.received = 0
        self.reason: str | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="download-watchdog", daemon=True)
        self._thread.start()

    def watch(self, sock: socket.socket) -> None:
        """Shut this socket down if the download misses a limit."""
        with self._lock:
            self._sockets.append(sock)
            if self.reason is not None:
                _shut(sock)

    def _missed(self) -> str | None:
        elapsed = time.monotonic() - self.start
        if elapsed > self.deadline_s:
            return f"did not finish within {self.deadline_s:g} s"
        if elapsed > self.grace_s and self.received / elapsed < self.min_rate:
            return (f"sent {self.received:,} bytes in {elapsed:.0f} s, slower than the "
                    f"{self.min_rate / 1000:g} kB/s a refresh needs; stopped")
        return None

    def _watch(self) -> None:
        tick = min(0.25, self.grace_s / 4, self.deadline_s / 4)
        while not self._done.wait(tick):
            reason = self._missed()
            if reason is not None:
                with self._lock:
                    self.reason = reason
                    for sock in self._sockets:
                        _shut(sock)
                return

    def check(self) -> None:
        """Raise (from the reading thread) if a limit was missed."""
        reason = self.reason or self._missed()
        if reason is not None:
            self.reason = reason
            raise _CutoffError(reason)

    def stop(self) -> None:
        """The download is over; stop watching."""
        self._done.set()


class _CutoffError(Exception):
    """A download limit was missed (the message says which)."""


def _shut(sock: socket.socket) -> None:
    # The socket layer's own shutdown, also for a TLS socket: it ends a read blocked in another
    # thread at once (SSLSocket.shutdown would first drop its TLS state under that reader).
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _watched_handler(context: ssl.SSLContext | None, dog: _Watchdog) -> urllib.request.HTTPSHandler:
    tls_context = context or ssl.create_default_context()

    class _Connection(http.client.HTTPSConnection):
        def connect(self) -> None:
            http.client.HTTPConnection.connect(self)  # TCP (and a proxy tunnel, if any)
            server = getattr(self, "_tunnel_host", None) or self.host
            # The handshake runs after the socket is watched, so a stalled handshake is cut too.
            tls = tls_context.wrap_socket(self.sock, server_hostname=server,
                                            do_handshake_on_connect=False)
            self.sock = tls
            dog.watch(tls)
            tls.do_handshake()

    class _Handler(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(_Connection, req, context=tls_context)

    return _Handler(context=tls_context)


def fetch(url: str, *, timeout: float = TIMEOUT_S, max_bytes: int = MAX_DOWNLOAD_BYTES,
          deadline_s: float | None = None, min_rate_bytes_s: float | None = None,
          grace_s: float | None = None, context: ssl.SSLContext | None = None,
          progress: Progress | None = None) -> bytes:
    """The body of an HTTPS address, or a `CatalogError` saying what went wrong in words.
    The limits default to this module's constants; `context` replaces the system's certificate
    store (tests use a self-signed certificate)."""
    if urlparse(url).scheme != "https":
        raise CatalogError([Problem(url[:200], None, None, "only https:// addresses are fetched")])
    report = progress or (lambda _f, _m: None)
    deadline_s = DEADLINE_S if deadline_s is None else deadline_s
    dog = _Watchdog(deadline_s, MIN_RATE_BYTES_S if min_rate_bytes_s is None else min_rate_bytes_s,
                    GRACE_S if grace_s is None else grace_s)
    director = urllib.request.build_opener(_watched_handler(context, dog), _HttpsOnlyRedirects())
    headers = {"User-Agent": f"ModelAdvisor/{__version__}", "Accept": "application/json"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - scheme checked above
    report(0.05, f"Connecting to {urlparse(url).netloc}")
    try:
        return _download(director, request, url, min(timeout, deadline_s), max_bytes, dog, report)
    except _CutoffError as exc:
        raise CatalogError([Problem(url, None, None, str(exc))]) from exc
    except (OSError, http.client.HTTPException) as exc:
        if dog.reason is not None:  # the watchdog shut the socket: say why, not how it broke
            raise CatalogError([Problem(url, None, None, dog.reason)]) from exc
        raise _worded(url, exc, timeout) from exc
    finally:
        dog.stop()


def _download(director: urllib.request.OpenerDirector, request: urllib.request.Request, url: str,
              timeout: float, max_bytes: int, dog: _Watchdog, report: Progress) -> bytes:
    with director.open(request, timeout=timeout) as response:
        dog.check()
        declared = response.headers.get("Content-Length")
        total = int(declared) if declared and declared.isdigit() else 0
        if total > max_bytes:
            raise _too_big(url, total, max_bytes)
        chunks: list[bytes] = []
        while True:
            # read1 returns what has arrived (one socket read), so the limits are checked as
            # bytes trickle in; read(n) would wait for all n bytes first.
            chunk = response.read1(CHUNK_BYTES)
            dog.check()
            if not chunk:
                break
            dog.received += len(chunk)
            if dog.received > max_bytes:
                raise _too_big(url, dog.received, max_bytes)
            chunks.append(chunk)
            got = dog.received
            report(0.1 + 0.8 * (got / total if total else 0.5), f"Downloaded {got / 1e6:.1f} MB")
    return b"".join(chunks)


def _worded(url: str, exc: OSError | http.client.HTTPException, timeout: float) -> CatalogError:
    if isinstance(exc, urllib.error.HTTPError):
        message = f"answered HTTP {exc.code} {exc.reason}"
    elif isinstance(exc, urllib.error.URLError):
        message = f"could not be reached: {exc.reason}"
    elif isinstance(exc, TimeoutError):
        message = f"did not answer within {timeout:g} s"
    else:
        message = f"failed: {exc}"
    return CatalogError([Problem(url, None, None, message)])


def _too_big(url: str, size: int, cap: int) -> CatalogError:
    return CatalogError([Problem(url, None, None, f"is larger than {cap / 2**20:.0f} MiB "
                                 f"(at least {size / 2**20:.0f} MiB); refused")])

