// libFuzzer target: a whole ROOT file scanned end to end the way front ends do: RootFile::Open,
// every TTree through TreeReader (schema, common entry offsets, bytes per entry) and a
// BatchReader over every readable column, single-threaded, batches exported to the Arrow C
// Data Interface.
#include "arrowroot/byte_source/byte_source.h"
#include "arrowroot/scan/tree_reader.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace arrowroot;
  auto src = byte_source::MakeMemorySource(fuzz::Copy(data, size), "fuzz.root");
  auto file = root_format::RootFile::Open(src);
  if (!file.ok()) return 0;
  int trees = 0;
  for (const auto& path : fuzz::TreePaths(**file)) {
    if (++trees > 4) break;
    auto reader = scan::TreeReader::Open(*file, path);
    if (!reader.ok()) continue;
    (void)(*reader)->CommonEntryOffsets({});
    (void)(*reader)->BytesPerEntry({});
    scan::ScanOptions options;
    options.num_threads = 1;  // deterministic
    options.prefetch = scan::ScanOptions::Prefetch::kNever;
    options.batch_size = 1000;
    auto batches = (*reader)->Scan(options);
    if (!batches.ok()) continue;
    for (int i = 0; i < 64; ++i) {  // a corrupt fEntries can promise billions of empty rows
      auto batch = (*batches)->Next();
      if (!batch.ok() || !batch->has_value()) break;
      ArrowArray c_array;
      to_arrow::ExportBatch(**batch, &c_array);
      c_array.release(&c_array);
    }
  }
  return 0;
}
