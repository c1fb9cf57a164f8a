// Tests for TreeReader / BatchReader on real files: schema, entry ranges and batching,
// basket boundaries, offset-less baskets, empty trees and the ArrowArrayStream export.
#include <gtest/gtest.h>

#include <algorithm>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "arrowroot/byte_source/byte_source.h"
#include "arrowroot/root_format/basket.h"
#include "arrowroot/root_format/root_file.h"
#include "arrowroot/scan/tree_reader.h"
#include "testing/shared_corpus.h"

namespace arrowroot::scan {
namespace {

using to_arrow::ArrayData;
using to_arrow::TypeId;

std::string TestFile(const std::string& name) { return std::string(ARROWROOT_TESTDATA_DIR) + "/" + name; }

Result<std::shared_ptr<TreeReader>> OpenTree(std::shared_ptr<byte_source::ByteSource> src,
                                             const std::string& tree) {
  ASSIGN_OR_RETURN(auto f, root_format::RootFile::Open(std::move(src)));
  return TreeReader::Open(std::move(f), tree);
}

Result<std::shared_ptr<TreeReader>> OpenTree(const std::string& file, const std::string& tree) {
  ASSIGN_OR_RETURN(auto src, byte_source::OpenLocalFile(TestFile(file)));
  return OpenTree(std::move(src), tree);
}

template <typename T>
std::vector<T> ValuesOf(const ArrayData& a) {
  std::vector<T> out(static_cast<size_t>(a.length));
  if (!out.empty()) std::memcpy(out.data(), a.buffers[0].data(), out.size() * sizeof(T));
  return out;
}

/// Every batch of a scan.
Result<std::vector<to_arrow::RecordBatch>> ReadAll(const TreeReader& r, const ScanOptions& o) {
  ASSIGN_OR_RETURN(auto reader, r.Scan(o));
  std::vector<to_arrow::RecordBatch> out;
  while (true) {
    ASSIGN_OR_RETURN(auto b, reader->Next());
    if (!b) break;
    out.push_back(std::move(*b));
  }
  return out;
}

TEST(TreeReader, ZmumuColumnsHaveNamesAndTypes) {
  auto r = OpenTree("uproot-Zmumu.root", "events");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& cols = (*r)->columns();
  ASSERT_EQ(cols.size(), 20u);
  EXPECT_EQ((*r)->num_entries(), 2304);
  EXPECT_EQ(cols[0].name, "Type");
  EXPECT_EQ(cols[0].root_type, "char*");
  ASSERT_TRUE(cols[0].type);
  EXPECT_EQ(cols[0].type->id, TypeId::kUtf8);
  EXPECT_EQ(cols[1].name, "Run");
  EXPECT_EQ(cols[1].type->id, TypeId::kInt32);
  EXPECT_EQ(cols[4].name, "px1");
  EXPECT_EQ(cols[4].root_type, "Double_t");
  EXPECT_EQ(cols[4].type->id, TypeId::kFloat64);
  EXPECT_EQ(cols[19].name, "M");
  for (const auto& c : cols) EXPECT_TRUE(c.status.ok()) << c.name;
}

TEST(TreeReader, EntryRangeIsSplitIntoBatches) {
  auto r = OpenTree("uproot-Zmumu.root", "events");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ScanOptions all;
  all.columns = {"px1"};
  auto full = ReadAll(**r, all);
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  std::vector<double> every;
  for (const auto& b : *full) {
    auto v = ValuesOf<double>(*b.columns[0]);
    every.insert(every.end(), v.begin(), v.end());
  }
  ASSERT_EQ(every.size(), 2304u);

  ScanOptions o;
  o.columns = {"px1"};
  o.entry_start = 10;
  o.entry_stop = 20;
  o.batch_size = 4;
  auto batches = ReadAll(**r, o);
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  ASSERT_EQ(batches->size(), 3u);
  std::vector<int64_t> rows;
  std::vector<double> got;
  for (const auto& b : *batches) {
    rows.push_back(b.num_rows);
    ASSERT_EQ(b.fields.size(), 1u);
    EXPECT_EQ(b.fields[0].name, "px1");
    ASSERT_EQ(b.columns.size(), 1u);
    EXPECT_EQ(b.columns[0]->length, b.num_rows);
    auto v = ValuesOf<double>(*b.columns[0]);
    got.insert(got.end(), v.begin(), v.end());
  }
  EXPECT_EQ(rows, (std::vector<int64_t>{4, 4, 2}));
  EXPECT_EQ(got, std::vector<double>(every.begin() + 10, every.begin() + 20));
}

TEST(TreeReader, StatsCountEntriesAndBaskets) {
  auto r = OpenTree("uproot-Zmumu.root", "events");
  ASSERT_TRUE(r.ok());
  ScanOptions o;
  o.columns = {"px1", "Type"};
  auto reader = (*r)->Scan(o);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  int64_t rows = 0;
  while (true) {
    auto b = (*reader)->Next();
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    if (!*b) break;
    rows += (*b)->num_rows;
  }
  EXPECT_EQ(rows, 2304);
  EXPECT_EQ((*reader)->stats().num_entries, 2304u);
  EXPECT_GT((*reader)->stats().num_baskets, 1u);
  EXPECT_GT((*reader)->stats().num_uncompressed_bytes, (*reader)->stats().num_basket_bytes);
}

TEST(TreeReader, UnknownColumnIsNotFoundNamingIt) {
  auto r = OpenTree("uproot-Zmumu.root", "events");
  ASSERT_TRUE(r.ok());
  ScanOptions o;
  o.columns = {"no_such_branch"};
  auto reader = (*r)->Scan(o);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kNotFound);
  EXPECT_NE(reader.status().ToString().find("no_such_branch"), std::string::npos)
      << reader.status().ToString();
}

TEST(TreeReader, BadRangeOrBatchSizeIsInvalidArgument) {
  auto r = OpenTree("uproot-Zmumu.root", "events");
  ASSERT_TRUE(r.ok());
  ScanOptions neg;
  neg.entry_start = -1;
  EXPECT_EQ((*r)->Scan(neg).status().code(), StatusCode::kInvalidArgument);
  ScanOptions zero;
  zero.batch_size = 0;
  EXPECT_EQ((*r)->Scan(zero).status().code(), StatusCode::kInvalidArgument);
}

TEST(TreeReader, TooManyThreadsIsInvalidArgument) {
  // threads=10**6 from Python used to start threads until the system had none left.
  auto r = OpenTree("uproot-Zmumu.root", "events");
  ASSERT_TRUE(r.ok());
  for (int n : {-1, kMaxThreads + 1, 1000000}) {
    ScanOptions o;
    o.num_threads = n;
    auto s = (*r)->Scan(o);
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument) << n;
  }
  ScanOptions two;
  two.num_threads = 2;
  EXPECT_TRUE((*r)->Scan(two).ok());
}

TEST(TreeReader, BytesPerEntryFollowsUncompressedBranchSizes) {
  auto r = OpenTree("uproot-Zmumu.root", "events");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // E1 is a double per entry; fTotBytes adds the baskets' key headers on top of 8 bytes.
  auto e1 = (*r)->BytesPerEntry({"E1"});
  ASSERT_TRUE(e1.ok()) << e1.status().ToString();
  EXPECT_GE(*e1, 8.0);
  EXPECT_LT(*e1, 9.0);
  auto both = (*r)->BytesPerEntry({"E1", "E2"});
  ASSERT_TRUE(both.ok());
  EXPECT_NEAR(*both, 2 * *e1, 0.5);
  auto all = (*r)->BytesPerEntry({});
  ASSERT_TRUE(all.ok());
  EXPECT_GT(*all, *both);
  EXPECT_EQ((*r)->BytesPerEntry({"nope"}).status().code(), StatusCode::kNotFound);
}

TEST(TreeReader, MissingTreeIsNotFound) {
  auto r = OpenTree("uproot-Zmumu.root", "nope");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

TEST(TreeReader, CommonEntryOffsetsOfForiter) {
  auto r = OpenTree("uproot-foriter.root", "foriter");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto offs = (*r)->CommonEntryOffsets({});
  ASSERT_TRUE(offs.ok()) << offs.status().ToString();
  EXPECT_EQ(*offs, (std::vector<int64_t>{0, 6, 12, 18, 24, 30, 36, 42, 46}));
  auto named = (*r)->CommonEntryOffsets({"data"});
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(*named, *offs);
}

TEST(TreeReader, CommonEntryOffsetsOfAnUnknownColumnIsNotFound) {
  // It used to leave unknown names out silently and answer for no column at all.
  auto r = OpenTree("uproot-foriter.root", "foriter");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto offs = (*r)->CommonEntryOffsets({"data", "no_such_branch"});
  ASSERT_FALSE(offs.ok());
  EXPECT_EQ(offs.status().code(), StatusCode::kNotFound);
  EXPECT_NE(offs.status().ToString().find("no_such_branch"), std::string::npos);
}

TEST(DecodeBasketKeyAt, RejectsAnotherBranchsBasketOfTheSameSize) {
  // px1 and py1 have baskets of the same size: a px1 seek redirected to py1's basket read
  // py1's values as px1's without complaint (found by tests/test_corrupt_corpus.py).
  auto r = OpenTree("uproot-Zmumu-uncompressed.root", "events");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const root_format::Branch* px1 = (*r)->tree().FindBranch("px1");
  const root_format::Branch* py1 = (*r)->tree().FindBranch("py1");
  ASSERT_NE(px1, nullptr);
  ASSERT_NE(py1, nullptr);
  ASSERT_EQ(px1->basket_bytes[0], py1->basket_bytes[0]);  // the premise
  const auto seek = static_cast<uint64_t>(py1->basket_seek[0]);
  auto read = [&] {
    return (*r)->file().source()->Read(
        ByteRange{seek, static_cast<uint64_t>(py1->basket_bytes[0])});
  };
  auto raw = read();
  ASSERT_TRUE(raw.ok());
  auto own = root_format::DecodeBasketKey(std::move(*raw), seek, "py1");
  EXPECT_TRUE(own.ok()) << own.status().ToString();

  raw = read();
  auto other = root_format::DecodeBasketKey(std::move(*raw), seek, "px1");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), StatusCode::kCorruption);
  EXPECT_NE(other.status().ToString().find("'py1'"), std::string::npos)
      << other.status().ToString();

  // A key read from somewhere other than where it says it was written.
  raw = read();
  auto moved = root_format::DecodeBasketKey(std::move(*raw), seek + 64, "py1");
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.status().code(), StatusCode::kCorruption);
  EXPECT_NE(moved.status().ToString().find("fSeekKey"), std::string::npos);
}

TEST(TreeReader, OffsetlessBasketsTakeCountsFromCounterBranch) {
  auto r = OpenTree("uproot-small-dy-nooffsets.root", "tree");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // The premise: Muon_pt's baskets carry no entry-offset table.
  const root_format::Branch* b = (*r)->tree().FindBranch("Muon_pt");
  ASSERT_NE(b, nullptr);
  ASSERT_GE(b->write_basket, 1);
  auto raw = (*r)->file().source()->Read(
      ByteRange{static_cast<uint64_t>(b->basket_seek[0]), static_cast<uint64_t>(b->basket_bytes[0])});
  ASSERT_TRUE(raw.ok());
  auto basket = root_format::DecodeBasketKey(*raw);
  ASSERT_TRUE(basket.ok()) << basket.status().ToString();
  EXPECT_FALSE(basket->has_entry_offsets());

  ScanOptions o;
  o.columns = {"Muon_pt", "nMuon"};
  o.batch_size = 128;  // batches that straddle basket boundaries
  auto batches = ReadAll(**r, o);
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  int64_t rows = 0;
  int64_t total_muons = 0;
  for (const auto& batch : *batches) {
    const ArrayData& pt = *batch.columns[0];
    const ArrayData& n = *batch.columns[1];
    ASSERT_EQ(pt.type->id, TypeId::kList);
    ASSERT_EQ(n.type->id, TypeId::kUInt32);
    std::vector<int32_t> offsets(static_cast<size_t>(pt.length) + 1);
    ASSERT_GE(pt.buffers[0].size(), offsets.size() * 4);
    std::memcpy(offsets.data(), pt.buffers[0].data(), offsets.size() * 4);
    auto counts = ValuesOf<uint32_t>(n);
    for (int64_t i = 0; i < pt.length; ++i) {
      size_t k = static_cast<size_t>(i);
      EXPECT_EQ(static_cast<uint32_t>(offsets[k + 1] - offsets[k]), counts[k]) << "row " << rows + i;
      total_muons += counts[k];
    }
    EXPECT_EQ(pt.children[0]->length, offsets.back());
    rows += batch.num_rows;
  }
  EXPECT_EQ(rows, 501);
  EXPECT_GT(total_muons, 0);

  // Reading Muon_pt alone also works (the reader fetches nMuon itself).
  ScanOptions alone;
  alone.columns = {"Muon_pt"};
  alone.entry_start = 250;
  auto only = ReadAll(**r, alone);
  ASSERT_TRUE(only.ok()) << only.status().ToString();
  ASSERT_EQ(only->size(), 1u);
  EXPECT_EQ((*only)[0].num_rows, 251);
}

TEST(TreeReader, EmptyTreeYieldsNoBatch) {
  auto r = OpenTree("uproot-empty.root", "tree");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->num_entries(), 0);
  EXPECT_EQ((*r)->columns().size(), 3u);
  auto reader = (*r)->Scan(ScanOptions{});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->schema().size(), 3u);
  auto b = (*reader)->Next();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_FALSE(b->has_value());
}

// ---- What a branch holds: fBaskets slots, entries past fEntries ----

/// Rows of a scan of `columns` (every batch), or the error.
Result<int64_t> CountRows(const TreeReader& r, const std::vector<std::string>& columns) {
  ScanOptions o;
  o.columns = columns;
  ASSIGN_OR_RETURN(auto batches, ReadAll(r, o));
  int64_t n = 0;
  for (const auto& b : batches) n += b.num_rows;
  return n;
}

// uproot-issue327.root DstTree (98 entries): the members of fTracks/fTracks2 were never filled
// (fEntries 0, no basket). ROOT reads nothing for them (TBranch::GetBasketAndFirst): every
// entry of the tree is a null there, alone or next to a filled branch, never Corruption.
TEST(TreeReader, BranchNeverFilledGivesNullsForTheTreesEntries) {
  auto r = OpenTree("uproot-issue327.root", "DstTree");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->num_entries(), 98);
  const std::string empty = "Event/AliReducedBaseEvent/fTracks/fTracks.fMCFlags";
  const std::string filled = "Event/AliReducedBaseEvent/fRunNo";
  ScanOptions o;
  o.columns = {filled, empty};
  auto run = ReadAll(**r, o);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  int64_t rows = 0, nulls = 0;
  for (const auto& batch : *run) {
    rows += batch.num_rows;
    EXPECT_EQ(batch.columns[0]->null_count, 0);
    nulls += batch.columns[1]->null_count;
  }
  EXPECT_EQ(rows, 98);
  EXPECT_EQ(nulls, 98);
  EXPECT_EQ(ValuesOf<int32_t>(*(*run)[0].columns[0])[0], 246994);  // as uproot reads it
  auto alone = CountRows(**r, {empty});
  ASSERT_TRUE(alone.ok()) << alone.status().ToString();
  EXPECT_EQ(*alone, 98);
  // The schema says so: the never-filled column may hold nulls, the filled one not.
  const auto& columns = (*r)->columns();
  auto info = [&](const std::string& n) {
    return *std::find_if(columns.begin(), columns.end(), [&](const ColumnInfo& c) { return c.name == n; });
  };
  EXPECT_TRUE(info(empty).nullable);
  EXPECT_FALSE(info(filled).nullable);
}

// string-example.root (LHCb): tree Refs has fEntries 0, but its branch Params was filled on
// its own with 2 strings. A tree of 0 entries gives 0 rows, as ROOT's TTree::GetEntries() and
// uproot's tree.arrays() count them (uproot's branch.array() alone reads the 2).
TEST(TreeReader, BranchFilledPastTheTreesEntriesStopsAtTheTreesEntries) {
  auto r = OpenTree("string-example.root", "Refs");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->num_entries(), 0);
  EXPECT_EQ((*r)->tree().FindBranch("Params")->entries, 2);
  auto rows = CountRows(**r, {"Params"});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(*rows, 0);
}

// uproot-issue413.root: each branch's one basket is a key (fBasketSeek 327, ...) and also
// sits in fBaskets slot 0 as a header without its buffer. The key holds the data.
TEST(TreeReader, HeaderOnlyBasketInItsSlotIsReadFromItsKey) {
  auto r = OpenTree("uproot-issue413.root", "mytree");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const root_format::Branch* i32 = (*r)->tree().FindBranch("I32");
  ASSERT_NE(i32, nullptr);
  ASSERT_EQ(i32->embedded_baskets.size(), 1u);
  EXPECT_EQ(i32->embedded_baskets[0]->slot, 0);
  EXPECT_FALSE(i32->embedded_baskets[0]->has_buffer);
  EXPECT_EQ(i32->embedded_baskets[0]->nev_buf, 5);
  EXPECT_EQ(i32->basket_seek[0], 327);
  ScanOptions o;
  o.columns = {"I32", "F64"};
  auto batches = ReadAll(**r, o);
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  ASSERT_EQ(batches->size(), 1u);
  EXPECT_EQ(ValuesOf<int32_t>(*(*batches)[0].columns[0]), (std::vector<int32_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(ValuesOf<double>(*(*batches)[0].columns[1]),
            (std::vector<double>{0.0, 1.0, 2.0, 3.0, 4.0}));
}

// uproot-issue232.root (ROOT 6.10, 1.2 MB: read from the shared corpus when it is there): a
// file ROOT did not close properly. Branch Event/fXvtx has fWriteBasket 1 but fBasketSeek and
// fBasketBytes 0: both of its baskets (7981 and 3288 entries) are in fBaskets, slots 0 and 1.
TEST(TreeReader, BasketsStillInMemoryAreReadFromTheTreeRecord) {
  const std::string path = testing::SharedCorpusFile("uproot-issue232.root");
  if (path.empty()) {
    GTEST_SKIP() << "the shared corpus (../shared/testdata/corpus) is not on this machine";
  }
  auto src = byte_source::OpenLocalFile(path);
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  auto r = OpenTree(*src, "fTreeV0");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->num_entries(), 11269);
  ScanOptions o;
  o.columns = {"Event/fXvtx"};
  auto batches = ReadAll(**r, o);
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  std::vector<double> all;  // Double32_t, read as float64
  for (const auto& b : *batches) {
    auto v = ValuesOf<double>(*b.columns[0]);
    all.insert(all.end(), v.begin(), v.end());
  }
  ASSERT_EQ(all.size(), 11269u);
  // As uproot reads them: each side of the boundary between the two baskets, and the last.
  EXPECT_EQ(all[0], 0.072021484375);
  EXPECT_EQ(all[7980], 0.0787353515625);
  EXPECT_EQ(all[7981], 0.0726318359375);
  EXPECT_EQ(all[11268], 0.078125);
}

// ---- ArrowArrayStream ----

TEST(ExportStream, SchemaThenBatchesThenEnd) {
  auto r = OpenTree("uproot-Zmumu.root", "events");
  ASSERT_TRUE(r.ok());
  ScanOptions o;
  o.columns = {"Run", "px1", "Type"};
  o.batch_size = 1000;
  auto reader = (*r)->Scan(o);
  ASSERT_TRUE(reader.ok());
  ArrowArrayStream stream;
  BatchReader::ExportStream(std::move(*reader), &stream);
  ASSERT_NE(stream.release, nullptr);

  ArrowSchema schema;
  ASSERT_EQ(stream.get_schema(&stream, &schema), 0);
  EXPECT_STREQ(schema.format, "+s");
  ASSERT_EQ(schema.n_children, 3);
  EXPECT_STREQ(schema.children[0]->name, "Run");
  EXPECT_STREQ(schema.children[0]->format, "i");
  EXPECT_STREQ(schema.children[1]->format, "g");
  EXPECT_STREQ(schema.children[2]->format, "u");
  schema.release(&schema);
  EXPECT_EQ(schema.release, nullptr);

  std::vector<int64_t> lengths;
  for (int guard = 0; guard < 100; ++guard) {
    ArrowArray arr;
    ASSERT_EQ(stream.get_next(&stream, &arr), 0) << stream.get_last_error(&stream);
    if (arr.release == nullptr) break;
    EXPECT_EQ(arr.n_children, 3);
    EXPECT_EQ(arr.children[1]->length, arr.length);
    lengths.push_back(arr.length);
    arr.release(&arr);
    EXPECT_EQ(arr.release, nullptr);
  }
  EXPECT_EQ(lengths, (std::vector<int64_t>{1000, 1000, 304}));
  stream.get_last_error(&stream);  // callable when there was no error
  stream.release(&stream);
  EXPECT_EQ(stream.release, nullptr);
}

/// A source whose bytes in one range cannot be read, as when a file is cut short by a
/// failed copy after its metadata was read.
class HoleSource : public byte_source::ByteSource {
 public:
  HoleSource(Bytes bytes, ByteRange hole) : bytes_(std::move(bytes)), hole_(hole) {}
  uint64_t size() const override { return bytes_.size(); }
  const std::string& name() const override { return name_; }
  Status ReadAt(uint64_t offset, std::span<std::byte> out) const override {
    RETURN_IF_ERROR(CheckRange(offset, out.size()));
    if (offset < hole_.end() && hole_.offset < offset + out.size()) {
      return Status::IOError("unexpected end of file at " + FormatRange(hole_.offset, hole_.length));
    }
    if (!out.empty()) std::memcpy(out.data(), bytes_.data() + offset, out.size());
    return Status::OK();
  }

 private:
  Bytes bytes_;
  ByteRange hole_;
  std::string name_ = "hole.root";
};

TEST(ExportStream, ReadErrorGivesErrorCodeAndMessageNamingTheBranch) {
  std::ifstream in(TestFile("uproot-Zmumu.root"), std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Bytes bytes(chars.size());
  std::memcpy(bytes.data(), chars.data(), chars.size());
  // Find px1's first basket through a clean open, then make exactly those bytes unreadable.
  auto clean = OpenTree(byte_source::MakeMemorySource(bytes, "clean.root"), "events");
  ASSERT_TRUE(clean.ok());
  const root_format::Branch* px1 = (*clean)->tree().FindBranch("px1");
  ASSERT_NE(px1, nullptr);
  ByteRange hole{static_cast<uint64_t>(px1->basket_seek[0]), static_cast<uint64_t>(px1->basket_bytes[0])};

  auto r = OpenTree(std::make_shared<HoleSource>(std::move(bytes), hole), "events");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ScanOptions o;
  o.columns = {"px1"};
  auto reader = (*r)->Scan(o);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ArrowArrayStream stream;
  BatchReader::ExportStream(std::move(*reader), &stream);
  ArrowArray arr;
  arr.release = nullptr;
  int rc = stream.get_next(&stream, &arr);
  EXPECT_NE(rc, 0);
  EXPECT_EQ(arr.release, nullptr);
  const char* err = stream.get_last_error(&stream);
  ASSERT_NE(err, nullptr);
  std::string msg = err;
  EXPECT_NE(msg.find("px1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unexpected end of file"), std::string::npos) << msg;
  stream.release(&stream);
  EXPECT_EQ(stream.release, nullptr);
}

}  // namespace
}  // namespace arrowroot::scan
