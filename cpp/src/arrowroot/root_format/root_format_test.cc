// Tests for the ROOT format layer: Cursor, the TFile header, keys and directories, TTree
// metadata and basket keys, on hand-made bytes and on the real files in testdata/.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "arrowroot/byte_source/byte_source.h"
#include "arrowroot/root_format/basket.h"
#include "arrowroot/root_format/cursor.h"
#include "arrowroot/root_format/key.h"
#include "arrowroot/root_format/members.h"
#include "arrowroot/root_format/model.h"
#include "arrowroot/root_format/root_file.h"
#include "arrowroot/root_format/streamed_objects.h"
#include "testing/shared_corpus.h"

// The largest single allocation since the last reset: lets a test check that a size read off
// the input is validated before it is used to allocate.
namespace {
std::atomic<size_t> g_max_allocation{0};
}  // namespace

// GCC sees malloc/free behind the replaced operators and warns at inlined call sites.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(size_t n) {
  size_t prev = g_max_allocation.load(std::memory_order_relaxed);
  while (n > prev && !g_max_allocation.compare_exchange_weak(prev, n)) {
  }
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace arrowroot::root_format {
namespace {

std::string TestFile(const std::string& name) { return std::string(ARROWROOT_TESTDATA_DIR) + "/" + name; }

Bytes ReadWholeFile(const std::string& name) {
  std::ifstream in(TestFile(name), std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Bytes out(chars.size());
  if (!chars.empty()) std::memcpy(out.data(), chars.data(), chars.size());
  return out;
}

Bytes B(std::initializer_list<int> v) {
  Bytes out;
  for (int x : v) out.push_back(static_cast<std::byte>(x));
  return out;
}

std::shared_ptr<RootFile> OpenOrDie(const std::string& name) {
  auto src = byte_source::OpenLocalFile(TestFile(name));
  EXPECT_TRUE(src.ok()) << src.status().ToString();
  if (!src.ok()) return nullptr;
  auto f = RootFile::Open(*src);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return f.ok() ? *f : nullptr;
}

// ---- Cursor ----

TEST(Cursor, ReadsBigEndianIntegersAndFloats) {
  Bytes b = B({0x01, 0x02,                                            // u16
               0xDE, 0xAD, 0xBE, 0xEF,                                // u32
               0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,        // u64
               0xFF, 0xFE,                                            // i16 = -2
               0x3F, 0xC0, 0x00, 0x00,                                // f32 1.5
               0xC0, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,        // f64 -2.5
               0x80});                                                // i8 = -128
  Cursor c(b);
  EXPECT_EQ(c.U16(), 0x0102u);
  EXPECT_EQ(c.U32(), 0xDEADBEEFu);
  EXPECT_EQ(c.U64(), 0x0102030405060708ull);
  EXPECT_EQ(c.I16(), -2);
  EXPECT_EQ(c.F32(), 1.5f);
  EXPECT_EQ(c.F64(), -2.5);
  EXPECT_EQ(c.I8(), -128);
  EXPECT_TRUE(c.ok());
  EXPECT_EQ(c.pos(), b.size());
  EXPECT_EQ(c.remaining(), 0u);
}

TEST(Cursor, TStringWithOneByteLength) {
  Bytes b = B({3, 'a', 'b', 'c', 0x7F});
  Cursor c(b);
  EXPECT_EQ(c.TString(), "abc");
  EXPECT_EQ(c.pos(), 4u);
  EXPECT_TRUE(c.ok());
}

TEST(Cursor, TStringWith255MarkerThenI32Length) {
  Bytes b = B({255, 0x00, 0x00, 0x01, 0x2C});  // 300
  for (int i = 0; i < 300; ++i) b.push_back(static_cast<std::byte>('a' + i % 26));
  Cursor c(b);
  std::string s = c.TString();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(s.size(), 300u);
  EXPECT_EQ(s.substr(0, 3), "abc");
  EXPECT_EQ(s[299], static_cast<char>('a' + 299 % 26));
  EXPECT_EQ(c.remaining(), 0u);
}

TEST(Cursor, TStringLongerThanRecordFails) {
  Bytes b = B({10, 'a', 'b'});
  Cursor c(b);
  EXPECT_EQ(c.TString(), "");
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kCorruption);
}

TEST(Cursor, StickyErrorAfterReadPastEnd) {
  Bytes b = B({0x00, 0x01, 0xAA, 0xBB, 0xCC});
  Cursor c(b);
  c.SetWhat("TTest::fField");
  EXPECT_EQ(c.U16(), 1u);
  EXPECT_EQ(c.U64(), 0u);  // 8 bytes at offset 2 of a 5-byte record
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kCorruption);
  EXPECT_NE(c.status().message().find("offset 2"), std::string::npos) << c.status().message();
  EXPECT_NE(c.status().message().find("TTest::fField"), std::string::npos);
  // Bytes remain at offset 2, but after the failure every read is a zero no-op.
  EXPECT_EQ(c.U8(), 0u);
  EXPECT_EQ(c.U16(), 0u);
  EXPECT_EQ(c.TString(), "");
  EXPECT_TRUE(c.Bytes(1).empty());
  // The first failure wins.
  c.Fail(Status::IOError("later"));
  EXPECT_EQ(c.status().code(), StatusCode::kCorruption);
}

TEST(Cursor, ReadVersionWithByteCount) {
  // bytecount 6 (|0x40000000), version 5, then 4 bytes of object body, then a trailer.
  Bytes b = B({0x40, 0x00, 0x00, 0x06, 0x00, 0x05, 1, 2, 3, 4, 0x99});
  Cursor c(b);
  VersionHeader h = c.ReadVersion();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(h.has_byte_count);
  EXPECT_EQ(h.version, 5);
  EXPECT_EQ(h.end, 10u);
  EXPECT_EQ(c.pos(), 6u);
  c.SkipToEnd(h);
  EXPECT_EQ(c.pos(), 10u);
  EXPECT_EQ(c.U8(), 0x99u);
}

TEST(Cursor, ReadVersionWithoutByteCountIsBareU16) {
  // ReadVersion peeks at 4 bytes (as ROOT's TBufferFile::ReadVersion does), so give it some.
  Bytes b = B({0x00, 0x07, 0xAB, 0xCD});
  Cursor c(b);
  VersionHeader h = c.ReadVersion();
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(h.has_byte_count);
  EXPECT_EQ(h.version, 7);
  EXPECT_EQ(c.pos(), 2u);
  c.SkipToEnd(h);  // no-op
  EXPECT_EQ(c.pos(), 2u);
}

TEST(Cursor, ReadVersionByteCountPastEndIsCorruption) {
  Bytes b = B({0x40, 0x00, 0x00, 0x64, 0x00, 0x01, 0x00});  // claims 100 bytes
  Cursor c(b);
  c.ReadVersion();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kCorruption);
  EXPECT_NE(c.status().message().find("100"), std::string::npos) << c.status().message();
  EXPECT_EQ(c.U8(), 0u);
}

TEST(Cursor, CStringNeedsTerminator) {
  Bytes b = B({'T', 'L', 0, 'x', 'y'});
  Cursor c(b);
  EXPECT_EQ(c.CString(), "TL");
  EXPECT_TRUE(c.ok());
  EXPECT_EQ(c.CString(), "");
  EXPECT_FALSE(c.ok());
}

// ---- TFile header ----

TEST(ParseFileHeader, SmallHeaderOfRoot5File) {
  Bytes b = ReadWholeFile("uproot-HZZ.root");
  ASSERT_GT(b.size(), kFileHeaderReadSize);
  auto h = ParseFileHeader(ByteView(b).subspan(0, kFileHeaderReadSize), b.size());
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->version, 53201);
  EXPECT_FALSE(h->is_large());
  EXPECT_EQ(h->RootVersionString(), "5.32/01");
  EXPECT_EQ(h->begin, 100);
  EXPECT_EQ(static_cast<uint64_t>(h->end), b.size());
  EXPECT_GT(h->seek_info, 0);
  EXPECT_GT(h->nbytes_info, 0);
}

TEST(ParseFileHeader, LargeHeaderHas64BitSeeks) {
  Bytes b = ReadWholeFile("uproot-issue261.root");
  ASSERT_GT(b.size(), kFileHeaderReadSize);
  auto h = ParseFileHeader(ByteView(b).subspan(0, kFileHeaderReadSize), b.size());
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_GE(h->version, 1000000);
  EXPECT_TRUE(h->is_large());
  EXPECT_EQ(h->RootVersionString(), "6.18/00");
  EXPECT_LE(static_cast<uint64_t>(h->end), b.size());
  EXPECT_GT(h->seek_info, 0);
}

TEST(ParseFileHeader, WrongMagicIsCorruption) {
  Bytes b = ReadWholeFile("uproot-HZZ.root");
  b[0] = static_cast<std::byte>('R');
  auto h = ParseFileHeader(ByteView(b).subspan(0, kFileHeaderReadSize), b.size());
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), StatusCode::kCorruption);
  EXPECT_NE(h.status().message().find("root"), std::string::npos);
}

TEST(ParseFileHeader, TooShortIsCorruption) {
  Bytes b = B({'r', 'o', 'o', 't', 0, 0});
  auto h = ParseFileHeader(b, 1000);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), StatusCode::kCorruption);
}

TEST(ParseFileHeader, EndPastFileSizeIsTruncatedCorruption) {
  Bytes b = ReadWholeFile("uproot-HZZ.root");
  auto h = ParseFileHeader(ByteView(b).subspan(0, kFileHeaderReadSize), 30000);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), StatusCode::kCorruption);
  EXPECT_NE(h.status().message().find("truncated"), std::string::npos) << h.status().message();
}

// ---- RootFile: directories and keys ----

TEST(RootFile, ListObjectsWalksNestedDirectories) {
  auto f = OpenOrDie("uproot-nesteddirs.root");
  ASSERT_TRUE(f);
  auto objects = f->ListObjects();
  ASSERT_TRUE(objects.ok()) << objects.status().ToString();
  std::vector<std::string> paths;
  for (const auto& o : *objects) paths.push_back(o.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"one", "one/two", "one/two/tree", "one/tree", "three",
                                             "three/tree"}));
  EXPECT_EQ((*objects)[0].key.class_name, "TDirectory");
  EXPECT_EQ((*objects)[2].key.class_name, "TTree");
}

TEST(RootFile, FindKeyOfNestedPath) {
  auto f = OpenOrDie("uproot-nesteddirs.root");
  ASSERT_TRUE(f);
  auto k = f->FindKey("one/two/tree");
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_EQ(k->class_name, "TTree");
  EXPECT_EQ(k->name, "tree");
  auto tree = f->ReadTree("one/two/tree");
  ASSERT_TRUE(tree.ok()) << tree.status().ToString();
  EXPECT_EQ((*tree)->entries, 100);
  auto small = f->ReadTree("one/tree");
  ASSERT_TRUE(small.ok()) << small.status().ToString();
  EXPECT_EQ((*small)->entries, 4);
}

TEST(RootFile, FindKeyOfMissingNameIsNotFoundListingNames) {
  auto f = OpenOrDie("uproot-nesteddirs.root");
  ASSERT_TRUE(f);
  auto k = f->FindKey("nope");
  ASSERT_FALSE(k.ok());
  EXPECT_EQ(k.status().code(), StatusCode::kNotFound);
  std::string msg = k.status().ToString();
  EXPECT_NE(msg.find("nope"), std::string::npos) << msg;
  EXPECT_NE(msg.find("one"), std::string::npos) << msg;
  EXPECT_NE(msg.find("three"), std::string::npos) << msg;

  auto nested = f->FindKey("one/two/missing");
  ASSERT_FALSE(nested.ok());
  EXPECT_EQ(nested.status().code(), StatusCode::kNotFound);
  EXPECT_NE(nested.status().ToString().find("tree"), std::string::npos)
      << nested.status().ToString();
}

TEST(RootFile, ReadTreeOfNonTreeIsAnError) {
  auto f = OpenOrDie("uproot-nesteddirs.root");
  ASSERT_TRUE(f);
  auto t = f->ReadTree("one");
  EXPECT_FALSE(t.ok());
}

// ---- TTree metadata ----

TEST(RootFile, ReadTreeOfHZZ) {
  auto f = OpenOrDie("uproot-HZZ.root");
  ASSERT_TRUE(f);
  auto t = f->ReadTree("events");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  const Tree& tree = **t;
  EXPECT_EQ(tree.name, "events");
  EXPECT_EQ(tree.entries, 2421);
  EXPECT_EQ(tree.all_branches.size(), 51u);
  EXPECT_EQ(tree.branches.size(), 51u);
  EXPECT_EQ(tree.class_version, 19);  // TTree v19 as written by ROOT 5.32
  const Branch* px = tree.FindBranch("Muon_Px");
  ASSERT_NE(px, nullptr);
  ASSERT_EQ(px->leaves.size(), 1u);
  EXPECT_EQ(px->leaves[0]->class_name, "TLeafF");
  ASSERT_NE(px->leaves[0]->leaf_count, nullptr);
  EXPECT_EQ(px->leaves[0]->leaf_count->name, "NMuon");
  EXPECT_EQ(px->entries, 2421);
  EXPECT_EQ(tree.FindBranch("NoSuchBranch"), nullptr);
}

TEST(RootFile, ReadsTTreeVersion16FromRoot5_23) {
  auto f = OpenOrDie("uproot-sample-5.23.02-zlib.root");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->header().RootVersionString(), "5.23/02");
  auto t = f->ReadTree("sample");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ((*t)->class_version, 16);
  EXPECT_EQ((*t)->entries, 30);
  EXPECT_EQ((*t)->all_branches.size(), 35u);
}

TEST(RootFile, NanoAODBasketsAreEmbeddedInTheTreeRecord) {
  // NanoAOD's writer flushes only at the end, so the last basket of every branch sits inside
  // the TTree record (TBranch::fBaskets) rather than in its own key.
  auto f = OpenOrDie("nanoAOD_2015_CMS_Open_Data_ttbar.root");
  ASSERT_TRUE(f);
  auto t = f->ReadTree("Events");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  const Tree& tree = **t;
  EXPECT_EQ(tree.entries, 200);
  ASSERT_FALSE(tree.all_branches.empty());
  size_t num_only_embedded = 0;
  for (const Branch* b : tree.all_branches) {
    ASSERT_FALSE(b->embedded_baskets.empty()) << b->path;
    int64_t n = 0;
    for (const auto& e : b->embedded_baskets) {
      ASSERT_TRUE(e) << b->path;
      EXPECT_EQ(e->data.size(), static_cast<size_t>(e->last - e->keylen)) << b->path;
      n += e->nev_buf;
    }
    // Entries in key baskets plus entries in embedded baskets cover the tree exactly.
    ASSERT_GE(b->basket_entry.size(), static_cast<size_t>(b->write_basket) + 1) << b->path;
    EXPECT_EQ(b->basket_entry[static_cast<size_t>(b->write_basket)] + n, 200) << b->path;
    if (b->write_basket == 0) ++num_only_embedded;
  }
  // All but a few large branches (e.g. LHEPdfWeight, with 2 key baskets) are embedded only.
  EXPECT_GT(num_only_embedded, tree.all_branches.size() * 9 / 10);
  const Branch* pdf = tree.FindBranch("LHEPdfWeight");
  ASSERT_NE(pdf, nullptr);
  EXPECT_EQ(pdf->write_basket, 2);
}

TEST(RootFile, ForiterBasketEntryBoundaries) {
  auto f = OpenOrDie("uproot-foriter.root");
  ASSERT_TRUE(f);
  auto t = f->ReadTree("foriter");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  const Branch* data = (*t)->FindBranch("data");
  ASSERT_NE(data, nullptr);
  EXPECT_EQ(data->write_basket, 8);
  ASSERT_GE(data->basket_entry.size(), 9u);
  std::vector<int64_t> first9(data->basket_entry.begin(), data->basket_entry.begin() + 9);
  EXPECT_EQ(first9, (std::vector<int64_t>{0, 6, 12, 18, 24, 30, 36, 42, 46}));
}

// ---- Basket keys ----

struct RealBasket {
  Bytes raw;
  int64_t expected_entries = 0;
};

RealBasket ReadFirstBasket(const RootFile& f, const Branch& b) {
  RealBasket r;
  EXPECT_GE(b.write_basket, 1) << b.path;
  if (b.write_basket < 1) return r;
  auto raw = f.source()->Read(
      ByteRange{static_cast<uint64_t>(b.basket_seek[0]), static_cast<uint64_t>(b.basket_bytes[0])});
  EXPECT_TRUE(raw.ok()) << raw.status().ToString();
  if (raw.ok()) r.raw = std::move(*raw);
  r.expected_entries = b.basket_entry[1] - b.basket_entry[0];
  return r;
}

TEST(DecodeBasketKey, RealFixedSizeBasket) {
  auto f = OpenOrDie("uproot-HZZ.root");
  ASSERT_TRUE(f);
  auto t = f->ReadTree("events");
  ASSERT_TRUE(t.ok());
  const Branch* b = (*t)->FindBranch("NMuon");
  ASSERT_NE(b, nullptr);
  RealBasket rb = ReadFirstBasket(*f, *b);
  auto basket = DecodeBasketKey(rb.raw);
  ASSERT_TRUE(basket.ok()) << basket.status().ToString();
  EXPECT_EQ(basket->num_entries, rb.expected_entries);
  EXPECT_FALSE(basket->has_entry_offsets());
  EXPECT_EQ(basket->data.size(), static_cast<size_t>(basket->num_entries) * 4);  // Int_t
}

TEST(DecodeBasketKey, RealJaggedBasketHasEntryOffsets) {
  auto f = OpenOrDie("uproot-HZZ.root");
  ASSERT_TRUE(f);
  auto t = f->ReadTree("events");
  ASSERT_TRUE(t.ok());
  const Branch* b = (*t)->FindBranch("Muon_Px");
  ASSERT_NE(b, nullptr);
  RealBasket rb = ReadFirstBasket(*f, *b);
  auto basket = DecodeBasketKey(rb.raw);
  ASSERT_TRUE(basket.ok()) << basket.status().ToString();
  EXPECT_EQ(basket->num_entries, rb.expected_entries);
  ASSERT_TRUE(basket->has_entry_offsets());
  ASSERT_EQ(basket->entry_offsets.size(), static_cast<size_t>(basket->num_entries) + 1);
  EXPECT_EQ(basket->entry_offsets.front(), 0);
  EXPECT_EQ(static_cast<size_t>(basket->entry_offsets.back()), basket->data.size());
  for (size_t i = 1; i < basket->entry_offsets.size(); ++i) {
    EXPECT_EQ((basket->entry_offsets[i] - basket->entry_offsets[i - 1]) % 4, 0);
  }
}

TEST(DecodeBasketKey, TruncatedKeyIsAnError) {
  auto f = OpenOrDie("uproot-HZZ.root");
  ASSERT_TRUE(f);
  auto t = f->ReadTree("events");
  ASSERT_TRUE(t.ok());
  RealBasket rb = ReadFirstBasket(*f, *(*t)->FindBranch("Muon_Px"));
  for (size_t len : {size_t{0}, size_t{3}, size_t{20}, size_t{60}, rb.raw.size() / 2,
                     rb.raw.size() - 1}) {
    auto basket = DecodeBasketKey(ByteView(rb.raw).subspan(0, len));
    EXPECT_FALSE(basket.ok()) << "length " << len;
    if (!basket.ok()) {
      EXPECT_EQ(basket.status().code(), StatusCode::kCorruption) << len;
    }
  }
}

TEST(DecodeBasketKey, BitFlipsNeverCrash) {
  auto f = OpenOrDie("uproot-HZZ.root");
  ASSERT_TRUE(f);
  auto t = f->ReadTree("events");
  ASSERT_TRUE(t.ok());
  RealBasket rb = ReadFirstBasket(*f, *(*t)->FindBranch("Muon_Px"));
  ASSERT_FALSE(rb.raw.empty());
  // One bit of every header byte (a different bit each time), then one every 97 bytes of the
  // payload: each decode must either succeed or return a Status, and never read out of bounds.
  size_t num_errors = 0;
  for (size_t i = 0; i < rb.raw.size(); i += (i < 96 ? 1 : 97)) {
    Bytes copy = rb.raw;
    copy[i] ^= static_cast<std::byte>(1u << (i % 8));
    auto basket = DecodeBasketKey(copy);
    if (!basket.ok()) {
      ++num_errors;
    } else {
      EXPECT_GE(basket->num_entries, 0);
      if (basket->has_entry_offsets()) {
        EXPECT_LE(static_cast<size_t>(basket->entry_offsets.back()), basket->data.size());
      }
    }
  }
  EXPECT_GT(num_errors, 0u);
  // Specific flips that must be detected: fNbytes, and a bit in the compressed payload (zlib's
  // adler32 catches it).
  Bytes nbytes_flip = rb.raw;
  nbytes_flip[1] ^= std::byte{0x10};
  EXPECT_FALSE(DecodeBasketKey(nbytes_flip).ok());
  Bytes payload_flip = rb.raw;
  payload_flip[payload_flip.size() / 2] ^= std::byte{0x01};
  EXPECT_FALSE(DecodeBasketKey(payload_flip).ok());
}

// BUG: DecodeBasketKey resizes its output to fObjlen before DecompressPayload compares fObjlen
// with the block headers, so one flipped bit in fObjlen makes it allocate (and zero) 1 GiB
// before returning Corruption. fObjlen could be checked against the block headers' sum (or
// the payload's size times a maximum ratio) first.
TEST(DecodeBasketKey, HugeObjlenIsRejectedBeforeAllocating) {
  auto f = OpenOrDie("uproot-HZZ.root");
  ASSERT_TRUE(f);
  auto t = f->ReadTree("events");
  ASSERT_TRUE(t.ok());
  RealBasket rb = ReadFirstBasket(*f, *(*t)->FindBranch("Muon_Px"));
  ASSERT_GT(rb.raw.size(), 10u);
  Bytes copy = rb.raw;
  copy[6] ^= std::byte{0x40};  // fObjlen += 1 GiB; the payload's block headers are unchanged
  g_max_allocation = 0;
  auto basket = DecodeBasketKey(copy);
  size_t largest = g_max_allocation.load();
  ASSERT_FALSE(basket.ok());
  EXPECT_EQ(basket.status().code(), StatusCode::kCorruption);
  EXPECT_LT(largest, size_t{16} << 20) << "allocated " << largest << " bytes for a "
                                       << rb.raw.size() << "-byte basket key";
}

// Found by decompress_fuzz (cpp/fuzz/regressions/decompress/): 100 zlib block headers with no
// compressed bytes, each claiming 16 MiB, made DecompressPayload allocate 1.6 GB for a 900-byte
// payload before the first block failed to inflate. A block cannot expand beyond its codec's
// maximum ratio, so the header walk refuses them before allocating.
TEST(DecompressPayload, BlocksClaimingMoreThanTheirCodecCanExpandAreCorruption) {
  Bytes raw;
  for (int i = 0; i < 100; ++i) {
    for (int x : {int{'Z'}, int{'L'}, 8, 0, 0, 0, 0xFF, 0xFF, 0xFF}) raw.push_back(static_cast<std::byte>(x));
  }
  auto out = DecompressPayload(raw, 100ull * 0xFFFFFF);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kCorruption);
  EXPECT_NE(out.status().message().find("more than the codec can expand"), std::string::npos)
      << out.status().ToString();
}

// ---- Class versions read by the file's streamer info (members.h) ----

/// Every field ParseTree fills, as one string, to compare two readings of a tree.
std::string DescribeTree(const Tree& t) {
  std::string s = t.name + "|" + t.title + "|" + std::to_string(t.class_version) + "|" +
                  std::to_string(t.entries) + "|" + std::to_string(t.tot_bytes) + "|" +
                  std::to_string(t.zip_bytes) + "|" + std::to_string(t.auto_flush) + "|";
  auto ints = [&s](const auto& v) {
    for (auto x : v) s += std::to_string(x) + ",";
    s += "|";
  };
  ints(t.cluster_range_end);
  ints(t.cluster_size);
  for (const Branch* b : t.all_branches) {
    s += "\nB " + b->class_name + "|" + b->path + "|" + b->title + "|" +
         std::to_string(b->compress) + "|" + std::to_string(b->basket_size) + "|" +
         std::to_string(b->entry_offset_len) + "|" + std::to_string(b->write_basket) + "|" +
         std::to_string(b->entry_number) + "|" + std::to_string(b->offset) + "|" +
         std::to_string(b->max_baskets) + "|" + std::to_string(b->split_level) + "|" +
         std::to_string(b->entries) + "|" + std::to_string(b->first_entry) + "|" +
         std::to_string(b->tot_bytes) + "|" + std::to_string(b->zip_bytes) + "|";
    ints(b->basket_bytes);
    ints(b->basket_entry);
    ints(b->basket_seek);
    for (const auto& e : b->embedded_baskets) {
      s += std::to_string(e->slot) + "/" + std::to_string(e->has_buffer) + "/" +
           std::to_string(e->nev_buf) + "/" +
           std::to_string(e->last) + "/" + std::to_string(e->data.size()) + "/" +
           std::to_string(e->entry_offsets.size()) + ",";
    }
    s += "|" + b->element_class_name + "|" + b->parent_name + "|" + b->clones_name + "|" +
         std::to_string(b->checksum) + "|" + std::to_string(b->class_version) + "|" +
         std::to_string(b->id) + "|" + std::to_string(b->type) + "|" +
         std::to_string(b->streamer_type) + "|" + std::to_string(b->maximum) + "|" +
         (b->branch_count ? b->branch_count->name : "-") + "|" +
         (b->branch_count2 ? b->branch_count2->name : "-");
    for (const Leaf* l : b->leaves) {
      s += "\n  L " + l->class_name + "|" + l->name + "|" + l->title + "|" +
           std::to_string(l->len) + "|" + std::to_string(l->len_type) + "|" +
           std::to_string(l->offset) + "|" + std::to_string(l->is_range) + "|" +
           std::to_string(l->is_unsigned) + "|" + (l->leaf_count ? l->leaf_count->name : "-") +
           "|" + std::to_string(l->element_id) + "|" + std::to_string(l->element_type);
    }
  }
  return s;
}

TreeParseOptions OptionsFor(const std::shared_ptr<RootFile>& f, const std::string& cls) {
  TreeParseOptions o;
  o.class_name = cls;
  o.streamers = [f](const std::string& c, int32_t v) { return f->FindStreamerInfo(c, v); };
  return o;
}

// The hand-written readers (TTree v16-20, TBranch v10-13, ...) and the streamer-info reader
// must agree field by field on every tree of every test file (the files carry the streamer
// infos of the versions they use): the second reads ROOT 3/4 files, where nothing else can
// check it. Across the 165 files of ../shared/testdata/corpus they agreed on all 360 trees.
TEST(ParseTree, StreamerInfoReaderAgreesWithTheHandWrittenOne) {
  int compared = 0;
  for (const char* name :
       {"uproot-HZZ.root", "uproot-HZZ-objects.root", "uproot-sample-5.23.02-zlib.root",
        "uproot-sample-6.20.04-lz4.root", "uproot-small-evnt-tree-fullsplit.root",
        "uproot-stl_containers.root", "uproot-mc10events.root", "uproot-leaflist.root",
        "nanoAOD_2015_CMS_Open_Data_ttbar.root", "uproot-issue327.root", "uproot-issue31.root",
        "string-example.root", "uproot-issue-250.root", "uproot-issue413.root"}) {
    auto f = OpenOrDie(name);
    ASSERT_TRUE(f);
    auto listing = f->List(/*all_cycles=*/true);
    ASSERT_TRUE(listing.ok()) << listing.status().ToString();
    for (const auto& o : listing->objects) {
      if (o.key.class_name != "TTree") continue;
      auto payload = f->ReadPayload(o.key);
      ASSERT_TRUE(payload.ok()) << payload.status().ToString();
      TreeParseOptions by_hand = OptionsFor(f, "TTree");
      TreeParseOptions by_streamer = by_hand;
      by_streamer.prefer_streamers = true;
      size_t lookups = 0;
      by_streamer.streamers = [f, &lookups](const std::string& c, int32_t v) {
        const StreamerInfo* s = f->FindStreamerInfo(c, v);
        lookups += s != nullptr;
        return s;
      };
      auto a = ParseTree(*payload, o.key.keylen, by_hand);
      auto b = ParseTree(*payload, o.key.keylen, by_streamer);
      ASSERT_TRUE(a.ok()) << name << " " << o.path << ": " << a.status().ToString();
      ASSERT_TRUE(b.ok()) << name << " " << o.path << ": " << b.status().ToString();
      EXPECT_GT(lookups, 0u) << name << " " << o.path << ": the streamer path was not taken";
      EXPECT_EQ(DescribeTree(**a), DescribeTree(**b)) << name << " " << o.path;
      ++compared;
    }
  }
  EXPECT_GE(compared, 15);
}

// uproot-issue-250.root (ROOT 4.00/00): TTree version 5 (fEntries, fTotBytes as doubles), read
// by the file's streamer info, and TBranch version 8 (32-bit fEntryNumber, fBasketEntry and
// fBasketSeek), read by hand as ROOT does (the agreement test above reads it by the streamer
// info too). Values as uproot 5 reads them.
TEST(RootFile, ReadsTTreeVersion5AndTBranchVersion8ByTheirStreamerInfo) {
  auto f = OpenOrDie("uproot-issue-250.root");
  ASSERT_TRUE(f);
  auto t = f->ReadTree("B4");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  const Tree& tree = **t;
  EXPECT_EQ(tree.class_version, 5);
  EXPECT_EQ(tree.title, "Edep and TrackL");
  EXPECT_EQ(tree.entries, 1000);
  EXPECT_EQ(tree.tot_bytes, 48616);
  EXPECT_EQ(tree.zip_bytes, 34900);
  ASSERT_EQ(tree.branches.size(), 4u);
  const Branch& eabs = *tree.branches[0];
  EXPECT_EQ(eabs.name, "Eabs");
  EXPECT_EQ(eabs.entries, 1000);
  EXPECT_EQ(eabs.entry_number, 1000);
  EXPECT_EQ(eabs.write_basket, 2);
  EXPECT_EQ(eabs.max_baskets, 10);
  EXPECT_EQ(eabs.basket_size, 32000);
  EXPECT_EQ(eabs.zip_bytes, 9174);
  ASSERT_EQ(eabs.basket_seek.size(), 10u);
  EXPECT_EQ(eabs.basket_seek[0], 156);
  EXPECT_EQ(eabs.basket_seek[1], 18510);
  EXPECT_EQ(eabs.basket_bytes[0], 4821);
  EXPECT_EQ(eabs.basket_bytes[1], 4353);
  EXPECT_EQ(eabs.basket_entry[1], 528);
  EXPECT_EQ(eabs.basket_entry[2], 1000);
  ASSERT_EQ(eabs.leaves.size(), 1u);
  EXPECT_EQ(eabs.leaves[0]->class_name, "TLeafD");
  EXPECT_EQ(eabs.leaves[0]->len_type, 8);
  // The basket being filled when ROOT 4 wrote the tree: empty, in fBaskets slot fWriteBasket,
  // streamed with TBasket version 1 (no buffer for flag 0).
  ASSERT_EQ(eabs.embedded_baskets.size(), 1u);
  EXPECT_EQ(eabs.embedded_baskets[0]->slot, 2);
  EXPECT_EQ(eabs.embedded_baskets[0]->nev_buf, 0);
  EXPECT_EQ(tree.branches[3]->name, "Lgap");
  EXPECT_EQ(tree.branches[3]->basket_seek[1], 31156);
}

TEST(ParseTree, OldVersionWithoutStreamerInfoIsUnsupportedNamingIt) {
  auto f = OpenOrDie("uproot-issue-250.root");
  ASSERT_TRUE(f);
  auto key = f->FindKey("B4");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  auto payload = f->ReadPayload(*key);
  ASSERT_TRUE(payload.ok()) << payload.status().ToString();
  auto t = ParseTree(*payload, key->keylen);  // no streamer infos
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(t.status().message().find("TTree version 5"), std::string::npos)
      << t.status().ToString();
  EXPECT_NE(t.status().message().find("streamer info"), std::string::npos)
      << t.status().ToString();
}

// A TNtuple record is the TNtuple's own header, the TTree, then fNvar (TNtuple::Streamer;
// uproot models/TTree.py Model_TNtuple). Built here around the TTree of a test file:
// references in the record count from the key start, so the key length shrinks by the header.
TEST(ParseTree, TNtupleIsItsHeaderThenTheTTree) {
  auto f = OpenOrDie("uproot-foriter.root");
  ASSERT_TRUE(f);
  auto key = f->FindKey("foriter");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  auto payload = f->ReadPayload(*key);
  ASSERT_TRUE(payload.ok()) << payload.status().ToString();
  const uint32_t count = static_cast<uint32_t>(2 + payload->size() + 4);
  Bytes ntuple = B({0x40 | static_cast<int>(count >> 24), static_cast<int>((count >> 16) & 0xFF),
                    static_cast<int>((count >> 8) & 0xFF), static_cast<int>(count & 0xFF), 0x00,
                    0x02});
  ntuple.insert(ntuple.end(), payload->begin(), payload->end());
  for (int x : {0, 0, 0, 1}) ntuple.push_back(static_cast<std::byte>(x));  // fNvar
  auto t = ParseTree(ntuple, key->keylen - 6, OptionsFor(f, "TNtuple"));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  auto direct = ParseTree(*payload, key->keylen, OptionsFor(f, "TTree"));
  ASSERT_TRUE(direct.ok()) << direct.status().ToString();
  EXPECT_EQ(DescribeTree(**t), DescribeTree(**direct));
  EXPECT_EQ((*t)->entries, 46);
  // Read as a TTree, the same bytes are a TTree of version 2: not one ROOT wrote.
  auto as_tree = ParseTree(ntuple, key->keylen - 6, OptionsFor(f, "TTree"));
  ASSERT_FALSE(as_tree.ok());
  EXPECT_NE(as_tree.status().message().find("TTree version 2"), std::string::npos)
      << as_tree.status().ToString();
}

// The TNtuple of uproot-hepdata-example.root (ROOT 5.34, 1.2 MB: read from the shared corpus,
// not copied into testdata/). uproot: 75000 entries, branches px py pz random i.
TEST(RootFile, ReadsATNtupleOfTheSharedCorpus) {
  const std::string path = testing::SharedCorpusFile("uproot-hepdata-example.root");
  if (path.empty()) {
    GTEST_SKIP() << "the shared corpus (../shared/testdata/corpus) is not on this machine";
  }
  auto src = byte_source::OpenLocalFile(path);
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  auto f = RootFile::Open(*src);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  auto t = (*f)->ReadTree("ntuple");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ((*t)->entries, 75000);
  ASSERT_EQ((*t)->branches.size(), 5u);
  EXPECT_EQ((*t)->branches[0]->name, "px");
  EXPECT_EQ((*t)->branches[4]->name, "i");
}

// ReadMembers on hand-made streamer infos: what it cannot read is Unsupported naming the
// member, counts that do not fit are Corruption, and a cycle of base classes stops.
class NoHooks : public MemberHooks {
 public:
  bool ReadBase(Cursor&, const StreamerElement&) override { return false; }
  void ReadObject(Cursor& c, const StreamerElement&, bool) override {
    c.Fail(Status::Unsupported("no objects here"));
  }
};

StreamerElement Element(const std::string& name, int32_t type, const std::string& count = "") {
  StreamerElement e;
  e.element_class = count.empty() ? "TStreamerBasicType" : "TStreamerBasicPointer";
  e.name = name;
  e.type = type;
  e.count_name = count;
  return e;
}

TEST(ReadMembers, ReadsNumbersAndCountedArrays) {
  StreamerInfo info;
  info.class_name = "TOld";
  info.class_version = 3;
  info.elements = {Element("fN", kCounter), Element("fSum", kDouble),
                   Element("fSeeks", kOffsetP + kInt, "fN"), Element("fFlag", kBool)};
  Bytes b = B({0, 0, 0, 2,                                      // fN = 2
               0x40, 0x8F, 0x40, 0, 0, 0, 0, 0,                 // fSum = 1000.0
               1, 0, 0, 0, 7, 0xFF, 0xFF, 0xFF, 0xFE,           // isArray, {7, -2}
               1});                                             // fFlag
  Cursor c(b);
  NoHooks hooks;
  MemberValues v;
  ReadMembers(c, info, {}, hooks, {}, &v);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c.pos(), b.size());
  EXPECT_EQ(v.Int("fN"), 2);
  EXPECT_EQ(v.Int("fSum"), 1000);  // a whole double counts as an integer (TTree v5 fEntries)
  ASSERT_EQ(v.int_arrays["fSeeks"].size(), 2u);
  EXPECT_EQ(v.int_arrays["fSeeks"][1], -2);
  EXPECT_EQ(v.Int("fFlag"), 1);
}

TEST(ReadMembers, CountPastTheRecordIsCorruption) {
  StreamerInfo info;
  info.class_name = "TOld";
  info.elements = {Element("fN", kCounter), Element("fSeeks", kOffsetP + kLong64, "fN")};
  Bytes b = B({0x10, 0, 0, 0, 1, 0, 0});  // fN = 2^28
  Cursor c(b);
  NoHooks hooks;
  MemberValues v;
  ReadMembers(c, info, {}, hooks, {}, &v);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kCorruption);
  EXPECT_NE(c.status().message().find("TOld::fSeeks"), std::string::npos) << c.status().ToString();
}

TEST(ReadMembers, UnknownMemberKindIsUnsupportedNamingIt) {
  StreamerInfo info;
  info.class_name = "TOld";
  info.class_version = 7;
  info.elements = {Element("fWeird", 99)};
  Bytes b = B({0, 0, 0, 0});
  Cursor c(b);
  NoHooks hooks;
  MemberValues v;
  ReadMembers(c, info, {}, hooks, {}, &v);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(c.status().message().find("TOld::fWeird"), std::string::npos) << c.status().ToString();
}

TEST(ReadMembers, BaseClassCycleStops) {
  // TLoop's only member is a base TLoop without a byte count: read by its own streamer info,
  // which is itself, again and again.
  StreamerInfo info;
  info.class_name = "TLoop";
  info.class_version = 1;
  StreamerElement base;
  base.element_class = "TStreamerBase";
  base.name = "TLoop";
  info.elements = {base};
  Bytes b(200, std::byte{0});
  for (size_t i = 1; i < b.size(); i += 2) b[i] = std::byte{1};  // u16 version 1, repeated
  Cursor c(b);
  NoHooks hooks;
  MemberValues v;
  StreamerInfoLookup lookup = [&](const std::string&, int32_t) { return &info; };
  ReadMembers(c, info, lookup, hooks, {}, &v);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kCorruption);
  EXPECT_NE(c.status().message().find("deeper"), std::string::npos) << c.status().ToString();
}

// ---- Listing: cycles and keys that cannot be used ----

// uproot-issue31.root holds T;2 and T;1 (two writes of one tree): uproot lists both.
TEST(RootFile, ListsEveryCycleOrTheHighest) {
  auto f = OpenOrDie("uproot-issue31.root");
  ASSERT_TRUE(f);
  auto all = f->List(/*all_cycles=*/true);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->objects.size(), 2u);
  EXPECT_EQ(all->objects[0].path, "T");
  EXPECT_EQ(all->objects[0].key.cycle, 2);
  EXPECT_EQ(all->objects[1].key.cycle, 1);
  EXPECT_TRUE(all->bad_keys.empty());
  auto highest = f->ListObjects();
  ASSERT_TRUE(highest.ok()) << highest.status().ToString();
  ASSERT_EQ(highest->size(), 1u);
  EXPECT_EQ((*highest)[0].key.cycle, 2);
  auto t1 = f->ReadTree("T;1");
  ASSERT_TRUE(t1.ok()) << t1.status().ToString();
  EXPECT_EQ((*t1)->entries, 5);
}

/// Offset of the key header named `name` in the top directory's keys list of `file`.
size_t TopKeyOffset(const Bytes& file, const std::string& name) {
  auto hdr = ParseFileHeader(file, file.size());
  EXPECT_TRUE(hdr.ok());
  Cursor d(ByteView(file).subspan(static_cast<size_t>(hdr->begin + hdr->nbytes_name)));
  const bool large = d.I16() > 1000;
  d.Skip(8);  // ctime, mtime
  d.I32();    // fNbytesKeys
  d.I32();    // fNbytesName
  d.Skip(large ? 16 : 8);
  const int64_t seek_keys = large ? d.I64() : d.I32();
  Cursor c(ByteView(file).subspan(static_cast<size_t>(seek_keys)));
  auto self = ParseKeyHeader(c);
  EXPECT_TRUE(self.ok());
  c.Seek(static_cast<size_t>(self->keylen));
  const int32_t n = c.I32();
  for (int32_t i = 0; i < n; ++i) {
    const size_t at = c.pos();
    auto k = ParseKeyHeader(c);
    EXPECT_TRUE(k.ok());
    if (k.ok() && k->name == name) return static_cast<size_t>(seek_keys) + at;
  }
  ADD_FAILURE() << "no key " << name;
  return 0;
}

// A key running past the end of the file is listed by ROOT and fails when read: here it is
// reported with its name, class and byte range, and the rest of the file stays readable
// (the whole Open used to fail).
TEST(RootFile, KeyPastTheEndIsReportedAndTheRestStaysReadable) {
  Bytes b = ReadWholeFile("uproot-issue-250.root");
  const size_t at = TopKeyOffset(b, "Egap");
  ASSERT_GT(at, 0u);
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::byte>(i == 0 ? 0x10 : 0);  // 2^28
  auto f = RootFile::Open(byte_source::MakeMemorySource(std::move(b), "bad-key.root"));
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  auto listing = (*f)->List(/*all_cycles=*/true);
  ASSERT_TRUE(listing.ok()) << listing.status().ToString();
  ASSERT_EQ(listing->bad_keys.size(), 1u);
  const BadKey& bad = listing->bad_keys[0];
  EXPECT_EQ(bad.path, "Egap");
  EXPECT_EQ(bad.class_name, "TH1D");
  EXPECT_EQ(bad.reason.code(), StatusCode::kCorruption);
  const std::string d = bad.Describe();
  EXPECT_NE(d.find("TH1D 'Egap;1' at [0x"), std::string::npos) << d;
  EXPECT_NE(d.find("past the end"), std::string::npos) << d;
  std::vector<std::string> names;
  for (const auto& o : listing->objects) names.push_back(o.path);
  EXPECT_EQ(names, (std::vector<std::string>{"B4", "Eabs", "Labs", "Lgap"}));
  auto tree = (*f)->ReadTree("B4");
  EXPECT_TRUE(tree.ok()) << tree.status().ToString();
  auto key = (*f)->FindKey("Egap");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), StatusCode::kCorruption);
  EXPECT_NE(key.status().ToString().find("Egap"), std::string::npos) << key.status().ToString();
  EXPECT_NE(key.status().ToString().find("bad-key.root"), std::string::npos)
      << key.status().ToString();
}

// ---- Truncated file over a memory source ----

TEST(RootFile, OpenOfTruncatedMemoryCopyNamesTheSource) {
  Bytes b = ReadWholeFile("uproot-HZZ.root");
  ASSERT_GT(b.size(), 30000u);
  b.resize(30000);
  auto src = byte_source::MakeMemorySource(std::move(b), "truncated-HZZ.root");
  auto f = RootFile::Open(src);
  ASSERT_FALSE(f.ok());
  EXPECT_TRUE(f.status().code() == StatusCode::kCorruption ||
              f.status().code() == StatusCode::kIOError)
      << f.status().ToString();
  EXPECT_NE(f.status().ToString().find("truncated-HZZ.root"), std::string::npos)
      << f.status().ToString();
}

TEST(RootFile, OpenOfEmptyMemorySourceFails) {
  auto f = RootFile::Open(byte_source::MakeMemorySource(Bytes{}, "empty.root"));
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().ToString().find("empty.root"), std::string::npos) << f.status().ToString();
}

// Found by streamer_info_fuzz (cpp/fuzz/regressions/streamer_info/): a record of collections
// nested 100000 deep, each 10 bytes (TList version, count 1, a reference to class TList), must
// be refused as Corruption instead of recursing until the stack overflows.
TEST(ParseStreamerInfoList, DeeplyNestedCollectionsAreCorruptionNotStackOverflow) {
  std::vector<uint8_t> b = {0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0xFF, 0xFF, 0xFF, 0xFF,
                            'T', 'L', 'i', 's', 't', 0};
  const uint8_t level[] = {0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x80, 0x00, 0x00, 0x01};
  for (int i = 0; i < 100000; ++i) b.insert(b.end(), std::begin(level), std::end(level));
  auto infos = ParseStreamerInfoList(ByteView(reinterpret_cast<const std::byte*>(b.data()), b.size()),
                                     100);
  ASSERT_FALSE(infos.ok());
  EXPECT_EQ(infos.status().code(), StatusCode::kCorruption);
  EXPECT_NE(infos.status().message().find("nested deeper"), std::string::npos)
      << infos.status().ToString();
}

// Found by streamer_info_fuzz: object references let one element list be handed to every
// streamer info; copying it each time turned a 50 kB record into gigabytes. References now
// share collections, and more element copies than the record has bytes is Corruption.
TEST(ParseStreamerInfoList, ElementListReferencedByManyInfosIsCorruption) {
  std::vector<uint8_t> b;
  auto u16 = [&](uint16_t v) { b.insert(b.end(), {uint8_t(v >> 8), uint8_t(v)}); };
  auto u32 = [&](uint32_t v) { u16(uint16_t(v >> 16)); u16(uint16_t(v)); };
  auto info_body = [&]() {
    u16(9);                  // TStreamerInfo version (no byte count)
    u16(1);                  // TNamed version
    u16(1);                  // TObject version, fUniqueID, fBits
    u32(0);
    u32(0);
    b.insert(b.end(), {1, 'A', 0});  // fName "A", fTitle ""
    u32(0);                          // checksum
    u32(1);                          // class version
  };
  const int kInfos = 100, kElements = 1000;
  u16(3);           // TList version
  u32(kInfos);      // objects
  u32(kNewClassTag);  // the first info: class tag 1
  b.insert(b.end(), {'T', 'S', 't', 'r', 'e', 'a', 'm', 'e', 'r', 'I', 'n', 'f', 'o', 0});
  info_body();
  u32(kNewClassTag);  // its elements: a TObjArray (class tag 2, object tag 3) of null pointers
  b.insert(b.end(), {'T', 'O', 'b', 'j', 'A', 'r', 'r', 'a', 'y', 0});
  u16(1);
  u32(kElements);
  u32(0);  // fLowerBound
  for (int i = 0; i < kElements; ++i) u32(0);
  b.push_back(0);  // option string
  for (int i = 1; i < kInfos; ++i) {
    u32(kClassMask | 1);  // another TStreamerInfo ...
    info_body();
    u32(3);               // ... whose elements are a reference to the first one's
    b.push_back(0);
  }
  auto infos = ParseStreamerInfoList(ByteView(reinterpret_cast<const std::byte*>(b.data()), b.size()),
                                     100);
  ASSERT_FALSE(infos.ok());
  EXPECT_EQ(infos.status().code(), StatusCode::kCorruption);
  EXPECT_NE(infos.status().message().find("reference more elements"), std::string::npos)
      << infos.status().ToString();
}

// A 7.5 kB file whose directories form a DAG, 40 levels of two keys ("a", "b") that both point
// at the next level's directory (cpp/fuzz/regressions/root_file/, made by hand after reading
// ListRecursive): listing it visited 2^40 directories. More listed objects than the file has
// room for keys is Corruption.
TEST(RootFile, ListObjectsOfDirectoryDagIsCorruptionNotExponential) {
  const std::string path = std::string(ARROWROOT_TESTDATA_DIR) +
                           "/../cpp/fuzz/regressions/root_file/directory-dag-exponential-listing";
  auto src = byte_source::OpenLocalFile(path);
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  auto f = RootFile::Open(*src);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  // Two checks refuse it, whichever meets it first: a directory whose keys list was written
  // for another directory (ReadDirectoryKeys: that subdirectory key is a bad key, listed with
  // why, and the listing goes on), or more listed objects than the file has room for keys
  // (ListRecursive: the listing fails). Either way at once, not 2^40 listings.
  auto listing = (*f)->List(/*all_cycles=*/true);
  if (!listing.ok()) {
    EXPECT_EQ(listing.status().code(), StatusCode::kCorruption);
    EXPECT_NE(listing.status().message().find("more objects than"), std::string::npos)
        << listing.status().ToString();
    return;
  }
  EXPECT_LT(listing->objects.size(), 100u);
  ASSERT_FALSE(listing->bad_keys.empty());
  for (const BadKey& b : listing->bad_keys) {
    EXPECT_EQ(b.reason.code(), StatusCode::kCorruption) << b.Describe();
    EXPECT_NE(b.Describe().find("not for this one"), std::string::npos) << b.Describe();
  }
}

}  // namespace
}  // namespace arrowroot::root_format
