// The connector's engine side without a JVM: describe (tree resolution, columns left out,
// clusters, Spark-ready schema) and scans (every batch laid out for Spark, offsets 0).
#include "connector.h"

#include <gtest/gtest.h>

#include <string>

namespace arrowroot::jni {
namespace {

std::string Data(const std::string& name) { return std::string(ARROWROOT_TESTDATA_DIR) + "/" + name; }

struct Schema {
  ArrowSchema s{};
  ~Schema() {
    if (s.release) s.release(&s);
  }
};

std::string ChildFormat(const ArrowSchema& s, const std::string& name) {
  for (int64_t i = 0; i < s.n_children; ++i) {
    if (name == s.children[i]->name) return s.children[i]->format;
  }
  return "";
}

void ExpectNoOffsets(const ArrowArray& a) {
  EXPECT_EQ(a.offset, 0);
  for (int64_t i = 0; i < a.n_children; ++i) ExpectNoOffsets(*a.children[i]);
}

TEST(ConnectorTest, DescribesTheOnlyTreeOfAFile) {
  Schema schema;
  auto d = Describe(Data("uproot-HZZ.root"), "", {}, {}, {}, &schema.s);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->tree, "events");
  EXPECT_EQ(d->num_entries, 2421);
  ASSERT_GE(d->clusters.size(), 2u);
  EXPECT_EQ(d->clusters.front(), 0);
  EXPECT_EQ(d->clusters.back(), 2421);
  EXPECT_GT(d->bytes_per_entry, 0);
  EXPECT_TRUE(d->left_out.empty());
  EXPECT_TRUE(d->columns.empty());  // every column
  EXPECT_EQ(ChildFormat(schema.s, "NMuon"), "i");
  EXPECT_EQ(ChildFormat(schema.s, "Muon_Px"), "+l");
}

TEST(ConnectorTest, SeveralTreesNeedANameAndTheMessageListsThem) {
  Schema schema;
  auto d = Describe(Data("uproot-nesteddirs.root"), "", {}, {}, {}, &schema.s);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(d.status().message().find("holds 3 trees"), std::string::npos) << d.status().message();
  EXPECT_NE(d.status().message().find("option('tree'"), std::string::npos);
  EXPECT_EQ(schema.s.release, nullptr);
}

TEST(ConnectorTest, UnionColumnsAreLeftOutUnlessNamed) {
  const std::string path = Data("rntuple/rntuple_records_zstd.root");
  Schema all;
  auto d = Describe(path, "ntpl", {}, {}, {}, &all.s);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(d->left_out.size(), 3u);
  EXPECT_EQ(d->left_out[0].rfind("variant_i32_f32_str (", 0), 0u) << d->left_out[0];
  EXPECT_EQ(static_cast<int64_t>(d->columns.size()), all.s.n_children);
  EXPECT_EQ(ChildFormat(all.s, "variant_i32_f32_str"), "");
  EXPECT_EQ(ChildFormat(all.s, "n_tracks"), "l");       // uint64 widened
  EXPECT_EQ(ChildFormat(all.s, "n_points32"), "l");     // uint32 widened

  Schema named;
  auto refused = Describe(path, "ntpl", {"variant_i32_f32_str"}, {}, {}, &named.s);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(refused.status().ToString().find("variant_i32_f32_str"), std::string::npos);
}

TEST(ConnectorTest, ScanBatchesHaveSparkLayoutAndNoOffsets) {
  ScanOptions options;
  options.batch_size = 7;  // RNTuple batches are slices of a cluster: offsets != 0 inside
  options.num_threads = 1;
  options.columns = {"b", "u8", "u16", "u32", "i64", "f32", "d_quant7", "u32_split"};
  auto scan = SparkScan::Open(Data("rntuple/rntuple_fundamentals_zstd.root"), "ntpl", options, {});
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  Schema schema;
  ASSERT_TRUE((*scan)->Schema(&schema.s).ok());
  EXPECT_EQ(ChildFormat(schema.s, "u32"), "l");
  EXPECT_EQ(ChildFormat(schema.s, "u8"), "s");
  int64_t entries = 0;
  int batches = 0;
  while (true) {
    ArrowArray batch{};
    auto more = (*scan)->Next(&batch);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    ExpectNoOffsets(batch);
    EXPECT_LE(batch.length, 7);
    entries += batch.length;
    ++batches;
    batch.release(&batch);
  }
  EXPECT_EQ(entries, 300);
  EXPECT_GE(batches, 43);  // ceil(300 / 7), more where a batch ends at a cluster's end
  EXPECT_EQ((*scan)->entries_read(), 300);
  EXPECT_GT((*scan)->io_stats().num_requests, 0u);
}

TEST(ConnectorTest, AnUnsignedValueSparkCannotHoldFailsNamingFileTreeAndEntries) {
  ScanOptions options;
  options.columns = {"u64"};
  options.batch_size = 10;
  options.num_threads = 1;
  auto scan = SparkScan::Open(Data("rntuple/rntuple_fundamentals_zstd.root"), "ntpl", options, {});
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  ArrowArray batch{};
  auto more = (*scan)->Next(&batch);
  ASSERT_FALSE(more.ok());
  const std::string text = more.status().ToString();
  EXPECT_EQ(more.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(text.find("rntuple_fundamentals_zstd.root' tree 'ntpl', entries [0, 10)"),
            std::string::npos) << text;
  EXPECT_NE(text.find("column 'u64'"), std::string::npos) << text;
  EXPECT_EQ(batch.release, nullptr);
}

TEST(ConnectorTest, MissingFileAndBranchNameThemselves) {
  Schema schema;
  auto missing = Describe(Data("no-such-file.root"), "", {}, {}, {}, &schema.s);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().ToString().find("no-such-file.root"), std::string::npos);

  auto branch = Describe(Data("uproot-HZZ.root"), "events", {"Muon_Pz", "nope"}, {}, {}, &schema.s);
  ASSERT_FALSE(branch.ok());
  EXPECT_EQ(branch.status().code(), StatusCode::kNotFound);
  EXPECT_NE(branch.status().ToString().find("nope"), std::string::npos);

  ScanOptions options;
  options.columns = {"Muon_Pz"};
  options.entry_start = 5000;  // past the end: InvalidArgument before any batch, or none
  auto scan = SparkScan::Open(Data("uproot-HZZ.root"), "nope", options, {});
  ASSERT_FALSE(scan.ok());
  EXPECT_NE(scan.status().ToString().find("nope"), std::string::npos);
}

}  // namespace
}  // namespace arrowroot::jni

namespace arrowroot::jni {
namespace {

TEST(ConnectorTest, NestedFieldsNarrowTheSchemaAndTheBytesPerEntry) {
  const std::string path = Data("rntuple/rntuple_records_zstd.root");
  Schema whole, pruned;
  auto all = Describe(path, "ntpl", {"tracks"}, {}, {}, &whole.s);
  auto some = Describe(path, "ntpl", {"tracks"}, {{"tracks", "pt"}}, {}, &pruned.s);
  ASSERT_TRUE(all.ok() && some.ok()) << some.status().ToString();
  EXPECT_LT(some->bytes_per_entry, all->bytes_per_entry);
  // list<struct<pt>>: the list's item struct keeps one field.
  ASSERT_EQ(pruned.s.n_children, 1);
  const ArrowSchema& item = *pruned.s.children[0]->children[0];
  ASSERT_EQ(item.n_children, 1);
  EXPECT_STREQ(item.children[0]->name, "pt");
  EXPECT_GT(whole.s.children[0]->children[0]->n_children, 1);
}

TEST(ConnectorTest, ARecordReadAloneKeepsItsFields) {
  for (const char* column : {"track", "uptr_point"}) {
    ScanOptions options;
    options.columns = {column};
    options.num_threads = 1;
    auto scan = SparkScan::Open(Data("rntuple/rntuple_records_zstd.root"), "ntpl", options, {});
    ASSERT_TRUE(scan.ok()) << scan.status().ToString();
    Schema schema;
    ASSERT_TRUE((*scan)->Schema(&schema.s).ok());
    ASSERT_EQ(schema.s.n_children, 1);
    const int64_t fields = schema.s.children[0]->n_children;
    ASSERT_GT(fields, 0);
    ArrowArray batch{};
    auto more = (*scan)->Next(&batch);
    ASSERT_TRUE(more.ok() && *more) << more.status().ToString();
    ASSERT_EQ(batch.n_children, 1);
    EXPECT_EQ(batch.children[0]->n_children, fields) << column;
    batch.release(&batch);
  }
}

}  // namespace
}  // namespace arrowroot::jni
