"""What the test proxies share (stdlib only): HTTP/1.1 message framing and a loopback listener.

- ``parse_head``, ``BodySkipper`` and ``response_body_length``: where a request or response head
  ends, its headers, and how long its body is (Content-Length, chunked, or none for HEAD,
  1xx, 204 and 304), so a proxy can follow keep-alive connections message by message.
- ``LoopbackProxy``: listens on 127.0.0.1 (an ephemeral port it picks itself), accepts in a
  thread that polls a stop event, and hands each client socket to the subclass's
  ``_accepted``; ``stop()`` closes the listener and the subclass's sockets and joins every
  thread with one deadline. Every blocking call has a timeout.

Used by latency_proxy.DelayProxy (observes and delays) and fault_proxy.FaultProxy (injects
faults); bench/harness reuses DelayProxy.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Self

RECV_BYTES = 256 << 10
MAX_HEAD_BYTES = 64 << 10


def parse_head(raw: bytes) -> tuple[str, dict[str, str]]:
    """The first line and the headers (names in lower case) of a message head without its
    blank line."""
    text = raw.decode("latin-1")
    first, *lines = text.split("\r\n")
    headers: dict[str, str] = {}
    for line in lines:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise ValueError(f"bad header line {line!r}")
        headers[name.strip().lower()] = value.strip()
    return first, headers


def is_chunked(headers: dict[str, str]) -> bool:
    return "chunked" in headers.get("transfer-encoding", "").lower()


def request_body_length(headers: dict[str, str]) -> tuple[int | None, bool]:
    """(Content-Length or None when chunked, chunked) of a request's body."""
    chunked = is_chunked(headers)
    return (None if chunked else int(headers.get("content-length", "0") or 0)), chunked


def response_body_length(request_method: str, status: int,
                         headers: dict[str, str]) -> tuple[int | None, bool]:
    """(length or None when chunked, chunked) of a response's body. ValueError for a body
    delimited by closing the connection (the proxies do not follow those)."""
    chunked = is_chunked(headers)
    if request_method == "HEAD" or status in (204, 304):
        return 0, False
    if chunked:
        return None, True
    if "content-length" in headers:
        return int(headers["content-length"]), False
    raise ValueError(f"response {status} has no length (close-delimited)")


class BodySkipper:
    """Consumes an HTTP body of known length or in chunked encoding; reports when done."""

    def __init__(self, length: int | None, chunked: bool) -> None:
        self.remaining = length or 0
        self.chunked = chunked
        self.total = 0
        self._chunk_left = 0
        self._line = b""
        self._state = "size" if chunked else "fixed"
        self.done = not chunked and self.remaining == 0

    def feed(self, data: bytes) -> bytes:
        """Consume from ``data``; return what is left after the body (the next message)."""
        pos = 0
        while not self.done and pos < len(data):
            if self._state == "fixed":
                take = min(self.remaining, len(data) - pos)
                self.remaining -= take
                self.total += take
                pos += take
                self.done = self.remaining == 0
            elif self._state in ("size", "crlf", "trailer"):
                nl = data.find(b"\n", pos)
                if nl < 0:
                    self._line += data[pos:]
                    if len(self._line) > MAX_HEAD_BYTES:
                        raise ValueError("chunk size line too long")
                    return b""
                line = (self._line + data[pos:nl]).rstrip(b"\r")
                self._line = b""
                pos = nl + 1
                if self._state == "size":
                    size = int(line.split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        self._state = "trailer"
                    else:
                        self._chunk_left = size
                        self._state = "data"
                elif self._state == "crlf":
                    self._state = "size"
                elif line == b"":  # trailer: ends with an empty line
                    self.done = True
            elif self._state == "data":
                take = min(self._chunk_left, len(data) - pos)
                self._chunk_left -= take
                self.total += take
                pos += take
                if self._chunk_left == 0:
                    self._state = "crlf"
        return data[pos:]


def close_socket(s: socket.socket) -> None:
    """Shut down and close, ignoring a socket that is already gone."""
    try:
        s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        s.close()
    except OSError:
        pass


class LoopbackProxy:
    """127.0.0.1:<ephemeral>; subclasses implement ``_accepted`` (one new client socket) and
    ``_close_connections`` (close what they opened; return their threads for stop() to join).
    """

    _accept_thread_name = "proxy-accept"

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.connections = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._listener: socket.socket | None = None
        self._accept_thread: threading.Thread | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Self:
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("127.0.0.1", 0))
        ls.listen(64)
        ls.settimeout(0.1)  # the accept loop polls the stop flag
        self._listener = ls
        self.port = ls.getsockname()[1]
        self._accept_thread = threading.Thread(target=self._accept_loop,
                                               name=self._accept_thread_name, daemon=True)
        self._accept_thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> list[str]:
        """Close everything; return the names of threads still alive after ``timeout`` (none
        expected)."""
        self._stopping.set()
        if self._listener is not None:
            try:
                self._listener.close()
            except OSError:
                pass
        threads = ([self._accept_thread] if self._accept_thread else []) + \
            self._close_connections()
        deadline = time.monotonic() + timeout
        for t in threads:
            if t.ident is not None:  # started
                t.join(max(0.0, deadline - time.monotonic()))
        return [t.name for t in threads if t.is_alive()]

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                break
            self._accepted(client)

    def _error(self, msg: str) -> None:
        with self._lock:
            self.errors.append(msg)

    # --- for subclasses ------------------------------------------------------------------------
    def _accepted(self, client: socket.socket) -> None:
        raise NotImplementedError

    def _close_connections(self) -> list[threading.Thread]:
        raise NotImplementedError
