"""A delaying, request-counting TCP proxy for the remote-read tests (stdlib only).

``DelayProxy`` listens on 127.0.0.1 (an ephemeral port) and forwards every connection to an
upstream HTTP server. Each chunk going client -> server is held for ``delay`` seconds before it
is forwarded, so every request/response round trip costs at least that much (a crude WAN).
Server -> client bytes pass straight through.

Independently of the client under test, the proxy parses both byte streams as HTTP/1.1:
request lines and headers (keep-alive: several requests per connection; bodies skipped by
Content-Length or chunked encoding) and response status lines, headers and body lengths. Each
request becomes a ``Request`` record (method, target, Range header, status, body bytes,
timings). Anything it cannot parse is recorded in ``parse_errors``; bytes are still forwarded.

Every blocking call has a timeout; ``stop()`` closes all sockets and joins all threads.
"""

from __future__ import annotations

import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field

_RECV_BYTES = 256 << 10
_MAX_HEAD_BYTES = 64 << 10


@dataclass
class Request:
    conn_id: int
    method: str
    target: str
    version: str
    headers: dict[str, str]
    t_seen: float  # when the proxy saw the end of the request head (monotonic)
    t_first_byte: float  # when the first byte of the request head arrived
    head_chunks: int  # how many recv() chunks the request head came in
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body_bytes: int | None = None  # set when the whole body has passed
    t_response_head: float | None = None
    t_response_done: float | None = None  # when the last body byte passed the proxy

    @property
    def range(self) -> str | None:
        return self.headers.get("range")

    @property
    def round_trip_seconds(self) -> float | None:
        return None if self.t_response_head is None else self.t_response_head - self.t_seen


def _parse_head(raw: bytes) -> tuple[str, dict[str, str]]:
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


class _BodySkipper:
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
                    if len(self._line) > _MAX_HEAD_BYTES:
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


class _Connection:
    """One client connection and its upstream twin: two pump threads and two HTTP parsers."""

    def __init__(self, proxy: DelayProxy, conn_id: int, client: socket.socket,
                 upstream: socket.socket) -> None:
        self.proxy = proxy
        self.id = conn_id
        self.client = client
        self.upstream = upstream
        self.awaiting: deque[Request] = deque()  # requests whose response has not begun
        self._req_buf = b""
        self._req_t0: float | None = None  # arrival of the first byte of the pending head
        self._req_chunks = 0
        self._req_body: _BodySkipper | None = None
        self._resp_buf = b""
        self._resp_body: _BodySkipper | None = None
        self._resp_req: Request | None = None
        self._parse_ok = [True, True]  # [requests, responses]
        self.threads = [
            threading.Thread(target=self._pump, args=(client, upstream, True),
                             name=f"proxy-c2s-{conn_id}", daemon=True),
            threading.Thread(target=self._pump, args=(upstream, client, False),
                             name=f"proxy-s2c-{conn_id}", daemon=True),
        ]
        self._closed = threading.Event()
        self._done_count = 0
        self._lock = threading.Lock()

    def start(self) -> None:
        for t in self.threads:
            t.start()

    # --- forwarding ---------------------------------------------------------------------------
    def _pump(self, src: socket.socket, dst: socket.socket, to_server: bool) -> None:
        try:
            while not self.proxy._stopping.is_set():
                try:
                    data = src.recv(_RECV_BYTES)
                except socket.timeout:
                    break  # idle (a pooled keep-alive connection): just close it
                except OSError:
                    break
                if not data:
                    break
                if to_server:
                    self._parse_requests(data)
                    if self.proxy.delay > 0:
                        # The stop event doubles as an interruptible sleep.
                        if self.proxy._stopping.wait(self.proxy.delay):
                            break
                else:
                    self._parse_responses(data)
                try:
                    dst.sendall(data)
                except OSError:
                    break
                with self.proxy._lock:
                    if to_server:
                        self.proxy.bytes_to_server += len(data)
                    else:
                        self.proxy.bytes_to_client += len(data)
        finally:
            # Half-close the other side so the peer sees EOF; close all when both pumps end.
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            with self._lock:
                self._done_count += 1
                last = self._done_count == 2
            if last:
                self.close()

    def close(self) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        for s in (self.client, self.upstream):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                s.close()
            except OSError:
                pass

    # --- HTTP parsing (observation only) -------------------------------------------------------
    def _parse_requests(self, data: bytes) -> None:
        if not self._parse_ok[0]:
            return
        now = time.monotonic()
        try:
            buf = self._req_buf + data
            if self._req_body is None:
                if self._req_t0 is None:
                    self._req_t0 = now
                self._req_chunks += 1
            while buf:
                if self._req_body is not None:
                    buf = self._req_body.feed(buf)
                    if not self._req_body.done:
                        break
                    self._req_body = None
                    self._req_t0, self._req_chunks = (now, 1) if buf else (None, 0)
                    continue
                end = buf.find(b"\r\n\r\n")
                if end < 0:
                    if len(buf) > _MAX_HEAD_BYTES:
                        raise ValueError("request head too long")
                    break
                first, headers = _parse_head(buf[:end])
                buf = buf[end + 4:]
                parts = first.split(" ")
                if len(parts) != 3 or not parts[2].startswith("HTTP/"):
                    raise ValueError(f"bad request line {first!r}")
                req = Request(self.id, parts[0], parts[1], parts[2], headers, time.monotonic(),
                              self._req_t0 if self._req_t0 is not None else now,
                              self._req_chunks)
                # Whatever follows in this chunk starts the next request.
                self._req_t0, self._req_chunks = (now, 1) if buf else (None, 0)
                self.awaiting.append(req)
                self.proxy._record(req)
                chunked = "chunked" in headers.get("transfer-encoding", "").lower()
                length = int(headers.get("content-length", "0") or 0)
                if chunked or length:
                    self._req_body = _BodySkipper(length, chunked)
            self._req_buf = buf
        except (ValueError, UnicodeDecodeError) as e:
            self._parse_ok[0] = False
            self.proxy._error(f"conn {self.id}: cannot parse request stream: {e}")

    def _parse_responses(self, data: bytes) -> None:
        if not self._parse_ok[1]:
            return
        try:
            buf = self._resp_buf + data
            while buf:
                if self._resp_body is not None:
                    buf = self._resp_body.feed(buf)
                    if not self._resp_body.done:
                        break
                    assert self._resp_req is not None
                    self._resp_req.response_body_bytes = self._resp_body.total
                    self._resp_req.t_response_done = time.monotonic()
                    self._resp_body = None
                    self._resp_req = None
                    continue
                end = buf.find(b"\r\n\r\n")
                if end < 0:
                    if len(buf) > _MAX_HEAD_BYTES:
                        raise ValueError("response head too long")
                    break
                first, headers = _parse_head(buf[:end])
                buf = buf[end + 4:]
                parts = first.split(" ", 2)
                if len(parts) < 2 or not parts[0].startswith("HTTP/"):
                    raise ValueError(f"bad status line {first!r}")
                status = int(parts[1])
                if 100 <= status < 200:
                    continue  # interim response (100 Continue): the real one follows
                if not self.awaiting:
                    raise ValueError(f"response {status} without a request")
                req = self.awaiting.popleft()
                req.status = status
                req.response_headers = headers
                req.t_response_head = time.monotonic()
                chunked = "chunked" in headers.get("transfer-encoding", "").lower()
                if req.method == "HEAD" or status in (204, 304):
                    length, chunked = 0, False
                elif chunked:
                    length = None
                elif "content-length" in headers:
                    length = int(headers["content-length"])
                else:
                    raise ValueError(f"response {status} has no length (close-delimited)")
                skipper = _BodySkipper(length, chunked)
                if skipper.done:
                    req.response_body_bytes = 0
                    req.t_response_done = req.t_response_head
                else:
                    self._resp_body = skipper
                    self._resp_req = req
            self._resp_buf = buf
        except (ValueError, UnicodeDecodeError) as e:
            self._parse_ok[1] = False
            self.proxy._error(f"conn {self.id}: cannot parse response stream: {e}")


class DelayProxy:
    """TCP proxy 127.0.0.1:<ephemeral> -> upstream, delaying client->server chunks.

    Use as a context manager or call start()/stop(). ``requests`` lists every HTTP request seen
    (in the order the proxy saw them), ``connections`` counts accepted connections.
    """

    def __init__(self, upstream_host: str, upstream_port: int, delay: float = 0.020,
                 connect_timeout: float = 5.0, idle_timeout: float = 60.0) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.delay = delay
        self.connect_timeout = connect_timeout
        self.idle_timeout = idle_timeout
        self.requests: list[Request] = []
        self.errors: list[str] = []
        self.connections = 0
        self.bytes_to_server = 0
        self.bytes_to_client = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._conns: list[_Connection] = []
        self._listener: socket.socket | None = None
        self._accept_thread: threading.Thread | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- lifetime ----------------------------------------------------------------------------
    def start(self) -> DelayProxy:
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("127.0.0.1", 0))
        ls.listen(64)
        ls.settimeout(0.1)  # the accept loop polls the stop flag
        self._listener = ls
        self.port = ls.getsockname()[1]
        self._accept_thread = threading.Thread(target=self._accept_loop, name="proxy-accept",
                                               daemon=True)
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
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            c.close()
        deadline = time.monotonic() + timeout
        threads = ([self._accept_thread] if self._accept_thread else []) + [
            t for c in conns for t in c.threads]
        for t in threads:
            if t.ident is not None:
                t.join(max(0.0, deadline - time.monotonic()))
        return [t.name for t in threads if t.is_alive()]

    def __enter__(self) -> DelayProxy:
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
            try:
                upstream = socket.create_connection(self.upstream, timeout=self.connect_timeout)
            except OSError as e:
                self._error(f"cannot connect upstream {self.upstream}: {e}")
                client.close()
                continue
            for s in (client, upstream):
                s.settimeout(self.idle_timeout)
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self.connections += 1
                conn = _Connection(self, self.connections, client, upstream)
                self._conns.append(conn)
            conn.start()

    # --- records -----------------------------------------------------------------------------
    def _record(self, req: Request) -> None:
        with self._lock:
            self.requests.append(req)

    def _error(self, msg: str) -> None:
        with self._lock:
            self.errors.append(msg)

    def snapshot(self) -> list[Request]:
        with self._lock:
            return list(self.requests)

    def gets(self) -> list[Request]:
        return [r for r in self.snapshot() if r.method == "GET"]
