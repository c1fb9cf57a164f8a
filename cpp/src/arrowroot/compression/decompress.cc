// Over ~500 lines on purpose: the block-header checks and the five codecs (zlib through
// libdeflate with a zlib fallback, old ROOT zlib, lzma, lz4 with its checksum, zstd) each
// need their size and bounds checks next to the header that promises the sizes.
//
// Decoding ROOT compression blocks. Format facts and where they come from:
//
// - Block header, magics and method bytes: ROOT core/zip/src/RZip.cxx (HDRSIZE 9,
//   is_valid_header_zlib/_old/_lzma/_lz4, R__unzip_header: sizes are 3-byte little-endian
//   and exclude the header), https://github.com/root-project/root/blob/master/core/zip/src/RZip.cxx
//   and uproot5 src/uproot/compression.py (decompress()).
// - "ZL": R__unzipZLIB inflates with inflateInit(), i.e. a zlib stream WITH its 2-byte
//   header and adler32 trailer, not raw deflate. We decode it with libdeflate when the
//   build has it (ARROWROOT_HAVE_LIBDEFLATE): the block header gives the exact output
//   size, which is the one-shot, whole-buffer case libdeflate is built for (1.4-1.8x
//   zlib's speed on 32 KiB float baskets, see decompress_benchmark.cc); zlib re-decodes
//   any block libdeflate refuses, for its precise error message.
// - "XZ": core/lzma/src/ZipLZMA.c R__unzipLZMA runs lzma_stream_decoder over the block, so
//   the block holds one complete .xz stream (magic, block, index, footer).
// - "L4": core/lz4/src/ZipLZ4.cxx: 8-byte XXH64 (seed 0) of the LZ4 data, stored in
//   canonical (big-endian) form right after the header and counted in the compressed size
//   ("out_size = returnStatus + kChecksumSize"), then a raw LZ4 block decoded with
//   LZ4_decompress_safe.
// - "ZS": core/zstd/src/ZipZSTD.cxx: one ZSTD_compressCCtx frame, decoded with
//   ZSTD_decompressDCtx; method byte is '\1'.
// - "CS": R__zipOld, ROOT's own deflate implementation from before zlib; uproot refuses it
//   too ("it hasn't been used in 20 years").
// - Blocks and kMAXZIPBUF (0xffffff): core/zip/inc/RZip.h; a key larger than that is
//   written as several blocks (TKey::Create / TBasket::WriteBuffer loop over
//   kMAXZIPBUF-sized pieces) and read back by looping over R__unzip_header/R__unzip.

#include "arrowroot/compression/decompress.h"

#if ARROWROOT_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif
#include <lz4.h>
#include <lz4hc.h>
#include <lzma.h>
#include <xxhash.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "arrowroot/common/bytes.h"

namespace arrowroot::compression {
namespace {

// Decoders refuse .xz streams whose headers ask for more memory than this. ROOT's largest
// preset (9) uses a 64 MiB dictionary and since ROOT 6.x caps it at a quarter of the
// block; without a limit a hostile header could make liblzma allocate up to 4 GiB.
constexpr uint64_t kLzmaMemoryLimitBytes = 256ull << 20;

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

std::string Dec(uint64_t v) { return std::to_string(v); }

uint32_t LoadLE24(const std::byte* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16);
}

void StoreLE24(std::byte* p, uint32_t v) {
  p[0] = static_cast<std::byte>(v & 0xff);
  p[1] = static_cast<std::byte>((v >> 8) & 0xff);
  p[2] = static_cast<std::byte>((v >> 16) & 0xff);
}

const char* MagicOf(Codec codec) {
  switch (codec) {
    case Codec::kZlib: return "ZL";
    case Codec::kLzma: return "XZ";
    case Codec::kLz4: return "L4";
    case Codec::kZstd: return "ZS";
    case Codec::kOldRoot: return "CS";
  }
  return "??";
}

// The method byte ROOT writes for each codec (see the file comment).
uint8_t MethodOf(Codec codec) {
  switch (codec) {
    case Codec::kZlib:
    case Codec::kOldRoot: return Z_DEFLATED;
    case Codec::kLzma: return 0;
    case Codec::kLz4: return 1;   // LZ4_versionNumber() / 10000
    case Codec::kZstd: return 1;  // '\1'
  }
  return 0;
}

// "block 2 at payload offset 0x1f3a (LZ4): " — the prefix of every per-block error.
std::string BlockPrefix(size_t index, size_t offset, const Codec* codec) {
  std::string s = "block " + Dec(index) + " at payload offset " + Hex(offset);
  if (codec != nullptr) {
    s += " (";
    s += CodecName(*codec);
    s += ")";
  }
  s += ": ";
  return s;
}

// The codec wrote `produced` bytes where the header promised `expected`.
std::string SizeMismatch(uint64_t produced, uint64_t expected) {
  return "decoded to " + Dec(produced) + " bytes but the header says " + Dec(expected);
}

// --- zlib ---------------------------------------------------------------------------

// One inflate state per thread, reset between blocks (inflateReset keeps the 32 KiB
// window allocation, which inflateInit/inflateEnd per block would redo).
class ZlibInflater {
 public:
  ZlibInflater() {
    std::memset(&stream_, 0, sizeof stream_);
    ok_ = inflateInit(&stream_) == Z_OK;
  }
  ~ZlibInflater() {
    if (ok_) inflateEnd(&stream_);
  }
  ZlibInflater(const ZlibInflater&) = delete;
  ZlibInflater& operator=(const ZlibInflater&) = delete;

  z_stream* Get() {
    if (!ok_) return nullptr;
    if (inflateReset(&stream_) != Z_OK) return nullptr;
    return &stream_;
  }

 private:
  z_stream stream_;
  bool ok_ = false;
};

// Decode one zlib stream `in` into exactly `out`; on failure return the reason.
Status InflateZlib(std::span<const std::byte> in, std::span<std::byte> out) {
  thread_local ZlibInflater inflater;
  z_stream* zs = inflater.Get();
  if (zs == nullptr) return Status::IOError("cannot initialise zlib inflate (out of memory?)");
  // Sizes come from 3-byte fields, so they fit zlib's 32-bit counters.
  zs->next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(in.data()));
  zs->avail_in = static_cast<uInt>(in.size());
  zs->next_out = reinterpret_cast<Bytef*>(out.data());
  zs->avail_out = static_cast<uInt>(out.size());
  int rc = inflate(zs, Z_FINISH);
  const uint64_t produced = out.size() - zs->avail_out;
  if (rc == Z_STREAM_END) {
    if (produced != out.size()) return Status::Corruption(SizeMismatch(produced, out.size()));
    if (zs->avail_in != 0) {
      return Status::Corruption(Dec(zs->avail_in) + " bytes follow the end of the zlib stream");
    }
    return Status::OK();
  }
  if (rc == Z_BUF_ERROR || rc == Z_OK) {
    if (zs->avail_out == 0) {
      // Output is full but the stream has not ended: it is either longer than the header
      // says or cut short. One byte of scratch output tells which.
      Bytef probe;
      zs->next_out = &probe;
      zs->avail_out = 1;
      rc = inflate(zs, Z_FINISH);
      if (zs->avail_out == 0) {
        return Status::Corruption("zlib stream decodes to more than the header's " +
                                  Dec(out.size()) + " bytes");
      }
      if (rc == Z_STREAM_END) {
        // Only the adler32 trailer remained; the data filled `out` exactly.
        if (zs->avail_in != 0) {
          return Status::Corruption(Dec(zs->avail_in) +
                                    " bytes follow the end of the zlib stream");
        }
        return Status::OK();
      }
    }
    return Status::Corruption("zlib stream truncated after " + Dec(produced) + " of " +
                              Dec(out.size()) + " bytes");
  }
  if (rc == Z_MEM_ERROR) return Status::IOError("zlib inflate: out of memory");
  if (rc == Z_NEED_DICT) {
    // zlib sets no message for this one.
    return Status::Corruption("zlib stream asks for a preset dictionary (FDICT), which ROOT "
                              "never writes");
  }
  std::string why = zs->msg != nullptr ? zs->msg : "error " + std::to_string(rc);
  return Status::Corruption("zlib inflate failed after " + Dec(produced) + " bytes: " + why);
}

#if ARROWROOT_HAVE_LIBDEFLATE
struct LibdeflateFree {
  void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};

// Decode one zlib stream `in` into exactly `out` with libdeflate; true if the stream
// filled `out` exactly, its adler32 matched and it used up all of `in`.
bool InflateLibdeflate(std::span<const std::byte> in, std::span<std::byte> out) {
  // A decompressor holds its Huffman tables (~10 KiB) and is not thread-safe: one per
  // thread, reused (each call starts from scratch, nothing carries over between blocks).
  thread_local std::unique_ptr<libdeflate_decompressor, LibdeflateFree> decompressor(
      libdeflate_alloc_decompressor());
  if (decompressor == nullptr) return false;
  size_t consumed = 0;
  // A null actual_out_nbytes_ret makes libdeflate fail unless the stream decodes to
  // exactly out.size() bytes. It never writes past `out` nor reads past `in`.
  const libdeflate_result rc = libdeflate_zlib_decompress_ex(
      decompressor.get(), in.data(), in.size(), out.data(), out.size(), &consumed, nullptr);
  return rc == LIBDEFLATE_SUCCESS && consumed == in.size();
}
#endif

// Decode one "ZL" block body `in` into exactly `out`.
Status DecodeZlib(std::span<const std::byte> in, std::span<std::byte> out) {
#if ARROWROOT_HAVE_LIBDEFLATE
  if (InflateLibdeflate(in, out)) return Status::OK();
  // libdeflate only says "bad data", "short output" or "insufficient space". zlib decodes
  // the block again, which costs nothing on good files, says exactly what is wrong
  // ("invalid distance too far back", "truncated after N of M bytes", trailing bytes),
  // and accepts any stream ROOT's own zlib reader does, should libdeflate be stricter.
#endif
  return InflateZlib(in, out);
}

// --- LZMA (.xz) ---------------------------------------------------------------------

struct LzmaStreamEnd {
  void operator()(lzma_stream* s) const { lzma_end(s); }
};

std::string LzmaError(lzma_ret rc) {
  switch (rc) {
    case LZMA_FORMAT_ERROR: return "not an .xz stream";
    case LZMA_OPTIONS_ERROR: return "unsupported .xz options";
    case LZMA_DATA_ERROR: return "corrupt .xz data";
    case LZMA_BUF_ERROR: return "truncated .xz stream";
    case LZMA_MEM_ERROR: return "out of memory";
    case LZMA_MEMLIMIT_ERROR:
      return ".xz stream needs more than " + Dec(kLzmaMemoryLimitBytes >> 20) +
             " MiB of decoder memory";
    case LZMA_UNSUPPORTED_CHECK: return "unsupported .xz integrity check";
    default: return "liblzma error " + std::to_string(static_cast<int>(rc));
  }
}

// Decode one whole .xz stream `in` into exactly `out`. A fresh decoder per block: its
// dictionary size comes from the stream header, so reusing one per thread would pin the
// largest dictionary ever seen, and LZMA's decode cost dwarfs the setup.
Status DecodeXz(std::span<const std::byte> in, std::span<std::byte> out) {
  lzma_stream raw = LZMA_STREAM_INIT;
  lzma_ret rc = lzma_stream_decoder(&raw, kLzmaMemoryLimitBytes, 0);
  if (rc != LZMA_OK) return Status::IOError("cannot initialise xz decoder: " + LzmaError(rc));
  std::unique_ptr<lzma_stream, LzmaStreamEnd> guard(&raw);
  raw.next_in = reinterpret_cast<const uint8_t*>(in.data());
  raw.avail_in = in.size();
  raw.next_out = reinterpret_cast<uint8_t*>(out.data());
  raw.avail_out = out.size();
  rc = lzma_code(&raw, LZMA_FINISH);
  uint64_t produced = out.size() - raw.avail_out;
  if (rc == LZMA_STREAM_END) {
    if (produced != out.size()) return Status::Corruption(SizeMismatch(produced, out.size()));
    if (raw.avail_in != 0) {
      return Status::Corruption(Dec(raw.avail_in) + " bytes follow the end of the .xz stream");
    }
    return Status::OK();
  }
  if ((rc == LZMA_OK || rc == LZMA_BUF_ERROR) && raw.avail_out == 0) {
    // Same question as for zlib: more data, or only the index/footer left?
    uint8_t probe;
    raw.next_out = &probe;
    raw.avail_out = 1;
    rc = lzma_code(&raw, LZMA_FINISH);
    if (raw.avail_out == 0) {
      return Status::Corruption(".xz stream decodes to more than the header's " +
                                Dec(out.size()) + " bytes");
    }
    if (rc == LZMA_STREAM_END) {
      if (raw.avail_in != 0) {
        return Status::Corruption(Dec(raw.avail_in) +
                                  " bytes follow the end of the .xz stream");
      }
      return Status::OK();
    }
  }
  if (rc == LZMA_MEM_ERROR) return Status::IOError("xz decoder: out of memory");
  if (rc == LZMA_OK || rc == LZMA_BUF_ERROR) {
    return Status::Corruption(".xz stream truncated after " + Dec(produced) + " of " +
                              Dec(out.size()) + " bytes");
  }
  return Status::Corruption(LzmaError(rc) + " (after " + Dec(produced) + " bytes)");
}

// --- LZ4 ----------------------------------------------------------------------------

// `in` is the block's compressed bytes: checksum, then the raw LZ4 block.
Status DecodeLz4(std::span<const std::byte> in, std::span<std::byte> out) {
  // ParseBlockHeader guarantees compressed_size >= kLz4ChecksumSize.
  const uint64_t stored = LoadBE64(in.data());
  std::span<const std::byte> lz4 = in.subspan(kLz4ChecksumSize);
  const uint64_t computed = XXH64(lz4.data(), lz4.size(), 0);
  if (stored != computed) {
    return Status::Corruption("xxhash64 mismatch (stored " + Hex(stored) + ", computed " +
                              Hex(computed) + ")");
  }
  // LZ4_decompress_safe never writes past `out` and never reads past `lz4`; a negative
  // result means malformed input, including data that would overflow `out`.
  int n = LZ4_decompress_safe(reinterpret_cast<const char*>(lz4.data()),
                              reinterpret_cast<char*>(out.data()), static_cast<int>(lz4.size()),
                              static_cast<int>(out.size()));
  if (n < 0) {
    return Status::Corruption("malformed LZ4 block, or it decodes to more than the header's " +
                              Dec(out.size()) + " bytes (error at input byte " +
                              Dec(static_cast<uint64_t>(-static_cast<int64_t>(n))) + ")");
  }
  if (static_cast<uint64_t>(n) != out.size()) {
    return Status::Corruption(SizeMismatch(static_cast<uint64_t>(n), out.size()));
  }
  return Status::OK();
}

// --- ZSTD ---------------------------------------------------------------------------

struct ZstdDCtxFree {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

Status DecodeZstd(std::span<const std::byte> in, std::span<std::byte> out) {
  // A DCtx is ~100 KiB of tables; one per thread, reused (ZSTD_decompressDCtx resets it).
  thread_local std::unique_ptr<ZSTD_DCtx, ZstdDCtxFree> dctx(ZSTD_createDCtx());
  if (dctx == nullptr) return Status::IOError("cannot create zstd decompression context");
  // Single-shot decoding writes straight into `out` and needs no window buffer; frames whose
  // window exceeds ZSTD's default limit (128 MiB) are rejected by the library.
  size_t n = ZSTD_decompressDCtx(dctx.get(), out.data(), out.size(), in.data(), in.size());
  if (ZSTD_isError(n)) {
    if (ZSTD_getErrorCode(n) == ZSTD_error_dstSize_tooSmall) {
      return Status::Corruption("zstd frame decodes to more than the header's " +
                                Dec(out.size()) + " bytes");
    }
    return Status::Corruption(std::string("zstd: ") + ZSTD_getErrorName(n));
  }
  if (n != out.size()) return Status::Corruption(SizeMismatch(n, out.size()));
  return Status::OK();
}

// --- compression (tests and benchmarks) -------------------------------------------------

// Compress one piece (<= kMaxBlockSize bytes) into `dst`, which has room for the header
// and a worst-case body; return the body size.
Result<size_t> CompressBody(Codec codec, int level, std::span<const std::byte> src,
                            std::span<std::byte> dst) {
  switch (codec) {
    case Codec::kZlib: {
      uLongf n = static_cast<uLongf>(dst.size());
      int rc = compress2(reinterpret_cast<Bytef*>(dst.data()), &n,
                         reinterpret_cast<const Bytef*>(src.data()), src.size(), level);
      if (rc != Z_OK) return Status::InvalidArgument("zlib compress2 failed: " + Dec(rc));
      return static_cast<size_t>(n);
    }
    case Codec::kLzma: {
      // As ROOT's R__zipLZMA: the preset, with the dictionary cut to a quarter of the
      // input (at least LZMA_DICT_SIZE_MIN), CRC32 check.
      lzma_options_lzma opts;
      if (lzma_lzma_preset(&opts, static_cast<uint32_t>(level))) {
        return Status::InvalidArgument("bad LZMA level " + Dec(level));
      }
      uint32_t dict =
          std::max<uint32_t>(LZMA_DICT_SIZE_MIN, static_cast<uint32_t>(src.size() / 4));
      if (opts.dict_size > dict) opts.dict_size = dict;
      lzma_filter filters[] = {{LZMA_FILTER_LZMA2, &opts}, {LZMA_VLI_UNKNOWN, nullptr}};
      size_t pos = 0;
      lzma_ret rc = lzma_stream_buffer_encode(
          filters, LZMA_CHECK_CRC32, nullptr, reinterpret_cast<const uint8_t*>(src.data()),
          src.size(), reinterpret_cast<uint8_t*>(dst.data()), &pos, dst.size());
      if (rc != LZMA_OK) return Status::InvalidArgument("xz encode failed: " + LzmaError(rc));
      return pos;
    }
    case Codec::kLz4: {
      // Body = 8-byte checksum + LZ4 block; below level 4 ROOT uses the fast compressor.
      if (dst.size() < kLz4ChecksumSize) return Status::InvalidArgument("LZ4: no room");
      char* body = reinterpret_cast<char*>(dst.data() + kLz4ChecksumSize);
      int cap = static_cast<int>(dst.size() - kLz4ChecksumSize);
      int n = level >= 4 ? LZ4_compress_HC(reinterpret_cast<const char*>(src.data()), body,
                                           static_cast<int>(src.size()), cap, level)
                         : LZ4_compress_default(reinterpret_cast<const char*>(src.data()), body,
                                                static_cast<int>(src.size()), cap);
      if (n <= 0) return Status::InvalidArgument("LZ4 compression failed");
      XXH64_canonical_t canon;
      XXH64_canonicalFromHash(&canon, XXH64(body, static_cast<size_t>(n), 0));
      std::memcpy(dst.data(), &canon, kLz4ChecksumSize);
      return static_cast<size_t>(n) + kLz4ChecksumSize;
    }
    case Codec::kZstd: {
      size_t n = ZSTD_compress(dst.data(), dst.size(), src.data(), src.size(), level);
      if (ZSTD_isError(n)) {
        return Status::InvalidArgument(std::string("zstd: ") + ZSTD_getErrorName(n));
      }
      return n;
    }
    case Codec::kOldRoot: break;
  }
  return Status::Unsupported("writing old ROOT (CS) blocks is not supported");
}

size_t CompressBound(Codec codec, size_t n) {
  switch (codec) {
    case Codec::kZlib: return compressBound(static_cast<uLong>(n));
    case Codec::kLzma: return lzma_stream_buffer_bound(n);
    case Codec::kLz4:
      return kLz4ChecksumSize + static_cast<size_t>(LZ4_compressBound(static_cast<int>(n)));
    case Codec::kZstd: return ZSTD_compressBound(n);
    case Codec::kOldRoot: return 0;
  }
  return 0;
}

Status CheckLevel(Codec codec, int level) {
  bool ok = false;
  switch (codec) {
    case Codec::kZlib:
    case Codec::kLzma: ok = level >= 0 && level <= 9; break;
    case Codec::kLz4: ok = level >= 1 && level <= LZ4HC_CLEVEL_MAX; break;
    case Codec::kZstd: ok = level >= 1 && level <= ZSTD_maxCLevel(); break;
    case Codec::kOldRoot:
      return Status::Unsupported("writing old ROOT (CS) blocks is not supported");
  }
  if (!ok) {
    return Status::InvalidArgument(std::string("compression level ") + Dec(level) +
                                   " is out of range for " + CodecName(codec));
  }
  return Status::OK();
}

}  // namespace

const char* CodecName(Codec codec) {
  switch (codec) {
    case Codec::kZlib: return "ZLIB";
    case Codec::kLzma: return "LZMA";
    case Codec::kLz4: return "LZ4";
    case Codec::kZstd: return "ZSTD";
    case Codec::kOldRoot: return "CS";
  }
  return "unknown";
}

const char* ZlibDecoderName() {
#if ARROWROOT_HAVE_LIBDEFLATE
  return "libdeflate " LIBDEFLATE_VERSION_STRING;
#else
  static const std::string name = std::string("zlib ") + zlibVersion();
  return name.c_str();
#endif
}

Result<BlockHeader> ParseBlockHeader(std::span<const std::byte> nine_bytes) {
  if (nine_bytes.size() < kBlockHeaderSize) {
    return Status::Corruption("truncated block header: " + Dec(nine_bytes.size()) + " of " +
                              Dec(kBlockHeaderSize) + " bytes");
  }
  const auto m0 = static_cast<char>(nine_bytes[0]);
  const auto m1 = static_cast<char>(nine_bytes[1]);
  BlockHeader h;
  if (m0 == 'Z' && m1 == 'L') {
    h.codec = Codec::kZlib;
  } else if (m0 == 'X' && m1 == 'Z') {
    h.codec = Codec::kLzma;
  } else if (m0 == 'L' && m1 == '4') {
    h.codec = Codec::kLz4;
  } else if (m0 == 'Z' && m1 == 'S') {
    h.codec = Codec::kZstd;
  } else if (m0 == 'C' && m1 == 'S') {
    h.codec = Codec::kOldRoot;
  } else {
    return Status::Corruption("unknown compression magic " +
                              Hex(static_cast<uint8_t>(nine_bytes[0])) + " " +
                              Hex(static_cast<uint8_t>(nine_bytes[1])) +
                              " (expected ZL, XZ, L4, ZS or CS)");
  }
  h.method = static_cast<uint8_t>(nine_bytes[2]);
  h.compressed_size = LoadLE24(nine_bytes.data() + 3);
  h.uncompressed_size = LoadLE24(nine_bytes.data() + 6);
  // RZip.cxx is_valid_header_*: ZL and CS carry Z_DEFLATED, XZ carries 0. ROOT's LZ4 and
  // ZSTD readers compare the method with their library's major version; any version of
  // these libraries decodes the formats, so we accept any method byte for L4 and ZS.
  if ((h.codec == Codec::kZlib || h.codec == Codec::kOldRoot) && h.method != Z_DEFLATED) {
    return Status::Corruption(std::string(MagicOf(h.codec)) + " block with method " +
                              Dec(h.method) + " (expected 8, deflate)");
  }
  if (h.codec == Codec::kLzma && h.method != 0) {
    return Status::Corruption("XZ block with method " + Dec(h.method) + " (expected 0)");
  }
  if (h.codec == Codec::kLz4 && h.compressed_size < kLz4ChecksumSize) {
    return Status::Corruption("L4 block of " + Dec(h.compressed_size) +
                              " compressed bytes cannot hold its 8-byte checksum");
  }
  return h;
}

Status DecompressRootBlocks(std::span<const std::byte> in, std::span<std::byte> out) {
  DecompressCounters ignored;
  return DecompressRootBlocks(in, out, ignored);
}

Status DecompressRootBlocks(std::span<const std::byte> in, std::span<std::byte> out,
                            DecompressCounters& counters) {
  size_t in_pos = 0;
  size_t out_pos = 0;
  size_t index = 0;
  while (out_pos < out.size()) {
    if (in_pos == in.size()) {
      return Status::Corruption(BlockPrefix(index, in_pos, nullptr) + "payload of " +
                                Dec(in.size()) + " bytes ends after " + Dec(out_pos) + " of " +
                                Dec(out.size()) + " expected uncompressed bytes");
    }
    Result<BlockHeader> parsed = ParseBlockHeader(in.subspan(in_pos));
    if (!parsed.ok()) {
      return Status(parsed.status().code(),
                    BlockPrefix(index, in_pos, nullptr) + parsed.status().message());
    }
    const BlockHeader h = *parsed;
    // Built only on error: a 32 KiB LZ4 block decodes in a few microseconds, so per-block
    // string work would show in the benchmark.
    auto sizes = [&h] {
      return " (compressed " + Dec(h.compressed_size) + ", uncompressed " +
             Dec(h.uncompressed_size) + ")";
    };
    if (h.codec == Codec::kOldRoot) {
      return Status::Unsupported(BlockPrefix(index, in_pos, &h.codec) +
                                 "ROOT's pre-zlib \"CS\" compression is not supported; "
                                 "re-write the file with a newer ROOT");
    }
    // Both checks are subtractions from known-larger values, so nothing overflows.
    const size_t in_left = in.size() - in_pos - kBlockHeaderSize;
    if (h.compressed_size > in_left) {
      return Status::Corruption(BlockPrefix(index, in_pos, &h.codec) + "compressed size " +
                                Dec(h.compressed_size) + " runs past the payload end (" +
                                Dec(in_left) + " bytes left)" + sizes());
    }
    const size_t out_left = out.size() - out_pos;
    if (h.uncompressed_size > out_left) {
      return Status::Corruption(BlockPrefix(index, in_pos, &h.codec) + "uncompressed size " +
                                Dec(h.uncompressed_size) + " exceeds the " + Dec(out_left) +
                                " bytes left of the expected " + Dec(out.size()) + sizes());
    }
    std::span<const std::byte> body = in.subspan(in_pos + kBlockHeaderSize, h.compressed_size);
    std::span<std::byte> dst = out.subspan(out_pos, h.uncompressed_size);
    Status st;
    switch (h.codec) {
      case Codec::kZlib: st = DecodeZlib(body, dst); break;
      case Codec::kLzma: st = DecodeXz(body, dst); break;
      case Codec::kLz4: st = DecodeLz4(body, dst); break;
      case Codec::kZstd: st = DecodeZstd(body, dst); break;
      case Codec::kOldRoot: break;  // handled above
    }
    if (!st.ok()) {
      return Status(st.code(), BlockPrefix(index, in_pos, &h.codec) + st.message() + sizes());
    }
    counters.num_blocks += 1;
    counters.num_compressed_bytes += kBlockHeaderSize + h.compressed_size;
    counters.num_uncompressed_bytes += h.uncompressed_size;
    counters.num_blocks_by_codec[static_cast<size_t>(h.codec)] += 1;
    in_pos += kBlockHeaderSize + h.compressed_size;
    out_pos += h.uncompressed_size;
    ++index;
  }
  if (in_pos != in.size()) {
    return Status::Corruption(BlockPrefix(index, in_pos, nullptr) + Dec(in.size() - in_pos) +
                              " trailing bytes after " + Dec(index) + " block(s) filled all " +
                              Dec(out.size()) + " expected bytes");
  }
  return Status::OK();
}

Result<std::vector<std::byte>> CompressRootBlocks(Codec codec, int level,
                                                  std::span<const std::byte> data) {
  RETURN_IF_ERROR(CheckLevel(codec, level));
  std::vector<std::byte> out;
  size_t index = 0;
  for (size_t pos = 0; pos < data.size(); pos += kMaxBlockSize, ++index) {
    std::span<const std::byte> piece =
        data.subspan(pos, std::min<size_t>(kMaxBlockSize, data.size() - pos));
    const size_t start = out.size();
    out.resize(start + kBlockHeaderSize + CompressBound(codec, piece.size()));
    std::span<std::byte> block(out.data() + start, out.size() - start);
    ASSIGN_OR_RETURN(size_t body,
                     CompressBody(codec, level, piece, block.subspan(kBlockHeaderSize)));
    if (body > kMaxBlockSize) {
      return Status::InvalidArgument("block " + Dec(index) + " compresses to " + Dec(body) +
                                     " bytes, more than a block header can hold; ROOT would "
                                     "store this object uncompressed");
    }
    std::memcpy(block.data(), MagicOf(codec), 2);
    block[2] = static_cast<std::byte>(MethodOf(codec));
    StoreLE24(block.data() + 3, static_cast<uint32_t>(body));
    StoreLE24(block.data() + 6, static_cast<uint32_t>(piece.size()));
    out.resize(start + kBlockHeaderSize + body);
  }
  return out;
}

}  // namespace arrowroot::compression
