"""A deterministic corpus of damaged ROOT files, made from the real files in testdata/.

Run as a script to write the corpus to a directory (`python tests/corrupt_corpus.py OUT
[--full]`), or import it: `cases(full=...)` yields `Case`s, and `Case.apply(pristine_bytes)`
makes the damaged bytes. Nothing is hard-coded about where things are: each file is parsed
(the TFile header, directory records and key lists here; trees, branches and basket seeks with
uproot) and the damage is aimed at the fields found that way.

Kinds of damage (`Case.kind`):

- truncate: the file cut at a point inside the header, the top directory, a keys list, the
  streamer infos, a TTree record, a basket, or before the last byte.
- bitflip: one bit flipped in a region (header, keys list, TTree record, basket header,
  compressed block header, basket payload), plus seeded random positions over the whole file.
- zero: a run of bytes zeroed (8, 64 or 512) at the start or middle of a region.
- field: a length, offset or count set to 0, -1, a huge value, INT_MIN or off by one: fNbytes,
  fObjlen, fKeylen, fSeekKey (key lists, streamer key, basket keys), fBEGIN, fEND, fSeekInfo,
  fNbytesInfo, fNbytesName, fSeekKeys/fNbytesKeys of directories, fNevBuf/fLast of baskets,
  compressed block sizes, entry-offset tables; and, in an uncompressed copy of the TTree record
  appended to the file ("rehomed"), fEntries, fMaxBaskets, fWriteBasket, fBasketBytes,
  fBasketEntry, fBasketSeek.
- seek: pointers made cyclic or overlapping: a basket seek pointing at another basket (same
  size when one exists) or into the middle of one, a directory whose keys list is its parent's
  (or its own record), a tree key pointing at another key, fSeekInfo pointing at the tree.

`Case.strict` says whether a successful read must reproduce the pristine file's values. It is
False only where the damage can change values without any way to notice: a flipped bit in
uncompressed data, in an uncompressed TTree or streamer-info record (names, types), or in a
ZSTD block (ROOT writes them without a checksum); a branch's two baskets of equal size and
entry count swapped; an entry boundary moved but still in order. Then the reader need only
fail cleanly or succeed without crashing.

`python tests/corrupt_corpus.py` prints the counts; `--full` for every generated case (about
12,700; the test's full mode runs a fixed quarter of them plus every seek case).
"""

from __future__ import annotations

import argparse
import random
import struct
import sys
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

TESTDATA_DIR = Path(__file__).resolve().parent.parent / "testdata"

# (file, what it covers)
SOURCES = {
    "uproot-HZZ.root": "zlib, ROOT 5, flat and jagged",
    "uproot-HZZ-lz4.root": "LZ4 with xxhash64",
    "uproot-HZZ-zstd.root": "ZSTD",
    "uproot-Zmumu-lzma.root": "LZMA, char* strings",
    "uproot-Zmumu-uncompressed.root": "uncompressed metadata and baskets",
    "uproot-sample-6.20.04-uncompressed.root": "every numeric type, many baskets, uncompressed",
    "uproot-sample-6.20.04-lz4.root": "LZ4 + raw baskets",
    "uproot-HZZ-objects.root": "objects: vector<TLorentzVector>, TVector3",
    "uproot-stl_containers.root": "STL containers, strings, maps",
    "uproot-small-dy-nooffsets.root": "jagged baskets without entry offsets",
    "uproot-nesteddirs.root": "nested directories, three trees",
    "uproot-small-evnt-tree-fullsplit.root": "split object (TBranchElement)",
    "uproot-issue261.root": "64-bit (large file) header, empty tree",
    "uproot-leaflist.root": "leaf list struct",
}

# The CI subset: about one generated case in FAST_EVERY[kind] (see cases()); fields are the
# most numerous kind.
FAST_EVERY = {"field": 50, "bitflip": 12, "zero": 12, "truncate": 10, "seek": 8}


# --- edits -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    source: str  # file name in testdata/
    kind: str  # truncate | bitflip | zero | field | seek
    strict: bool
    edits: tuple  # ("truncate", n) | ("write", off, bytes) | ("xor", off, mask) | ("append", bytes)
    base: tuple = ()  # edits applied first (the rehomed TTree record)

    def apply(self, pristine: bytes) -> bytes:
        data = bytearray(pristine)
        for e in (*self.base, *self.edits):
            op = e[0]
            if op == "truncate":
                del data[e[1]:]
            elif op == "write":
                off, b = e[1], e[2]
                data[off:off + len(b)] = b
            elif op == "xor":
                data[e[1]] ^= e[2]
            elif op == "append":
                data += e[1]
            else:  # pragma: no cover
                raise ValueError(op)
        return bytes(data)


def _i16(v: int) -> bytes:
    return struct.pack(">h", v)


def _i32(v: int) -> bytes:
    return struct.pack(">i", v)


def _u32(v: int) -> bytes:
    return struct.pack(">I", v & 0xFFFFFFFF)


def _i64(v: int) -> bytes:
    return struct.pack(">q", v)


def _le24(v: int) -> bytes:
    return (v & 0xFFFFFF).to_bytes(3, "little")


def _values32(current: int, size: int) -> list[tuple[str, int]]:
    """Interesting replacements for a 32-bit length or offset field."""
    out = [("zero", 0), ("minus1", -1), ("huge", 0x7FFFFFFF), ("intmin", -0x80000000),
           ("plus1", current + 1), ("minus1rel", current - 1), ("filesize", size),
           ("filesize+1", size + 1), ("half", current // 2), ("double", current * 2)]
    seen, res = set(), []
    for name, v in out:
        v = max(-0x80000000, min(0x7FFFFFFF, v))
        if v == current or v in seen:
            continue
        seen.add(v)
        res.append((name, v))
    return res


def _values64(current: int, size: int) -> list[tuple[str, int]]:
    out = [("zero", 0), ("minus1", -1), ("huge", 0x7FFFFFFFFFFFFFFF), ("int64min", -(1 << 63)),
           ("2^32", 1 << 32), ("plus1", current + 1), ("minus1rel", current - 1),
           ("filesize", size), ("double", current * 2)]
    seen, res = set(), []
    for name, v in out:
        if v == current or v in seen:
            continue
        seen.add(v)
        res.append((name, v))
    return res


def _values16(current: int) -> list[tuple[str, int]]:
    out = [("zero", 0), ("minus1", -1), ("huge", 0x7FFF), ("plus1", current + 1),
           ("minus1rel", current - 1), ("small", 4)]
    return [(n, v) for n, v in out if v != current and -0x8000 <= v <= 0x7FFF]


# --- layout of a real file ---------------------------------------------------------------------


@dataclass
class Key:
    at: int  # where the key header is (in a keys list, or the key itself)
    nbytes: int
    version: int
    objlen: int
    keylen: int
    seek_key: int
    class_name: str
    name: str

    @property
    def large(self) -> bool:
        return self.version > 1000

    @property
    def compressed(self) -> bool:
        return self.nbytes - self.keylen != self.objlen


@dataclass
class Directory:
    path: str
    record: int  # offset of the TDirectory record
    large: bool
    nbytes_keys: int
    seek_keys: int
    keys: list[Key] = field(default_factory=list)  # entries of its keys list

    def field_offsets(self) -> dict[str, tuple[int, int]]:
        w = 8 if self.large else 4
        return {"fNbytesKeys": (self.record + 10, 4),
                "fSeekDir": (self.record + 18, w),
                "fSeekParent": (self.record + 18 + w, w),
                "fSeekKeys": (self.record + 18 + 2 * w, w)}


@dataclass
class BasketInfo:
    branch: str
    tree: str
    index: int
    seek: int
    nbytes: int
    key: Key
    nev_buf: int
    last: int
    blocks: list[tuple[int, int, int]]  # (offset, compressed size, uncompressed size)
    offsets_at: int | None  # entry-offset table (count first), uncompressed baskets only


@dataclass
class TreeArrays:
    branch: str
    tree: str
    max_baskets: int
    write_basket: int
    bytes_at: int  # offset in the TTree payload of fBasketBytes[0]
    entry_at: int
    seek_at: int
    write_basket_at: int | None
    max_baskets_at: int | None


@dataclass
class Layout:
    name: str
    data: bytes
    version: int
    large: bool
    begin: int
    nbytes_name: int
    seek_info: int
    nbytes_info: int
    dirs: list[Directory]
    trees: list[tuple[str, Key, Directory]]  # (path, key entry in its directory, directory)
    baskets: list[BasketInfo]
    streamer_key: Key | None

    @property
    def size(self) -> int:
        return len(self.data)

    def header_fields(self) -> dict[str, tuple[int, int]]:
        if self.large:
            return {"fBEGIN": (8, 4), "fEND": (12, 8), "fSeekFree": (20, 8), "fNbytesFree": (28, 4),
                    "fNbytesName": (36, 4), "fSeekInfo": (45, 8), "fNbytesInfo": (53, 4)}
        return {"fBEGIN": (8, 4), "fEND": (12, 4), "fSeekFree": (16, 4), "fNbytesFree": (20, 4),
                "fNbytesName": (28, 4), "fSeekInfo": (37, 4), "fNbytesInfo": (41, 4)}


def _tstring(d: bytes, p: int) -> tuple[str, int]:
    n = d[p]
    p += 1
    if n == 255:
        n = struct.unpack_from(">i", d, p)[0]
        p += 4
    return d[p:p + n].decode("latin-1"), p + n


def _parse_key(d: bytes, p: int) -> tuple[Key, int]:
    nbytes, version, objlen, _datime, keylen, _cycle = struct.unpack_from(">ihiIhh", d, p)
    q = p + 18
    if version > 1000:
        seek_key, _pdir = struct.unpack_from(">qq", d, q)
        q += 16
    else:
        seek_key, _pdir = struct.unpack_from(">ii", d, q)
        q += 8
    cls, q = _tstring(d, q)
    name, q = _tstring(d, q)
    _title, q = _tstring(d, q)
    return Key(p, nbytes, version, objlen, keylen, seek_key, cls, name), q


def _parse_directory(d: bytes, record: int, path: str) -> Directory:
    version = struct.unpack_from(">h", d, record)[0]
    large = version > 1000
    nbytes_keys = struct.unpack_from(">i", d, record + 10)[0]
    fmt = ">qqq" if large else ">iii"
    _seek_dir, _seek_parent, seek_keys = struct.unpack_from(fmt, d, record + 18)
    dr = Directory(path, record, large, nbytes_keys, seek_keys)
    own, p = _parse_key(d, seek_keys)
    p = seek_keys + own.keylen
    nkeys = struct.unpack_from(">i", d, p)[0]
    p += 4
    for _ in range(nkeys):
        k, p = _parse_key(d, p)
        dr.keys.append(k)
    return dr


def _block_list(d: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    out, p = [], start
    while p + 9 <= end:
        csize = int.from_bytes(d[p + 3:p + 6], "little")
        usize = int.from_bytes(d[p + 6:p + 9], "little")
        out.append((p, csize, usize))
        p += 9 + csize
    return out


def _find_arrays(payload: bytes, b) -> tuple[int, int, int] | None:
    m = int(b.member("fMaxBaskets"))
    if m <= 0:
        return None
    bb = struct.pack(f">{m}i", *[int(x) for x in b.member("fBasketBytes")])
    be = struct.pack(f">{m}q", *[int(x) for x in b.member("fBasketEntry")])
    bs = struct.pack(f">{m}q", *[int(x) for x in b.member("fBasketSeek")])
    p = payload.find(bb)
    while p >= 0:
        e = p + len(bb) + 1
        s = e + len(be) + 1
        if payload[e:e + len(be)] == be and payload[s:s + len(bs)] == bs:
            return p, e, s
        p = payload.find(bb, p + 1)
    return None


@lru_cache(maxsize=None)
def layout(name: str) -> Layout:
    import uproot  # only the generator needs it

    path = TESTDATA_DIR / name
    d = path.read_bytes()
    version = struct.unpack_from(">i", d, 4)[0]
    large = version >= 1000000
    begin = struct.unpack_from(">i", d, 8)[0]
    if large:
        nbytes_name = struct.unpack_from(">i", d, 36)[0]
        seek_info, nbytes_info = struct.unpack_from(">qi", d, 45)
    else:
        nbytes_name = struct.unpack_from(">i", d, 28)[0]
        seek_info, nbytes_info = struct.unpack_from(">ii", d, 37)
    top = _parse_directory(d, begin + nbytes_name, "")
    dirs, todo = [top], [top]
    trees = []
    while todo:
        dr = todo.pop(0)
        for k in dr.keys:
            p = f"{dr.path}/{k.name}" if dr.path else k.name
            if k.class_name in ("TDirectory", "TDirectoryFile") and not k.compressed:
                sub = _parse_directory(d, k.seek_key + k.keylen, p)
                dirs.append(sub)
                todo.append(sub)
            elif k.class_name == "TTree":
                trees.append((p, k, dr))
    streamer_key = _parse_key(d, seek_info)[0] if seek_info > 0 else None

    f = uproot.open(path)
    baskets = []
    for tpath, _k, _dr in trees:
        t = f[tpath]
        for b in t.itervalues(recursive=True):
            nw = int(b.member("fWriteBasket"))
            for i in range(nw):
                s = int(b.member("fBasketSeek")[i])
                bk, _ = _parse_key(d, s)
                nev_buf, last = struct.unpack_from(">ii", d, s + bk.keylen - 9)
                blocks, off_at = [], None
                if bk.compressed:
                    blocks = _block_list(d, s + bk.keylen, s + bk.nbytes)
                elif last < s + bk.nbytes and last - bk.keylen < bk.objlen:
                    off_at = s + last
                baskets.append(BasketInfo(b.name, tpath, i, s, bk.nbytes, bk, nev_buf, last,
                                          blocks, off_at))
    return Layout(name, d, version, large, begin, nbytes_name, seek_info, nbytes_info, dirs,
                  trees, baskets, streamer_key)


def _rehome_tree(lay: Layout, tpath: str):
    """Append an uncompressed copy of the TTree record and point its key at it.

    Returns (base edits, payload start in the new file, payload bytes, per-branch arrays).
    """
    import uproot

    _p, k, _dr = next(t for t in lay.trees if t[0] == tpath)
    f = uproot.open(TESTDATA_DIR / lay.name)
    key = f.key(tpath)
    chunk, _cursor = key.get_uncompressed_chunk_cursor()
    payload = bytes(chunk.raw_data)
    assert len(payload) == k.objlen
    new_at = lay.size
    header = bytearray(lay.data[k.seek_key:k.seek_key + k.keylen])
    header[0:4] = _i32(k.keylen + k.objlen)
    seek_w = 8 if k.large else 4
    if not k.large and new_at > 0x7FFFFFFF:
        return None
    header[18:18 + seek_w] = _i64(new_at) if k.large else _i32(new_at)
    base = [("append", bytes(header) + payload),
            ("write", k.at, _i32(k.keylen + k.objlen)),
            ("write", k.at + 18, _i64(new_at) if k.large else _i32(new_at))]
    hf = lay.header_fields()
    off, w = hf["fEND"]
    new_end = new_at + k.keylen + k.objlen
    base.append(("write", off, _i64(new_end) if w == 8 else _i32(new_end)))
    arrays = []
    t = f[tpath]
    for b in t.itervalues(recursive=True):
        found = _find_arrays(payload, b)
        if not found:
            continue
        # fWriteBasket and fMaxBaskets: i32 fields just before fEntryNumber and after fOffset.
        pre = struct.pack(">iii", int(b.member("fEntryOffsetLen")), int(b.member("fWriteBasket")),
                          0)[:8]
        wb_at = payload.rfind(pre, 0, found[0])
        wb_at = wb_at + 4 if wb_at >= 0 else None
        mb_pat = struct.pack(">ii", int(b.member("fOffset")), int(b.member("fMaxBaskets")))
        mb_at = payload.rfind(mb_pat, 0, found[0])
        mb_at = mb_at + 4 if mb_at >= 0 else None
        arrays.append(TreeArrays(b.name, tpath, int(b.member("fMaxBaskets")),
                                 int(b.member("fWriteBasket")), *found, wb_at, mb_at))
    return tuple(base), new_at + k.keylen, payload, arrays, t


# --- case generation ---------------------------------------------------------------------------


def _cases_for(name: str) -> list[Case]:
    lay = layout(name)
    size = lay.size
    rng = random.Random(f"arrowroot-corrupt-{name}")
    out: list[Case] = []
    ids: set[str] = set()

    def add(cid: str, kind: str, strict: bool, edits, base=()):
        cid = f"{name}/{kind}/{cid}"
        if cid in ids:
            return
        ids.add(cid)
        out.append(Case(cid, name, kind, strict, tuple(edits), tuple(base)))

    def set_field(cid: str, off: int, width: int, value: int, kind: str = "field",
                  strict: bool = True, base=()):
        b = {2: _i16, 4: lambda v: _u32(v), 8: lambda v: struct.pack(">q", v)}[width](value)
        add(cid, kind, strict, [("write", off, b)], base)

    # Regions, for truncation, flips and zeroing.
    top = lay.dirs[0]
    regions: dict[str, tuple[int, int]] = {"header": (0, min(lay.begin, 64))}
    regions["top-dir-record"] = (top.record, top.record + 42)
    for dr in lay.dirs:
        regions[f"keys-list[{dr.path or '/'}]"] = (dr.seek_keys, dr.seek_keys + dr.nbytes_keys)
    if lay.streamer_key:
        regions["streamer-info"] = (lay.seek_info, lay.seek_info + lay.nbytes_info)
    for tpath, k, _dr in lay.trees:
        regions[f"ttree[{tpath}]"] = (k.seek_key, k.seek_key + k.nbytes)
    bsel = _pick_baskets(lay)
    for bi in bsel:
        regions[f"basket[{bi.branch}#{bi.index}]"] = (bi.seek, bi.seek + bi.nbytes)

    # truncate
    points = {"4": 4, "12": 12, "header-end": min(lay.begin, 60), "last-byte": size - 1,
              "half": size // 2}
    for rname, (a, b) in regions.items():
        points[f"{rname}+0"] = a
        points[f"{rname}+1"] = a + 1
        points[f"{rname}+mid"] = (a + b) // 2
        points[f"{rname}-1"] = b - 1
    for i in range(8):
        points[f"every/{i}"] = size * (i + 1) // 9
    for pname, n in points.items():
        if 0 <= n < size:
            add(f"{pname}@{n}", "truncate", True, [("truncate", n)])

    # bit flips: in each region, and random over the file
    compressed_checked = _codec_checked(lay)
    for rname, (a, b) in regions.items():
        picks = sorted({a, a + 4, a + 6, a + 14, a + 18, (a + b) // 2, b - 1} |
                       {rng.randrange(a, b) for _ in range(4)})
        for p in picks:
            if not a <= p < b or p >= size:
                continue
            bit = rng.randrange(8)
            strict = _flip_is_detectable(lay, p, compressed_checked)
            add(f"{rname}@{p}^{1 << bit}", "bitflip", strict, [("xor", p, 1 << bit)])
    for i in range(24):
        p = rng.randrange(size)
        bit = rng.randrange(8)
        add(f"random@{p}^{1 << bit}", "bitflip", _flip_is_detectable(lay, p, compressed_checked),
            [("xor", p, 1 << bit)])

    # zeroed runs
    for rname, (a, b) in regions.items():
        for n in (8, 64, 512):
            for where, p in (("start", a), ("mid", (a + b) // 2)):
                if p + n > size:
                    continue
                strict = all(_flip_is_detectable(lay, q, compressed_checked) for q in range(p, p + n))
                add(f"{rname}-{where}x{n}", "zero", strict, [("write", p, bytes(n))])

    # header fields
    for fname, (off, w) in lay.header_fields().items():
        cur = int.from_bytes(lay.data[off:off + w], "big", signed=True)
        vals = _values64(cur, size) if w == 8 else _values32(cur, size)
        for vname, v in vals:
            set_field(f"header.{fname}={vname}", off, w, v)

    # directory records
    for dr in lay.dirs:
        for fname, (off, w) in dr.field_offsets().items():
            cur = int.from_bytes(lay.data[off:off + w], "big", signed=True)
            vals = _values64(cur, size) if w == 8 else _values32(cur, size)
            for vname, v in vals:
                set_field(f"dir[{dr.path or '/'}].{fname}={vname}", off, w, v)

    # keys in keys lists (every key of small lists, the trees and directories otherwise)
    for dr in lay.dirs:
        for k in dr.keys:
            if len(dr.keys) > 12 and k.class_name not in ("TTree", "TDirectory", "TDirectoryFile"):
                continue
            _key_field_cases(lay, k, f"key[{dr.path or '/'}:{k.name}]", set_field)
    if lay.streamer_key:
        _key_field_cases(lay, lay.streamer_key, "streamer-key", set_field)

    # basket keys, blocks and entry offsets
    for bi in bsel:
        tag = f"basket[{bi.branch}#{bi.index}]"
        _key_field_cases(lay, bi.key, tag, set_field)
        s, kl = bi.seek, bi.key.keylen
        for vname, v in _values32(bi.nev_buf, size)[:6]:
            set_field(f"{tag}.fNevBuf={vname}", s + kl - 9, 4, v)
        for vname, v in _values32(bi.last, size)[:7]:
            set_field(f"{tag}.fLast={vname}", s + kl - 5, 4, v)
        for j, (boff, csize, usize) in enumerate(bi.blocks[:2]):
            for vname, v in (("zero", 0), ("plus1", csize + 1), ("minus1", csize - 1),
                             ("max", 0xFFFFFF)):
                add(f"{tag}.block{j}.csize={vname}", "field", True,
                    [("write", boff + 3, _le24(v))])
            for vname, v in (("zero", 0), ("plus1", usize + 1), ("minus1", usize - 1),
                             ("max", 0xFFFFFF)):
                add(f"{tag}.block{j}.usize={vname}", "field", True,
                    [("write", boff + 6, _le24(v))])
            add(f"{tag}.block{j}.magic=QQ", "field", True, [("write", boff, b"QQ")])
            add(f"{tag}.block{j}.method=7", "field", True, [("write", boff + 2, b"\x07")])
        if bi.offsets_at is not None:
            oa = bi.offsets_at
            count = struct.unpack_from(">i", lay.data, oa)[0]
            for vname, v in (("zero", 0), ("minus1", -1), ("huge", 0x7FFFFFFF),
                             ("plus1", count + 1), ("minus1rel", count - 1)):
                set_field(f"{tag}.offsets.count={vname}", oa, 4, v)
            if count >= 3:
                o1 = struct.unpack_from(">i", lay.data, oa + 8)[0]
                o2 = struct.unpack_from(">i", lay.data, oa + 12)[0]
                for vname, v in (("neg", -5), ("huge", 0x7FFFFFFF), ("zero", 0)):
                    set_field(f"{tag}.offsets[1]={vname}", oa + 8, 4, v)
                # A boundary moved but still in order moves bytes between two entries: only a
                # cross-check with the counter branch could notice (lenient).
                for vname, v in (("beforeprev", o1 - 1), ("past-next", o2 + 1)):
                    set_field(f"{tag}.offsets[1]={vname}", oa + 8, 4, v, strict=False)

    # cyclic / overlapping seeks
    by_size: dict[int, list[BasketInfo]] = {}
    for bi in lay.baskets:
        by_size.setdefault(bi.nbytes, []).append(bi)
    for bi in bsel:
        tag = f"basket[{bi.branch}#{bi.index}]"
        w = 8 if bi.key.large else 4
        same = [o for o in by_size.get(bi.nbytes, []) if o.seek != bi.seek]
        # The seek inside the basket's own key header (what a directory-less reader sees).
        if same:
            o = same[0]
            set_field(f"{tag}.fSeekKey->same-size[{o.branch}#{o.index}]", bi.seek + 18, w, o.seek,
                      kind="seek")
    dir_keys = [(dr, k) for dr in lay.dirs for k in dr.keys]
    for dr, k in dir_keys:
        w = 8 if k.large else 4
        if k.class_name in ("TDirectory", "TDirectoryFile"):
            parent = dr
            set_field(f"key[{k.name}].fSeekKey->parent-dir", k.at + 18, w,
                      parent.record - k.keylen, kind="seek")
            sub = next((d for d in lay.dirs if d.record == k.seek_key + k.keylen), None)
            if sub is not None:
                sw = 8 if sub.large else 4
                off = sub.field_offsets()["fSeekKeys"][0]
                set_field(f"dir[{sub.path}].fSeekKeys->parent-keys", off, sw, parent.seek_keys,
                          kind="seek")
                set_field(f"dir[{sub.path}].fSeekKeys->own-record", off, sw, sub.record,
                          kind="seek")
        if k.class_name == "TTree":
            others = [o for _d, o in dir_keys if o.seek_key != k.seek_key]
            for o in others[:3]:
                set_field(f"key[{k.name}].fSeekKey->{o.name}", k.at + 18, w, o.seek_key,
                          kind="seek")
            set_field(f"key[{k.name}].fSeekKey->keys-list", k.at + 18, w, dr.seek_keys,
                      kind="seek")
            for bi in bsel[:2]:
                set_field(f"key[{k.name}].fSeekKey->basket[{bi.branch}#{bi.index}]", k.at + 18, w,
                          bi.seek, kind="seek")
            if lay.streamer_key:
                hf = lay.header_fields()
                off, hw = hf["fSeekInfo"]
                set_field("header.fSeekInfo->tree", off, hw, k.seek_key, kind="seek")
    # TTree fields in a rehomed (uncompressed) copy of the record
    for tpath, _k, _dr in lay.trees:
        _tree_cases(lay, tpath, add, rng)
    return out


def _key_field_cases(lay: Layout, k: Key, tag: str, set_field) -> None:
    size = lay.size
    p = k.at
    for vname, v in _values32(k.nbytes, size):
        set_field(f"{tag}.fNbytes={vname}", p, 4, v)
    for vname, v in _values32(k.objlen, size):
        set_field(f"{tag}.fObjlen={vname}", p + 6, 4, v)
    for vname, v in _values16(k.keylen):
        set_field(f"{tag}.fKeylen={vname}", p + 14, 2, v)
    w = 8 if k.large else 4
    vals = _values64(k.seek_key, size) if w == 8 else _values32(k.seek_key, size)
    for vname, v in vals[:7]:
        set_field(f"{tag}.fSeekKey={vname}", p + 18, w, v)
    set_field(f"{tag}.fVersion=1001", p + 4, 2, 1001 if not k.large else 4)


def _tree_cases(lay: Layout, tpath: str, add, rng: random.Random) -> None:
    r = _rehome_tree(lay, tpath)
    if r is None:
        return
    base, pstart, payload, arrays, t = r
    size = lay.size + len(base[0][1])
    tag = f"ttree[{tpath}]"
    add(f"{tag}.rehomed", "field", True, [], base)  # the control: must read exactly
    ent = int(t.member("fEntries"))
    pat = struct.pack(">qqq", ent, int(t.member("fTotBytes")), int(t.member("fZipBytes")))
    at = payload.find(pat)
    if at >= 0:
        for vname, v in _values64(ent, size):
            add(f"{tag}.fEntries={vname}", "field", True, [("write", pstart + at, _i64(v))], base)
    for ta in arrays[:6]:
        bt = f"{tag}.branch[{ta.branch}]"
        if ta.write_basket_at is not None:
            for vname, v in _values32(ta.write_basket, size)[:6]:
                add(f"{bt}.fWriteBasket={vname}", "field", True,
                    [("write", pstart + ta.write_basket_at, _i32(v))], base)
        if ta.max_baskets_at is not None:
            for vname, v in _values32(ta.max_baskets, size)[:5]:
                add(f"{bt}.fMaxBaskets={vname}", "field", True,
                    [("write", pstart + ta.max_baskets_at, _i32(v))], base)
        for i in range(min(ta.write_basket, 2)):
            cur_b = struct.unpack_from(">i", payload, ta.bytes_at + 4 * i)[0]
            for vname, v in _values32(cur_b, size)[:6]:
                add(f"{bt}.fBasketBytes[{i}]={vname}", "field", True,
                    [("write", pstart + ta.bytes_at + 4 * i, _i32(v))], base)
            for j in (i, i + 1):
                cur_e = struct.unpack_from(">q", payload, ta.entry_at + 8 * j)[0]
                for vname, v in _values64(cur_e, size)[:6]:
                    add(f"{bt}.fBasketEntry[{j}]={vname}", "field", True,
                        [("write", pstart + ta.entry_at + 8 * j, _i64(v))], base)
            cur_s = struct.unpack_from(">q", payload, ta.seek_at + 8 * i)[0]
            for vname, v in _values64(cur_s, size)[:6]:
                add(f"{bt}.fBasketSeek[{i}]={vname}", "field", True,
                    [("write", pstart + ta.seek_at + 8 * i, _i64(v))], base)
            # a seek into another basket: the same size if one exists, else the middle of one
            others = [b for b in lay.baskets
                      if b.seek != cur_s and b.nbytes == cur_b and b.branch != ta.branch]
            if others:
                o = others[0]
                add(f"{bt}.fBasketSeek[{i}]->same-size[{o.branch}#{o.index}]", "seek", True,
                    [("write", pstart + ta.seek_at + 8 * i, _i64(o.seek))], base)
            if lay.baskets:
                o = lay.baskets[rng.randrange(len(lay.baskets))]
                add(f"{bt}.fBasketSeek[{i}]->inside[{o.branch}#{o.index}]", "seek", True,
                    [("write", pstart + ta.seek_at + 8 * i, _i64(o.seek + o.nbytes // 3))], base)
            if ta.write_basket >= 2 and i == 0:
                s1 = struct.unpack_from(">q", payload, ta.seek_at + 8)[0]
                # Two baskets of one branch with the same size and entry count are
                # interchangeable as far as any reader can tell (a key records its branch and
                # position, not its first entry): lenient.
                add(f"{bt}.fBasketSeek[0]->basket1", "seek", False,
                    [("write", pstart + ta.seek_at, _i64(s1))], base)
    # flips in the uncompressed record: names and types may change silently (lenient)
    for _ in range(12):
        p = rng.randrange(len(payload))
        add(f"{tag}.flip@{p}", "bitflip", False,
            [("xor", pstart + p, 1 << rng.randrange(8))], base)


def _pick_baskets(lay: Layout) -> list[BasketInfo]:
    """A few baskets per tree: the first, the last, a jagged one, a multi-block one."""
    picked: dict[int, BasketInfo] = {}
    for tpath, _k, _dr in lay.trees:
        bs = [b for b in lay.baskets if b.tree == tpath]
        if not bs:
            continue
        cand = [bs[0], bs[-1], bs[len(bs) // 2]]
        cand += [b for b in bs if b.offsets_at is not None][:2]
        cand += [b for b in bs if len(b.blocks) > 1][:1]
        cand += [b for b in bs if b.index > 0][:1]
        for b in cand:
            picked.setdefault(b.seek, b)
    return list(picked.values())[:8]


def _codec_checked(lay: Layout) -> bool:
    """Whether the file's compressed blocks carry a checksum that a flipped bit breaks
    (zlib: adler32, LZ4: xxhash64, XZ: CRC; ROOT writes ZSTD frames without one)."""
    for b in lay.baskets:
        if b.blocks:
            magic = lay.data[b.blocks[0][0]:b.blocks[0][0] + 2]
            return magic in (b"ZL", b"L4", b"XZ")
    return False


def _flip_is_detectable(lay: Layout, p: int, checked: bool) -> bool:
    """Whether a flipped byte at `p` must not change any value that a successful read prints.

    Lenient (False) where nothing in the format can notice: uncompressed basket data, the
    payload of an uncompressed TTree or streamer-info record (names, types), and compressed
    payloads without a checksum (ZSTD). Everything else is either checked (sizes, seeks,
    versions, checksummed blocks) or does not feed values (names of other keys, datimes).
    """
    for b in lay.baskets:
        if b.seek <= p < b.seek + b.nbytes:
            if p < b.seek + b.key.keylen:
                return True  # key header: sizes are cross-checked with the branch
            if b.blocks:
                return checked or any(o <= p < o + 9 for o, _c, _u in b.blocks)
            return False  # raw basket data
    for _tpath, k, _dr in lay.trees:
        if k.seek_key + k.keylen <= p < k.seek_key + k.nbytes:
            return k.compressed and checked
    if lay.streamer_key and lay.seek_info + lay.streamer_key.keylen <= p < lay.seek_info + lay.nbytes_info:
        return lay.streamer_key.compressed and checked
    return True


def cases(full: bool = True) -> list[Case]:
    """Every generated case (`full`), or the fixed CI subset: about one case in FAST_EVERY,
    chosen by a hash of the case id per kind (so it does not depend on the order of generation), plus
    the rehomed-TTree controls."""
    out: list[Case] = []
    for name in SOURCES:
        if not (TESTDATA_DIR / name).is_file():
            continue
        cs = _cases_for(name)
        if not full:
            cs = [c for c in cs
                  if c.id.endswith(".rehomed") or zlib.crc32(c.id.encode()) % FAST_EVERY[c.kind] == 0]
        out.extend(cs)
    return out


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, nargs="?")
    ap.add_argument("--full", action="store_true")
    args = ap.parse_args(argv)
    cs = cases(full=args.full)
    by: dict[str, int] = {}
    for c in cs:
        by[c.kind] = by.get(c.kind, 0) + 1
    print(f"{len(cs)} cases: " + ", ".join(f"{k} {v}" for k, v in sorted(by.items())))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for i, c in enumerate(cs):
            pristine = (TESTDATA_DIR / c.source).read_bytes()
            (args.out / f"{i:05d}.root").write_bytes(c.apply(pristine))
        (args.out / "INDEX.txt").write_text(
            "".join(f"{i:05d}.root {c.id} strict={c.strict}\n" for i, c in enumerate(cs)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
