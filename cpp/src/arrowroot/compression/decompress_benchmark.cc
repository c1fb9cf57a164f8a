// Decompression throughput for one basket-sized (32 KiB) block per codec, in uncompressed
// bytes/s (what a scan cares about), with the compression ratio as a counter.
//
// Two families, on the same payloads:
//   BM_Floor/<library>/<codec_level>/<data>  the codec library alone, called the fastest
//       way it offers on the block body (the 9-byte ROOT header skipped, context reused,
//       output buffer preallocated): the "decompress-only floor" a scan is compared with.
//   BM_Arrowroot/<codec_level>/<data>        DecompressRootBlocks on the whole payload:
//       header parsing, size checks, the checksum for L4, the codec, the bookkeeping.
// For ZL blocks the floor is given for system zlib, libdeflate and isa-l (the latter two
// when this build found them), so BM_Arrowroot/zlib_* shows which one the library uses.
//
// <data> is a synthetic float32 basket (testing/synthetic_basket.h): "full" (full
// precision), "rounded" (0.01 resolution) or "nano" (NanoAOD-style 10-bit mantissa).
//
// Run: compression_decompress_benchmark --benchmark_min_time=0.2
#include <benchmark/benchmark.h>
#include <lz4.h>
#include <lzma.h>
#include <xxhash.h>
#include <zlib.h>
#include <zstd.h>

#if ARROWROOT_BENCH_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif
#if ARROWROOT_BENCH_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "arrowroot/compression/decompress.h"
#include "testing/synthetic_basket.h"

namespace arrowroot::compression {
namespace {

using Bytes = std::vector<std::byte>;

struct DataSet {
  const char* name;
  testing::Quantization quantization;
};
const DataSet kDataSets[] = {
    {"full", testing::Quantization::kNone},
    {"rounded", testing::Quantization::kTwoDecimals},
    {"nano", testing::Quantization::kTenBitMantissa},
};

// Levels as ROOT files commonly use them: fCompress 101 (zlib 1; ROOT's default before
// 6.30), 106 (zlib 6), 208 (LZMA 8), 404 (LZ4 4, HC), 505 (ZSTD; ROOT passes 2*5 = 10).
struct CodecLevel {
  const char* name;
  Codec codec;
  int level;
};
const CodecLevel kCodecLevels[] = {
    {"zlib_1", Codec::kZlib, 1}, {"zlib_6", Codec::kZlib, 6}, {"lzma_8", Codec::kLzma, 8},
    {"lz4_4", Codec::kLz4, 4},   {"zstd_10", Codec::kZstd, 10},
};

// One ROOT payload: a single block (32 KiB is far below kMaxBlockSize).
struct Payload {
  Bytes data;
  Bytes root;  // header + body
  std::span<const std::byte> Body() const {
    return std::span<const std::byte>(root).subspan(kBlockHeaderSize);
  }
};

Result<Payload> MakePayload(const CodecLevel& cl, const DataSet& ds) {
  Payload p;
  p.data = testing::MakeFloat32Basket(ds.quantization);
  ASSIGN_OR_RETURN(p.root, CompressRootBlocks(cl.codec, cl.level, p.data));
  return p;
}

// A floor decoder: decode `body` into exactly `out`, false on failure. Any per-thread
// context lives in the closure and is reused across iterations.
using FloorFn = std::function<bool(std::span<const std::byte> body, std::span<std::byte> out)>;

uint8_t* U8(std::span<std::byte> s) { return reinterpret_cast<uint8_t*>(s.data()); }
const uint8_t* U8(std::span<const std::byte> s) {
  return reinterpret_cast<const uint8_t*>(s.data());
}

struct ZlibStream {
  z_stream s{};
  bool ok = inflateInit(&s) == Z_OK;
  ~ZlibStream() {
    if (ok) inflateEnd(&s);
  }
};

FloorFn ZlibFloor() {
  // inflateReset on a kept stream: the cheapest way to run zlib once per block.
  auto zs = std::make_shared<ZlibStream>();
  if (!zs->ok) return nullptr;
  return [zs](std::span<const std::byte> body, std::span<std::byte> out) {
    z_stream* s = &zs->s;
    if (inflateReset(s) != Z_OK) return false;
    s->next_in = const_cast<Bytef*>(U8(body));
    s->avail_in = static_cast<uInt>(body.size());
    s->next_out = U8(out);
    s->avail_out = static_cast<uInt>(out.size());
    return inflate(s, Z_FINISH) == Z_STREAM_END && s->avail_out == 0;
  };
}

#if ARROWROOT_BENCH_HAVE_LIBDEFLATE
FloorFn LibdeflateFloor() {
  std::shared_ptr<libdeflate_decompressor> d(libdeflate_alloc_decompressor(),
                                             libdeflate_free_decompressor);
  if (d == nullptr) return nullptr;
  return [d](std::span<const std::byte> body, std::span<std::byte> out) {
    // Null actual_out: the stream must fill `out` exactly.
    return libdeflate_zlib_decompress(d.get(), body.data(), body.size(), out.data(), out.size(),
                                      nullptr) == LIBDEFLATE_SUCCESS;
  };
}
#endif

#if ARROWROOT_BENCH_HAVE_ISAL
// isal_inflate_stateless: one shot into a buffer that holds the whole output (no window
// copies). The streaming isal_inflate measured the same on these blocks.
FloorFn IsalStatelessFloor() {
  auto state = std::make_shared<inflate_state>();
  return [state](std::span<const std::byte> body, std::span<std::byte> out) {
    inflate_state* s = state.get();
    isal_inflate_init(s);
    s->crc_flag = ISAL_ZLIB;
    s->next_in = const_cast<uint8_t*>(U8(body));
    s->avail_in = static_cast<uint32_t>(body.size());
    s->next_out = U8(out);
    s->avail_out = static_cast<uint32_t>(out.size());
    return isal_inflate_stateless(s) == ISAL_DECOMP_OK && s->avail_out == 0;
  };
}
#endif

FloorFn LzmaFloor() {
  return [](std::span<const std::byte> body, std::span<std::byte> out) {
    uint64_t memlimit = 256ull << 20;
    size_t in_pos = 0, out_pos = 0;
    return lzma_stream_buffer_decode(&memlimit, 0, nullptr, U8(body), &in_pos, body.size(),
                                     U8(out), &out_pos, out.size()) == LZMA_OK &&
           out_pos == out.size();
  };
}

// LZ4_decompress_safe alone; the XXH64 check ROOT's L4 blocks carry is left out, so the
// gap to BM_Arrowroot/lz4_* is mostly the checksum.
FloorFn Lz4Floor() {
  return [](std::span<const std::byte> body, std::span<std::byte> out) {
    std::span<const std::byte> lz4 = body.subspan(kLz4ChecksumSize);
    int n = LZ4_decompress_safe(reinterpret_cast<const char*>(lz4.data()),
                                reinterpret_cast<char*>(out.data()), static_cast<int>(lz4.size()),
                                static_cast<int>(out.size()));
    return n == static_cast<int>(out.size());
  };
}

// The same with the XXH64 of the LZ4 data, i.e. everything an L4 block needs.
FloorFn Lz4Xxh64Floor() {
  return [](std::span<const std::byte> body, std::span<std::byte> out) {
    std::span<const std::byte> lz4 = body.subspan(kLz4ChecksumSize);
    benchmark::DoNotOptimize(XXH64(lz4.data(), lz4.size(), 0));
    int n = LZ4_decompress_safe(reinterpret_cast<const char*>(lz4.data()),
                                reinterpret_cast<char*>(out.data()), static_cast<int>(lz4.size()),
                                static_cast<int>(out.size()));
    return n == static_cast<int>(out.size());
  };
}

FloorFn ZstdFloor() {
  std::shared_ptr<ZSTD_DCtx> dctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (dctx == nullptr) return nullptr;
  return [dctx](std::span<const std::byte> body, std::span<std::byte> out) {
    size_t n = ZSTD_decompressDCtx(dctx.get(), out.data(), out.size(), body.data(), body.size());
    return !ZSTD_isError(n) && n == out.size();
  };
}

void SetCounters(benchmark::State& state, const Payload& p) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(p.data.size()));
  state.counters["ratio"] =
      static_cast<double>(p.data.size()) / static_cast<double>(p.root.size());
}

void BM_Floor(benchmark::State& state, CodecLevel cl, DataSet ds, FloorFn (*make)()) {
  auto p = MakePayload(cl, ds);
  if (!p.ok()) {
    state.SkipWithError(p.status().ToString().c_str());
    return;
  }
  FloorFn decode = make();
  if (!decode) {
    state.SkipWithError("cannot create the decoder");
    return;
  }
  Bytes out(p->data.size());
  for (auto _ : state) {
    if (!decode(p->Body(), out)) {
      state.SkipWithError("decoding failed");
      return;
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  if (out != p->data) state.SkipWithError("round trip mismatch");
  SetCounters(state, *p);
}

void BM_Arrowroot(benchmark::State& state, CodecLevel cl, DataSet ds) {
  auto p = MakePayload(cl, ds);
  if (!p.ok()) {
    state.SkipWithError(p.status().ToString().c_str());
    return;
  }
  Bytes out(p->data.size());
  for (auto _ : state) {
    Status st = DecompressRootBlocks(p->root, out);
    if (!st.ok()) {
      state.SkipWithError(st.ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  if (out != p->data) state.SkipWithError("round trip mismatch");
  SetCounters(state, *p);
}

struct Floor {
  const char* library;
  Codec codec;
  FloorFn (*make)();
};
const Floor kFloors[] = {
    {"zlib", Codec::kZlib, ZlibFloor},
#if ARROWROOT_BENCH_HAVE_LIBDEFLATE
    {"libdeflate", Codec::kZlib, LibdeflateFloor},
#endif
#if ARROWROOT_BENCH_HAVE_ISAL
    {"isal", Codec::kZlib, IsalStatelessFloor},
#endif
    {"liblzma", Codec::kLzma, LzmaFloor},
    {"lz4", Codec::kLz4, Lz4Floor},
    {"lz4+xxh64", Codec::kLz4, Lz4Xxh64Floor},
    {"zstd", Codec::kZstd, ZstdFloor},
};

void RegisterAll() {
  for (const DataSet& ds : kDataSets) {
    for (const CodecLevel& cl : kCodecLevels) {
      for (const Floor& f : kFloors) {
        if (f.codec != cl.codec) continue;
        std::string name = std::string("BM_Floor/") + f.library + "/" + cl.name + "/" + ds.name;
        benchmark::RegisterBenchmark(name.c_str(), BM_Floor, cl, ds, f.make);
      }
      std::string name = std::string("BM_Arrowroot/") + cl.name + "/" + ds.name;
      benchmark::RegisterBenchmark(name.c_str(), BM_Arrowroot, cl, ds);
    }
  }
}

}  // namespace
}  // namespace arrowroot::compression

int main(int argc, char** argv) {
  benchmark::AddCustomContext("zlib_decoder", arrowroot::compression::ZlibDecoderName());
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  arrowroot::compression::RegisterAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
