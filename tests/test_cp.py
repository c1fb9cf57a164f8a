"""`arrowroot cp` and arrowroot.copy() against real servers: the test Ceph RGW (S3), nginx
(HTTP) and a MiniDFSCluster (HDFS over WebHDFS).

Start them with `scripts/test-servers start` and `scripts/hdfs-minicluster start`, then
`eval "$(scripts/test-servers env)"; eval "$(scripts/hdfs-minicluster env)"`.

What was written is read back with curl's own SigV4 signer (an independent client, not our
code), byte for byte.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import subprocess
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
from functools import partial
from pathlib import Path

import pytest

import arrowroot
from conftest import SECRETS_SCAN, TESTDATA_DIR, require_env
from fault_proxy import FaultProxy, Rule

pytestmark = pytest.mark.integration

PART = 5 << 20


# The servers this module needs: scripts/test-servers and the HDFS minicluster.
_env = partial(require_env, start="start the servers (scripts/test-servers start; "
               "scripts/hdfs-minicluster start) and eval their `env` output")


class S3:
    """A few S3 calls made by curl --aws-sigv4 (credentials on curl's stdin, not argv)."""

    def __init__(self) -> None:
        self.endpoint = _env("ARROWROOT_TEST_S3_ENDPOINT")
        self.bucket = _env("ARROWROOT_TEST_S3_BUCKET")
        self.region = _env("ARROWROOT_TEST_S3_REGION")
        self._user = f'user = "{_env("ARROWROOT_TEST_S3_ACCESS_KEY")}:{_env("ARROWROOT_TEST_S3_SECRET_KEY")}"\n'

    def request(self, method: str, key: str, query: str = "",
                data: bytes | None = None) -> tuple[int, bytes]:
        # curl 7.88 does not send x-amz-content-sha256, which RGW requires: add it.
        sha = hashlib.sha256(data or b"").hexdigest()
        url = f"{self.endpoint}/{self.bucket}" + (f"/{urllib.parse.quote(key)}" if key else "")
        args = ["curl", "-sS", "--max-time", "60", "-K", "-", "--aws-sigv4",
                f"aws:amz:{self.region}:s3", "-H", f"x-amz-content-sha256: {sha}", "-X", method,
                "-o", "", "-w", "%{http_code}", url + query]
        # The body goes to a file: objects of megabytes need not pass through the session's
        # output recording (conftest's secrets scan records what subprocess.run returns).
        out_file = Path(f"/tmp/arrowroot-test-cp-out-{uuid.uuid4().hex}")
        args[args.index("")] = str(out_file)
        tmp = None
        if data is not None:  # stdin carries curl's config (the credentials): body from a file
            tmp = Path(f"/tmp/arrowroot-test-cp-{uuid.uuid4().hex}")
            tmp.write_bytes(data)
            args[1:1] = ["--upload-file", str(tmp)]
        try:
            code = subprocess.run(args, input=self._user.encode(), capture_output=True,
                                  check=True).stdout
            body = out_file.read_bytes() if out_file.exists() else b""
        finally:
            out_file.unlink(missing_ok=True)
            if tmp:
                tmp.unlink()
        return int(code), body

    def get(self, key: str) -> bytes:
        code, body = self.request("GET", key)
        assert code == 200, f"GET {key}: HTTP {code}"
        return body

    def keys(self, prefix: str) -> dict[str, int]:
        code, body = self.request("GET", "", f"?list-type=2&prefix={urllib.parse.quote(prefix, safe='')}")
        assert code == 200
        ns = "{http://s3.amazonaws.com/doc/2006-03-01/}"
        root = ET.fromstring(body)
        return {c.find(f"{ns}Key").text: int(c.find(f"{ns}Size").text)
                for c in root.iter(f"{ns}Contents")}

    def uploads(self, prefix: str) -> list[str]:
        code, body = self.request("GET", "", f"?prefix={urllib.parse.quote(prefix, safe='')}&uploads=")
        assert code == 200
        return re.findall(rb"<Key>([^<]*)</Key>", body)

    def delete_prefix(self, prefix: str) -> None:
        for key in self.keys(prefix):
            self.request("DELETE", key)


@pytest.fixture(scope="module")
def s3() -> S3:
    return S3()


@pytest.fixture()
def prefix(s3: S3):
    p = f"cp-test-{uuid.uuid4().hex[:12]}/"
    yield p
    s3.delete_prefix(p)


@pytest.fixture(scope="module")
def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(AWS_ACCESS_KEY_ID=_env("ARROWROOT_TEST_S3_ACCESS_KEY"),
               AWS_SECRET_ACCESS_KEY=_env("ARROWROOT_TEST_S3_SECRET_KEY"),
               AWS_ENDPOINT_URL=_env("ARROWROOT_TEST_S3_ENDPOINT"),
               AWS_REGION=_env("ARROWROOT_TEST_S3_REGION"))
    return env


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    """A file of a little more than two parts, with content no run of the test can mistake."""
    path = tmp_path_factory.mktemp("cp") / "big.bin"
    rng = random.Random(9)
    path.write_bytes(rng.randbytes(2 * PART + 777))
    return path


def cp(arrowroot_cli, env, *args, timeout=240):
    r = arrowroot_cli.run("cp", *args, env=env, timeout=timeout)
    return r


def summary(stdout: str) -> dict[str, int]:
    m = re.search(r"copied (\d+) of (\d+) files \((\d+) skipped, (\d+) failed\)", stdout)
    assert m, stdout
    return dict(zip(["copied", "files", "skipped", "failed"], map(int, m.groups())))


ROOT_FILES = sorted(p.name for p in TESTDATA_DIR.glob("*.root"))


def test_local_to_s3_recursive_is_byte_equal_and_resume_skips(arrowroot_cli, cli_env, s3, prefix,
                                                              big_file, tmp_path):
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    for name in ROOT_FILES[:4]:
        (src / name).write_bytes((TESTDATA_DIR / name).read_bytes())
    (src / "sub" / "big.bin").write_bytes(big_file.read_bytes())
    dest = f"s3://{s3.bucket}/{prefix}"
    r = cp(arrowroot_cli, cli_env, src, dest, "--recursive", "--part-size", "5MiB", "--jobs", "3")
    assert r.returncode == 0, r.stderr
    assert summary(r.stdout) == {"copied": 5, "files": 5, "skipped": 0, "failed": 0}
    assert "MB/s" in r.stdout and "retries" in r.stdout
    keys = s3.keys(prefix)
    assert set(keys) == {prefix + n for n in ROOT_FILES[:4]} | {prefix + "sub/big.bin"}
    for name in ROOT_FILES[:4]:
        assert s3.get(prefix + name) == (TESTDATA_DIR / name).read_bytes()
    assert s3.get(prefix + "sub/big.bin") == big_file.read_bytes()
    assert s3.uploads(prefix) == []

    # --resume: everything equal is skipped.
    r = cp(arrowroot_cli, cli_env, src, dest, "--recursive", "--part-size", "5MiB", "--resume")
    assert r.returncode == 0, r.stderr
    assert summary(r.stdout) == {"copied": 0, "files": 5, "skipped": 5, "failed": 0}
    # A target that differs (same size, other bytes) is copied again.
    changed = bytearray((TESTDATA_DIR / ROOT_FILES[0]).read_bytes())
    changed[100] ^= 0xFF
    assert s3.request("PUT", prefix + ROOT_FILES[0], data=bytes(changed))[0] == 200
    r = cp(arrowroot_cli, cli_env, src, dest, "--recursive", "--part-size", "5MiB", "--resume",
           "--verify", "root")
    assert r.returncode == 0, r.stderr
    # (Skipped files are not verified again: big.bin, no ROOT file, is skipped.)
    assert summary(r.stdout) == {"copied": 1, "files": 5, "skipped": 4, "failed": 0}
    assert s3.get(prefix + ROOT_FILES[0]) == (TESTDATA_DIR / ROOT_FILES[0]).read_bytes()


def test_verify_root_reads_every_basket_and_rejects_a_non_root_file(arrowroot_cli, cli_env, s3,
                                                                    prefix, big_file):
    dest = f"s3://{s3.bucket}/{prefix}"
    r = cp(arrowroot_cli, cli_env, *[TESTDATA_DIR / n for n in ROOT_FILES], dest, "--verify", "root")
    assert r.returncode == 0, r.stderr
    assert summary(r.stdout)["copied"] == len(ROOT_FILES)
    r = cp(arrowroot_cli, cli_env, big_file, dest + "big.root", "--verify", "root")
    assert r.returncode == 1
    assert "verify root" in r.stderr and "not a ROOT file" in r.stderr
    assert "failed its check and was deleted" in r.stderr
    assert prefix + "big.root" not in s3.keys(prefix)  # a copy that fails its check does not stay
    assert s3.uploads(prefix) == []


def test_a_local_copy_that_fails_its_check_never_takes_the_targets_name(arrowroot_cli, cli_env,
                                                                        big_file, tmp_path):
    good = tmp_path / "good"
    r = cp(arrowroot_cli, cli_env, TESTDATA_DIR / "uproot-HZZ.root", f"{good}/", "--verify", "root")
    assert r.returncode == 0, r.stderr
    assert (good / "uproot-HZZ.root").read_bytes() == (TESTDATA_DIR / "uproot-HZZ.root").read_bytes()
    bad = tmp_path / "bad"
    r = cp(arrowroot_cli, cli_env, big_file, f"{bad}/", "--verify", "root")
    assert r.returncode == 1
    assert "verify root" in r.stderr and "not a ROOT file" in r.stderr and "bad/big.bin" in r.stderr
    assert list(bad.iterdir()) == []  # neither big.bin nor its temporary file


def test_hdfs_to_s3(arrowroot_cli, cli_env, s3, prefix):
    hdfs = _env("ARROWROOT_TEST_HDFS_URL")
    big = Path(_env("ARROWROOT_TEST_HDFS_BIG_FILE"))
    dest = f"s3://{s3.bucket}/{prefix}"
    r = cp(arrowroot_cli, cli_env, f"{hdfs}/testdata", dest, "--recursive", "--include", "*.root",
           "--verify", "root", "--jobs", "4")
    assert r.returncode == 0, r.stderr
    assert summary(r.stdout) == {"copied": len(ROOT_FILES), "files": len(ROOT_FILES),
                                 "skipped": 0, "failed": 0}
    for name in ROOT_FILES:
        assert s3.get(prefix + name) == (TESTDATA_DIR / name).read_bytes(), name
    # The big file: a multipart upload (3 parts of 5 MiB) from HDFS's DataNode.
    r = cp(arrowroot_cli, cli_env, f"{hdfs}/testdata/big/big.bin", dest + "big/", "--part-size", "5MiB")
    assert r.returncode == 0, r.stderr
    assert big.stat().st_size > 2 * PART
    assert s3.get(prefix + "big/big.bin") == big.read_bytes()
    # hdfs:// paths read with `arrowroot cat` too.
    r = arrowroot_cli.run("cat", f"{hdfs}/testdata/uproot-HZZ.root:events", "-b", "NJet",
                          "--stop", "2", env=cli_env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("NJet") == 2


def test_http_to_s3(arrowroot_cli, cli_env, s3, prefix):
    name = "uproot-HZZ.root"
    dest = f"s3://{s3.bucket}/{prefix}"
    for base, sub in ((_env("ARROWROOT_TEST_HTTP_URL"), "range/"),
                      (_env("ARROWROOT_TEST_HTTP_NORANGE_URL"), "norange/")):
        r = cp(arrowroot_cli, cli_env, f"{base}/{name}", dest + sub, "--verify", "root")
        assert r.returncode == 0, r.stderr
        assert s3.get(prefix + sub + name) == (TESTDATA_DIR / name).read_bytes()


def test_sigkill_never_leaves_a_partial_object_and_resume_completes(arrowroot_cli, cli_env, s3,
                                                                    prefix, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    rng = random.Random(91)
    files = {}
    for i in range(4):
        data = rng.randbytes(2 * PART + 1000 * i)
        (src / f"f{i}.bin").write_bytes(data)
        files[f"f{i}.bin"] = hashlib.md5(data).hexdigest()
    dest = f"s3://{s3.bucket}/{prefix}"
    argv = [str(arrowroot_cli.path), "cp", str(src), dest, "--recursive", "--part-size", "5MiB",
            "--jobs", "2"]
    for attempt in range(3):
        proc = subprocess.Popen(argv, env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(random.uniform(0.05, 0.8))
        proc.kill()
        out, err = proc.communicate()
        SECRETS_SCAN.add("cli cp (killed)", (out + err).decode(errors="replace"))
        # Whatever is visible is whole: same size and bytes as the source.
        for key, size in s3.keys(prefix).items():
            name = key[len(prefix):]
            assert size == (src / name).stat().st_size, key
            assert hashlib.md5(s3.get(key)).hexdigest() == files[name], key
    r = cp(arrowroot_cli, cli_env, src, dest, "--recursive", "--part-size", "5MiB", "--resume")
    assert r.returncode == 0, r.stderr
    assert summary(r.stdout)["files"] == 4
    assert s3.uploads(prefix) == []  # uploads left by the killed runs were aborted
    assert sorted(s3.keys(prefix)) == sorted(prefix + n for n in files)
    for name, md5 in files.items():
        assert hashlib.md5(s3.get(prefix + name)).hexdigest() == md5


def test_upload_faults_are_retried_and_bytes_stay_equal(arrowroot_cli, cli_env, s3, prefix,
                                                        big_file):
    rules = [Rule("internal_error", method="PUT", nth={2}),
             Rule("slowdown", method="PUT", nth={3}, retry_after="0"),
             Rule("reset", method="PUT", nth={4}),
             Rule("internal_error", method="POST", nth={2})]  # the first Complete
    with FaultProxy(cli_env["AWS_ENDPOINT_URL"], rules) as proxy:
        env = dict(cli_env, AWS_ENDPOINT_URL=proxy.url)
        r = cp(arrowroot_cli, env, big_file, TESTDATA_DIR / "uproot-HZZ.root",
               f"s3://{s3.bucket}/{prefix}", "--part-size", "5MiB", "--jobs", "2")
        injected = sum(proxy.injected.values())
    assert r.returncode == 0, r.stderr
    assert injected == 4
    # The 500s and the 503 must be tried again; a reset after a whole (empty-bodied) answer to
    # a part's PUT may already have delivered the answer.
    retries = int(re.search(r"(\d+) retries", r.stdout).group(1))
    assert retries >= 3
    assert s3.get(prefix + "big.bin") == big_file.read_bytes()
    assert s3.get(prefix + "uproot-HZZ.root") == (TESTDATA_DIR / "uproot-HZZ.root").read_bytes()
    assert s3.uploads(prefix) == []


def test_a_part_that_keeps_failing_aborts_the_upload(arrowroot_cli, cli_env, s3, prefix, big_file):
    # Every try of the first part fails (5 tries): the upload is aborted, nothing is visible.
    with FaultProxy(cli_env["AWS_ENDPOINT_URL"],
                    [Rule("internal_error", method="PUT", key="big.bin", first=5)]) as proxy:
        env = dict(cli_env, AWS_ENDPOINT_URL=proxy.url)
        r = cp(arrowroot_cli, env, big_file, f"s3://{s3.bucket}/{prefix}", "--part-size", "5MiB",
               "--jobs", "1")
    assert r.returncode == 1
    assert "InternalError" in r.stderr and "big.bin" in r.stderr
    assert "copied 0 of 1 files (0 skipped, 1 failed)" in r.stdout
    assert s3.keys(prefix) == {}
    assert s3.uploads(prefix) == []


def test_a_download_is_checked_against_the_objects_md5_and_a_corrupt_copy_never_lands(
        arrowroot_cli, cli_env, s3, prefix, big_file, tmp_path):
    # A single PUT (curl): the object's ETag is its MD5, which the copy must match end to end.
    code, _ = s3.request("PUT", prefix + "big.bin", data=big_file.read_bytes())
    assert code == 200
    src = f"s3://{s3.bucket}/{prefix}big.bin"
    dest = tmp_path / "down"
    # One bit flipped in the body of one part's GET: lengths, status and ETag all look right.
    with FaultProxy(cli_env["AWS_ENDPOINT_URL"],
                    [Rule("corrupt", ranged=True, key="big.bin", nth={3})]) as proxy:
        env = dict(cli_env, AWS_ENDPOINT_URL=proxy.url)
        r = cp(arrowroot_cli, env, src, f"{dest}/", "--part-size", "5MiB", "--jobs", "2")
        assert proxy.injected["corrupt"] == 1
    assert r.returncode == 1, r.stdout
    assert "copied 0 of 1 files (0 skipped, 1 failed)" in r.stdout
    md5 = hashlib.md5(big_file.read_bytes()).hexdigest()
    assert "big.bin" in r.stderr and md5 in r.stderr and "the copy differs" in r.stderr, r.stderr
    assert list(dest.iterdir()) == []  # neither the target nor its temporary file
    # Without the fault the same copy lands, byte-equal; --resume then skips it by the MD5 alone.
    r = cp(arrowroot_cli, cli_env, src, f"{dest}/", "--part-size", "5MiB", "--jobs", "2")
    assert r.returncode == 0, r.stderr
    assert (dest / "big.bin").read_bytes() == big_file.read_bytes()
    with FaultProxy(cli_env["AWS_ENDPOINT_URL"], []) as proxy:
        r = cp(arrowroot_cli, dict(cli_env, AWS_ENDPOINT_URL=proxy.url), src, f"{dest}/",
               "--part-size", "5MiB", "--resume")
        body_gets = [q for q in proxy.requests("GET") if q.body_bytes > 1]
    assert r.returncode == 0, r.stderr
    assert summary(r.stdout)["skipped"] == 1
    assert body_gets == []  # the object was not downloaded again to compare it


def test_dry_run_copies_nothing(arrowroot_cli, cli_env, s3, prefix):
    r = cp(arrowroot_cli, cli_env, TESTDATA_DIR, f"s3://{s3.bucket}/{prefix}", "--recursive",
           "--include", "uproot-HZZ*.root", "--dry-run")
    assert r.returncode == 0, r.stderr
    assert "would copy" in r.stdout and f"{prefix}uproot-HZZ.root" in r.stdout
    assert "uproot-Zmumu" not in r.stdout
    assert s3.keys(prefix) == {}


@pytest.mark.parametrize("args, message", [
    (["only-one"], "at least one SRC and a DEST"),
    (["a", "b", "--jobs", "0"], "--jobs must be 1 to 256"),
    (["a", "b", "--part-size", "1MiB"], "outside S3's limits"),
    (["a", "b", "--part-size", "lots"], "is not a size"),
    (["a", "b", "--verify", "md5"], "--verify must be none, size, checksum or root"),
    (["a", "b", "--secret-access-key", "x"], "credentials are never taken from arguments"),
    ([str(TESTDATA_DIR), "/tmp/x"], "add --recursive"),
    ([str(TESTDATA_DIR / "uproot-HZZ.root"), "ftp://host/x"], "the target must be s3:// or a local path"),
    (["a", "b", "--bogus"], "unknown option '--bogus'"),
])
def test_bad_arguments_are_clear_errors(arrowroot_cli, cli_env, args, message):
    r = cp(arrowroot_cli, cli_env, *args)
    assert r.returncode == 1
    assert r.stderr.startswith("arrowroot: error:"), r.stderr
    assert message in r.stderr, r.stderr
    assert r.stdout == ""


def test_python_copy_returns_the_summary(cli_env, s3, prefix, monkeypatch, tmp_path):
    for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL", "AWS_REGION"):
        monkeypatch.setenv(k, cli_env[k])
    dest = f"s3://{s3.bucket}/{prefix}"
    s = arrowroot.copy(str(TESTDATA_DIR / "uproot-HZZ.root"), dest, verify="root")
    assert isinstance(s, arrowroot.CopySummary)
    assert (s.files, s.copied, s.failed, s.ok) == (1, 1, 0, True)
    assert s.bytes_copied == (TESTDATA_DIR / "uproot-HZZ.root").stat().st_size
    assert s3.get(prefix + "uproot-HZZ.root") == (TESTDATA_DIR / "uproot-HZZ.root").read_bytes()
    again = arrowroot.copy([str(TESTDATA_DIR / "uproot-HZZ.root")], dest, resume=True)
    assert (again.copied, again.skipped) == (0, 1)
    # Back to local disk.
    back = arrowroot.copy(dest + "uproot-HZZ.root", str(tmp_path) + "/")
    assert back.ok and (tmp_path / "uproot-HZZ.root").read_bytes() == (TESTDATA_DIR / "uproot-HZZ.root").read_bytes()
    with pytest.raises(arrowroot.InvalidArgumentError, match="no credentials"):
        arrowroot.copy(str(TESTDATA_DIR / "uproot-HZZ.root"), dest, storage_options={"secret": "x"})
    with pytest.raises(arrowroot.CopyError) as e:
        arrowroot.copy(str(TESTDATA_DIR / "uproot-HZZ.root"), dest + "nope/",
                       storage_options={"endpoint_url": "http://127.0.0.1:9", "retries": 0})
    assert e.value.summary.failed == 1
