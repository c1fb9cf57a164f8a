"""RNTuples over HTTP and S3 from the real test servers (nginx, Ceph RGW; `scripts/test-servers
start`): every field of every RNTuple in testdata/rntuple/ read remotely equals the local read,
and a multi-cluster RNTuple bigger than the speculative head and tail reads is read with its
pages coalesced: at most one bounded GET per cluster for the fields asked, never one per page.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

import arrowroot
from conftest import TESTDATA_DIR
from test_remote import _curl_s3, _same, bucket, http_url, s3  # noqa: F401 (fixtures)

pytestmark = pytest.mark.integration

RNTUPLE_FILES = sorted(p.name for p in (TESTDATA_DIR / "rntuple").glob("*.root"))


def _all_ntuples(path: str, storage_options=None) -> dict[str, pa.Table]:
    with arrowroot.open(path, storage_options) as f:
        return {t: f[t].arrays() for t in f.trees()}


@pytest.mark.parametrize("name", RNTUPLE_FILES)
def test_every_field_over_http_equals_the_local_read(name, http_url):  # noqa: F811
    local = _all_ntuples(str(TESTDATA_DIR / "rntuple" / name))
    remote = _all_ntuples(f"{http_url}/rntuple/{name}")
    assert list(remote) == list(local) and local
    for ntuple, table in local.items():
        assert _same(remote[ntuple], table), f"{name}:{ntuple}"


@pytest.fixture(scope="module")
def big_rntuple(tmp_path_factory) -> tuple[Path, int]:
    """An uproot-written RNTuple (uproot 5.7's default) of 8 clusters, ~3 MB uncompressed."""
    import uproot

    path = tmp_path_factory.mktemp("rntuple") / "big.root"
    rng = np.random.default_rng(7)
    with uproot.recreate(path, compression=None) as f:
        for i in range(8):
            n = 25_000
            data = {"x": rng.normal(size=n), "y": rng.normal(size=n).astype("f4"),
                    "i": np.arange(i * n, (i + 1) * n, dtype=np.int64)}
            if i == 0:
                f["Events"] = data
            else:
                f["Events"].extend(data)
    assert path.stat().st_size > 1_000_000
    return path, 8


def test_pages_are_fetched_coalesced_per_cluster_over_s3(big_rntuple, s3, bucket):  # noqa: F811
    path, clusters = big_rntuple
    key = f"rntuple-big-{os.getpid()}.root"
    assert _curl_s3("PUT", s3, bucket, key, path) == 200
    try:
        local = arrowroot.open(str(path))["Events"]
        assert local.common_entry_offsets()[-1] == 200_000
        with arrowroot.open(f"s3://{bucket}/{key}", s3) as f:
            after_open = f.io_stats()["num_requests"]
            tree = f["Events"]
            after_metadata = f.io_stats()["num_requests"]
            table = tree.arrays(["x", "i"])
            stats = f.io_stats()
        assert table.equals(local.arrays(["x", "i"]))
        # Metadata: header and footer (usually inside the speculative reads), then the page
        # lists, neighbours in one read: at most one request per cluster group.
        assert after_metadata - after_open <= clusters + 2
        reads = stats["num_requests"] - after_metadata
        # The fields' pages of one cluster go out as one request (they lie together); the
        # speculative tail read may already hold the last clusters.
        assert 1 <= reads <= clusters, (after_open, after_metadata, stats)
        assert stats["num_retries"] == 0
        # Bytes asked of the server: the two fields' pages, not the whole object.
        assert stats["num_bytes_requested"] < path.stat().st_size
    finally:
        assert _curl_s3("DELETE", s3, bucket, key) in (200, 204)


def test_a_missing_rntuple_object_names_it(s3, bucket):  # noqa: F811
    with pytest.raises(arrowroot.NotFoundError, match="no-such-ntuple.root"):
        arrowroot.open(f"s3://{bucket}/no-such-ntuple.root", s3)
