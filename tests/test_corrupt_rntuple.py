"""Damaged RNTuple files must give a clean arrowroot error, never a crash, hang or blow-up.

Copies of testdata/rntuple files are truncated at several points and have bytes flipped in the
anchor, the header, footer and page-list envelopes, a page, and at seeded random positions.
Each copy goes through the CLI (`arrowroot cat FILE:ntpl`) and the Python API in subprocesses
with a timeout and an address-space cap. Every run must exit 0 (damage nothing can notice, e.g.
in an unread key header) or fail with one `arrowroot: error:` line (the Python API: an
`arrowroot.Error` subclass) naming the file; damage that the RNTuple's checksums cover must
fail, as Corruption, naming the RNTuple.
"""

from __future__ import annotations

import random
import resource
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import TESTDATA_DIR, Cli

TIMEOUT_SECONDS = 30
MEMORY_CAP_BYTES = 4 << 30
ERROR_PREFIX = "arrowroot: error:"
NAME = "ntpl"
ANCHOR = struct.Struct(">HHHHQQQQQQQ")
# Uncompressed envelopes and pages (a flip reaches a checksum, not a codec), and a ZSTD one.
SOURCES = ["rntuple_fundamentals_none.root", "rntuple_collections_zstd.root"]


def _limit():  # in the child
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP_BYTES, MEMORY_CAP_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _layout(source: str) -> dict[str, tuple[int, int]]:
    """Byte ranges (offset, size) of the parts of the file's RNTuple, found with uproot."""
    import uproot

    with uproot.open(TESTDATA_DIR / "rntuple" / source) as f:
        nt = f[NAME]
        m = nt.members
        key = f.key(NAME)
        link = nt.footer.cluster_group_records[0].page_list_link.locator
        out = {
            "anchor": (key.data_cursor.index, key.fNbytes - key.fKeylen),
            "header": (m["fSeekHeader"], m["fNBytesHeader"]),
            "footer": (m["fSeekFooter"], m["fNBytesFooter"]),
            "page list": (link.offset, link.num_bytes),
        }
    # The first page: the data of the first key after the header's (ROOT writes pages after it;
    # TKey: i32 fNbytes, i16 fVersion, i32 fObjlen, u32 fDatime, i16 fKeylen).
    data = (TESTDATA_DIR / "rntuple" / source).read_bytes()
    blob = m["fSeekHeader"] + m["fNBytesHeader"]
    (nbytes,) = struct.unpack_from(">i", data, blob)
    (keylen,) = struct.unpack_from(">h", data, blob + 14)
    out["page"] = (blob + keylen, nbytes - keylen)
    return out


def _cases(source: str) -> list[tuple[str, bytes, bool | str]]:
    """(id, damaged bytes, whether the RNTuple's checks must catch it: True, or what the error
    must say)."""
    data = (TESTDATA_DIR / "rntuple" / source).read_bytes()
    parts = _layout(source)
    cases = []
    for part, (off, size) in parts.items():
        flipped = bytearray(data)
        flipped[off + min(size // 2, 40) if part == "page" else off + size // 2] ^= 0x10
        cases.append((f"flip-{part}", bytes(flipped), True))
        cases.append((f"truncate-in-{part}", data[:off + size // 2], False))
    cases.append(("truncate-last-byte", data[:-1], False))
    # A truncated file fails at its TFile header (fEND); an anchor pointing past the end must
    # fail in the RNTuple's own checks, naming the envelope's byte range.
    cases.append(("footer-past-the-end", _anchor_with(data, parts["anchor"][0], 4, len(data) - 10),
                  "lies past the end of the file"))
    rng = random.Random(source)
    for i in range(12):
        pos = rng.randrange(len(data))
        flipped = bytearray(data)
        flipped[pos] ^= 1 << rng.randrange(8)
        cases.append((f"flip-random-{pos}", bytes(flipped), False))
    return cases


def _anchor_with(data: bytes, payload: int, field: int, value: int) -> bytes:
    """`data` with the anchor's `field` (index into epoch, major, minor, patch, seek/nbytes/len
    header, seek/nbytes/len footer, max key size) set and its XXH3-64 recomputed (spec, "Anchor
    schema": [u32 bytecount][u16 version] fields [u64 checksum of the fields], big-endian)."""
    import xxhash

    start = payload + 6
    values = list(ANCHOR.unpack_from(data, start))
    values[field] = value
    fields = ANCHOR.pack(*values)
    out = bytearray(data)
    out[start:start + len(fields)] = fields
    end = start + len(fields)
    out[end:end + 8] = struct.pack(">Q", xxhash.xxh3_64_intdigest(fields))
    return bytes(out)


def _check_cli(cli: Cli, path: Path, case_id: str, must_fail: bool | str) -> str | None:
    try:
        p = subprocess.run([str(cli.path), "cat", f"{path}:{NAME}"], capture_output=True,
                           text=True, errors="replace", timeout=TIMEOUT_SECONDS,
                           stdin=subprocess.DEVNULL, preexec_fn=_limit)
    except subprocess.TimeoutExpired:
        return f"{case_id}: timed out"
    if p.returncode < 0:
        return f"{case_id}: killed by signal {-p.returncode}: {p.stderr[-1500:]}"
    if p.returncode == 0:
        return f"{case_id}: the damage went unnoticed" if must_fail else None
    lines = p.stderr.strip().splitlines()
    if p.returncode != 1 or len(lines) != 1 or not lines[0].startswith(ERROR_PREFIX):
        return f"{case_id}: exit {p.returncode}, not one '{ERROR_PREFIX}' line: {p.stderr[-1500:]}"
    if path.name not in lines[0]:
        return f"{case_id}: the error does not name the file: {lines[0]}"
    if must_fail and (f"RNTuple '{NAME}'" not in lines[0] or "corrupt" not in lines[0].lower()):
        return f"{case_id}: not a corruption error naming RNTuple '{NAME}': {lines[0]}"
    if isinstance(must_fail, str) and must_fail not in lines[0]:
        return f"{case_id}: the error does not say {must_fail!r}: {lines[0]}"
    return None


@pytest.mark.parametrize("source", SOURCES)
def test_cli_on_damaged_rntuples(arrowroot_cli: Cli, source: str, tmp_path: Path):
    problems = []
    for case_id, damaged, must_fail in _cases(source):
        path = tmp_path / f"{case_id}-{source}"
        path.write_bytes(damaged)
        problem = _check_cli(arrowroot_cli, path, case_id, must_fail)
        if problem:
            problems.append(problem)
        path.unlink()
    assert not problems, "\n".join(problems)


_PY_READER = r"""
import sys, arrowroot
path, name, must_fail = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
try:
    with arrowroot.open(path) as f:
        table = f[name].arrays()
    print("ok", table.num_rows)
    sys.exit(3 if must_fail else 0)
except arrowroot.Error as e:
    print(type(e).__name__, str(e).replace("\n", " "))
    named = f"RNTuple '{name}'" in str(e)
    if must_fail and not (isinstance(e, arrowroot.CorruptionError) and named):
        sys.exit(4)
"""


@pytest.mark.parametrize("source", SOURCES)
def test_python_api_on_damaged_rntuples(source: str, tmp_path: Path):
    pytest.importorskip("arrowroot")
    problems = []
    for case_id, damaged, must_fail in _cases(source):
        path = tmp_path / f"{case_id}-{source}"
        path.write_bytes(damaged)
        try:
            p = subprocess.run([sys.executable, "-c", _PY_READER, str(path), NAME,
                                "1" if must_fail else "0"], capture_output=True, text=True,
                               timeout=60, preexec_fn=_limit)
        except subprocess.TimeoutExpired:
            problems.append(f"{case_id}: timed out")
            continue
        if p.returncode != 0:
            problems.append(f"{case_id}: exit {p.returncode}: {p.stdout[-500:]} {p.stderr[-1500:]}")
    assert not problems, "\n".join(problems)
