// libFuzzer target: a whole ROOT file holding RNTuples, read the way front ends do:
// RootFile::Open from memory, every ROOT::RNTuple key through RNTupleReader::Open (metadata,
// page lists), its entry offsets and bytes per entry, then a single-threaded Scan of every
// readable field, each batch exported to the Arrow C Data Interface.
#include "arrowroot/byte_source/byte_source.h"
#include "arrowroot/scan/rntuple_reader.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace arrowroot;
  auto src = byte_source::MakeMemorySource(fuzz::Copy(data, size), "fuzz.root");
  auto file = root_format::RootFile::Open(src);
  if (!file.ok()) return 0;
  auto objects = (*file)->ListObjects();
  if (!objects.ok()) return 0;
  int ntuples = 0;
  for (const auto& o : *objects) {
    if (o.key.class_name != root_format::rntuple::kAnchorClass) continue;
    if (++ntuples > 4) break;
    auto reader = scan::RNTupleReader::Open(*file, o.path);
    if (!reader.ok()) continue;
    (void)(*reader)->CommonEntryOffsets({});
    (void)(*reader)->BytesPerEntry({});
    scan::ScanOptions options;
    options.num_threads = 1;  // deterministic
    options.prefetch = scan::ScanOptions::Prefetch::kNever;
    options.batch_size = 1000;
    for (const auto& c : (*reader)->columns()) {
      if (c.status.ok() && !c.is_group) options.columns.push_back(c.name);
    }
    auto batches = (*reader)->Scan(options);
    if (!batches.ok()) continue;
    for (int i = 0; i < 64; ++i) {  // a corrupt entry count can promise billions of rows
      auto batch = (*batches)->Next();
      if (!batch.ok() || !batch->has_value()) break;
      ArrowArray c_array;
      to_arrow::ExportBatch(**batch, &c_array);
      c_array.release(&c_array);
    }
  }
  return 0;
}
