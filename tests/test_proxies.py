"""The test proxies themselves (tests/latency_proxy.py, tests/fault_proxy.py and what they share,
tests/proxy_common.py) in front of a small HTTP server of this test, all on loopback ports the
test picks itself: requests are framed and recorded, keep-alive connections followed, faults
injected, and stop() leaves no thread behind. No test server needed."""

from __future__ import annotations

import http.client
import http.server
import threading

import pytest

from fault_proxy import FaultProxy, Rule
from latency_proxy import DelayProxy
from proxy_common import BodySkipper, parse_head, response_body_length

BODY = bytes(range(256)) * 64  # 16 KiB


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive

    def do_GET(self):  # noqa: N802 - http.server's name
        start, stop = 0, len(BODY)
        status = 200
        if "Range" in self.headers:
            first, last = self.headers["Range"].split("=")[1].split("-")
            start, stop, status = int(first), int(last) + 1, 206
        self.send_response(status)
        self.send_header("Content-Length", str(stop - start))
        self.end_headers()
        self.wfile.write(BODY[start:stop])

    def log_message(self, *args):
        pass


@pytest.fixture()
def upstream():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join(5)


def _get(port: int, ranges: list[str | None]) -> list[tuple[int, bytes]]:
    """GETs on one keep-alive connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    out = []
    try:
        for r in ranges:
            conn.request("GET", "/bucket/key", headers={"Range": r} if r else {})
            resp = conn.getresponse()
            out.append((resp.status, resp.read()))
    finally:
        conn.close()
    return out


def test_framing_helpers():
    first, headers = parse_head(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A:  b ")
    assert first == "HTTP/1.1 200 OK" and headers == {"content-length": "5", "x-a": "b"}
    assert response_body_length("HEAD", 200, headers) == (0, False)
    assert response_body_length("GET", 200, {"transfer-encoding": "chunked"}) == (None, True)
    with pytest.raises(ValueError, match="no length"):
        response_body_length("GET", 200, {})
    chunked = BodySkipper(None, True)
    assert chunked.feed(b"3\r\nabc\r\n0\r\n\r\nNEXT") == b"NEXT" and chunked.total == 3
    fixed = BodySkipper(4, False)
    assert fixed.feed(b"ab") == b"" and not fixed.done and fixed.feed(b"cdEF") == b"EF"


def test_delay_proxy_forwards_and_records_every_request(upstream):
    with DelayProxy("127.0.0.1", upstream, delay=0.001) as proxy:
        got = _get(proxy.port, [None, "bytes=0-99", "bytes=100-199"])
    assert got == [(200, BODY), (206, BODY[:100]), (206, BODY[100:200])]
    assert proxy.connections == 1 and not proxy.errors
    seen = proxy.gets()
    assert [r.range for r in seen] == [None, "bytes=0-99", "bytes=100-199"]
    assert [r.status for r in seen] == [200, 206, 206]
    assert [r.response_body_bytes for r in seen] == [len(BODY), 100, 100]
    assert proxy.stop() == []


def test_fault_proxy_forwards_and_injects_a_slowdown(upstream):
    rule = Rule("slowdown", nth={2}, retry_after="1")
    with FaultProxy(f"http://127.0.0.1:{upstream}", [rule]) as proxy:
        got = _get(proxy.port, ["bytes=0-9", "bytes=0-9", "bytes=10-19"])
        assert proxy.stop() == []
    assert got[0] == (206, BODY[:10]) and got[2] == (206, BODY[10:20])
    assert got[1][0] == 503 and b"<Code>SlowDown</Code>" in got[1][1]
    assert proxy.injected == {"slowdown": 1} and not proxy.errors
    assert [s.fault for s in proxy.requests()] == [None, "slowdown", None]
    assert [s.status for s in proxy.requests()] == [206, 503, 206]


def test_fault_proxy_cuts_a_body_short(upstream):
    with FaultProxy(f"http://127.0.0.1:{upstream}", [Rule("short_body")]) as proxy:
        conn = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=10)
        conn.request("GET", "/bucket/key")
        resp = conn.getresponse()
        with pytest.raises(http.client.IncompleteRead):
            resp.read()
        conn.close()
    assert proxy.requests()[0].body_bytes == len(BODY) // 2
