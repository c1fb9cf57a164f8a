"""Reading over HTTP and S3 from real servers on loopback: nginx (with and without Range support)
and a Ceph RGW (real S3 with SigV4), started by `scripts/test-servers start` (the README's test
command does it). Every branch of every test file read remotely must equal the local read; bad
credentials, missing objects, unreachable endpoints and objects replaced mid-read must give
clear errors that never contain a secret.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pyarrow as pa
import pytest

import arrowroot
from conftest import TESTDATA_DIR, Secret, cli_path
from conftest import require_env as _env
from oracle_common import TTREE_FILES

pytestmark = pytest.mark.integration

CLI = cli_path()


@pytest.fixture(scope="module")
def s3() -> dict:
    return {
        "endpoint_url": _env("ARROWROOT_TEST_S3_ENDPOINT"),
        "key": _env("ARROWROOT_TEST_S3_ACCESS_KEY"),
        "secret": Secret(_env("ARROWROOT_TEST_S3_SECRET_KEY")),  # repr() hides it
        "region": _env("ARROWROOT_TEST_S3_REGION"),
    }


@pytest.fixture(scope="module")
def bucket() -> str:
    return _env("ARROWROOT_TEST_S3_BUCKET")


@pytest.fixture(scope="module")
def http_url() -> str:
    return _env("ARROWROOT_TEST_HTTP_URL")


@pytest.fixture(scope="module")
def norange_url() -> str:
    return _env("ARROWROOT_TEST_HTTP_NORANGE_URL")


def _all_trees(path: str, storage_options=None) -> dict[str, pa.Table]:
    with arrowroot.open(path, storage_options) as f:
        return {t: f[t].arrays() for t in f.trees()}


FILE_NAMES = [name for _, name in TTREE_FILES]


def _ipc_bytes(table: pa.Table) -> bytes:
    """The table as Arrow IPC bytes: equal tables give equal bytes, NaN included (which
    Table.equals counts as different)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table.combine_chunks())
    return sink.getvalue().to_pybytes()


def _same(a: pa.Table, b: pa.Table) -> bool:
    return a.schema == b.schema and a.num_rows == b.num_rows and _ipc_bytes(a) == _ipc_bytes(b)


@pytest.mark.parametrize("name", FILE_NAMES)
def test_every_branch_over_s3_equals_the_local_read(name, s3, bucket):
    local = _all_trees(str(TESTDATA_DIR / name))
    remote = _all_trees(f"s3://{bucket}/{name}", s3)
    assert list(remote) == list(local)
    for tree, table in local.items():
        assert _same(remote[tree], table), f"{name}:{tree}"


@pytest.mark.parametrize("name", FILE_NAMES)
def test_every_branch_over_http_equals_the_local_read(name, http_url):
    local = _all_trees(str(TESTDATA_DIR / name))
    remote = _all_trees(f"{http_url}/{name}")
    assert list(remote) == list(local)
    for tree, table in local.items():
        assert _same(remote[tree], table), f"{name}:{tree}"


def test_metadata_takes_two_requests_and_baskets_are_coalesced(s3, bucket):
    with arrowroot.open(f"s3://{bucket}/uproot-HZZ.root", s3) as f:
        assert f.io_stats()["num_requests"] == 2  # the speculative head and tail reads
        tree = f["events"]
        stream = tree.batches(["Muon_Px", "Jet_Px", "MET_px"], step_size=10_000)
        table = pa.table(stream)
        assert table.num_rows == 2421
        stats = f.io_stats()
        # HZZ is small (218 kB): the tail read already holds it all, so no basket costs a GET.
        assert stats["num_requests"] == 2 and stats["num_retries"] == 0
        assert stats["num_bytes_received"] == (TESTDATA_DIR / "uproot-HZZ.root").stat().st_size


def test_a_server_that_ignores_range_is_detected_and_read_once(norange_url):
    name = "uproot-HZZ.root"
    local = _all_trees(str(TESTDATA_DIR / name))
    with arrowroot.open(f"{norange_url}/{name}") as f:
        assert _same(f["events"].arrays(), local["events"])
        stats = f.io_stats()
        assert stats["num_full_downloads"] == 1
        assert stats["num_requests"] == 1  # the whole object came with the first answer


def test_wrong_secret_is_an_auth_error_without_the_secret(s3, bucket):
    secret = "not-the-secret-" + hashlib.sha256(b"x").hexdigest()[:12]
    with pytest.raises(arrowroot.ArrowrootIOError) as info:
        arrowroot.open(f"s3://{bucket}/uproot-HZZ.root", dict(s3, secret=secret))
    err = info.value
    assert isinstance(err, OSError) and not err.retryable
    msg = str(err)
    assert "access denied" in msg and "SignatureDoesNotMatch" in msg and "credentials" in msg
    assert f"s3://{bucket}/uproot-HZZ.root" in msg
    assert secret not in msg and s3["secret"] not in msg


def test_anonymous_requests_are_denied_by_a_private_bucket(s3, bucket):
    with pytest.raises(arrowroot.ArrowrootIOError, match="AccessDenied.*anonymous"):
        arrowroot.open(f"s3://{bucket}/uproot-HZZ.root",
                       {"endpoint_url": s3["endpoint_url"], "anon": True})


def test_missing_key_and_missing_bucket_are_not_found(s3, bucket):
    with pytest.raises(arrowroot.NotFoundError, match=f"s3://{bucket}/nope.root.*NoSuchKey"):
        arrowroot.open(f"s3://{bucket}/nope.root", s3)
    with pytest.raises(arrowroot.NotFoundError, match="NoSuchBucket"):
        arrowroot.open("s3://no-such-bucket-here/f.root", s3)


def test_missing_http_object_is_not_found(http_url):
    with pytest.raises(arrowroot.NotFoundError, match="HTTP 404"):
        arrowroot.open(f"{http_url}/nope.root")


def test_unreachable_endpoint_is_a_retried_io_error(bucket):
    options = {"endpoint_url": "http://127.0.0.1:1", "anon": True, "retries": 2}
    with pytest.raises(arrowroot.ArrowrootIOError) as info:
        arrowroot.open(f"s3://{bucket}/uproot-HZZ.root", options)
    msg = str(info.value)
    assert "127.0.0.1" in msg and "3 tries" in msg and "reachable" in msg


def test_glob_lists_keys_with_list_objects_v2(s3, bucket):
    pieces = list(arrowroot.iterate(f"s3://{bucket}/run2012/uproot-Zmumu*.root:events", ["px1"],
                                    step_size=1000, storage_options=s3))
    assert sum(p.num_rows for p in pieces) == 3 * 2304
    with pytest.raises(arrowroot.NotFoundError, match="no file matches"):
        list(arrowroot.iterate(f"s3://{bucket}/run2012/nothing*.root:events", storage_options=s3))


def _curl_s3(method: str, s3: dict, bucket: str, key: str, body: Path | None = None) -> int:
    """An independent client (curl's own SigV4) for writing objects."""
    url = f"{s3['endpoint_url']}/{bucket}/{key}"
    digest = hashlib.sha256(body.read_bytes() if body else b"").hexdigest()
    cmd = ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", method,
           "--aws-sigv4", f"aws:amz:{s3['region']}:s3", "--user", f"{s3['key']}:{s3['secret']}",
           "-H", f"x-amz-content-sha256: {digest}", url]
    if body is not None:
        cmd[1:1] = ["--data-binary", f"@{body}"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=True)
    return int(out.stdout)


def _write_big_file(path: Path, seed: int) -> None:
    """A file bigger than the speculative head and tail reads (64 KiB + 512 KiB)."""
    import numpy as np
    import uproot

    rng = np.random.default_rng(seed)
    with uproot.recreate(path, compression=None) as f:
        f.mktree("Events", {"x": "float64", "y": "float32"})
        for _ in range(8):
            f["Events"].extend({"x": rng.normal(size=20_000), "y": rng.normal(size=20_000).astype("f4")})


def test_an_object_replaced_while_being_read_is_a_clear_error(s3, bucket, tmp_path):
    key = f"replaced-{os.getpid()}.root"
    first, second = tmp_path / "first.root", tmp_path / "second.root"
    _write_big_file(first, 1)
    _write_big_file(second, 2)
    assert first.stat().st_size > 1_000_000
    assert _curl_s3("PUT", s3, bucket, key, first) == 200
    try:
        f = arrowroot.open(f"s3://{bucket}/{key}", s3)
        assert _curl_s3("PUT", s3, bucket, key, second) == 200
        with pytest.raises(arrowroot.ArrowrootIOError, match="changed while it was being read") as info:
            f["Events"].arrays()
        msg = str(info.value)
        assert f"s3://{bucket}/{key}" in msg and "ETag" in msg and "open it again" in msg
        # Opened again, it reads the new object.
        assert arrowroot.open(f"s3://{bucket}/{key}", s3)["Events"].num_entries == 160_000
    finally:
        assert _curl_s3("DELETE", s3, bucket, key) in (200, 204)


def test_cli_reads_s3_and_https_urls(s3, bucket, http_url):
    env = dict(os.environ, AWS_ACCESS_KEY_ID=s3["key"], AWS_SECRET_ACCESS_KEY=s3["secret"],
               AWS_ENDPOINT_URL=s3["endpoint_url"], AWS_REGION=s3["region"])
    args = ["-b", "Type,E1,px1", "--stop", "50"]
    local = subprocess.run([CLI, "cat", f"{TESTDATA_DIR}/uproot-Zmumu.root:events", *args],
                           capture_output=True, text=True, timeout=60, check=True).stdout
    for url in (f"s3://{bucket}/uproot-Zmumu.root", f"{http_url}/uproot-Zmumu.root"):
        out = subprocess.run([CLI, "cat", f"{url}:events", *args, "--stats"], env=env,
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        assert out.stdout == local
        assert "requests " in out.stderr and "retries 0" in out.stderr
    ls = subprocess.run([CLI, "ls", f"s3://{bucket}/uproot-nesteddirs.root"], env=env,
                        capture_output=True, text=True, timeout=60)
    assert ls.returncode == 0 and "one/two/tree" in ls.stdout
    bad = subprocess.run([CLI, "ls", f"s3://{bucket}/uproot-Zmumu.root"],
                         env=dict(env, AWS_SECRET_ACCESS_KEY="wrong-secret-value"),
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1
    assert bad.stderr.startswith("arrowroot: error: ") and "SignatureDoesNotMatch" in bad.stderr
    assert "wrong-secret-value" not in bad.stderr
