"""A fault-injecting HTTP proxy in front of a real S3 server (the Ceph RGW of scripts/test-servers).

``FaultProxy`` listens on 127.0.0.1 (an ephemeral port). Each client connection gets its own
upstream connection; the proxy reads every request whole (HTTP/1.1 keep-alive; the head is parsed
with latency_proxy's helpers), forwards it unchanged (Host and every signed header kept, so SigV4
signatures stay valid), reads the upstream response whole, and then sends it on, unless a rule of
its schedule picks that request for a fault:

    slowdown        503 SlowDown with an S3 XML error body (``retry_after``: Retry-After header);
                    the request never reaches the server
    internal_error  500 InternalError, likewise
    reset           the real head and half the body, then a TCP reset (SO_LINGER 0)
    short_body      the real head (true Content-Length) and half the body, then close
    cl_longer       Content-Length raised by ``extra`` bytes, the whole body, then close
    cl_shorter      Content-Length lowered by ``extra`` bytes, the whole body, then close (or,
                    with ``keep_open``, the extra bytes a moment later and the connection kept)
    stall           the response held ``seconds`` (longer than the client's timeout: it gives up)
                    after its head and the first ``after_bytes`` body bytes
    slow            the response dribbled in ``chunk``-byte pieces, ``interval`` s apart
    ignore_range    a ranged GET answered 200 with the whole object: the proxy GETs the whole
                    object from the server itself (signed with ``S3Client``) and sends that
    replace         ``action`` (e.g. a real PUT of new content to the same key) runs before
                    the request is forwarded: the object's ETag changes between two requests
    corrupt         the real head and body with one bit flipped in the middle of the body (silent
                    corruption on the way: lengths, ETag and status all look right)

A ``Rule`` selects requests by method, by whether they carry a Range, by key (a substring of the
path) and by its own count of the requests it matched: ``nth`` (e.g. {2, 3}: the 2nd and 3rd),
``first`` (the first N) or every one. ``injected`` counts per kind what was done; ``log`` records
every request with the fault applied (or None) and the status sent.

``S3Client`` is a small SigV4 client (stdlib: hmac, hashlib, http.client) for PUT/GET/DELETE
straight to the server: uploads for the tests, and the proxy's own whole-object GET.
Every blocking call has a timeout; ``stop()`` closes all sockets and joins all threads.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import http.client
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Callable
from urllib.parse import quote, unquote, urlsplit

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

KINDS = ("slowdown", "internal_error", "reset", "short_body", "cl_longer", "cl_shorter", "stall",
         "slow", "ignore_range", "replace", "corrupt")


# --- a small SigV4 client -------------------------------------------------------------------------


class S3Client:
    """Signed (AWS SigV4, path-style) requests to an S3 endpoint: put/get/delete of objects."""

    def __init__(self, endpoint: str, access_key: str, secret_key: str, region: str,
                 timeout: float = 30.0) -> None:
        u = urlsplit(endpoint)
        self.host, self.port = u.hostname or "127.0.0.1", u.port or 80
        self.netloc = u.netloc
        self._access_key, self._secret_key, self._region = access_key, secret_key, region
        self.timeout = timeout

    def __repr__(self) -> str:  # never the secret
        return f"S3Client({self.netloc!r}, access key {self._access_key!r})"

    def _sign(self, method: str, path: str, headers: dict[str, str], payload_sha: str) -> None:
        now = _dt.datetime.now(_dt.timezone.utc)
        amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
        headers.update({"host": self.netloc, "x-amz-date": amz_date,
                        "x-amz-content-sha256": payload_sha})
        names = sorted(headers)
        canonical = "\n".join([
            method, path, "",
            "".join(f"{n}:{headers[n].strip()}\n" for n in names),
            ";".join(names), payload_sha])
        scope = f"{day}/{self._region}/s3/aws4_request"
        to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                             hashlib.sha256(canonical.encode()).hexdigest()])
        key = ("AWS4" + self._secret_key).encode()
        for part in (day, self._region, "s3", "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        headers["authorization"] = (
            f"AWS4-HMAC-SHA256 Credential={self._access_key}/{scope}, "
            f"SignedHeaders={';'.join(names)}, Signature={signature}")

    def request(self, method: str, bucket: str, key: str, body: bytes = b"",
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        path = "/" + quote(bucket, safe="") + "/" + quote(key, safe="/-_.~")
        hdrs = {k.lower(): v for k, v in (headers or {}).items()}
        self._sign(method, path, hdrs, hashlib.sha256(body).hexdigest())
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body or None, headers=hdrs)
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()

    def put(self, bucket: str, key: str, body: bytes) -> str:
        """Upload; returns the new ETag (checked: the MD5 of the body)."""
        status, headers, data = self.request("PUT", bucket, key, body)
        if status != 200:
            raise RuntimeError(f"PUT {bucket}/{key}: HTTP {status} {data[:200]!r}")
        etag = headers.get("etag", "").strip('"')
        if etag != hashlib.md5(body).hexdigest():
            raise RuntimeError(f"PUT {bucket}/{key}: ETag {etag} is not the body's MD5")
        return etag

    def get(self, bucket: str, key: str) -> tuple[int, dict[str, str], bytes]:
        return self.request("GET", bucket, key)

    def delete(self, bucket: str, key: str) -> int:
        return self.request("DELETE", bucket, key)[0]


# --- the schedule ---------------------------------------------------------------------------------


@dataclass
class Rule:
    """Which requests get fault ``kind``, and its parameters (see the module docstring)."""

    kind: str
    method: str | None = "GET"
    ranged: bool | None = None  # True: only requests with a Range header; False: only without
    key: str | None = None  # a substring of the request path
    nth: set[int] | None = None  # the n-th matching requests (1-based)
    first: int | None = None  # the first N matching requests
    retry_after: str | None = None
    extra: int = 1000
    seconds: float = 5.0
    after_bytes: int = 0
    chunk: int = 16 << 10
    interval: float = 0.02
    action: Callable[[], None] | None = None
    keep_open: bool = False  # cl_shorter: keep serving the connection (the extra bytes trail)
    matched: int = 0  # requests that matched the selectors (chosen or not)
    injected: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; known: {', '.join(KINDS)}")

    def selects(self, method: str, target: str, headers: dict[str, str]) -> bool:
        """Counts the request if it matches; True if this occurrence gets the fault."""
        if self.method is not None and method != self.method:
            return False
        if self.ranged is not None and ("range" in headers) != self.ranged:
            return False
        if self.key is not None and self.key not in target.split("?")[0]:
            return False
        self.matched += 1
        if self.nth is not None:
            return self.matched in self.nth
        if self.first is not None:
            return self.matched <= self.first
        return True


@dataclass
class Seen:
    """One request the proxy handled."""

    conn_id: int
    method: str
    target: str
    range: str | None
    fault: str | None
    status: int | None = None  # the status line sent to the client (None: none was sent)
    body_bytes: int = 0  # response body bytes sent to the client


def _s3_error(status: int, code: str, message: str, resource: str,
              extra_headers: dict[str, str]) -> bytes:
    request_id = f"tx-fault-{time.monotonic_ns():x}"
    body = ('<?xml version="1.0" encoding="UTF-8"?>'
            f"<Error><Code>{code}</Code><Message>{message}</Message>"
            f"<Resource>{resource}</Resource><RequestId>{request_id}</RequestId></Error>").encode()
    reason = {500: "Internal Server Error", 503: "Service Unavailable"}[status]
    lines = [f"HTTP/1.1 {status} {reason}", "Content-Type: application/xml",
             f"Content-Length: {len(body)}", f"x-amz-request-id: {request_id}",
             f"Date: {time.strftime('%a, %d %b %Y %H:%M:%S GMT', time.gmtime())}"]
    lines += [f"{k}: {v}" for k, v in extra_headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class _Closed(Exception):
    """The peer closed the connection (or the proxy is stopping)."""


class _Reader:
    """Buffered reads of whole HTTP/1.1 messages from one socket."""

    def __init__(self, sock: socket.socket, stopping: threading.Event) -> None:
        self.sock = sock
        self.buf = b""
        self.stopping = stopping

    def _more(self) -> None:
        if self.stopping.is_set():
            raise _Closed()
        try:
            data = self.sock.recv(RECV_BYTES)
        except (socket.timeout, OSError) as e:
            raise _Closed() from e
        if not data:
            raise _Closed()
        self.buf += data

    def message(self, request_method: str | None = None
                ) -> tuple[bytes, str, dict[str, str], bytes]:
        """(head bytes incl. the blank line, first line, headers, raw body). For a response,
        ``request_method`` is the method of its request (HEAD has no body)."""
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end >= 0:
                break
            if len(self.buf) > MAX_HEAD_BYTES:
                raise ValueError("message head too long")
            self._more()
        head, self.buf = self.buf[:end + 4], self.buf[end + 4:]
        first, headers = parse_head(head[:end])
        if request_method is not None:
            status = int(first.split(" ", 2)[1])
            if 100 <= status < 200:  # an interim response: the real one follows
                h2, f2, hd2, b2 = self.message(request_method)
                return head + h2, f2, hd2, b2
            length, chunked = response_body_length(request_method, status, headers)
        else:
            length, chunked = request_body_length(headers)
        skipper = BodySkipper(length, chunked)
        body = b""
        while not skipper.done:
            if not self.buf:
                self._more()
            rest = skipper.feed(self.buf)
            body += self.buf[:len(self.buf) - len(rest)]
            self.buf = rest
        return head, first, headers, body


def _with_content_length(head: bytes, length: int) -> bytes:
    lines = head.decode("latin-1").split("\r\n")
    out = [f"Content-Length: {length}" if ln.lower().startswith("content-length:") else ln
           for ln in lines]
    return "\r\n".join(out).encode("latin-1")


class FaultProxy(LoopbackProxy):
    """127.0.0.1:<ephemeral> -> upstream S3, injecting the faults its ``rules`` select.

    ``s3`` (an S3Client for the same server) is needed only for ``ignore_range``.
    """

    _accept_thread_name = "fault-proxy-accept"

    def __init__(self, upstream: str, rules: list[Rule] | None = None,
                 s3: S3Client | None = None, timeout: float = 30.0) -> None:
        super().__init__()
        u = urlsplit(upstream)
        self.upstream = (u.hostname or "127.0.0.1", u.port or 80)
        self.rules: list[Rule] = list(rules or [])
        self.s3 = s3
        self.timeout = timeout
        self.log: list[Seen] = []
        self.injected: Counter[str] = Counter()
        self._sockets: list[socket.socket] = []
        self._threads: list[threading.Thread] = []

    def set_rules(self, *rules: Rule) -> None:
        with self._lock:
            self.rules = list(rules)

    def requests(self, method: str | None = "GET") -> list[Seen]:
        with self._lock:
            return [s for s in self.log if method is None or s.method == method]

    # --- lifetime --------------------------------------------------------------------------------
    def _close_connections(self) -> list[threading.Thread]:
        with self._lock:
            socks, threads = list(self._sockets), list(self._threads)
        for s in socks:
            close_socket(s)
        return threads

    def _accepted(self, client: socket.socket) -> None:
        client.settimeout(self.timeout)
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            self.connections += 1
            cid = self.connections
            self._sockets.append(client)
            t = threading.Thread(target=self._serve, args=(cid, client),
                                 name=f"fault-proxy-{cid}", daemon=True)
            self._threads.append(t)
        t.start()

    # --- one client connection -------------------------------------------------------------------
    def _serve(self, cid: int, client: socket.socket) -> None:
        upstream: socket.socket | None = None
        up_reader: _Reader | None = None
        reader = _Reader(client, self._stopping)
        try:
            while not self._stopping.is_set():
                try:
                    head, first, headers, body = reader.message()
                except _Closed:
                    return
                method, target = first.split(" ")[:2]
                with self._lock:
                    rule = next((r for r in self.rules if r.selects(method, target, headers)),
                                None)
                    if rule is not None:
                        rule.injected += 1
                        self.injected[rule.kind] += 1
                    seen = Seen(cid, method, target, headers.get("range"),
                                rule.kind if rule else None)
                    self.log.append(seen)
                kind = rule.kind if rule else None
                if kind in ("slowdown", "internal_error"):
                    assert rule is not None
                    extra = {"Retry-After": rule.retry_after} if rule.retry_after else {}
                    if kind == "slowdown":
                        msg = _s3_error(503, "SlowDown", "Please reduce your request rate.",
                                        target.split("?")[0], extra)
                    else:
                        msg = _s3_error(500, "InternalError", "We encountered an internal "
                                        "error. Please try again.", target.split("?")[0], extra)
                    client.sendall(msg)
                    seen.status = 503 if kind == "slowdown" else 500
                    continue
                if kind == "replace":
                    assert rule is not None and rule.action is not None
                    rule.action()
                if upstream is None:
                    upstream = socket.create_connection(self.upstream, timeout=self.timeout)
                    upstream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    with self._lock:
                        self._sockets.append(upstream)
                    up_reader = _Reader(upstream, self._stopping)
                assert up_reader is not None
                upstream.sendall(head + body)
                rhead, rfirst, rheaders, rbody = up_reader.message(method)
                seen.status = int(rfirst.split(" ", 2)[1])
                if rheaders.get("connection", "").lower() == "close":
                    close_socket(upstream)
                    upstream = up_reader = None
                if kind == "ignore_range" and seen.status == 206:
                    rhead, rbody = self._whole_object(target)
                    seen.status = 200
                if not self._send(client, seen, rule, rhead, rbody):
                    return
        except Exception as e:  # noqa: BLE001 - recorded; the client sees the connection close
            if not self._stopping.is_set() and not isinstance(e, _Closed):
                with self._lock:
                    self.errors.append(f"conn {cid}: {type(e).__name__}: {e}")
        finally:
            close_socket(client)
            if upstream is not None:
                close_socket(upstream)

    def _whole_object(self, target: str) -> tuple[bytes, bytes]:
        """A 200 with the whole object, from the proxy's own signed GET."""
        if self.s3 is None:
            raise ValueError("ignore_range needs FaultProxy(s3=S3Client(...))")
        path = target.split("?")[0].lstrip("/")
        bucket, _, key = path.partition("/")
        status, headers, data = self.s3.get(unquote(bucket), unquote(key))
        if status != 200:
            raise ValueError(f"the proxy's whole-object GET got HTTP {status}")
        lines = ["HTTP/1.1 200 OK", f"Content-Length: {len(data)}"]
        for name in ("etag", "last-modified", "content-type", "x-amz-request-id", "date"):
            if name in headers:
                lines.append(f"{name}: {headers[name]}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"), data

    def _send(self, client: socket.socket, seen: Seen, rule: Rule | None, head: bytes,
              body: bytes) -> bool:
        """Send one response, faulty as ``rule`` says; False if the connection is done."""
        kind = rule.kind if rule else None
        n = len(body)
        if kind is None or kind in ("replace", "ignore_range") or n == 0 and kind != "stall":
            client.sendall(head + body)
            seen.body_bytes = n
            return True
        assert rule is not None
        if kind == "reset":
            client.sendall(head + body[:n // 2])
            seen.body_bytes = n // 2
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()
            return False
        if kind == "short_body":
            client.sendall(head + body[:n // 2])
            seen.body_bytes = n // 2
            return False
        if kind in ("cl_longer", "cl_shorter"):
            delta = rule.extra if kind == "cl_longer" else -min(rule.extra, n)
            if kind == "cl_shorter" and rule.keep_open:
                # The bytes past the false length come as a separate packet, a moment later:
                # on a reused connection they would precede the next response.
                client.sendall(_with_content_length(head, n + delta) + body[:n + delta])
                time.sleep(0.05)
                client.sendall(body[n + delta:])
                seen.body_bytes = n
                return True
            client.sendall(_with_content_length(head, n + delta) + body)
            seen.body_bytes = n
            return False
        if kind == "stall":
            k = min(rule.after_bytes, n)
            client.sendall(head + body[:k])
            seen.body_bytes = k
            if self._stopping.wait(rule.seconds):
                return False
            try:
                client.sendall(body[k:])
            except OSError:
                return False  # the client gave up, as expected
            seen.body_bytes = n
            return True
        if kind == "corrupt":
            bad = bytearray(body)
            bad[n // 2] ^= 0x10
            client.sendall(head + bytes(bad))
            seen.body_bytes = n
            return True
        if kind == "slow":
            client.sendall(head)
            for i in range(0, n, rule.chunk):
                if self._stopping.wait(rule.interval):
                    return False
                client.sendall(body[i:i + rule.chunk])
                seen.body_bytes = min(n, i + rule.chunk)
            return True
        raise AssertionError(kind)

