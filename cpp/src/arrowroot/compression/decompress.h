// ROOT compression blocks: parse the 9-byte block header and decode zlib, LZMA, LZ4 and
// ZSTD blocks. Bytes in, bytes out: this layer does no I/O and knows nothing of keys,
// baskets or files. zlib blocks are inflated with libdeflate when the build found it
// (CMake option ARROWROOT_WITH_LIBDEFLATE), else with zlib; see ZlibDecoderName().
//
// Block layout (ROOT core/zip/src/RZip.cxx, R__unzip_header; uproot compression.py):
//
//   offset  size  field
//   0       2     algorithm magic: "ZL" zlib, "XZ" xz/LZMA, "L4" LZ4, "ZS" ZSTD, "CS" old ROOT
//   2       1     method: 8 (Z_DEFLATED) for ZL and CS, 0 for XZ, library major version
//                 for L4 and ZS
//   3       3     compressed size, little-endian, excluding these 9 bytes
//   6       3     uncompressed size, little-endian
//   9       ...   compressed bytes; for L4 an 8-byte big-endian XXH64 (seed 0) of the rest
//                 comes first and is counted in the compressed size
//
// A compressed object (a TKey payload: fNbytes - fKeylen bytes that inflate to fObjlen)
// is one or more such blocks back to back; each holds at most 0xFFFFFF uncompressed bytes.
//
// Threading: all functions are thread-safe. Decoders keep per-thread codec contexts
// (thread_local) where that is cheap, so concurrent calls never share state.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "arrowroot/common/status.h"

namespace arrowroot::compression {

/// The algorithm of one block, named by its two-byte magic.
enum class Codec : uint8_t {
  kZlib,     // "ZL": a zlib stream (RFC 1950: header, deflate data, adler32)
  kLzma,     // "XZ": a whole .xz stream
  kLz4,      // "L4": XXH64 checksum + a raw LZ4 block (not an LZ4 frame)
  kZstd,     // "ZS": one zstd frame
  kOldRoot,  // "CS": ROOT's own pre-zlib deflate variant; recognised, never decoded
};
inline constexpr size_t kNumCodecs = 5;

/// Return a short upper-case name ("ZLIB", "LZMA", "LZ4", "ZSTD", "CS").
const char* CodecName(Codec codec);

/// Return the name and version of the library that inflates "ZL" blocks, e.g.
/// "libdeflate 1.14" or "zlib 1.2.13" (for benchmark and --stats output).
const char* ZlibDecoderName();

/// Size of the block header in front of every block.
inline constexpr size_t kBlockHeaderSize = 9;
/// Largest compressed or uncompressed size a block header can hold (3 bytes): ROOT's kMAXZIPBUF.
inline constexpr uint32_t kMaxBlockSize = 0xFFFFFF;
/// Size of the XXH64 checksum that starts every L4 block's compressed bytes.
inline constexpr uint32_t kLz4ChecksumSize = 8;

/// One block's 9-byte header (ROOT RZip.cxx R__unzip_header).
struct BlockHeader {
  Codec codec = Codec::kZlib;
  /// Bytes after the header that belong to this block (for LZ4 including the checksum).
  uint32_t compressed_size = 0;
  /// Bytes this block decodes to.
  uint32_t uncompressed_size = 0;
  /// The raw method byte (8 for ZL/CS, 0 for XZ, a library version for L4/ZS).
  uint8_t method = 0;
};

/// Parse the first 9 bytes of `nine_bytes` as a block header; bytes after the ninth are
/// ignored. Pure: no decoding and no checks against the surrounding payload.
///
/// Errors: Corruption if fewer than 9 bytes are given, the magic is unknown, the method
/// byte contradicts the magic (ZL/CS need 8, XZ needs 0, as ROOT's is_valid_header_*
/// require), or an L4 block is too small to hold its 8-byte checksum. "CS" parses fine;
/// decoding it is what is Unsupported.
Result<BlockHeader> ParseBlockHeader(std::span<const std::byte> nine_bytes);

/// What DecompressRootBlocks saw. Counts accumulate over calls; only fully decoded
/// blocks are counted.
struct DecompressCounters {
  uint64_t num_blocks = 0;
  /// Input bytes consumed, block headers included.
  uint64_t num_compressed_bytes = 0;
  uint64_t num_uncompressed_bytes = 0;
  /// Indexed by static_cast<size_t>(Codec).
  std::array<uint64_t, kNumCodecs> num_blocks_by_codec{};
};

/// Decompress a ROOT compressed payload `in` into `out`, whose size is the expected
/// uncompressed size (the key's fObjlen). Each block is decoded straight into its slice
/// of `out`; nothing is allocated from sizes read off the input.
///
/// The blocks' uncompressed sizes must add up to exactly out.size(), every block must
/// decode to exactly the size its header states, and the blocks must use up `in`
/// exactly (no trailing bytes). Otherwise returns Corruption, whose message names the
/// block index, the block's byte offset in the payload, the codec and the sizes, e.g.
/// "block 2 at payload offset 0x1f3a (LZ4): xxhash64 mismatch (stored 0x..., computed 0x...)".
/// A "CS" block gives Unsupported. On error the contents of `out` are unspecified.
Status DecompressRootBlocks(std::span<const std::byte> in, std::span<std::byte> out);

/// As above, and add what was decoded to `counters`.
Status DecompressRootBlocks(std::span<const std::byte> in, std::span<std::byte> out,
                            DecompressCounters& counters);

/// Compress `data` into ROOT blocks of at most kMaxBlockSize uncompressed bytes each, as
/// ROOT's R__zipMultipleAlgorithm would (for tests and benchmarks; the reader never
/// writes). Empty input gives an empty payload. `level` is the codec's own level:
/// zlib 0-9, LZMA 0-9, LZ4 1-12 (below 4 uses the fast compressor, as ROOT does),
/// ZSTD 1-22.
///
/// Errors: InvalidArgument for a level out of range or a block that does not shrink
/// below 2^24 bytes (ROOT then stores the object uncompressed); Unsupported for kOldRoot.
Result<std::vector<std::byte>> CompressRootBlocks(Codec codec, int level,
                                                  std::span<const std::byte> data);

}  // namespace arrowroot::compression
