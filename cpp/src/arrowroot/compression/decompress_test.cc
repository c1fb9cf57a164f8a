#include "arrowroot/compression/decompress.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "testing/synthetic_basket.h"

namespace arrowroot::compression {
namespace {

using Bytes = std::vector<std::byte>;

Bytes Header(const char magic[2], uint8_t method, uint32_t csize, uint32_t usize) {
  Bytes b(9);
  b[0] = static_cast<std::byte>(magic[0]);
  b[1] = static_cast<std::byte>(magic[1]);
  b[2] = static_cast<std::byte>(method);
  for (int i = 0; i < 3; ++i) {
    b[3 + i] = static_cast<std::byte>((csize >> (8 * i)) & 0xff);
    b[6 + i] = static_cast<std::byte>((usize >> (8 * i)) & 0xff);
  }
  return b;
}

Bytes Truncated(Bytes b, size_t n) {
  b.resize(n);
  return b;
}

// Basket-like data: big-endian float32 values from a smooth distribution, so it
// compresses like real physics columns (somewhat, not trivially).
Bytes MakeData(size_t n, uint32_t seed = 1) {
  Bytes b(n);
  uint32_t x = seed * 2654435761u + 1;
  size_t i = 0;
  while (i + 4 <= n) {
    x = x * 1664525u + 1013904223u;
    float v = 40.0f + static_cast<float>((x >> 16) % 2000) * 0.05f;
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    bits &= 0xFFFFFF00u;  // ROOT-ish truncated mantissa noise keeps it compressible
    for (int k = 0; k < 4; ++k) b[i + k] = static_cast<std::byte>(bits >> (24 - 8 * k));
    i += 4;
  }
  for (; i < n; ++i) b[i] = static_cast<std::byte>(i);
  return b;
}

Bytes MustCompress(Codec codec, int level, const Bytes& data) {
  auto r = CompressRootBlocks(codec, level, data);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : Bytes{};
}

void StoreLE24(Bytes& b, size_t at, uint32_t v) {
  for (int i = 0; i < 3; ++i) b[at + i] = static_cast<std::byte>((v >> (8 * i)) & 0xff);
}
uint32_t LoadLE24(const Bytes& b, size_t at) {
  return static_cast<uint32_t>(b[at]) | static_cast<uint32_t>(b[at + 1]) << 8 |
         static_cast<uint32_t>(b[at + 2]) << 16;
}

struct CodecLevel {
  Codec codec;
  int level;
};
const CodecLevel kAllCodecs[] = {
    {Codec::kZlib, 1}, {Codec::kZlib, 9}, {Codec::kLzma, 1}, {Codec::kLzma, 8},
    {Codec::kLz4, 1},  {Codec::kLz4, 9},  {Codec::kZstd, 1}, {Codec::kZstd, 19},
};
const Codec kCodecs[] = {Codec::kZlib, Codec::kLzma, Codec::kLz4, Codec::kZstd};

// ---------------------------------------------------------------------------------------
// ParseBlockHeader: table-driven.

TEST(ParseBlockHeader, DecodesTable) {
  struct Case {
    const char* name;
    Bytes bytes;
    std::optional<BlockHeader> want;  // nullopt: Corruption expected
  };
  const Case cases[] = {
      {"zlib", Header("ZL", 8, 0x000123, 0x004567),
       BlockHeader{Codec::kZlib, 0x123, 0x4567, 8}},
      {"lzma", Header("XZ", 0, 0xabcdef, 0xffffff),
       BlockHeader{Codec::kLzma, 0xabcdef, 0xffffff, 0}},
      {"lz4", Header("L4", 1, 8, 0), BlockHeader{Codec::kLz4, 8, 0, 1}},
      {"lz4 other method", Header("L4", 7, 100, 200), BlockHeader{Codec::kLz4, 100, 200, 7}},
      {"zstd", Header("ZS", 1, 0x010203, 0x040506),
       BlockHeader{Codec::kZstd, 0x010203, 0x040506, 1}},
      {"old root", Header("CS", 8, 10, 20), BlockHeader{Codec::kOldRoot, 10, 20, 8}},
      {"zero sizes", Header("ZS", 1, 0, 0), BlockHeader{Codec::kZstd, 0, 0, 1}},
      {"bad magic", Header("QQ", 8, 1, 1), std::nullopt},
      {"lower-case magic", Header("zl", 8, 1, 1), std::nullopt},
      {"swapped magic", Header("LZ", 8, 1, 1), std::nullopt},
      {"zlib wrong method", Header("ZL", 9, 1, 1), std::nullopt},
      {"cs wrong method", Header("CS", 0, 1, 1), std::nullopt},
      {"xz wrong method", Header("XZ", 8, 1, 1), std::nullopt},
      {"lz4 no room for checksum", Header("L4", 1, 7, 1), std::nullopt},
      {"empty", Bytes{}, std::nullopt},
      {"eight bytes", Truncated(Header("ZL", 8, 1, 1), 8), std::nullopt},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = ParseBlockHeader(c.bytes);
    if (!c.want) {
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << r.status().ToString();
      continue;
    }
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->codec, c.want->codec);
    EXPECT_EQ(r->compressed_size, c.want->compressed_size);
    EXPECT_EQ(r->uncompressed_size, c.want->uncompressed_size);
    EXPECT_EQ(r->method, c.want->method);
  }
}

TEST(ParseBlockHeader, IgnoresBytesAfterTheNinth) {
  Bytes b = Header("ZL", 8, 5, 6);
  b.push_back(std::byte{0xff});
  auto r = ParseBlockHeader(b);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->compressed_size, 5u);
}

TEST(CodecName, NamesEveryCodec) {
  EXPECT_STREQ(CodecName(Codec::kZlib), "ZLIB");
  EXPECT_STREQ(CodecName(Codec::kLzma), "LZMA");
  EXPECT_STREQ(CodecName(Codec::kLz4), "LZ4");
  EXPECT_STREQ(CodecName(Codec::kZstd), "ZSTD");
  EXPECT_STREQ(CodecName(Codec::kOldRoot), "CS");
}

// ---------------------------------------------------------------------------------------
// Round trips.

TEST(DecompressRootBlocks, RoundTripsEveryCodecAndLevel) {
  for (size_t size : {size_t{1}, size_t{17}, size_t{32 * 1024}, size_t{300000}}) {
    Bytes data = MakeData(size, static_cast<uint32_t>(size));
    for (const CodecLevel& cl : kAllCodecs) {
      SCOPED_TRACE(std::string(CodecName(cl.codec)) + " level " + std::to_string(cl.level) +
                   " size " + std::to_string(size));
      Bytes z = MustCompress(cl.codec, cl.level, data);
      auto h = ParseBlockHeader(z);
      ASSERT_TRUE(h.ok());
      EXPECT_EQ(h->codec, cl.codec);
      EXPECT_EQ(h->uncompressed_size, size);
      EXPECT_EQ(h->compressed_size + kBlockHeaderSize, z.size());
      Bytes out(size);
      DecompressCounters counters;
      Status st = DecompressRootBlocks(z, out, counters);
      ASSERT_TRUE(st.ok()) << st.ToString();
      EXPECT_EQ(out, data);
      EXPECT_EQ(counters.num_blocks, 1u);
      EXPECT_EQ(counters.num_compressed_bytes, z.size());
      EXPECT_EQ(counters.num_uncompressed_bytes, size);
      EXPECT_EQ(counters.num_blocks_by_codec[static_cast<size_t>(cl.codec)], 1u);
    }
  }
}

TEST(DecompressRootBlocks, EmptyPayloadFillsEmptyOutput) {
  Bytes z = MustCompress(Codec::kZstd, 1, {});
  EXPECT_TRUE(z.empty());
  EXPECT_TRUE(DecompressRootBlocks({}, {}).ok());
}

// > 16 MiB forces two blocks; LZ4 keeps it fast and checks both checksums.
TEST(DecompressRootBlocks, SplitsAndJoinsBlocksAbove16MiB) {
  const size_t size = kMaxBlockSize + 1000000;
  Bytes data = MakeData(size, 7);
  Bytes z = MustCompress(Codec::kLz4, 1, data);
  auto first = ParseBlockHeader(z);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->uncompressed_size, kMaxBlockSize);
  size_t second_at = kBlockHeaderSize + first->compressed_size;
  auto second = ParseBlockHeader(std::span<const std::byte>(z).subspan(second_at));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->uncompressed_size, size - kMaxBlockSize);
  EXPECT_EQ(second_at + kBlockHeaderSize + second->compressed_size, z.size());

  Bytes out(size);
  DecompressCounters counters;
  Status st = DecompressRootBlocks(z, out, counters);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(out == data);
  EXPECT_EQ(counters.num_blocks, 2u);
  EXPECT_EQ(counters.num_blocks_by_codec[static_cast<size_t>(Codec::kLz4)], 2u);

  // A flipped byte in the second block's data is reported against block 1 and its offset.
  Bytes bad = z;
  bad[second_at + kBlockHeaderSize + kLz4ChecksumSize + 100] ^= std::byte{0x01};
  st = DecompressRootBlocks(bad, out);
  ASSERT_EQ(st.code(), StatusCode::kCorruption);
  char want[64];
  std::snprintf(want, sizeof want, "block 1 at payload offset 0x%zx (LZ4)", second_at);
  EXPECT_NE(st.message().find(want), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("xxhash64 mismatch"), std::string::npos) << st.message();
}

TEST(DecompressRootBlocks, JoinsBlocksOfDifferentCodecs) {
  Bytes payload, expected;
  uint32_t seed = 1;
  for (Codec c : kCodecs) {
    Bytes part = MakeData(5000 + seed * 333, seed);
    ++seed;
    Bytes z = MustCompress(c, c == Codec::kLz4 ? 1 : 3, part);
    payload.insert(payload.end(), z.begin(), z.end());
    expected.insert(expected.end(), part.begin(), part.end());
  }
  Bytes out(expected.size());
  DecompressCounters counters;
  Status st = DecompressRootBlocks(payload, out, counters);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out, expected);
  EXPECT_EQ(counters.num_blocks, 4u);
  for (Codec c : kCodecs) EXPECT_EQ(counters.num_blocks_by_codec[static_cast<size_t>(c)], 1u);
}

TEST(CompressRootBlocks, RejectsBadLevelsAndOldRoot) {
  Bytes data = MakeData(100);
  EXPECT_EQ(CompressRootBlocks(Codec::kZlib, 10, data).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CompressRootBlocks(Codec::kLzma, -1, data).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CompressRootBlocks(Codec::kLz4, 0, data).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CompressRootBlocks(Codec::kZstd, 99, data).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CompressRootBlocks(Codec::kOldRoot, 1, data).status().code(),
            StatusCode::kUnsupported);
}

// ---------------------------------------------------------------------------------------
// Corruption: each case must give Corruption (or Unsupported for CS) and never crash.

Status Decode(const Bytes& in, size_t out_size) {
  Bytes out(out_size);
  return DecompressRootBlocks(in, out);
}

#define EXPECT_CORRUPTION(expr, needle)                                          \
  do {                                                                           \
    Status _st = (expr);                                                         \
    EXPECT_EQ(_st.code(), StatusCode::kCorruption) << _st.ToString();            \
    EXPECT_NE(_st.message().find(needle), std::string::npos) << _st.message();   \
  } while (0)

TEST(DecompressRootBlocks, RejectsTruncatedHeader) {
  Bytes z = MustCompress(Codec::kZlib, 1, MakeData(1000));
  for (size_t n = 0; n < kBlockHeaderSize; ++n) {
    Bytes cut(z.begin(), z.begin() + n);
    if (n == 0) {
      EXPECT_CORRUPTION(Decode(cut, 1000), "payload of 0 bytes ends");
    } else {
      EXPECT_CORRUPTION(Decode(cut, 1000), "block 0 at payload offset 0x0: truncated block header");
    }
  }
  // A second block's header cut short, after a good first block.
  Bytes two = z;
  two.insert(two.end(), z.begin(), z.begin() + 4);
  char want[64];
  std::snprintf(want, sizeof want, "block 1 at payload offset 0x%zx: truncated", z.size());
  EXPECT_CORRUPTION(Decode(two, 2000), want);
}

TEST(DecompressRootBlocks, RejectsBadMagic) {
  Bytes z = MustCompress(Codec::kZstd, 1, MakeData(1000));
  z[0] = std::byte{'Q'};
  EXPECT_CORRUPTION(Decode(z, 1000), "unknown compression magic");
}

TEST(DecompressRootBlocks, OldRootIsUnsupported) {
  Bytes z = Header("CS", 8, 4, 100);
  z.resize(z.size() + 4);
  Status st = Decode(z, 100);
  EXPECT_EQ(st.code(), StatusCode::kUnsupported) << st.ToString();
  EXPECT_NE(st.message().find("CS"), std::string::npos);
}

TEST(DecompressRootBlocks, RejectsSizeMismatches) {
  for (Codec c : kCodecs) {
    SCOPED_TRACE(CodecName(c));
    const size_t n = 4000;
    Bytes z = MustCompress(c, 1, MakeData(n));
    // Compressed size runs past the end of the input.
    EXPECT_CORRUPTION(Decode(Bytes(z.begin(), z.end() - 1), n), "runs past the payload end");
    // Expected output larger than the blocks provide.
    EXPECT_CORRUPTION(Decode(z, n + 1), "ends after 4000 of 4001");
    // Expected output smaller than the block says.
    EXPECT_CORRUPTION(Decode(z, n - 1), "exceeds the 3999 bytes left");
    // Trailing garbage after the last block.
    Bytes trailing = z;
    trailing.push_back(std::byte{0});
    EXPECT_CORRUPTION(Decode(trailing, n), "1 trailing bytes");
    // Header claims more than the codec produces.
    Bytes more = z;
    StoreLE24(more, 6, n + 10);
    EXPECT_CORRUPTION(Decode(more, n + 10), "block 0 at payload offset 0x0");
    // Header claims less than the codec produces.
    Bytes less = z;
    StoreLE24(less, 6, n - 10);
    EXPECT_CORRUPTION(Decode(less, n - 10), "more than the header's 3990");
  }
}

TEST(DecompressRootBlocks, RejectsBadLz4Checksum) {
  const size_t n = 4000;
  Bytes z = MustCompress(Codec::kLz4, 1, MakeData(n));
  for (size_t at : {kBlockHeaderSize, kBlockHeaderSize + 7}) {  // in the stored checksum
    Bytes bad = z;
    bad[at] ^= std::byte{0x80};
    EXPECT_CORRUPTION(Decode(bad, n), "block 0 at payload offset 0x0 (LZ4): xxhash64 mismatch");
  }
  for (size_t at : {kBlockHeaderSize + 8, z.size() / 2, z.size() - 1}) {  // in the LZ4 data
    Bytes bad = z;
    bad[at] ^= std::byte{0x01};
    EXPECT_CORRUPTION(Decode(bad, n), "xxhash64 mismatch (stored 0x");
  }
}

TEST(DecompressRootBlocks, RejectsTruncatedStreams) {
  for (Codec c : kCodecs) {
    SCOPED_TRACE(CodecName(c));
    const size_t n = 20000;
    Bytes z = MustCompress(c, 1, MakeData(n));
    uint32_t csize = LoadLE24(z, 3);
    // Drop bytes from the end of the codec stream and shrink the header to match, so
    // only the codec itself can notice.
    for (uint32_t drop : {1u, 4u, 12u, csize / 2, csize - (c == Codec::kLz4 ? 8u : 1u)}) {
      Bytes cut(z.begin(), z.end() - drop);
      StoreLE24(cut, 3, csize - drop);
      Status st = Decode(cut, n);
      EXPECT_EQ(st.code(), StatusCode::kCorruption) << "drop " << drop << ": " << st.ToString();
    }
  }
}

// Random single-byte and multi-byte damage: any outcome but a crash or an out-of-bounds
// access (the sanitizer build checks the latter) is fine, and failures are Corruption.
TEST(DecompressRootBlocks, SurvivesRandomDamage) {
  uint32_t x = 12345;
  auto next = [&x] { return x = x * 1664525u + 1013904223u; };
  for (Codec c : kCodecs) {
    SCOPED_TRACE(CodecName(c));
    const size_t n = 3000;
    Bytes data = MakeData(n, 3);
    Bytes z = MustCompress(c, 1, data);
    for (int iter = 0; iter < 1500; ++iter) {
      Bytes bad = z;
      int flips = 1 + static_cast<int>(next() % 3);
      for (int f = 0; f < flips; ++f) {
        bad[next() % bad.size()] ^= static_cast<std::byte>(1u << (next() % 8));
      }
      Bytes out(n);
      Status st = DecompressRootBlocks(bad, out);
      if (!st.ok()) {
        EXPECT_TRUE(st.code() == StatusCode::kCorruption || st.code() == StatusCode::kUnsupported)
            << st.ToString();
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// zlib ("ZL") blocks: the libdeflate fast path (when built with it) and the zlib fallback.

TEST(ZlibDecoderName, NamesALibraryAndVersion) {
  const std::string name = ZlibDecoderName();
  RecordProperty("zlib_decoder", name);
  EXPECT_TRUE(name.rfind("libdeflate 1.", 0) == 0 || name.rfind("zlib 1.", 0) == 0) << name;
}

// Data shapes that steer deflate into different block types: Huffman-coded matches
// (MakeData, baskets), long runs (zeros), and stored blocks (noise, which no level
// compresses).
Bytes Noise(size_t n) {
  Bytes b(n);
  uint64_t x = 0x2545F4914F6CDD1Dull;
  for (auto& v : b) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    v = static_cast<std::byte>(x >> 56);
  }
  return b;
}

struct ZlibInput {
  const char* name;
  Bytes data;
};

std::vector<ZlibInput> ZlibInputs() {
  using testing::MakeFloat32Basket;
  using testing::Quantization;
  return {
      {"one byte", MakeData(1)},
      {"odd size", MakeData(4097, 5)},
      {"basket full precision", MakeFloat32Basket(Quantization::kNone)},
      {"basket rounded", MakeFloat32Basket(Quantization::kTwoDecimals)},
      {"basket nanoaod", MakeFloat32Basket(Quantization::kTenBitMantissa)},
      {"zeros", Bytes(100000)},
      {"noise", Noise(70000)},
      {"300 KB", MakeData(300000, 9)},
  };
}

TEST(DecompressRootBlocks, DecodesZlibWrittenAtLevels1To9) {
  for (const ZlibInput& input : ZlibInputs()) {
    for (int level : {0, 1, 6, 9}) {
      SCOPED_TRACE(std::string(input.name) + " level " + std::to_string(level));
      Bytes z = MustCompress(Codec::kZlib, level, input.data);
      Bytes out(input.data.size());
      DecompressCounters counters;
      Status st = DecompressRootBlocks(z, out, counters);
      ASSERT_TRUE(st.ok()) << st.ToString();
      EXPECT_TRUE(out == input.data);
      EXPECT_EQ(counters.num_blocks_by_codec[static_cast<size_t>(Codec::kZlib)], 1u);
      EXPECT_EQ(counters.num_uncompressed_bytes, input.data.size());
    }
  }
}

// Baskets compressed one by one and joined, as a TKey holding several blocks would be,
// at mixed levels; then the same with a corrupt block in the middle.
TEST(DecompressRootBlocks, DecodesMultiBlockZlibPayloads) {
  Bytes payload, expected;
  std::vector<size_t> block_offsets;
  const int levels[] = {1, 6, 9, 1, 6};
  for (size_t i = 0; i < std::size(levels); ++i) {
    Bytes part = MakeData(8000 + 1111 * i, static_cast<uint32_t>(i + 1));
    Bytes z = MustCompress(Codec::kZlib, levels[i], part);
    block_offsets.push_back(payload.size());
    payload.insert(payload.end(), z.begin(), z.end());
    expected.insert(expected.end(), part.begin(), part.end());
  }
  Bytes out(expected.size());
  DecompressCounters counters;
  Status st = DecompressRootBlocks(payload, out, counters);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(out == expected);
  EXPECT_EQ(counters.num_blocks, std::size(levels));
  EXPECT_EQ(counters.num_compressed_bytes, payload.size());

  // Flip a bit in block 3's adler32 (the last 4 bytes before block 4's header).
  Bytes bad = payload;
  bad[block_offsets[4] - 1] ^= std::byte{0x01};
  char want[64];
  std::snprintf(want, sizeof want, "block 3 at payload offset 0x%zx (ZLIB): ", block_offsets[3]);
  EXPECT_CORRUPTION(DecompressRootBlocks(bad, out), want);
  EXPECT_CORRUPTION(DecompressRootBlocks(bad, out), "incorrect data check");
}

// > 16 MiB of zlib data: two ZL blocks, split at kMaxBlockSize as ROOT splits them.
TEST(DecompressRootBlocks, SplitsAndJoinsZlibBlocksAbove16MiB) {
  const size_t size = kMaxBlockSize + 300000;
  Bytes data = MakeData(size, 11);
  Bytes z = MustCompress(Codec::kZlib, 1, data);
  auto first = ParseBlockHeader(z);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->uncompressed_size, kMaxBlockSize);
  Bytes out(size);
  DecompressCounters counters;
  Status st = DecompressRootBlocks(z, out, counters);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(out == data);
  EXPECT_EQ(counters.num_blocks_by_codec[static_cast<size_t>(Codec::kZlib)], 2u);
}

// Damage to one ZL block, each with the zlib reason it must report. Every case keeps
// the ROOT block header consistent with the damaged body (compressed size adjusted), so
// only the zlib decoder can notice; the message must carry the same context as every
// other block error: "block 0 at payload offset 0x0 (ZLIB): <reason> (compressed N,
// uncompressed M)".
TEST(DecompressRootBlocks, RejectsDamagedZlibStreams) {
  const size_t n = 20000;
  const Bytes data = MakeData(n, 4);
  const Bytes good = MustCompress(Codec::kZlib, 6, data);
  const size_t body = kBlockHeaderSize;  // offset of the zlib stream in `good`
  const size_t end = good.size();

  // Returns `good` with the body edited by `edit`, and the header's compressed size fixed.
  auto with = [&](auto edit) {
    Bytes b = good;
    edit(b);
    StoreLE24(b, 3, static_cast<uint32_t>(b.size() - kBlockHeaderSize));
    return b;
  };
  auto cut = [&](size_t drop) { return with([drop](Bytes& b) { b.resize(b.size() - drop); }); };
  auto flip = [&](size_t at, uint8_t mask) {
    return with([at, mask](Bytes& b) { b[at] ^= static_cast<std::byte>(mask); });
  };
  auto set = [&](size_t at, uint8_t value) {
    return with([at, value](Bytes& b) { b[at] = static_cast<std::byte>(value); });
  };

  struct Case {
    const char* name;
    Bytes payload;
    const char* reason;  // substring of the message after the block prefix
  };
  const Case cases[] = {
      {"body empty", cut(end - body), "truncated after 0 of 20000"},
      {"body is one byte", cut(end - body - 1), "truncated after 0 of 20000"},
      {"cut inside adler32", cut(2), "truncated after 20000 of 20000"},
      {"adler32 missing", cut(4), "truncated after 20000 of 20000"},
      {"cut in the deflate data", cut(100), "truncated after"},
      {"cut in half", cut((end - body) / 2), "truncated after"},
      {"adler32 flipped", flip(end - 1, 0x10), "incorrect data check"},
      {"CM not deflate", set(body, 0x77), "incorrect header check"},
      {"header check bits", flip(body + 1, 0x01), "incorrect header check"},
      // CMF 0x88: CINFO 8 (a 64 KiB window); 0x881c is a multiple of 31, so only the
      // window size is wrong.
      {"window too large", with([&](Bytes& b) {
         b[body] = std::byte{0x88};
         b[body + 1] = std::byte{0x1c};
       }),
       "invalid window size"},
      // FLG 0x20: FDICT set, and FCHECK 0 already makes 0x7820 a multiple of 31.
      {"preset dictionary", with([&](Bytes& b) {
         b[body] = std::byte{0x78};
         b[body + 1] = std::byte{0x20};
       }),
       "preset dictionary"},
      // First deflate block header: BFINAL=1, BTYPE=3 (reserved).
      {"reserved block type", set(body + 2, 0x07), "invalid block type"},
      {"stored block length check", with([&](Bytes& b) {
         // BFINAL=1 BTYPE=0, then LEN=5 and NLEN that is not its complement.
         b.resize(body + 2);
         for (uint8_t v : {0x01, 0x05, 0x00, 0x00, 0x00}) b.push_back(std::byte{v});
       }),
       "invalid stored block lengths"},
      {"garbage after the stream", with([](Bytes& b) {
         b.push_back(std::byte{0});
         b.push_back(std::byte{0});
       }),
       "2 bytes follow the end of the zlib stream"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Bytes out(n);
    Status st = DecompressRootBlocks(c.payload, out);
    ASSERT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
    const std::string& m = st.message();
    EXPECT_EQ(m.rfind("block 0 at payload offset 0x0 (ZLIB): ", 0), 0u) << m;
    EXPECT_NE(m.find(c.reason), std::string::npos) << m;
    const std::string sizes = " (compressed " + std::to_string(c.payload.size() - body) +
                              ", uncompressed 20000)";
    EXPECT_TRUE(m.size() >= sizes.size() && m.compare(m.size() - sizes.size(), sizes.size(),
                                                      sizes) == 0)
        << m;
  }
}

// Any damage to a ZL block either fails with Corruption or, thanks to adler32 and the
// exact output size, decodes to the original bytes: never silently different data.
TEST(DecompressRootBlocks, ZlibDamageNeverYieldsWrongData) {
  uint32_t x = 777;
  auto next = [&x] { return x = x * 1664525u + 1013904223u; };
  for (int level : {1, 9}) {
    SCOPED_TRACE(level);
    const Bytes data = MakeData(5000, 6);
    const Bytes z = MustCompress(Codec::kZlib, level, data);
    for (int iter = 0; iter < 2000; ++iter) {
      Bytes bad = z;
      int flips = 1 + static_cast<int>(next() % 4);
      for (int f = 0; f < flips; ++f) {
        size_t at = kBlockHeaderSize + next() % (bad.size() - kBlockHeaderSize);
        bad[at] ^= static_cast<std::byte>(1u << (next() % 8));
      }
      Bytes out(data.size());
      Status st = DecompressRootBlocks(bad, out);
      if (st.ok()) {
        EXPECT_TRUE(out == data) << "iteration " << iter;
      } else {
        EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
        EXPECT_EQ(st.message().rfind("block 0 at payload offset 0x0 (ZLIB): ", 0), 0u)
            << st.message();
      }
    }
  }
}

// Decoders keep per-thread state: threads decoding at once must not disturb each other,
// including when some of them hit corrupt blocks. Each thread must see exactly what a
// lone decode sees.
TEST(DecompressRootBlocks, DecodesConcurrentlyFromManyThreads) {
  struct Job {
    Bytes payload;
    size_t out_size;
    Bytes want_out;
    std::string want_status;
  };
  std::vector<Job> jobs;
  uint32_t seed = 1;
  for (Codec c : kCodecs) {
    for (bool corrupt : {false, true}) {
      Bytes data = MakeData(30000 + 1000 * seed, seed);
      ++seed;
      Job j{MustCompress(c, c == Codec::kLz4 ? 1 : 3, data), data.size(), {}, {}};
      if (corrupt) j.payload[j.payload.size() / 2] ^= std::byte{0x20};
      j.want_out.resize(j.out_size);
      j.want_status = DecompressRootBlocks(j.payload, j.want_out).ToString();
      if (!corrupt) {
        EXPECT_TRUE(j.want_out == data) << CodecName(c);
      }
      jobs.push_back(std::move(j));
    }
  }
  // The damaged zlib block must fail (its adler32 no longer matches).
  EXPECT_NE(jobs[1].want_status.find("(ZLIB)"), std::string::npos) << jobs[1].want_status;

  const int kThreads = 4;
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (size_t i = 0; i < jobs.size(); ++i) {
          const Job& j = jobs[(i + static_cast<size_t>(t)) % jobs.size()];
          Bytes out(j.out_size);
          Status st = DecompressRootBlocks(j.payload, out);
          if (st.ToString() != j.want_status || (st.ok() && out != j.want_out)) {
            ++failures[static_cast<size_t>(t)];
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[static_cast<size_t>(t)], 0) << t;
}

// ---------------------------------------------------------------------------------------
// Real files: the TStreamerInfo key (a compressed TList) of files written by ROOT.

std::optional<Bytes> ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return std::nullopt;
  std::vector<char> raw((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  Bytes b(raw.size());
  std::memcpy(b.data(), raw.data(), raw.size());
  return b;
}

uint64_t BE(const Bytes& b, size_t at, int width) {
  uint64_t v = 0;
  for (int i = 0; i < width; ++i) v = (v << 8) | static_cast<uint8_t>(b[at + i]);
  return v;
}

struct RealFile {
  const char* name;
  Codec codec;  // what the file's data baskets use
};

void PrintTo(const RealFile& f, std::ostream* os) { *os << f.name; }

class RealFileTest : public ::testing::TestWithParam<RealFile> {
 protected:
  void SetUp() override {
    std::string path = std::string(ARROWROOT_TESTDATA_DIR) + "/" + GetParam().name;
    file_ = ReadFile(path);
    if (!file_) GTEST_SKIP() << path << " not present";
    ASSERT_GE(file_->size(), 64u);
    ASSERT_EQ(std::memcmp(file_->data(), "root", 4), 0);
  }

  // TFile header (ROOT io/io/src/TFile.cxx, TFile::WriteHeader; notes/ROOT-FORMAT.md):
  // 32-bit seeks unless fVersion >= 1000000.
  uint64_t Begin() const { return BE(*file_, 8, 4); }
  bool IsLarge() const { return BE(*file_, 4, 4) >= 1000000; }
  uint64_t End() const { return IsLarge() ? BE(*file_, 12, 8) : BE(*file_, 12, 4); }
  uint64_t SeekInfo() const { return IsLarge() ? BE(*file_, 45, 8) : BE(*file_, 37, 4); }

  std::optional<Bytes> file_;
};

// TKey header: fNbytes i32, fVersion i16, fObjlen i32, fDatime u32, fKeylen i16.
struct KeyHeader {
  int64_t nbytes;
  uint64_t objlen;
  uint64_t keylen;
};
KeyHeader ReadKeyHeader(const Bytes& b, uint64_t at) {
  return {static_cast<int32_t>(BE(b, at, 4)), BE(b, at + 6, 4), BE(b, at + 14, 2)};
}

TEST_P(RealFileTest, DecodesStreamerInfoKey) {
  const Bytes& b = *file_;
  const uint64_t seek_info = SeekInfo();
  ASSERT_LE(seek_info + 18, b.size());
  const KeyHeader key = ReadKeyHeader(b, seek_info);
  ASSERT_GT(key.nbytes, 0);
  const uint64_t nbytes = static_cast<uint64_t>(key.nbytes);
  ASSERT_LT(key.keylen, nbytes);
  ASSERT_LE(seek_info + nbytes, b.size());
  ASSERT_NE(nbytes - key.keylen, key.objlen) << "streamer info key is not compressed";
  std::span<const std::byte> payload(b.data() + seek_info + key.keylen, nbytes - key.keylen);

  auto h = ParseBlockHeader(payload);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  RecordProperty("streamer_info_codec", CodecName(h->codec));

  Bytes out(key.objlen);
  DecompressCounters counters;
  Status st = DecompressRootBlocks(payload, out, counters);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(counters.num_uncompressed_bytes, key.objlen);
  // The payload is a streamed TList: [u32 bytecount | kByteCountMask][u16 version]...,
  // where the byte count covers everything after itself.
  const uint64_t bcnt = BE(out, 0, 4);
  EXPECT_TRUE(bcnt & 0x40000000u);
  EXPECT_EQ(bcnt & ~uint64_t{0x40000000u}, key.objlen - 4);
  std::string text(reinterpret_cast<const char*>(out.data()), out.size());
  EXPECT_NE(text.find("TStreamerInfo"), std::string::npos);
}

// Walk the keys back to back from fBEGIN to fEND (negative fNbytes marks a free gap) and
// decode every compressed one; the baskets must show the file's codec.
TEST_P(RealFileTest, DecodesEveryCompressedKey) {
  const Bytes& b = *file_;
  const uint64_t end = std::min<uint64_t>(End(), b.size());
  DecompressCounters counters;
  size_t num_keys = 0;
  for (uint64_t at = Begin(); at + 18 <= end;) {
    const KeyHeader key = ReadKeyHeader(b, at);
    if (key.nbytes == 0) break;
    if (key.nbytes < 0) {  // free gap
      at += static_cast<uint64_t>(-key.nbytes);
      continue;
    }
    const uint64_t nbytes = static_cast<uint64_t>(key.nbytes);
    ASSERT_LE(at + nbytes, end) << "key at " << at;
    ASSERT_LT(key.keylen, nbytes) << "key at " << at;
    ++num_keys;
    if (nbytes - key.keylen != key.objlen) {
      std::span<const std::byte> payload(b.data() + at + key.keylen, nbytes - key.keylen);
      Bytes out(key.objlen);
      Status st = DecompressRootBlocks(payload, out, counters);
      ASSERT_TRUE(st.ok()) << "key at " << at << ": " << st.ToString();
    }
    at += nbytes;
  }
  EXPECT_GT(num_keys, 3u);
  EXPECT_GT(counters.num_blocks_by_codec[static_cast<size_t>(GetParam().codec)], 0u);
  RecordProperty("num_keys", static_cast<int>(num_keys));
  RecordProperty("num_blocks", static_cast<int>(counters.num_blocks));
}

INSTANTIATE_TEST_SUITE_P(
    Files, RealFileTest,
    ::testing::Values(RealFile{"uproot-HZZ.root", Codec::kZlib},
                      RealFile{"uproot-HZZ-lz4.root", Codec::kLz4},
                      RealFile{"uproot-Zmumu-lzma.root", Codec::kLzma},
                      RealFile{"uproot-HZZ-zstd.root", Codec::kZstd}),
    [](const ::testing::TestParamInfo<RealFile>& info) {
      std::string s = info.param.name;
      for (char& ch : s) {
        if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
      }
      return s;
    });

}  // namespace
}  // namespace arrowroot::compression
