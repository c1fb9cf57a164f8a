"""The RNTuple writers of gen_data.py: the NanoAOD-like events as an RNTuple ``Events``.

Same top-level fields, names, types and order as the TTree (nanoaod.branch_names()): event ids
and flat variables as scalar fields, each collection's counter ``nName`` as std::uint32_t and
each of its fields as ``ROOT::RVec<float>`` / ``ROOT::RVec<std::int32_t>`` (an offset column +
a value column each, as RDataFrame's Snapshot of the TTree into an RNTuple writes them).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import nanoaod
from slot_fill import fill_slots

_CPP = r"""
#include <ROOT/RNTupleModel.hxx>
#include <ROOT/RNTupleWriteOptions.hxx>
#include <ROOT/RNTupleWriter.hxx>
#include <ROOT/RVec.hxx>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace arbench_nt {
class Writer {
 public:
  Writer(const char* path, int compress) : path_(path), compress_(compress),
                                           model_(ROOT::RNTupleModel::Create()) {}
  // type: 'i' std::uint32_t, 'l' std::uint64_t, 'I' std::int32_t, 'F' float, 'O' bool
  void flat(const char* name, char type) {
    flat_width_.push_back(type == 'l' ? 8 : type == 'O' ? 1 : 4);
    flat_src_.push_back(nullptr);
    switch (type) {
      case 'i': flat_dst_.push_back(model_->MakeField<std::uint32_t>(name)); break;
      case 'l': flat_dst_.push_back(model_->MakeField<std::uint64_t>(name)); break;
      case 'I': flat_dst_.push_back(model_->MakeField<std::int32_t>(name)); break;
      case 'F': flat_dst_.push_back(model_->MakeField<float>(name)); break;
      default: flat_dst_.push_back(model_->MakeField<bool>(name)); break;
    }
  }
  void counter(const char* name) {
    count_dst_.push_back(model_->MakeField<std::uint32_t>(name));
    count_src_.push_back(nullptr);
    off_src_.push_back(nullptr);
  }
  void jagged(const char* name, int coll, bool is_float) {
    jag_coll_.push_back(coll);
    jag_src_.push_back(nullptr);
    jag_float_.push_back(is_float);
    if (is_float) {
      jag_f_.push_back(model_->MakeField<ROOT::RVec<float>>(name));
      jag_i_.push_back(nullptr);
    } else {
      jag_f_.push_back(nullptr);
      jag_i_.push_back(model_->MakeField<ROOT::RVec<std::int32_t>>(name));
    }
  }
  void start() {
    ROOT::RNTupleWriteOptions options;  // ROOT's defaults, but for the codec
    options.SetCompression(compress_);
    writer_ = ROOT::RNTupleWriter::Recreate(std::move(model_), "Events", path_, options);
  }
  void set_flat(int slot, const void* p) { flat_src_[slot] = (const char*)p; }
  void set_counts(int c, const unsigned int* counts, const long* offsets) {
    count_src_[c] = counts; off_src_[c] = offsets;
  }
  void set_jagged(int slot, const void* p) { jag_src_[slot] = (const char*)p; }
  void fill(long long n) {
    for (long long i = 0; i < n; ++i) {
      for (size_t s = 0; s < flat_src_.size(); ++s)
        std::memcpy(flat_dst_[s].get(), flat_src_[s] + i * flat_width_[s], flat_width_[s]);
      for (size_t c = 0; c < count_src_.size(); ++c) *count_dst_[c] = count_src_[c][i];
      for (size_t s = 0; s < jag_src_.size(); ++s) {
        int c = jag_coll_[s];
        long first = off_src_[c][i], last = off_src_[c][i + 1];
        if (jag_float_[s]) {
          auto p = (const float*)jag_src_[s];
          jag_f_[s]->assign(p + first, p + last);
        } else {
          auto p = (const std::int32_t*)jag_src_[s];
          jag_i_[s]->assign(p + first, p + last);
        }
      }
      writer_->Fill();
    }
  }
  long long close() {
    long long n = (long long)writer_->GetNEntries();
    writer_.reset();  // commits the dataset
    return n;
  }
 private:
  std::string path_;
  int compress_;
  std::unique_ptr<ROOT::RNTupleModel> model_;
  std::unique_ptr<ROOT::RNTupleWriter> writer_;
  std::vector<std::shared_ptr<void>> flat_dst_;
  std::vector<int> flat_width_;
  std::vector<const char*> flat_src_;
  std::vector<std::shared_ptr<std::uint32_t>> count_dst_;
  std::vector<const unsigned int*> count_src_;
  std::vector<const long*> off_src_;
  std::vector<int> jag_coll_;
  std::vector<const char*> jag_src_;
  std::vector<bool> jag_float_;
  std::vector<std::shared_ptr<ROOT::RVec<float>>> jag_f_;
  std::vector<std::shared_ptr<ROOT::RVec<std::int32_t>>> jag_i_;
};
}  // namespace arbench_nt
"""

_ROOT_TYPE = {"u32": "i", "u64": "l", "i32": "I", "f32": "F", "bool": "O"}
_declared = False


class RootNTupleWriter:
    """ROOT::RNTupleWriter (ROOT's default write options; compression = algorithm*100+level)."""

    def __init__(self, path: Path, compression: tuple[int, int]) -> None:
        global _declared
        import ROOT

        if not _declared:
            ROOT.gSystem.Load("libROOTNTuple")  # cling does not autoload it for Declare'd code
            ROOT.gInterpreter.Declare(_CPP)
            _declared = True
        algo, level = compression
        self.w = ROOT.arbench_nt.Writer(str(path), algo * 100 + level)
        types = dict(nanoaod.IDS + nanoaod.FLAT)
        coll_index = {c: i for i, c in enumerate(nanoaod.COLLECTIONS)}
        self.flat_slot: dict[str, int] = {}
        self.jag_slot: dict[tuple[str, str], int] = {}
        for name in nanoaod.branch_names():
            if name in types:
                self.flat_slot[name] = len(self.flat_slot)
                self.w.flat(name, _ROOT_TYPE[types[name]])
            elif name.startswith("n") and name[1:] in nanoaod.COLLECTIONS:
                self.w.counter(name)
            else:
                cname, field = name.split("_", 1)
                self.jag_slot[(cname, field)] = len(self.jag_slot)
                self.w.jagged(name, coll_index[cname], field in nanoaod.COLLECTIONS[cname][1])
        self.w.start()

    def fill(self, chunk: dict, n: int) -> None:
        fill_slots(self.w, self.flat_slot, self.jag_slot, chunk, n)

    def close(self) -> int:
        return int(self.w.close())


class UprootNTupleWriter:
    """The fallback without the ROOT wheel: uproot's RNTuple writer, one extend per chunk."""

    def __init__(self, path: Path, compression: tuple[int, int]) -> None:
        import uproot

        algo, level = compression
        comp = {0: None, 1: uproot.ZLIB, 2: uproot.LZMA, 4: uproot.LZ4, 5: uproot.ZSTD}[algo]
        self.f = uproot.recreate(path, compression=comp(level) if comp else None)
        types = {"u32": "uint32", "u64": "uint64", "i32": "int32", "f32": "float32", "bool": "bool"}
        flat = dict(nanoaod.IDS + nanoaod.FLAT)
        spec = {}
        for name in nanoaod.branch_names():
            if name in flat:
                spec[name] = types[flat[name]]
            elif name.startswith("n") and name[1:] in nanoaod.COLLECTIONS:
                spec[name] = "uint32"
            else:
                cname, field = name.split("_", 1)
                spec[name] = "var * " + ("float32" if field in nanoaod.COLLECTIONS[cname][1] else "int32")
        self.spec = spec
        self.nt = self.f.mkrntuple(nanoaod.TREE, spec)
        self.n = 0

    def fill(self, chunk: dict, n: int) -> None:
        import awkward as ak

        data = {}
        for name in self.spec:
            if name in chunk["flat"]:
                data[name] = chunk["flat"][name]
            elif name.startswith("n") and name[1:] in nanoaod.COLLECTIONS:
                data[name] = np.asarray(chunk["collections"][name[1:]][0], np.uint32)
            else:
                cname, field = name.split("_", 1)
                counts, vals = chunk["collections"][cname]
                data[name] = ak.unflatten(vals[field], counts)
        self.nt.extend(data)
        self.n += n

    def close(self) -> int:
        self.f.close()
        return self.n
