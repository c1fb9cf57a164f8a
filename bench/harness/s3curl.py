"""The few S3 calls the bench harness makes itself, through curl --aws-sigv4 (an independent
client, not arrowroot's code); the credentials go to curl in a config file, never in argv."""

from __future__ import annotations

import hashlib
import re
import subprocess
import tempfile
import urllib.parse
from pathlib import Path


def file_md5(path: Path) -> str:
    h = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(8 << 20), b""):
            h.update(block)
    return h.hexdigest()


class S3:
    """PUT, DELETE, list and read back one bucket's objects with curl --aws-sigv4."""

    def __init__(self, endpoint: str, bucket: str, region: str, key: str, secret: str):
        self.endpoint, self.bucket, self.region = endpoint.rstrip("/"), bucket, region
        self._user = f"{key}:{secret}"

    def _curl(self, method: str, path: str, *extra: str, query: str = "",
              stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
        # The credentials go to curl in a config file (mode 0600), not on its command line.
        with tempfile.NamedTemporaryFile("w", suffix=".curlrc", delete=True) as cfg:
            cfg.write(f'user = "{self._user}"\n')
            cfg.flush()
            url = f"{self.endpoint}/{self.bucket}/{path}" + (f"?{query}" if query else "")
            return subprocess.run(["curl", "-sS", "--fail-with-body", "--max-time", "900", "-X", method,
                                   "--aws-sigv4", f"aws:amz:{self.region}:s3", "-K", cfg.name,
                                   "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD", *extra, url],
                                  stdout=stdout, stderr=subprocess.PIPE, timeout=960)

    def put(self, local: Path, key: str) -> str:
        """PUT a file in one request; returns the ETag (unquoted)."""
        r = self._curl("PUT", key, "-T", str(local), "-o", "/dev/null", "-D", "-")
        if r.returncode != 0:
            raise RuntimeError(f"curl PUT {key}: {r.stderr.decode(errors='replace')[-300:]}")
        m = re.search(r"(?im)^etag:\s*\"?([^\"\r\n]*)", r.stdout.decode(errors="replace"))
        return m.group(1) if m else ""

    def delete(self, key: str) -> None:
        self._curl("DELETE", key, "-o", "/dev/null")

    def listing(self, prefix: str) -> dict[str, int]:
        """{key relative to prefix: size} of every object under prefix."""
        out: dict[str, int] = {}
        token = ""
        while True:
            q = "list-type=2&prefix=" + prefix.replace("/", "%2F")
            if token:
                q += "&continuation-token=" + urllib.parse.quote(token, safe="")
            r = self._curl("GET", "", query=q)
            if r.returncode != 0:
                raise RuntimeError(f"curl list {prefix}: {r.stderr.decode(errors='replace')[-300:]}")
            xml = r.stdout.decode()
            for block in re.findall(r"<Contents>(.*?)</Contents>", xml, re.S):
                k = re.search(r"<Key>(.*?)</Key>", block).group(1)
                out[k[len(prefix):]] = int(re.search(r"<Size>(\d+)</Size>", block).group(1))
            m = re.search(r"<NextContinuationToken>(.*?)</NextContinuationToken>", xml)
            if "<IsTruncated>true</IsTruncated>" not in xml or not m:
                return out
            token = m.group(1)

    def md5(self, key: str) -> str:
        """The MD5 of the object's bytes, read back."""
        with tempfile.NamedTemporaryFile(prefix="bench-s3-get-") as f:
            r = self._curl("GET", key, "-o", f.name)
            if r.returncode != 0:
                raise RuntimeError(f"curl GET {key}: {r.stderr.decode(errors='replace')[-300:]}")
            return file_md5(Path(f.name))

    def delete_prefix(self, prefix: str) -> None:
        for k in self.listing(prefix):
            self.delete(prefix + k)
