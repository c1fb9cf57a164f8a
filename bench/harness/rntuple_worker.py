"""The RNTuple side of worker.py: ROOT's readers of an RNTuple, and its layout and
decompress-only floor (from uproot's reading of the RNTuple metadata).

* ``RootNTupleReader``: ROOT::RNTupleReader, one ``RNTupleView<void>`` per selected top-level
  field (ROOT reads each entry into a value of the field's own C++ type: ``RVec<float>``,
  ``std::uint32_t``, ...), an entry loop in C++ (cling-compiled): what an event loop on an
  RNTuple costs before user code. With implicit MT on, ROOT's page source decompresses the
  pages of a cluster in parallel tasks.
* ``RootRDFReader``: RDataFrame over the RNTuple, a jitted filter that takes every selected
  column (so RDataFrame reads them all) and a Count; implicit MT parallelises over clusters.
* ``ntuple_layout`` / ``ntuple_pages``: the pages of the selected fields' columns (every
  column of the field and its subfields), from the page lists of the footer's cluster groups.
"""

from __future__ import annotations

import time

_CPP = r"""
#include <ROOT/RNTupleReader.hxx>
#include <ROOT/RNTupleView.hxx>
#include <memory>
#include <string>
#include <vector>
namespace arbench_ntr {
std::unique_ptr<ROOT::RNTupleReader> g_reader;
std::vector<ROOT::RNTupleView<void>> g_views;
long long open(const char* path, const char* name, const std::vector<std::string>& cols) {
  g_views.clear();
  g_reader = ROOT::RNTupleReader::Open(name, path);
  std::vector<std::string> names = cols;
  if (names.empty()) {
    for (const auto& f : g_reader->GetDescriptor().GetTopLevelFields())
      names.push_back(f.GetFieldName());
  }
  for (const auto& n : names) g_views.emplace_back(g_reader->GetView<void>(n));
  return (long long)g_reader->GetNEntries();
}
// Every entry of the selected fields: pages read, decompressed, unpacked into the values.
long long loop() {
  long long n = (long long)g_reader->GetNEntries();
  for (long long i = 0; i < n; ++i)
    for (auto& v : g_views) v(i);
  return n;
}
void close() { g_views.clear(); g_reader.reset(); }
}
"""


class _RootBase:
    def __init__(self, imt: int) -> None:
        import ROOT

        ROOT.gErrorIgnoreLevel = ROOT.kWarning
        if imt > 1:
            ROOT.EnableImplicitMT(imt)
        ROOT.gSystem.Load("libROOTNTuple")  # cling does not autoload it for Declare'd code
        self.ROOT = ROOT
        self.imt = imt
        self.version = f"ROOT {ROOT.gROOT.GetVersion()}"

    def _check_threads(self, threads):
        if threads != max(1, self.imt):
            raise RuntimeError(f"this ROOT worker runs with implicit MT {self.imt}, not {threads}")


class RootNTupleReader(_RootBase):
    def __init__(self, imt: int) -> None:
        super().__init__(imt)
        self.ROOT.gInterpreter.Declare(_CPP)

    def read(self, path, name, columns, threads, options):
        self._check_threads(threads)
        ROOT = self.ROOT
        cols = ROOT.std.vector["std::string"]()
        for c in columns or []:
            cols.push_back(c)
        t0 = time.perf_counter()
        n = ROOT.arbench_ntr.open(path, name, cols)
        t1 = time.perf_counter()
        ROOT.arbench_ntr.loop()
        t2 = time.perf_counter()
        ROOT.arbench_ntr.close()
        return t2 - t1, t1 - t0, int(n), 0, {"mode": "RNTupleReader + RNTupleView<void> loop"}


class RootRDFReader(_RootBase):
    def read(self, path, name, columns, threads, options):
        self._check_threads(threads)
        ROOT = self.ROOT
        t0 = time.perf_counter()
        df = ROOT.RDataFrame(name, path)
        cols = list(columns) if columns else [str(c) for c in df.GetColumnNames()
                                              if "." not in str(c) and not str(c).startswith("#")]
        # A jitted filter taking every column by reference: RDataFrame reads each one for each
        # entry; the body does nothing. Identical expressions are jitted once per process.
        count = df.Filter("".join(f"(void){c}; " for c in cols) + "return true;").Count()
        t1 = time.perf_counter()
        n = int(count.GetValue())
        t2 = time.perf_counter()
        return t2 - t1, t1 - t0, n, 0, {"mode": f"RDataFrame Filter+Count, {len(cols)} columns"}


# --- layout and floor -------------------------------------------------------------------------

def _selected_columns(nt, columns):
    """Physical column indices of the selected top-level fields and all their subfields."""
    fields = nt.field_records
    top = {i: f.field_name for i, f in enumerate(fields) if f.parent_field_id == i}
    want = set(top.values()) if columns is None else set(columns)
    missing = want - set(top.values())
    if missing:
        raise KeyError(f"no top-level field(s) {sorted(missing)} in the RNTuple")

    def root_of(fid):
        while fields[fid].parent_field_id != fid:
            fid = fields[fid].parent_field_id
        return fid

    return [ci for ci, cr in enumerate(nt.column_records) if top[root_of(cr.field_id)] in want]


def ntuple_pages(path, name, columns, with_data=False):
    """Pages of the selected columns: [{column, cluster, offset, nbytes, objlen, checksum}]
    (objlen = the page's uncompressed size: elements x the column's bits, rounded up to bytes;
    the page locators are in the footer's page lists, one per cluster group), with
    ``with_data`` the page's stored bytes (a page with a checksum ends in its 8-byte xxhash3,
    which the decompression never reads)."""
    import uproot

    with uproot.open(path) as f, open(path, "rb") as raw:
        nt = f[name]
        cols = _selected_columns(nt, columns)
        out = []
        for ci_cluster, linklist in enumerate(nt.page_link_list):
            for ci in cols:
                if ci >= len(linklist) or linklist[ci].suppressed:
                    continue
                nbits = nt.column_records[ci].nbits
                for page in linklist[ci].pages:
                    loc = page.locator
                    rec = {"column": ci, "cluster": ci_cluster, "offset": int(loc.offset),
                           "nbytes": int(loc.num_bytes), "checksum": bool(page.has_checksum),
                           "objlen": (int(page.num_elements) * nbits + 7) // 8}
                    if with_data:
                        raw.seek(rec["offset"])
                        rec["data"] = raw.read(rec["nbytes"])
                    out.append(rec)
        return int(nt.num_entries), len(nt.page_link_list), len(cols), out


def ntuple_layout(path, name, columns):
    entries, clusters, ncols, recs = ntuple_pages(path, name, columns)
    return {"entries": entries, "clusters": clusters, "columns": ncols, "pages": len(recs),
            "compressed_bytes": sum(r["nbytes"] for r in recs),
            "uncompressed_bytes": sum(r["objlen"] for r in recs)}


def ntuple_blocks(path, name, columns, blocks_of):
    """The compression blocks of every selected page: [(tag, payload, uncompressed size)];
    ``blocks_of`` splits one record {data, objlen} (worker._blocks, the TTree floor's parser:
    RNTuple pages use ROOT's compression blocks with their 9-byte headers)."""
    _, _, _, recs = ntuple_pages(path, name, columns, with_data=True)
    out = []
    for r in recs:
        data = r["data"]
        stored = len(data) - (8 if r["checksum"] else 0)
        if stored == r["objlen"]:  # stored uncompressed (the page did not shrink)
            out.append(("--", memoryview(data)[:stored], r["objlen"]))
        else:
            out += blocks_of({"data": data, "objlen": r["objlen"]})
    return out
