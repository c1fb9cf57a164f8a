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

from proxy_common import (
    MAX_HEAD_BYTES,
    RECV_BYTES,
    BodySkipper,
    LoopbackProxy,
    close_socket,
    parse_head,
    request_body_length,
    response_body_length,
)


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
        self._req_body: BodySkipper | None = None
        self._resp_buf = b""
        self._resp_body: BodySkipper | None = None
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
                    data = src.recv(RECV_BYTES)
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
            close_socket(s)

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
                    if len(buf) > MAX_HEAD_BYTES:
                        raise ValueError("request head too long")
                    break
                first, headers = parse_head(buf[:end])
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
                length, chunked = request_body_length(headers)
                if chunked or length:
                    self._req_body = BodySkipper(length, chunked)
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
                    if len(buf) > MAX_HEAD_BYTES:
                        raise ValueError("response head too long")
                    break
                first, headers = parse_head(buf[:end])
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
                length, chunked = response_body_length(req.method, status, headers)
                skipper = BodySkipper(length, chunked)
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


class DelayProxy(LoopbackProxy):
    """TCP proxy 127.0.0.1:<ephemeral> -> upstream, delaying client->server chunks.

    Use as a context manager or call start()/stop(). ``requests`` lists every HTTP request seen
    (in the order the proxy saw them), ``connections`` counts accepted connections.
    """

    def __init__(self, upstream_host: str, upstream_port: int, delay: float = 0.020,
                 connect_timeout: float = 5.0, idle_timeout: float = 60.0) -> None:
        super().__init__()
        self.upstream = (upstream_host, upstream_port)
        self.delay = delay
        self.connect_timeout = connect_timeout
        self.idle_timeout = idle_timeout
        self.requests: list[Request] = []
        self.bytes_to_server = 0
        self.bytes_to_client = 0
        self._conns: list[_Connection] = []

    def _close_connections(self) -> list[threading.Thread]:
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            c.close()
        return [t for c in conns for t in c.threads]

    def _accepted(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.upstream, timeout=self.connect_timeout)
        except OSError as e:
            self._error(f"cannot connect upstream {self.upstream}: {e}")
            client.close()
            return
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

    def snapshot(self) -> list[Request]:
        with self._lock:
            return list(self.requests)

    def gets(self) -> list[Request]:
        return [r for r in self.snapshot() if r.method == "GET"]
