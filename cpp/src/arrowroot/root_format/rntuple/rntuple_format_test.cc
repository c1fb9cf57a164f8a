// RNTuple metadata: the anchor, envelopes, schema and page lists of real files, and damaged
// copies of them (every check must fire with a clear reason, never crash).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "arrowroot/byte_source/byte_source.h"
#include "arrowroot/root_format/rntuple/envelopes.h"
#include "arrowroot/root_format/rntuple/rntuple.h"
#include "arrowroot/root_format/root_file.h"
#include "arrowroot/scan/rntuple_reader.h"

namespace arrowroot::root_format::rntuple {
namespace {

namespace fs = std::filesystem;

std::string RNTupleDir() { return std::string(ARROWROOT_TESTDATA_DIR) + "/rntuple"; }
std::string SharedDir() { return std::string(ARROWROOT_TESTDATA_DIR) + "/../../shared/testdata"; }
// Uncompressed envelopes and pages: a flipped byte reaches the checksums, not a codec.
const std::string kPlain = "rntuple_fundamentals_none.root";

std::vector<std::string> RNTupleFiles() {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(RNTupleDir())) {
    if (e.path().extension() == ".root") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

Bytes ReadBytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  Bytes b(s.size());
  std::memcpy(b.data(), s.data(), s.size());
  return b;
}

Result<std::shared_ptr<RootFile>> OpenBytes(Bytes bytes) {
  return RootFile::Open(byte_source::MakeMemorySource(std::move(bytes), "damaged.root"));
}

/// The path of the file's first RNTuple anchor key.
std::string FirstRNTuple(const RootFile& file) {
  auto objects = file.ListObjects();
  EXPECT_TRUE(objects.ok());
  for (const auto& o : *objects) {
    if (o.key.class_name == kAnchorClass) return o.path;
  }
  ADD_FAILURE() << "no RNTuple in " << file.name();
  return "";
}

/// A real file's bytes with its first RNTuple's anchor key and metadata.
struct Plain {
  Bytes bytes;
  std::string path;
  KeyHeader key;
  Anchor anchor;
  Schema schema;
  std::vector<ClusterDesc> clusters;
};

/// The RNTuple's name, as messages give it (no cycle).
std::string Name(const Plain& p) { return p.path.substr(0, p.path.rfind(';')); }

Plain LoadPlain() {
  Plain p;
  p.bytes = ReadBytes(RNTupleDir() + "/" + kPlain);
  auto file = OpenBytes(p.bytes);
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  p.path = FirstRNTuple(**file);
  auto nt = ReadRNTuple(**file, p.path);
  EXPECT_TRUE(nt.ok()) << nt.status().ToString();
  p.key = (*nt)->key;
  p.anchor = (*nt)->anchor;
  p.schema = (*nt)->schema;
  p.clusters = (*nt)->clusters;
  EXPECT_FALSE(p.key.is_compressed());
  EXPECT_EQ(p.anchor.nbytes_header, p.anchor.len_header);  // stored uncompressed
  EXPECT_EQ(p.anchor.nbytes_footer, p.anchor.len_footer);
  return p;
}

Status ReadStatus(Bytes bytes, const std::string& path) {
  auto file = OpenBytes(std::move(bytes));
  if (!file.ok()) return file.status();
  return ReadRNTuple(**file, path).status();
}

// The anchor payload (big-endian): [u32 bytecount][u16 version], then u16 epoch, major, minor,
// patch, u64 seek/nbytes/len header, seek/nbytes/len footer, max key size, then the XXH3-64 of
// those fields (spec, "Anchor schema").
constexpr size_t kAnchorFields = 6;
size_t AnchorFieldsEnd(const Plain& p) {
  const std::byte* a = p.bytes.data() + p.key.payload_offset();
  uint32_t count = 0;
  for (int i = 0; i < 4; ++i) count = (count << 8) | static_cast<uint8_t>(a[i]);
  return 4 + (count & ~0x40000000u);
}
void PutBe(Bytes& b, size_t at, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) b[at + i] = std::byte(v >> (8 * (n - 1 - i)));
}
/// Set an anchor field (big-endian, `n` bytes at `field_offset` within the fields) and re-sign.
void SetAnchorField(Plain& p, size_t field_offset, uint64_t v, int n) {
  const size_t base = p.key.payload_offset();
  PutBe(p.bytes, base + kAnchorFields + field_offset, v, n);
  const size_t end = AnchorFieldsEnd(p);
  PutBe(p.bytes, base + end,
        Checksum(ByteView(p.bytes).subspan(base + kAnchorFields, end - kAnchorFields)), 8);
}

Bytes Slice(const Bytes& b, uint64_t offset, uint64_t size) {
  ByteView v = ByteView(b).subspan(offset, size);
  return Bytes(v.begin(), v.end());
}
void Resign(Bytes& env) {
  uint64_t sum = Checksum(ByteView(env).first(env.size() - 8));
  std::memcpy(env.data() + env.size() - 8, &sum, 8);
}

TEST(RNTupleFormat, EveryTestFileParses) {
  const auto files = RNTupleFiles();
  ASSERT_GE(files.size(), 10u);
  for (const auto& path : files) {
    SCOPED_TRACE(path);
    auto file = OpenBytes(ReadBytes(path));
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    auto nt = ReadRNTuple(**file, FirstRNTuple(**file));
    ASSERT_TRUE(nt.ok()) << nt.status().ToString();
    const RNTuple& n = **nt;
    EXPECT_EQ(n.anchor.epoch, 1);
    EXPECT_FALSE(n.schema.fields.empty());
    EXPECT_FALSE(n.top_fields.empty());
    EXPECT_GT(n.num_entries, 0u);
    uint64_t next = 0;
    for (const ClusterDesc& c : n.clusters) {
      EXPECT_EQ(c.first_entry, next);
      EXPECT_LE(c.columns.size(), n.schema.columns.size());
      next += c.num_entries;
    }
    EXPECT_EQ(next, n.num_entries);
    for (const ColumnDesc& c : n.schema.columns) {
      EXPECT_TRUE(IsKnownColumnType(c.type_raw)) << c.type_raw;
      EXPECT_LT(c.field_id, n.schema.fields.size());
    }
  }
}

TEST(RNTupleFormat, AnchorChecksumMismatch) {
  Plain p = LoadPlain();
  p.bytes[p.key.payload_offset() + kAnchorFields + 8 + 7] ^= std::byte{0x01};  // seek_header
  Status st = ReadStatus(p.bytes, p.path);
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
  EXPECT_NE(st.ToString().find("anchor: checksum mismatch"), std::string::npos) << st.ToString();
  EXPECT_NE(st.ToString().find("RNTuple '" + Name(p) + "'"), std::string::npos) << st.ToString();
}

TEST(RNTupleFormat, FlippedEnvelopeByteIsChecksumMismatch) {
  const Plain clean = LoadPlain();
  ASSERT_FALSE(clean.schema.cluster_groups.empty());
  const Locator pl = clean.schema.cluster_groups[0].page_list.locator;
  const struct {
    const char* name;
    uint64_t offset, size;
  } cases[] = {{"header envelope", clean.anchor.seek_header, clean.anchor.nbytes_header},
               {"footer envelope", clean.anchor.seek_footer, clean.anchor.nbytes_footer},
               {"page list envelope", pl.offset, pl.size}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Bytes bytes = clean.bytes;
    bytes[c.offset + c.size / 2] ^= std::byte{0x20};
    Status st = ReadStatus(std::move(bytes), clean.path);
    EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
    EXPECT_NE(st.ToString().find("checksum mismatch"), std::string::npos) << st.ToString();
    EXPECT_NE(st.ToString().find(c.name), std::string::npos) << st.ToString();
    EXPECT_NE(st.ToString().find("RNTuple '" + Name(clean) + "'"), std::string::npos)
        << st.ToString();
  }
}

TEST(RNTupleFormat, EnvelopePastTheEndNamesItsByteRange) {
  Plain p = LoadPlain();
  const uint64_t past = p.bytes.size() - 10;
  SetAnchorField(p, 8 + 24, past, 8);  // seek_footer
  Status st = ReadStatus(p.bytes, p.path);
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
  EXPECT_NE(st.ToString().find("footer envelope at " + FormatRange(past, p.anchor.nbytes_footer) +
                              " lies past the end of the file"),
            std::string::npos)
      << st.ToString();
}

TEST(RNTupleFormat, TruncatedFileIsCorruption) {
  const Plain p = LoadPlain();
  // Cut the file inside the footer: the anchor key still says where it was.
  Bytes cut = Slice(p.bytes, 0, p.anchor.seek_footer + p.anchor.nbytes_footer / 2);
  auto file = RootFile::Open(byte_source::MakeMemorySource(std::move(cut), "cut.root"));
  if (!file.ok()) {  // the keys list may lie past the cut too
    EXPECT_EQ(file.status().code(), StatusCode::kCorruption) << file.status().ToString();
    return;
  }
  Status st = ReadRNTuple(**file, p.path).status();
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
}

TEST(RNTupleFormat, HugeListCountRefusedBeforeAllocating) {
  const Plain p = LoadPlain();
  Bytes header = Slice(p.bytes, p.anchor.seek_header, p.anchor.nbytes_header);
  // Payload: one feature-flag word, three strings (name, description, writer), then the field
  // list frame: i64 negative size, u32 count (spec, "Header Envelope", "Frames").
  size_t at = 8 + 8;
  for (int i = 0; i < 3; ++i) {
    uint32_t n;
    std::memcpy(&n, header.data() + at, 4);
    at += 4 + n;
  }
  int64_t frame_size;
  std::memcpy(&frame_size, header.data() + at, 8);
  ASSERT_LT(frame_size, 0);
  const uint32_t huge = 0xFFFFFFFF;
  std::memcpy(header.data() + at + 8, &huge, 4);
  Resign(header);
  ASSERT_TRUE(CheckEnvelope(header, kEnvelopeHeader, header.size()).ok());
  Schema schema;
  Status st = ParseHeader(header, &schema);
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
  EXPECT_NE(st.ToString().find("claims 4294967295 items"), std::string::npos) << st.ToString();
  EXPECT_TRUE(schema.fields.empty());
}

TEST(RNTupleFormat, WrongEnvelopeType) {
  const Plain p = LoadPlain();
  Bytes header = Slice(p.bytes, p.anchor.seek_header, p.anchor.nbytes_header);
  auto r = CheckEnvelope(header, kEnvelopeFooter, header.size());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().ToString().find("footer envelope: the envelope says it is a header"),
            std::string::npos)
      << r.status().ToString();
  // Through a file: the anchor's footer link pointing at the header.
  Plain q = LoadPlain();
  SetAnchorField(q, 8 + 24, q.anchor.seek_header, 8);
  SetAnchorField(q, 8 + 32, q.anchor.nbytes_header, 8);
  SetAnchorField(q, 8 + 40, q.anchor.len_header, 8);
  Status st = ReadStatus(q.bytes, q.path);
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
  EXPECT_NE(st.ToString().find("says it is a header envelope"), std::string::npos) << st.ToString();
}

TEST(RNTupleFormat, Epoch2IsUnsupported) {
  Plain p = LoadPlain();
  SetAnchorField(p, 0, 2, 2);
  Status st = ReadStatus(p.bytes, p.path);
  EXPECT_EQ(st.code(), StatusCode::kUnsupported) << st.ToString();
  EXPECT_NE(st.ToString().find("format version 2."), std::string::npos) << st.ToString();
  EXPECT_NE(st.ToString().find("RNTuple '" + Name(p) + "'"), std::string::npos) << st.ToString();
}

TEST(RNTupleFormat, UnknownFeatureFlagIsUnsupported) {
  const Plain p = LoadPlain();
  Bytes header = Slice(p.bytes, p.anchor.seek_header, p.anchor.nbytes_header);
  Bytes footer = Slice(p.bytes, p.anchor.seek_footer, p.anchor.nbytes_footer);
  const uint64_t flag = 1ull << 5;
  std::memcpy(header.data() + 8, &flag, 8);  // the first feature-flag word
  Resign(header);
  Schema schema;
  auto sum = CheckEnvelope(header, kEnvelopeHeader, header.size());
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  schema.header_checksum = *sum;
  ASSERT_TRUE(ParseHeader(header, &schema).ok());
  std::memcpy(footer.data() + 16, &*sum, 8);  // the footer repeats the header's checksum
  Resign(footer);
  ASSERT_TRUE(ParseFooter(footer, &schema).ok());
  Status st = FinishSchema(&schema);
  EXPECT_EQ(st.code(), StatusCode::kUnsupported) << st.ToString();
  EXPECT_NE(st.ToString().find("feature flags 0x20"), std::string::npos) << st.ToString();
}

TEST(RNTupleFormat, BadPageChecksumNamesFieldColumnAndPage) {
  Plain p = LoadPlain();
  const PageDesc* page = nullptr;
  uint32_t column = 0;
  for (uint32_t c = 0; c < p.clusters[0].columns.size() && page == nullptr; ++c) {
    for (const PageDesc& pd : p.clusters[0].columns[c].pages) {
      if (pd.has_checksum && pd.locator.size > 0) {
        page = &pd;
        column = c;
        break;
      }
    }
  }
  ASSERT_NE(page, nullptr) << "no checksummed page";
  p.bytes[page->locator.offset] ^= std::byte{0x01};
  auto file = OpenBytes(p.bytes);
  ASSERT_TRUE(file.ok());
  auto reader = scan::RNTupleReader::Open(*file, p.path);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();  // pages are read by Scan
  scan::ScanOptions options;
  options.num_threads = 1;
  auto batches = (*reader)->Scan(options);
  Status st = batches.status();
  while (st.ok()) {
    auto batch = (*batches)->Next();
    if (!batch.ok()) st = batch.status();
    else if (!batch->has_value()) break;
  }
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
  const FieldDesc& field = p.schema.fields[p.schema.columns[column].field_id];
  for (const std::string& part :
       {std::string("page checksum mismatch"), "field '" + field.name + "'",
        "column " + std::to_string(column) + " (",
        "page at " + FormatRange(page->locator.offset, page->locator.size),
        "RNTuple '" + Name(p) + "'"}) {
    EXPECT_NE(st.ToString().find(part), std::string::npos) << part << " in " << st.ToString();
  }
}

// Regression (cpp/fuzz/regressions/rntuple_reader/page-element-count-sizes-decoded-buffer): a
// page claiming far more elements than its bytes can hold must not size the decoded column.
TEST(RNTupleFormat, PageClaimingTooManyElementsIsCorruption) {
  Plain p = LoadPlain();
  // A page of a 64-bit column in the first cluster, and its item in the page list envelope:
  // i32 element count (negative: checksummed), i32 size, u64 offset (spec, "Page List Envelope").
  const Locator pl = p.schema.cluster_groups[0].page_list.locator;
  for (uint32_t c = 0; c < p.clusters[0].columns.size(); ++c) {
    if (p.schema.columns[c].bits_on_storage != 64 || p.clusters[0].columns[c].pages.empty()) {
      continue;
    }
    const PageDesc& page = p.clusters[0].columns[c].pages[0];
    const int32_t ne = page.has_checksum ? -static_cast<int32_t>(page.num_elements)
                                         : static_cast<int32_t>(page.num_elements);
    const int32_t size = static_cast<int32_t>(page.locator.size);
    const uint64_t offset = page.locator.offset;
    std::byte item[16];
    std::memcpy(item, &ne, 4);
    std::memcpy(item + 4, &size, 4);
    std::memcpy(item + 8, &offset, 8);
    std::byte* env = p.bytes.data() + pl.offset;
    std::byte* at = std::search(env, env + pl.size, item, item + 16);
    ASSERT_NE(at, env + pl.size) << "page item not found";
    const int32_t huge = -0x7FFFFFFF;  // 2^31 - 1 elements, checksummed
    std::memcpy(at, &huge, 4);
    Bytes list = Slice(p.bytes, pl.offset, pl.size);
    Resign(list);
    std::memcpy(env, list.data(), pl.size);
    auto file = OpenBytes(p.bytes);
    ASSERT_TRUE(file.ok());
    auto reader = scan::RNTupleReader::Open(*file, p.path);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    scan::ScanOptions options;
    options.num_threads = 1;
    auto batches = (*reader)->Scan(options);
    Status st = batches.status();
    while (st.ok()) {
      auto batch = (*batches)->Next();
      if (!batch.ok()) st = batch.status();
      else if (!batch->has_value()) break;
    }
    EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
    EXPECT_NE(st.ToString().find("claims 2147483647 elements"), std::string::npos)
        << st.ToString();
    return;
  }
  FAIL() << "no 64-bit column with pages in " << kPlain;
}

// Regression (cpp/fuzz/regressions/rntuple_envelopes/failed-list-frame-count-sizes-columns): a
// cluster's column list frame that fails its checks kept its claimed count, which then sized the
// cluster's columns: 4294967295 of them.
TEST(RNTupleFormat, FailedListFrameCountIsNotUsed) {
  std::vector<uint8_t> env(8, 0);
  auto put = [&](uint64_t v, int n) {
    for (int i = 0; i < n; ++i) env.push_back(static_cast<uint8_t>(v >> (8 * i)));
  };
  put(0x1234, 8);                                      // the header checksum
  put(static_cast<uint64_t>(-(12 + 24)), 8), put(1, 4);  // one cluster summary
  put(24, 8), put(0, 8), put(1, 8);                    //   first entry 0, 1 entry
  put(static_cast<uint64_t>(-(12 + 12)), 8), put(1, 4);  // page locations of one cluster
  put(5, 8), put(0xFFFFFFFF, 4);                       //   not a list frame, huge count
  put(0, 8);                                           // the checksum
  const uint64_t word = kEnvelopePageList | (static_cast<uint64_t>(env.size()) << 16);
  std::memcpy(env.data(), &word, 8);
  Bytes bytes(reinterpret_cast<const std::byte*>(env.data()),
              reinterpret_cast<const std::byte*>(env.data() + env.size()));
  Resign(bytes);
  ASSERT_TRUE(CheckEnvelope(bytes, kEnvelopePageList, bytes.size()).ok());
  Schema schema;
  schema.header_checksum = 0x1234;
  schema.fields.resize(1);
  schema.columns.resize(1);
  ClusterGroupDesc group;
  group.num_clusters = 1;
  std::vector<ClusterDesc> clusters;
  Status st = ParsePageList(bytes, schema, group, &clusters);
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
  EXPECT_NE(st.ToString().find("expected a list frame"), std::string::npos) << st.ToString();
  ASSERT_EQ(clusters.size(), 1u);
  EXPECT_TRUE(clusters[0].columns.empty());
}

// Extra: the files of ../shared/testdata (not part of the repository) parse too.
TEST(RNTupleFormat, SharedFilesParse) {
  std::vector<std::string> files;
  for (const char* dir : {"/root", "/corpus"}) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(SharedDir() + dir, ec)) {
      if (e.path().filename().string().find("rntuple") != std::string::npos) {
        files.push_back(e.path().string());
      }
    }
  }
  if (files.empty()) GTEST_SKIP() << "../shared/testdata is not on this machine";
  for (const auto& path : files) {
    auto src = byte_source::OpenLocalFile(path);
    ASSERT_TRUE(src.ok()) << src.status().ToString();
    auto file = RootFile::Open(std::move(*src));
    ASSERT_TRUE(file.ok()) << path << ": " << file.status().ToString();
    auto listing = (*file)->List(false);
    ASSERT_TRUE(listing.ok());
    for (const auto& o : listing->objects) {
      if (o.key.class_name != kAnchorClass) continue;
      auto nt = ReadRNTuple(**file, o.path);
      ASSERT_TRUE(nt.ok()) << path << ": " << nt.status().ToString();
      EXPECT_EQ((*nt)->anchor.epoch, 1) << path;
      EXPECT_FALSE((*nt)->schema.fields.empty()) << path;
    }
  }
}

}  // namespace
}  // namespace arrowroot::root_format::rntuple
