"""Reading S3 objects through a fault-injecting proxy (tests/fault_proxy.py) in front of the real
Ceph RGW of scripts/test-servers: every fault must end in the exact local values (after retries
within the policy, counted) or a clear typed error (the object, the byte range, what to do);
never a wrong value, a hang or a crash. Python API and CLI.

Objects: uproot-HZZ.root from testdata (218 kB: the open's head and tail GETs hold all of it,
so faults hit GETs 1 and 2), and a 2.6 MB file written here with uproot (fixed seed; its
baskets need a third GET after the open's two), uploaded under a unique key with the proxy's
own SigV4 client and deleted at the end.

Faults (see fault_proxy.py): 503 SlowDown (with Retry-After: 1), 500 InternalError, a reset
mid-body, a body cut short (then close), Content-Length longer and shorter than the body, a
stall longer than the client's read timeout (read_timeout / --read-timeout 1 s), a merely slow
response, a ranged GET answered 200 with the whole object, and the object replaced (a real PUT)
between two GETs of one read.

Run: scripts/test-servers start; eval "$(scripts/test-servers env)";
     .venv/bin/python -m pytest tests/test_s3_faults.py -q
"""

from __future__ import annotations

import os
import re
import threading
import uuid
from pathlib import Path
from typing import Any, Callable

import pyarrow as pa
import pytest

import arrowroot
from conftest import FAULTS_TALLY, Secret, s3_test_settings
from fault_proxy import FaultProxy, Rule, S3Client

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parent.parent
TESTDATA = REPO / "testdata"
HZZ = "uproot-HZZ.root"
READ_TIMEOUT_S = 1  # the client gives up on a transfer stalled this long (then retries)
DEADLINE_S = 60  # no single read may take longer: a hang fails the test instead

# Faults the retry policy must absorb, with their parameters. Each is injected twice per read.
RETRIED: dict[str, dict[str, Any]] = {
    "slowdown": {"retry_after": "1"},
    "internal_error": {},
    "reset": {},
    "short_body": {},
    "cl_longer": {"extra": 1000},
    "cl_shorter": {"extra": 1000},
    # The head, then nothing: curl's speed check averages over a few seconds, so bytes of the
    # body sent before a stall would delay the abort beyond read_timeout.
    "stall": {"seconds": 4 * READ_TIMEOUT_S, "after_bytes": 0},
}
# What the final error names, per fault, once the retries are used up.
GIVE_UP_DETAIL = {
    "slowdown": "503 SlowDown",
    "internal_error": "500 InternalError",
    "reset": "reset",
    "short_body": "",
    "cl_longer": "",
    "cl_shorter": "Content-Range",
    "stall": "too slow",
}


@pytest.fixture(autouse=True)
def _tally_faults(request, monkeypatch):
    """Adds the faults every proxy of the test injected to the session's tally (conftest)."""
    started: list[FaultProxy] = []
    original = FaultProxy.start

    def start(self: FaultProxy) -> FaultProxy:
        started.append(self)
        return original(self)

    monkeypatch.setattr(FaultProxy, "start", start)
    yield
    injected: dict[str, int] = {}
    for proxy in started:
        for kind, n in proxy.injected.items():
            injected[kind] = injected.get(kind, 0) + n
    FAULTS_TALLY.append((request.node.name, injected))


@pytest.fixture(scope="module")
def s3() -> dict[str, str]:
    return s3_test_settings()


@pytest.fixture(scope="module")
def client(s3) -> S3Client:
    return S3Client(s3["endpoint"], s3["access_key"], s3["secret_key"], s3["region"])


def _write_file(path: Path, seed: int) -> None:
    """2.6 MB, tree Events (x float64, y float32, n int32), 8 baskets per branch: bigger than
    the open's speculative head and tail reads (64 KiB + 512 KiB)."""
    import numpy as np
    import uproot

    rng = np.random.default_rng(seed)
    with uproot.recreate(path, compression=None) as f:
        f.mktree("Events", {"x": "float64", "y": "float32", "n": "int32"})
        for _ in range(8):
            f["Events"].extend({"x": rng.normal(size=20_000),
                                "y": rng.normal(size=20_000).astype("f4"),
                                "n": rng.integers(0, 100, 20_000).astype("i4")})


@pytest.fixture(scope="module")
def objects(s3, client, tmp_path_factory):
    """Two files (seeds 1 and 2) uploaded under unique keys: 'big' (read by
    most tests) and 'swap' (replaced by the replace tests; reset to the first file each time)."""
    d = tmp_path_factory.mktemp("faults")
    first, second = d / "first.root", d / "second.root"
    _write_file(first, 1)
    _write_file(second, 2)
    assert min(first.stat().st_size, second.stat().st_size) > 1_000_000
    prefix = f"faults-{uuid.uuid4().hex[:12]}/"
    keys = {"big": prefix + "big.root", "swap": prefix + "swap.root"}
    for key in keys.values():
        client.put(s3["bucket"], key, first.read_bytes())
    yield {"keys": keys, "first": first, "second": second}
    for key in keys.values():
        assert client.delete(s3["bucket"], key) in (200, 204)


def _tables(path: str, storage_options: dict | None = None) -> tuple[dict[str, pa.Table], dict]:
    with arrowroot.open(path, storage_options) as f:
        tables = {t: f[t].arrays() for t in f.trees()}
        return tables, f.io_stats()


def _within(fn: Callable[[], Any], seconds: float = DEADLINE_S) -> Any:
    """fn() in a thread: its result or exception, or a test failure if it runs too long."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as e:  # noqa: BLE001 - handed to the caller
            box["error"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    if t.is_alive():
        pytest.fail(f"the read did not finish within {seconds} s (a hang)")
    if "error" in box:
        raise box["error"]
    return box["value"]


def _options(s3: dict, proxy: FaultProxy, **extra: Any) -> dict[str, Any]:
    return {"endpoint_url": proxy.url, "key": s3["access_key"], "secret": s3["secret_key"],
            "region": s3["region"], "read_timeout": READ_TIMEOUT_S, **extra}


def _same(a: dict[str, pa.Table], b: dict[str, pa.Table]) -> bool:
    return list(a) == list(b) and all(a[t].equals(b[t]) for t in a)


@pytest.fixture(scope="module")
def local(objects) -> dict[str, dict[str, pa.Table]]:
    return {"big": _tables(str(objects["first"]))[0], "hzz": _tables(str(TESTDATA / HZZ))[0],
            "second": _tables(str(objects["second"]))[0]}


def _url(s3: dict, objects: dict, target: str) -> str:
    key = HZZ if target == "hzz" else objects["keys"][target]
    return f"s3://{s3['bucket']}/{key}"


def _assert_faulted_ranges_asked_again(proxy: FaultProxy) -> None:
    gets = proxy.requests()
    for i, seen in enumerate(gets):
        if seen.fault is not None:
            again = [g for g in gets[i + 1:] if g.range == seen.range and g.fault is None]
            assert again, f"{seen.fault} on {seen.range}: no clean GET of that range followed"


# --- Python API -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(RETRIED))
@pytest.mark.parametrize("target", ["big", "hzz"])
def test_python_retries_each_fault_to_the_exact_local_values(kind, target, s3, objects, local):
    # hzz: the open's head and tail GETs; big: the tail and the baskets' GET.
    nth = {1, 2} if target == "hzz" else {2, 3}
    with FaultProxy(s3["endpoint"], [Rule(kind, ranged=True, nth=nth, **RETRIED[kind])]) as proxy:
        tables, stats = _within(lambda: _tables(_url(s3, objects, target), _options(s3, proxy)))
        assert _same(tables, local[target])
        assert proxy.injected == {kind: 2}
        assert stats["num_retries"] == 2, stats
        assert stats["num_requests"] == len(proxy.requests()), stats
        assert stats["num_full_downloads"] == 0
        _assert_faulted_ranges_asked_again(proxy)
        assert not proxy.errors, proxy.errors


@pytest.mark.parametrize("kind", list(RETRIED))
def test_python_gives_up_after_the_retries_with_a_clear_error(kind, s3, objects):
    url = _url(s3, objects, "big")
    with FaultProxy(s3["endpoint"], [Rule(kind, first=100, **RETRIED[kind])]) as proxy:
        with pytest.raises(arrowroot.ArrowrootIOError) as info:
            _within(lambda: _tables(url, _options(s3, proxy, retries=1)))
        assert proxy.injected == {kind: 2}  # the first try and one retry, nothing more
    err = info.value
    msg = str(err)
    assert err.retryable, msg
    assert f"/{s3['bucket']}/{objects['keys']['big']}" in msg
    assert "bytes=0-65535" in msg  # the byte range: the open's first GET
    assert "gave up after 2 tries" in msg and "try again" in msg
    assert GIVE_UP_DETAIL[kind] in msg
    assert s3["secret_key"] not in msg and s3["secret_key"] not in repr(err)


def test_python_every_request_for_one_key_fails_and_other_keys_read(s3, objects, local):
    key = objects["keys"]["big"]
    with FaultProxy(s3["endpoint"], [Rule("internal_error", method=None, key=key)]) as proxy:
        with pytest.raises(arrowroot.ArrowrootIOError, match="500 InternalError.*gave up after 3"):
            _within(lambda: _tables(_url(s3, objects, "big"), _options(s3, proxy, retries=2)))
        assert proxy.injected == {"internal_error": 3}
        tables, stats = _within(lambda: _tables(_url(s3, objects, "hzz"), _options(s3, proxy)))
        assert _same(tables, local["hzz"]) and stats["num_retries"] == 0
        assert proxy.injected == {"internal_error": 3}


def test_python_baskets_failing_after_the_open_name_branch_basket_and_range(s3, objects):
    rule = Rule("reset", ranged=True, nth=set(range(3, 1000)))
    with FaultProxy(s3["endpoint"], [rule]) as proxy:
        with pytest.raises(arrowroot.ArrowrootIOError) as info:
            _within(lambda: _tables(_url(s3, objects, "big"), _options(s3, proxy, retries=1)))
    msg = str(info.value)
    assert f"s3://{s3['bucket']}/{objects['keys']['big']}" in msg
    assert re.search(r"branch '\w+': basket \d+ at \[0x[0-9a-f]+,\+\d+\)", msg), msg
    assert "bytes=" in msg and "gave up after 2 tries" in msg, msg


@pytest.mark.parametrize("target,nth", [("big", 3), ("hzz", 1)])
def test_python_a_range_ignored_once_is_one_whole_download(target, nth, s3, client, objects,
                                                            local):
    with FaultProxy(s3["endpoint"], [Rule("ignore_range", ranged=True, nth={nth})],
                    s3=client) as proxy:
        tables, stats = _within(lambda: _tables(_url(s3, objects, target), _options(s3, proxy)))
        assert _same(tables, local[target])
        gets = proxy.requests()
        assert [g.status for g in gets] == [206] * (nth - 1) + [200]  # nothing asked after it
        assert stats["num_full_downloads"] == 1 and stats["num_retries"] == 0


def test_python_a_slow_response_is_waited_for(s3, objects, local):
    rule = Rule("slow", ranged=True, nth={3}, chunk=64 << 10, interval=0.01)
    with FaultProxy(s3["endpoint"], [rule]) as proxy:
        tables, stats = _within(lambda: _tables(_url(s3, objects, "big"), _options(s3, proxy)))
        assert _same(tables, local["big"])
        assert proxy.injected == {"slow": 1} and stats["num_retries"] == 0
        slow = [g for g in proxy.requests() if g.fault == "slow"]
        assert slow[0].body_bytes > 1_000_000  # the whole (big) answer, dribbled


@pytest.mark.parametrize("nth", [2, 3])
def test_python_an_object_replaced_mid_read_is_a_clear_error(nth, s3, client, objects, local):
    bucket, key = s3["bucket"], objects["keys"]["swap"]
    client.put(bucket, key, objects["first"].read_bytes())
    second = objects["second"].read_bytes()
    rule = Rule("replace", ranged=True, nth={nth}, action=lambda: client.put(bucket, key, second))
    with FaultProxy(s3["endpoint"], [rule]) as proxy:
        with pytest.raises(arrowroot.ArrowrootIOError) as info:
            _within(lambda: _tables(f"s3://{bucket}/{key}", _options(s3, proxy)))
        assert proxy.injected == {"replace": 1}
        err = info.value
        msg = str(err)
        assert "changed while it was being read" in msg and "ETag" in msg, msg
        assert "open it again" in msg and f"s3://{bucket}/{key}" in msg
        assert not err.retryable
        # Opened again, it reads the new object.
        tables, _ = _within(lambda: _tables(f"s3://{bucket}/{key}", _options(s3, proxy)))
        assert _same(tables, local["second"])


# --- CLI ------------------------------------------------------------------------------------------


def _cli_env(s3: dict, proxy: FaultProxy) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=s3["access_key"], AWS_SECRET_ACCESS_KEY=s3["secret_key"],
               AWS_ENDPOINT_URL=proxy.url, AWS_REGION=s3["region"])
    return env


CAT = ["-b", "x,y,n", "--format", "csv", "--stats", "--read-timeout", str(READ_TIMEOUT_S)]


@pytest.fixture(scope="module")
def local_cat(arrowroot_cli, objects) -> str:
    r = arrowroot_cli.run("cat", f"{objects['first']}:Events", "-b", "x,y,n", "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("\n") == 160_001
    return r.stdout


def _stat(stderr: str, name: str) -> int:
    m = re.search(rf"\b{name} (\d+)", stderr)
    assert m, f"no '{name}' in --stats output: {stderr!r}"
    return int(m.group(1))


def _check_cli_failure(r, s3: dict) -> str:
    assert r.returncode == 1, (r.returncode, r.stderr)  # an error, not a crash (signal)
    assert r.stderr.startswith("arrowroot: error: ") and r.stderr.count("\n") == 1, r.stderr
    assert s3["secret_key"] not in r.stderr + r.stdout
    return r.stderr


@pytest.mark.parametrize("kind", list(RETRIED))
def test_cli_retries_each_fault_to_the_exact_local_output(kind, s3, objects, arrowroot_cli,
                                                         local_cat):
    rule = Rule(kind, ranged=True, nth={2, 3}, **RETRIED[kind])
    with FaultProxy(s3["endpoint"], [rule]) as proxy:
        r = arrowroot_cli.run("cat", f"{_url(s3, objects, 'big')}:Events", *CAT,
                              env=_cli_env(s3, proxy), timeout=DEADLINE_S)
        assert r.returncode == 0, r.stderr
        assert r.stdout == local_cat
        assert proxy.injected == {kind: 2}
        assert _stat(r.stderr, "retries") == 2
        assert _stat(r.stderr, "requests") == len(proxy.requests())
        _assert_faulted_ranges_asked_again(proxy)


@pytest.mark.parametrize("kind", ["slowdown", "cl_shorter"])
def test_cli_gives_up_with_one_clear_line(kind, s3, objects, arrowroot_cli):
    with FaultProxy(s3["endpoint"], [Rule(kind, first=100)]) as proxy:
        r = arrowroot_cli.run("cat", f"{_url(s3, objects, 'big')}:Events", *CAT,
                              env=_cli_env(s3, proxy), timeout=DEADLINE_S)
        assert proxy.injected[kind] == 5  # the default policy: 5 tries
    err = _check_cli_failure(r, s3)
    assert f"/{s3['bucket']}/{objects['keys']['big']} bytes=0-65535" in err
    assert "gave up after 5 tries" in err and GIVE_UP_DETAIL[kind] in err


def test_cli_a_range_ignored_is_one_whole_download(s3, client, objects, arrowroot_cli,
                                                    local_cat):
    with FaultProxy(s3["endpoint"], [Rule("ignore_range", ranged=True, nth={3})],
                    s3=client) as proxy:
        r = arrowroot_cli.run("cat", f"{_url(s3, objects, 'big')}:Events", *CAT,
                              env=_cli_env(s3, proxy), timeout=DEADLINE_S)
        assert r.returncode == 0, r.stderr
        assert r.stdout == local_cat
        assert _stat(r.stderr, "full downloads") == 1 and _stat(r.stderr, "retries") == 0


def test_cli_an_object_replaced_mid_read_is_a_clear_error(s3, client, objects, arrowroot_cli):
    bucket, key = s3["bucket"], objects["keys"]["swap"]
    client.put(bucket, key, objects["first"].read_bytes())
    second = objects["second"].read_bytes()
    rule = Rule("replace", ranged=True, nth={3}, action=lambda: client.put(bucket, key, second))
    with FaultProxy(s3["endpoint"], [rule]) as proxy:
        r = arrowroot_cli.run("cat", f"s3://{bucket}/{key}:Events", *CAT,
                              env=_cli_env(s3, proxy), timeout=DEADLINE_S)
        assert proxy.injected == {"replace": 1}
    err = _check_cli_failure(r, s3)
    assert "changed while it was being read" in err and "open it again" in err
    assert f"s3://{bucket}/{key}" in err
    assert r.stdout.count("\n") <= 1  # the CSV header at most: no row of a mixture of two objects
