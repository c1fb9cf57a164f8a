"""Write the harness's NanoAOD-like files, one per codec, in one pass over the events.

    <python> bench/harness/gen_data.py --writer root|uproot --entries N --seed S \
        --out-dir DIR --codecs zlib,lz4,zstd,lzma,none [--rntuple zstd]

Run by the harness (bench/harness/main.py), not by hand: with ``--writer root`` under the
Python of the ROOT wheel's venv (only numpy and ROOT needed), with ``--writer uproot`` under
the project's venv. Each chunk of events is generated once (nanoaod.make_chunk) and filled into
every codec's file, so all files hold the same values. Files are written as ``*.part`` and
renamed when complete. Prints one JSON line per file at the end.

ROOT writer: a plain TTree with NanoAOD's branch layout (``nMuon/i`` then ``Muon_pt[nMuon]/F``
...), ROOT's default basket size (32000 bytes) and auto-flush (30 MB), which ROOT then
optimizes (TTree::OptimizeBaskets at the first flush), as a CMSSW/ROOT job would write it;
the fill loop is C++ (JIT-compiled by cling), fed with numpy buffers; implicit MT (2 threads)
compresses baskets in parallel. uproot writer: ``mktree`` + ``extend`` with one basket per
branch per 100k-event chunk (uproot cannot size baskets by bytes).

``--rntuple CODECS`` also writes the same events as an RNTuple ``Events`` into
``nanoaod-<codec>.rntuple.root`` (``--codecs ''`` writes only those): the same 55 top-level
fields with the TTree's names and types (``nMuon`` std::uint32_t, ``Muon_pt``
ROOT::RVec<float>, ...), which is also what RDataFrame's Snapshot of the TTree into an
RNTuple gives. ROOT writer (gen_rntuple.py): ROOT::RNTupleWriter with its default write
options (zstd level 5 = ROOT's default RNTuple compression, default cluster and page sizes),
filled from C++; uproot fallback: ``mkrntuple`` + ``extend`` per 100k-event chunk.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen_rntuple  # noqa: E402
import nanoaod  # noqa: E402
from slot_fill import fill_slots  # noqa: E402

# ROOT compression settings (algorithm * 100 + level) per codec, ROOT's own presets:
# zlib-1 = 101 (ROOT's compiled-in default), LZ4-4 = 404 (ROOT's "analysis" preset),
# ZSTD-5 = 505 (ROOT's "general purpose" preset), LZMA-1 = 201 (fast LZMA: decompression
# speed barely depends on the level, and LZMA-7/9 would take minutes to write), none = 0.
CODECS = {"zlib": (1, 1), "lz4": (4, 4), "zstd": (5, 5), "lzma": (2, 1), "none": (0, 0)}

_CPP = r"""
#include <TFile.h>
#include <TTree.h>
#include <cstring>
#include <string>
#include <vector>

namespace arbench {
constexpr int kMax = 64;
class Writer {
 public:
  Writer(const char* path, int compress) {
    file_ = new TFile(path, "RECREATE", "", compress);
    tree_ = new TTree("Events", "NanoAOD-like synthetic events");
    tree_->SetDirectory(file_);
  }
  void flat(const char* name, char type) {
    std::string leaf = std::string(name) + "/" + type;
    int slot = (int)flat_type_.size();
    flat_type_.push_back(type);
    flat_src_.push_back(nullptr);
    tree_->Branch(name, &flat_buf_[slot * 8], leaf.c_str());
  }
  void counter(const char* name) {
    int c = (int)count_src_.size();
    count_src_.push_back(nullptr);
    off_src_.push_back(nullptr);
    tree_->Branch(name, &counts_[c], (std::string(name) + "/i").c_str());
  }
  void jagged(const char* name, const char* counter, int coll, char type) {
    int slot = (int)jag_coll_.size();
    jag_coll_.push_back(coll);
    jag_src_.push_back(nullptr);
    std::string leaf = std::string(name) + "[" + counter + "]/" + type;
    tree_->Branch(name, &jag_buf_[slot][0], leaf.c_str());
  }
  void set_flat(int slot, const void* p) { flat_src_[slot] = (const char*)p; }
  void set_counts(int c, const unsigned int* counts, const long* offsets) {
    count_src_[c] = counts; off_src_[c] = offsets;
  }
  void set_jagged(int slot, const void* p) { jag_src_[slot] = (const char*)p; }
  void fill(long long n) {
    for (long long i = 0; i < n; ++i) {
      for (size_t s = 0; s < flat_src_.size(); ++s) {
        int w = width(flat_type_[s]);
        std::memcpy(&flat_buf_[s * 8], flat_src_[s] + i * w, w);
      }
      for (size_t c = 0; c < count_src_.size(); ++c) counts_[c] = count_src_[c][i];
      for (size_t s = 0; s < jag_src_.size(); ++s) {
        int c = jag_coll_[s];
        std::memcpy(&jag_buf_[s][0], jag_src_[s] + off_src_[c][i] * 4, counts_[c] * 4);
      }
      tree_->Fill();
    }
  }
  long long close() {
    file_->cd();
    tree_->Write();
    long long n = tree_->GetEntries();
    file_->Close();
    delete file_;
    return n;
  }
 private:
  static int width(char t) { return t == 'l' ? 8 : t == 'O' ? 1 : 4; }
  TFile* file_;
  TTree* tree_;
  std::vector<char> flat_type_;
  std::vector<const char*> flat_src_;
  alignas(8) char flat_buf_[64 * 8] = {};
  unsigned int counts_[16] = {};
  std::vector<const unsigned int*> count_src_;
  std::vector<const long*> off_src_;
  std::vector<int> jag_coll_;
  std::vector<const char*> jag_src_;
  int jag_buf_[64][kMax] = {};
};
}  // namespace arbench
"""

_ROOT_TYPE = {"u32": "i", "u64": "l", "i32": "I", "f32": "F", "bool": "O"}


class RootWriter:
    def __init__(self, path: Path, codec: str) -> None:
        import ROOT

        algo, level = CODECS[codec]
        self.w = ROOT.arbench.Writer(str(path), algo * 100 + level)
        self.flat_names = [n for n, _ in nanoaod.IDS + nanoaod.FLAT]
        types = dict(nanoaod.IDS + nanoaod.FLAT)
        # Branch creation order = the file's branch order (nanoaod.branch_names()).
        self.flat_slot: dict[str, int] = {}
        self.jag_slot: dict[tuple[str, str], int] = {}
        order = nanoaod.branch_names()
        coll_index = {c: i for i, c in enumerate(nanoaod.COLLECTIONS)}
        for name in order:
            if name in types:
                self.flat_slot[name] = len(self.flat_slot)
                self.w.flat(name, _ROOT_TYPE[types[name]])
            elif name[1:] in nanoaod.COLLECTIONS and name.startswith("n"):
                self.w.counter(name)
            else:
                cname, field = name.split("_", 1)
                _, ff, _ = nanoaod.COLLECTIONS[cname]
                self.jag_slot[(cname, field)] = len(self.jag_slot)
                self.w.jagged(name, "n" + cname, coll_index[cname], "F" if field in ff else "I")

    def fill(self, chunk: dict, n: int) -> None:
        fill_slots(self.w, self.flat_slot, self.jag_slot, chunk, n)

    def close(self) -> int:
        return int(self.w.close())


class UprootWriter:
    def __init__(self, path: Path, codec: str) -> None:
        import uproot

        algo, level = CODECS[codec]
        comp = {0: None, 1: uproot.ZLIB, 2: uproot.LZMA, 4: uproot.LZ4, 5: uproot.ZSTD}[algo]
        self.f = uproot.recreate(path, compression=comp(level) if comp else None)
        types = {"u32": "uint32", "u64": "uint64", "i32": "int32", "f32": "float32", "bool": "bool"}
        branches = {n: types[t] for n, t in nanoaod.IDS}
        for cname, (_, ff, fi) in nanoaod.COLLECTIONS.items():
            fields = ", ".join([f"{f}: float32" for f in ff] + [f"{f}: int32" for f in fi])
            branches[cname] = f"var * {{{fields}}}"
        branches.update({n: types[t] for n, t in nanoaod.FLAT})
        self.tree = self.f.mktree(nanoaod.TREE, branches, title="NanoAOD-like synthetic events")
        self.n = 0

    def fill(self, chunk: dict, n: int) -> None:
        import awkward as ak

        data = {k: chunk["flat"][k] for k, _ in nanoaod.IDS}
        for cname, (counts, vals) in chunk["collections"].items():
            data[cname] = ak.zip({f: ak.unflatten(v, counts) for f, v in vals.items()})
        data.update({k: chunk["flat"][k] for k, _ in nanoaod.FLAT})
        self.tree.extend(data)
        self.n += n

    def close(self) -> int:
        self.f.close()
        return self.n


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--writer", choices=("root", "uproot"), required=True)
    p.add_argument("--entries", type=int, required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--out-dir", type=Path, required=True)
    p.add_argument("--codecs", default=",".join(CODECS))
    p.add_argument("--rntuple", default="", help="codecs of RNTuple files to write too")
    p.add_argument("--threads", type=int, default=2, help="ROOT implicit MT threads (compression)")
    args = p.parse_args()
    codecs = [c for c in args.codecs.split(",") if c]
    nt_codecs = [c for c in args.rntuple.split(",") if c]
    args.out_dir.mkdir(parents=True, exist_ok=True)
    if args.writer == "root":
        import ROOT

        ROOT.gErrorIgnoreLevel = ROOT.kWarning
        if args.threads > 1:
            ROOT.EnableImplicitMT(args.threads)
        ROOT.gInterpreter.Declare(_CPP)
        make = RootWriter
        make_nt = gen_rntuple.RootNTupleWriter
        version = f"ROOT {ROOT.gROOT.GetVersion()}"
    else:
        import uproot

        make = UprootWriter
        make_nt = gen_rntuple.UprootNTupleWriter
        version = f"uproot {uproot.__version__}"
    finals = {c: args.out_dir / f"nanoaod-{c}.root" for c in codecs}
    finals.update({f"rntuple-{c}": args.out_dir / f"nanoaod-{c}.rntuple.root" for c in nt_codecs})
    parts = {k: v.with_name(v.name + ".part") for k, v in finals.items()}
    writers = {c: make(parts[c], c) for c in codecs}
    writers.update({f"rntuple-{c}": make_nt(parts[f"rntuple-{c}"], CODECS[c])
                    for c in nt_codecs})
    t0 = time.perf_counter()
    gen = 0.0
    fill = {c: 0.0 for c in writers}
    for index, first, n in nanoaod.chunks(args.seed, args.entries):
        t = time.perf_counter()
        chunk = nanoaod.make_chunk(args.seed, index, first, n)
        gen += time.perf_counter() - t
        for c, w in writers.items():
            t = time.perf_counter()
            w.fill(chunk, n)
            fill[c] += time.perf_counter() - t
    out = []
    for c, w in writers.items():
        t = time.perf_counter()
        n = w.close()
        fill[c] += time.perf_counter() - t
        final = finals[c]
        os.replace(parts[c], final)
        codec = c.removeprefix("rntuple-")
        out.append({"codec": c, "file": final.name, "bytes": final.stat().st_size, "entries": n,
                    "write_seconds": round(fill[c], 2), "writer": version,
                    "compression": CODECS[codec],
                    "format": "RNTuple" if c.startswith("rntuple-") else "TTree"})
    for o in out:
        print(json.dumps(o))
    print(json.dumps({"generate_seconds": round(gen, 2),
                      "total_seconds": round(time.perf_counter() - t0, 2)}))


if __name__ == "__main__":
    main()
