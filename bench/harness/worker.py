"""A measuring process of the harness: reads JSON commands on stdin, answers JSON lines.

    <python> bench/harness/worker.py [--root-imt N]

Each reader runs in its own long-lived worker process (started by main.py), so that the
readers' imports, heaps and thread pools do not disturb each other, and the harness can
interleave the readers (same file, same selection, one after the other, repeated). ROOT's
worker runs under the ROOT wheel's venv; all others under the harness venv.

Commands (one JSON object per line):

* ``{"op": "read", "reader": R, "path": P, "tree": T, "columns": [..] | null, "threads": N,
  "options": {...}}`` -> ``{"ok": true, "seconds": read time, "open_seconds": ..., "entries":
  ..., "nbytes": decoded bytes in the reader's own format, "cpu": process CPU seconds of the
  read (all threads), ...}``. The file is opened afresh for every read (no reader-side caches
  survive), and only the read (``arrays()`` or the entry loop) is timed; the open is timed
  separately. Readers: ``arrowroot`` (Python API), ``uproot``, ``root``, ``arrowroot-s3`` /
  ``uproot-s3`` (options carry the S3 settings).
* ``{"op": "layout", "path": P, "tree": T, "columns": [..] | null}`` -> baskets, entries,
  compressed and uncompressed bytes of the selection (from uproot's metadata and the baskets'
  TKey headers).
* ``{"op": "floor", "path": P, "tree": T, "columns": [..] | null, "repeat": N, "only":
  {tag: name} | null}`` -> the decompress-only floor: every basket of the selection is read
  into memory first (not timed), then only the decompression of all of them is timed, with
  each available decompressor of the codec (or only the one named in ``only``; best of
  ``repeat``); the fastest one is the floor.
* ``{"op": "ntuple_layout", "path": P, "tree": N, "columns": [..] | null}`` and
  ``{"op": "ntuple_floor", ...}`` (the arguments of ``floor``): the same for an RNTuple's pages
  (rntuple_worker.py). Readers ``root-ntuple`` (RNTupleReader + views) and ``root-rdf``
  (RDataFrame) read an RNTuple; ``arrowroot`` and ``uproot`` read either.
* ``{"op": "quit"}``.

stdout is reserved for the protocol (the original fd 1 is kept for it; fd 1 itself is pointed
at stderr, so that C++ libraries printing to stdout cannot corrupt the stream).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import struct
import sys
import time
import traceback

_PROTO = None


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _reply(obj: dict) -> None:
    _PROTO.write(json.dumps(obj) + "\n")
    _PROTO.flush()


# --- readers ----------------------------------------------------------------------------------

class ArrowrootReader:
    def __init__(self) -> None:
        import arrowroot
        import pyarrow

        self.mod = arrowroot
        self.version = f"arrowroot {getattr(arrowroot, '__version__', '?')} (pyarrow {pyarrow.__version__})"
        self.pool = None
        # Newer packages take threads= (engine-side parallel decoding; their default is one
        # thread per core, so 1 is passed explicitly); older ones read on the calling thread.
        import inspect

        self.has_threads = "threads" in inspect.signature(arrowroot.Tree.arrays).parameters

    def read(self, path, tree, columns, threads, options):
        t0 = time.perf_counter()
        f = self.mod.open(path, storage_options=options.get("storage_options"))
        t = f[tree]
        t1 = time.perf_counter()
        extra = {}
        if self.has_threads:
            table = t.arrays(columns, threads=threads)
            n, nbytes = table.num_rows, table.nbytes
            extra["mode"] = f"arrays(threads={threads})"
        elif threads <= 1:
            table = t.arrays(columns)
            n, nbytes = table.num_rows, table.nbytes
        else:
            # The Python API reads one range per call: split the entries into `threads` ranges
            # at entries where every selected branch starts a basket (no basket read twice)
            # and read them from a thread pool (the engine releases the GIL).
            from concurrent.futures import ThreadPoolExecutor

            if self.pool is None or self.pool._max_workers != threads:
                self.pool = ThreadPoolExecutor(threads)
            total = t.num_entries
            offsets = t.common_entry_offsets(columns)
            bounds = [0]
            for k in range(1, threads):
                want = total * k / threads
                best = min(offsets, key=lambda o: abs(o - want))
                if best in (0, total) or best <= bounds[-1]:
                    best = int(want)  # no common basket boundary near: split mid-basket
                    extra["split_mid_basket"] = True
                bounds.append(best)
            bounds.append(total)
            ranges = list(zip(bounds[:-1], bounds[1:]))
            extra["ranges"] = ranges
            extra["mode"] = f"{threads} Python threads, one entry range each"
            tables = list(self.pool.map(lambda r: t.arrays(columns, r[0], r[1]), ranges))
            n = sum(x.num_rows for x in tables)
            nbytes = sum(x.nbytes for x in tables)
            del tables
        t2 = time.perf_counter()
        try:
            extra["io"] = f.io_stats()
        except Exception:  # noqa: BLE001 - informational only
            pass
        table = None
        del t, f
        return t2 - t1, t1 - t0, n, nbytes, extra


class UprootReader:
    def __init__(self) -> None:
        import awkward
        import uproot

        self.uproot = uproot
        self.version = f"uproot {uproot.__version__} (awkward {awkward.__version__})"
        self.executors: dict[int, object] = {}

    def read(self, path, tree, columns, threads, options):
        uproot = self.uproot
        kw = {}
        if threads > 1:
            # uproot's own thread pool for decompression (the part that releases the GIL);
            # interpretation stays on the calling thread (its default).
            if threads not in self.executors:
                self.executors[threads] = uproot.source.futures.ThreadPoolExecutor(threads)
            kw["decompression_executor"] = self.executors[threads]
        open_kw = dict(options.get("open_kwargs") or {})
        t0 = time.perf_counter()
        f = uproot.open(path, **open_kw)
        t = f[tree]
        t1 = time.perf_counter()
        if type(t).__name__.endswith("RNTuple"):
            # uproot 5.7's RNTuple arrays(): fields are chosen with filter_name (its
            # `expressions` and `decompression_executor` are "not implemented yet").
            if columns is not None:
                kw["filter_name"] = list(columns)
            arrays = t.arrays(library=options.get("library", "ak"), **kw)
        else:
            arrays = t.arrays(columns, library=options.get("library", "ak"), **kw)
        t2 = time.perf_counter()
        n = len(arrays)
        nbytes = int(arrays.nbytes) if hasattr(arrays, "nbytes") else 0
        del arrays, t
        f.close()
        return t2 - t1, t1 - t0, n, nbytes, {}


class RootReader:
    _CPP = r"""
    #include <TFile.h>
    #include <TTree.h>
    #include <memory>
    #include <string>
    #include <vector>
    namespace arbench {
    TFile* g_file = nullptr;
    TTree* g_tree = nullptr;
    long long open(const char* path, const char* tree, const std::vector<std::string>& cols) {
      g_file = TFile::Open(path);
      if (!g_file || g_file->IsZombie()) return -1;
      g_tree = g_file->Get<TTree>(tree);
      if (!g_tree) return -2;
      if (!cols.empty()) {
        g_tree->SetBranchStatus("*", 0);
        for (auto& c : cols) g_tree->SetBranchStatus(c.c_str(), 1);  // enables counters too
      }
      return g_tree->GetEntries();
    }
    // Every entry of the enabled branches: baskets read (TTreeCache), decompressed and
    // unpacked into the leaves' own buffers; what a ROOT event loop does before user code.
    long long loop() {
      long long n = g_tree->GetEntries(), bytes = 0;
      for (long long i = 0; i < n; ++i) bytes += g_tree->GetEntry(i);
      return bytes;
    }
    void close() { delete g_file; g_file = nullptr; g_tree = nullptr; }
    }
    """

    def __init__(self, imt: int) -> None:
        import ROOT

        ROOT.gErrorIgnoreLevel = ROOT.kWarning
        if imt > 1:
            ROOT.EnableImplicitMT(imt)
        ROOT.gInterpreter.Declare(self._CPP)
        self.ROOT = ROOT
        self.imt = imt
        self.version = f"ROOT {ROOT.gROOT.GetVersion()}"

    def read(self, path, tree, columns, threads, options):
        if threads != max(1, self.imt):
            raise RuntimeError(f"this ROOT worker runs with implicit MT {self.imt}, not {threads}")
        cols = self.ROOT.std.vector["std::string"]()
        for c in columns or []:
            cols.push_back(c)
        t0 = time.perf_counter()
        n = self.ROOT.arbench.open(path, tree, cols)
        if n < 0:
            raise RuntimeError(f"ROOT could not open {path}:{tree} ({n})")
        t1 = time.perf_counter()
        nbytes = self.ROOT.arbench.loop()
        t2 = time.perf_counter()
        self.ROOT.arbench.close()
        return t2 - t1, t1 - t0, int(n), int(nbytes), {}


# --- layout and floor -------------------------------------------------------------------------

_KEY = struct.Struct(">ihiIh")  # fNbytes, fVersion, fObjlen, fDatime, fKeylen


def _branches(tree, columns):
    if columns is None:
        return list(tree.keys(recursive=True))
    return list(columns)


def layout(path, tree_name, columns, with_data=False):
    """Baskets of the selected branches: [(branch, seek, nbytes, keylen, objlen)], and with
    ``with_data`` the compressed payload of each (bytes after the key)."""
    import uproot

    with uproot.open(path) as f, open(path, "rb") as raw:
        tree = f[tree_name]
        entries = tree.num_entries
        out = []
        embedded = 0
        for name in _branches(tree, columns):
            b = tree[name]
            embedded += len(b.embedded_baskets or [])
            seeks = b.member("fBasketSeek")[: b.num_baskets]
            sizes = b.member("fBasketBytes")[: b.num_baskets]
            for seek, size in zip(seeks, sizes):
                raw.seek(int(seek))
                blob = raw.read(int(size))
                nbytes, _, objlen, _, keylen = _KEY.unpack_from(blob, 0)
                rec = {"branch": name, "seek": int(seek), "nbytes": int(size),
                       "keylen": keylen, "objlen": objlen}
                if with_data:
                    rec["data"] = blob[keylen:]
                out.append(rec)
    return entries, out, embedded


def _blocks(rec):
    """ROOT compression blocks of one basket: [(tag, payload, uncompressed size)]."""
    data, objlen = rec["data"], rec["objlen"]
    if len(data) == objlen:  # stored uncompressed
        return [("--", data, objlen)]
    out, pos, done = [], 0, 0
    mv = memoryview(data)
    while done < objlen:
        tag = bytes(mv[pos:pos + 2]).decode("latin-1")
        c = mv[pos + 3] | (mv[pos + 4] << 8) | (mv[pos + 5] << 16)
        u = mv[pos + 6] | (mv[pos + 7] << 8) | (mv[pos + 8] << 16)
        start = pos + 9
        if tag == "L4":
            start += 8  # xxhash64 checksum of the compressed block
            c -= 8
        out.append((tag, mv[start:start + c], u))
        pos = start + c
        done += u
    return out


def _decompressors(tag):
    """name -> f(payload, uncompressed_size) for the codec of a block tag, those installed."""
    out = {}
    if tag == "ZL":
        import zlib

        out["zlib"] = lambda d, n: zlib.decompress(d, 15, n)
        try:
            from isal import isal_zlib

            out["isal"] = lambda d, n: isal_zlib.decompress(d, 15, n)
        except ImportError:
            pass
        try:
            import deflate

            out["libdeflate"] = lambda d, n: deflate.zlib_decompress(d, n)
        except ImportError:
            pass
    elif tag == "L4":
        try:
            import lz4.block

            out["lz4.block"] = lambda d, n: lz4.block.decompress(d, uncompressed_size=n)
        except ImportError:
            pass
        import cramjam

        out["cramjam.lz4"] = lambda d, n: cramjam.lz4.decompress_block(d, output_len=n)
    elif tag == "ZS":
        try:
            import zstandard

            dctx = zstandard.ZstdDecompressor()
            out["zstandard"] = lambda d, n: dctx.decompress(d, max_output_size=n)
        except ImportError:
            pass
        import cramjam

        out["cramjam.zstd"] = lambda d, n: cramjam.zstd.decompress(d, output_len=n)
    elif tag == "XZ":
        import lzma

        out["lzma"] = lambda d, n: lzma.decompress(d, lzma.FORMAT_XZ)
        import cramjam

        out["cramjam.xz"] = lambda d, n: cramjam.xz.decompress(d, output_len=n)
    elif tag == "--":
        out["memcpy"] = lambda d, n: bytearray(d)  # uncompressed: a copy is the floor
    else:
        raise RuntimeError(f"unsupported ROOT compression block {tag!r}")
    return out


_FLOOR_CACHE: dict = {}


def floor(path, tree_name, columns, repeat, only=None, ntuple=False):
    key = (path, tree_name, tuple(columns) if columns is not None else None, ntuple)
    if key not in _FLOOR_CACHE:
        _FLOOR_CACHE.clear()
        if ntuple:
            import rntuple_worker

            blocks, embedded = rntuple_worker.ntuple_blocks(path, tree_name, columns, _blocks), 0
        else:
            _, recs, embedded = layout(path, tree_name, columns, with_data=True)
            blocks = [b for r in recs for b in _blocks(r)]
        _FLOOR_CACHE[key] = (blocks, embedded)
    blocks, embedded = _FLOOR_CACHE[key]
    by_tag: dict[str, list] = {}
    for tag, d, n in blocks:
        by_tag.setdefault(tag, []).append((d, n))
    # Per codec tag (a file has one, plus baskets ROOT stored raw because they did not
    # shrink), each decompressor over all of that tag's blocks; floor = sum of the fastest.
    result = {"tags": {}, "seconds": 0.0, "blocks": len(blocks), "embedded_baskets": embedded}
    for tag, items in by_tag.items():
        times = {}
        cands = _decompressors(tag)
        if only and only.get(tag) in cands:
            cands = {only[tag]: cands[only[tag]]}  # the fastest of an earlier call only
        for name, fn in cands.items():
            best = float("inf")
            for _ in range(max(1, repeat)):
                gc.disable()
                t0 = time.perf_counter()
                produced = 0
                for d, n in items:
                    produced += len(fn(d, n))
                dt = time.perf_counter() - t0
                gc.enable()
                best = min(best, dt)
            expect = sum(n for _, n in items)
            if produced != expect:
                raise RuntimeError(f"{name}: {produced} bytes out, expected {expect}")
            times[name] = best
        fastest = min(times, key=times.get)
        result["tags"][tag] = {"blocks": len(items), "bytes_out": sum(n for _, n in items),
                               "bytes_in": sum(len(d) for d, _ in items),
                               "seconds": times, "fastest": fastest}
        result["seconds"] += times[fastest]
    return result


def _versions():
    out = {}
    for mod, name in (("isal", "isal"), ("deflate", "deflate"), ("lz4", "lz4"),
                      ("zstandard", "zstandard"), ("cramjam", "cramjam")):
        try:
            m = __import__(mod)
            out[name] = getattr(m, "__version__", "?")
        except ImportError:
            out[name] = None
    import zlib

    out["zlib"] = zlib.ZLIB_RUNTIME_VERSION
    return out


# --- main loop --------------------------------------------------------------------------------

def main() -> None:
    global _PROTO
    p = argparse.ArgumentParser()
    p.add_argument("--root-imt", type=int, default=0)
    args = p.parse_args()
    _PROTO = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    readers: dict = {}

    def reader(name):
        if name not in readers:
            base = name.removesuffix("-s3")
            if base.startswith("root-"):
                import rntuple_worker

                cls = {"root-ntuple": rntuple_worker.RootNTupleReader,
                       "root-rdf": rntuple_worker.RootRDFReader}[base]
                readers[name] = cls(args.root_imt)
                return readers[name]
            readers[name] = {"arrowroot": ArrowrootReader, "uproot": UprootReader,
                             "root": lambda: RootReader(args.root_imt)}[base]()
        return readers[name]

    for line in sys.stdin:
        cmd = json.loads(line)
        op = cmd.get("op")
        try:
            if op == "quit":
                _reply({"ok": True})
                return
            if op == "version":
                r = reader(cmd["reader"]) if cmd.get("reader") else None
                _reply({"ok": True, "version": r.version if r else None, "libs": _versions(),
                        "python": sys.version.split()[0]})
            elif op == "read":
                r = reader(cmd["reader"])
                gc.collect()
                c0 = _cpu()
                sec, open_sec, n, nbytes, extra = r.read(cmd["path"], cmd["tree"], cmd.get("columns"),
                                                         int(cmd.get("threads", 1)), cmd.get("options") or {})
                cpu = _cpu() - c0
                gc.collect()
                _reply({"ok": True, "seconds": sec, "open_seconds": open_sec, "entries": n,
                        "nbytes": nbytes, "cpu": cpu, "extra": extra})
            elif op == "layout":
                entries, recs, embedded = layout(cmd["path"], cmd["tree"], cmd.get("columns"))
                _reply({"ok": True, "entries": entries, "baskets": len(recs),
                        "branches": len({r["branch"] for r in recs}),
                        "compressed_bytes": sum(r["nbytes"] for r in recs),
                        "uncompressed_bytes": sum(r["objlen"] for r in recs),
                        "key_bytes": sum(r["keylen"] for r in recs),
                        "embedded_baskets": embedded})
            elif op == "ntuple_layout":
                import rntuple_worker

                _reply({"ok": True, **rntuple_worker.ntuple_layout(cmd["path"], cmd["tree"],
                                                                   cmd.get("columns"))})
            elif op in ("floor", "ntuple_floor"):
                c0 = _cpu()
                res = floor(cmd["path"], cmd["tree"], cmd.get("columns"), int(cmd.get("repeat", 1)),
                            cmd.get("only"), ntuple=op == "ntuple_floor")
                res["cpu"] = _cpu() - c0
                _reply({"ok": True, **res})
            else:
                _reply({"ok": False, "error": f"unknown op {op!r}"})
        except Exception as e:  # noqa: BLE001 - reported to the harness, which carries on
            _reply({"ok": False, "error": f"{type(e).__name__}: {e}",
                    "traceback": traceback.format_exc()})


if __name__ == "__main__":
    main()
