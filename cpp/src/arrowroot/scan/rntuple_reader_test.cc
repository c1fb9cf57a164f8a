// RNTupleReader scans: every thread count and batch size gives the same entries, batches never
// cross a cluster and are cut as asked, entry ranges start and stop inside clusters.
#include "arrowroot/scan/rntuple_reader.h"

#include <gtest/gtest.h>

#include <cstring>

#include "arrowroot/byte_source/byte_source.h"
#include "arrowroot/root_format/root_file.h"

namespace arrowroot::scan {
namespace {

// 200000 entries in 20 clusters of 10000; `event` (uint64) is 3 × the entry number.
std::shared_ptr<RNTupleReader> OpenLarge() {
  auto src = byte_source::OpenLocalFile(std::string(ARROWROOT_TESTDATA_DIR) +
                                        "/rntuple/rntuple_large_zstd.root");
  EXPECT_TRUE(src.ok()) << src.status().ToString();
  auto file = root_format::RootFile::Open(std::move(*src));
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  auto r = RNTupleReader::Open(*file, "ntpl");
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return *r;
}

/// The `event` values a scan gives, read through the batches' slices, and each batch's range.
struct Read {
  std::vector<uint64_t> events;
  std::vector<std::pair<uint64_t, uint64_t>> batches;  // first event, rows
};

Read ReadEvents(const RNTupleReader& r, ScanOptions o) {
  Read out;
  o.columns = {"event", "v"};
  auto stream = r.Scan(o);
  EXPECT_TRUE(stream.ok()) << stream.status().ToString();
  while (true) {
    auto batch = (*stream)->Next();
    EXPECT_TRUE(batch.ok()) << batch.status().ToString();
    if (!batch.ok() || !*batch) break;
    const auto& col = *(*batch)->columns[0];
    const to_arrow::ArrayData& data = col.base ? *col.base : col;
    const int64_t off = col.base ? col.offset : 0;
    for (int64_t i = 0; i < col.length; ++i) {
      uint64_t v;
      std::memcpy(&v, data.buffers[0].data() + 8 * (off + i), 8);
      out.events.push_back(v);
    }
    out.batches.emplace_back(out.events[out.events.size() - col.length], col.length);
  }
  return out;
}

TEST(RNTupleReader, ThreadsAndBatchSizesGiveTheSameEntriesAndBatchesStayInTheirCluster) {
  auto r = OpenLarge();
  ASSERT_EQ(r->num_entries(), 200000);
  auto offsets = r->CommonEntryOffsets({});
  ASSERT_TRUE(offsets.ok());
  ASSERT_EQ(offsets->size(), 21u);
  for (int threads : {1, 2}) {
    for (int64_t batch : {7000, 10000, 65536}) {
      SCOPED_TRACE(std::to_string(threads) + " threads, batches of " + std::to_string(batch));
      ScanOptions o;
      o.num_threads = threads;
      o.batch_size = batch;
      o.entry_start = 5000;
      o.entry_stop = 123457;
      Read got = ReadEvents(*r, o);
      ASSERT_EQ(got.events.size(), 118457u);
      for (size_t i = 0; i < got.events.size(); ++i) ASSERT_EQ(got.events[i], 3 * (5000 + i));
      for (auto [first, rows] : got.batches) {
        const uint64_t entry = first / 3;
        EXPECT_LE(rows, static_cast<uint64_t>(batch));
        EXPECT_EQ(entry / 10000, (entry + rows - 1) / 10000) << entry << "+" << rows;
      }
    }
  }
}

TEST(RNTupleReader, BadRangesAndUnknownFieldsAreErrors) {
  auto r = OpenLarge();
  ScanOptions o;
  o.entry_start = 10;
  o.entry_stop = 5;
  EXPECT_EQ(r->Scan(o).status().code(), StatusCode::kInvalidArgument);
  o = ScanOptions();
  o.columns = {"nope"};
  auto s = r->Scan(o);
  ASSERT_EQ(s.status().code(), StatusCode::kNotFound);
  EXPECT_NE(s.status().ToString().find("no field 'nope'"), std::string::npos);
  o = ScanOptions();
  o.entry_start = 300000;  // past the end: nothing, not an error
  auto empty = r->Scan(o);
  ASSERT_TRUE(empty.ok());
  auto b = (*empty)->Next();
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->has_value());
}

}  // namespace
}  // namespace arrowroot::scan
