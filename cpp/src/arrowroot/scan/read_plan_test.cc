#include "arrowroot/scan/read_plan.h"

#include <gtest/gtest.h>

#include <fstream>
#include <stop_token>
#include <string>
#include <vector>

#include "arrowroot/byte_source/byte_source.h"
#include "arrowroot/root_format/root_file.h"
#include "arrowroot/scan/tree_reader.h"

namespace arrowroot::scan {
namespace {

struct CoalesceCase {
  const char* name;
  std::vector<ByteRange> ranges;
  CoalesceOptions options;
  std::vector<ByteRange> expected;  // the requests, in order
};

TEST(CoalesceRanges, MergesNeighboursWithinGapAndSizeLimits) {
  const CoalesceOptions gap10{10, 0.0, 100};
  const std::vector<CoalesceCase> cases = {
      {"empty input", {}, gap10, {}},
      {"one range", {{5, 10}}, gap10, {{5, 10}}},
      {"adjacent ranges merge", {{0, 10}, {10, 10}}, gap10, {{0, 20}}},
      {"gap at the limit merges", {{0, 10}, {20, 5}}, gap10, {{0, 25}}},
      {"gap over the limit splits", {{0, 10}, {21, 5}}, gap10, {{0, 10}, {21, 5}}},
      {"unsorted input is sorted", {{50, 5}, {0, 10}, {12, 3}}, gap10, {{0, 15}, {50, 5}}},
      {"size limit splits", {{0, 60}, {60, 60}}, gap10, {{0, 60}, {60, 60}}},
      {"a range over the size limit stays whole", {{0, 500}}, gap10, {{0, 500}}},
      {"duplicates and overlaps", {{0, 10}, {0, 10}, {5, 10}}, gap10, {{0, 15}}},
      {"contained range joins even past the size limit", {{0, 500}, {100, 10}}, gap10, {{0, 500}}},
      {"empty ranges are ignored", {{0, 0}, {7, 3}}, gap10, {{7, 3}}},
      {"zero gap merges only touching", {{0, 10}, {10, 1}, {12, 1}}, {0, 0.0, 100}, {{0, 11}, {12, 1}}},
      // Waste ratio 0.5: a gap up to half the wanted bytes so far joins.
      {"small wanted bytes keep a big gap out", {{0, 10}, {30, 10}}, {0, 0.5, 1000}, {{0, 10}, {30, 10}}},
      {"enough wanted bytes take the gap in", {{0, 40}, {40, 40}, {120, 10}}, {0, 0.5, 1000}, {{0, 130}}},
      {"gaps count as unwanted", {{0, 40}, {60, 10}, {100, 10}}, {0, 0.5, 1000}, {{0, 70}, {100, 10}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto reads = CoalesceRanges(c.ranges, c.options);
    ASSERT_EQ(reads.size(), c.expected.size());
    size_t members = 0;
    for (size_t i = 0; i < reads.size(); ++i) {
      EXPECT_EQ(reads[i].range.offset, c.expected[i].offset);
      EXPECT_EQ(reads[i].range.length, c.expected[i].length);
      for (size_t m : reads[i].members) {
        const ByteRange& r = c.ranges[m];
        EXPECT_GE(r.offset, reads[i].range.offset);
        EXPECT_LE(r.offset + r.length, reads[i].range.offset + reads[i].range.length);
      }
      members += reads[i].members.size();
    }
    size_t non_empty = 0;
    for (const auto& r : c.ranges) non_empty += r.length > 0;
    EXPECT_EQ(members, non_empty);  // every range served exactly once
  }
}

Bytes Counting(size_t n) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<std::byte>(i * 7 % 251);
  return b;
}

TEST(FetchRanges, ReturnsEachRangeInInputOrderWithFewRequests) {
  const Bytes data = Counting(10000);
  auto src = byte_source::MakeMemorySource(data, "mem");
  std::vector<ByteRange> ranges = {{9000, 100}, {0, 10}, {20, 30}, {0, 0}, {5000, 1}, {40, 5}};
  for (int in_flight : {1, 4}) {
    auto got = FetchRanges(*src, ranges, CoalesceOptions{100, 0.0, 1 << 20}, in_flight);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ASSERT_EQ(got->size(), ranges.size());
    for (size_t i = 0; i < ranges.size(); ++i) {
      ASSERT_EQ((*got)[i].size(), ranges[i].length);
      for (size_t k = 0; k < ranges[i].length; ++k) {
        ASSERT_EQ((*got)[i][k], data[ranges[i].offset + k]);
      }
    }
  }
  // Requests: [0,45) merged; 5000 and 9000 alone; twice (two runs).
  EXPECT_EQ(src->stats().num_requests.load(), 6u);
}

TEST(FetchRanges, AnErrorNamesTheRange) {
  auto src = byte_source::MakeMemorySource(Counting(100), "mem");
  auto got = FetchRanges(*src, {{0, 10}, {95, 10}}, CoalesceOptions{0, 0.0, 1 << 20}, 2);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().ToString().find("past the end"), std::string::npos);
}

TEST(FetchRanges, AStopRequestedSkipsTheRequestsNotStarted) {
  auto src = byte_source::MakeMemorySource(Counting(1000), "mem");
  std::stop_source stop;
  stop.request_stop();
  for (int in_flight : {1, 4}) {
    auto got = FetchRanges(*src, {{0, 10}, {500, 10}, {900, 10}}, CoalesceOptions{0, 0.0, 1 << 20},
                           in_flight, stop.get_token());
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().code(), StatusCode::kCancelled);
  }
  EXPECT_EQ(src->stats().num_requests.load(), 0u);
}

std::string TestFile(const std::string& name) { return std::string(ARROWROOT_TESTDATA_DIR) + "/" + name; }

std::vector<std::string> Dump(BatchReader& reader) {
  std::vector<std::string> out;
  while (true) {
    auto b = reader.Next();
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    if (!b.ok() || !b->has_value()) break;
    for (const auto& col : (**b).columns) {
      std::string s;
      for (const auto& buf : col->buffers) s.append(reinterpret_cast<const char*>(buf.data()), buf.size());
      for (const auto& child : col->children) {
        for (const auto& buf : child->buffers) s.append(reinterpret_cast<const char*>(buf.data()), buf.size());
      }
      out.push_back(std::move(s));
    }
  }
  return out;
}

TEST(Prefetch, SameBatchesWithFewerRequestsThanBasketByBasket) {
  // uproot-foriter.root: 46 entries in baskets of 6; coalesced reads cover many at once.
  for (int64_t budget : {int64_t{1} << 30, int64_t{300}}) {
    SCOPED_TRACE("prefetch budget " + std::to_string(budget));
    std::vector<std::string> results[2];
    uint64_t requests[2];
    uint64_t prefetched = 0;
    for (int mode = 0; mode < 2; ++mode) {
      auto src = byte_source::OpenLocalFile(TestFile("uproot-foriter.root"));
      ASSERT_TRUE(src.ok());
      auto file = root_format::RootFile::Open(*src);
      ASSERT_TRUE(file.ok());
      auto tree = TreeReader::Open(*file, "foriter");
      ASSERT_TRUE(tree.ok());
      ScanOptions o;
      o.batch_size = 7;  // batches cut baskets
      o.prefetch = mode == 0 ? ScanOptions::Prefetch::kNever : ScanOptions::Prefetch::kAlways;
      o.max_prefetch_bytes = static_cast<uint64_t>(budget);
      const uint64_t before = (*src)->stats().num_requests.load();
      auto reader = (*tree)->Scan(o);
      ASSERT_TRUE(reader.ok());
      results[mode] = Dump(**reader);
      requests[mode] = (*src)->stats().num_requests.load() - before;
      if (mode == 1) prefetched = (*reader)->stats().num_prefetched_baskets;
    }
    EXPECT_EQ(results[0], results[1]);
    EXPECT_GT(prefetched, 0u);
    if (budget > 1000) {
      EXPECT_EQ(requests[1], 1u);  // every basket in one request
      EXPECT_GT(requests[0], 5u);
    } else {
      EXPECT_LT(requests[1], requests[0]);
    }
  }
}

TEST(Threads, EveryTestFileDecodesTheSameWithOneAndFourThreads) {
  const char* files[][2] = {{"uproot-HZZ.root", "events"},
                            {"uproot-mc10events.root", "Events"},
                            {"uproot-small-dy-nooffsets.root", "tree"},
                            {"uproot-stl_containers.root", "tree"},
                            {"nanoAOD_2015_CMS_Open_Data_ttbar.root", "Events"},
                            {"uproot-small-evnt-tree-fullsplit.root", "tree"}};
  for (const auto& [name, tree_name] : files) {
    SCOPED_TRACE(name);
    std::vector<std::string> results[2];
    for (int mode = 0; mode < 2; ++mode) {
      auto src = byte_source::OpenLocalFile(TestFile(name));
      ASSERT_TRUE(src.ok());
      auto file = root_format::RootFile::Open(*src);
      ASSERT_TRUE(file.ok());
      auto tree = TreeReader::Open(*file, tree_name);
      ASSERT_TRUE(tree.ok());
      ScanOptions o;
      o.num_threads = mode == 0 ? 1 : 4;
      o.batch_size = 37;  // many chunks, batches cutting baskets
      auto reader = (*tree)->Scan(o);
      ASSERT_TRUE(reader.ok()) << reader.status().ToString();
      results[mode] = Dump(**reader);
      EXPECT_GT((*reader)->stats().num_baskets, 0u);
    }
    EXPECT_EQ(results[0], results[1]);
  }
}

Result<std::shared_ptr<TreeReader>> OpenTree(const std::string& path, const std::string& tree) {
  ASSIGN_OR_RETURN(auto src, byte_source::OpenLocalFile(path));
  ASSIGN_OR_RETURN(auto file, root_format::RootFile::Open(std::move(src)));
  return TreeReader::Open(std::move(file), tree);
}

TEST(BasketLoader, AReaderDestroyedMidScanStopsItsLoadsAhead) {
  // Loads ahead (pool tasks on local reads; a background window fetch when prefetching) are
  // still queued or running when the reader goes: they must stop, not outlive it (ASan).
  for (auto mode : {ScanOptions::Prefetch::kNever, ScanOptions::Prefetch::kAlways}) {
    for (int threads : {1, 4}) {
      SCOPED_TRACE(std::to_string(threads) + " threads, prefetch " +
                   (mode == ScanOptions::Prefetch::kNever ? "never" : "always"));
      auto tree = OpenTree(TestFile("uproot-foriter.root"), "foriter");
      ASSERT_TRUE(tree.ok()) << tree.status().ToString();
      ScanOptions o;
      o.batch_size = 7;
      o.num_threads = threads;
      o.prefetch = mode;
      o.max_prefetch_bytes = 300;  // several windows: one is fetched in the background
      auto reader = (*tree)->Scan(o);
      ASSERT_TRUE(reader.ok());
      auto batch = (*reader)->Next();
      ASSERT_TRUE(batch.ok() && batch->has_value());
      EXPECT_EQ((*batch)->num_rows, 7);
      reader->reset();
    }
  }
}

}  // namespace
}  // namespace arrowroot::scan
