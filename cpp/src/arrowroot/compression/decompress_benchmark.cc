// Decompression throughput for one basket-sized block per codec. Reports uncompressed
// bytes/s (what a scan cares about) and the compression ratio as a counter.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "arrowroot/compression/decompress.h"
#include "testing/synthetic_basket.h"

namespace arrowroot::compression {
namespace {

std::vector<std::byte> MakeBasket(bool rounded) {
  return testing::MakeFloat32Basket(rounded ? testing::Quantization::kTwoDecimals
                                            : testing::Quantization::kNone);
}

void BM_Decompress(benchmark::State& state, Codec codec, int level, bool rounded) {
  const std::vector<std::byte> data = MakeBasket(rounded);
  auto z = CompressRootBlocks(codec, level, data);
  if (!z.ok()) {
    state.SkipWithError(z.status().ToString().c_str());
    return;
  }
  std::vector<std::byte> out(data.size());
  for (auto _ : state) {
    Status st = DecompressRootBlocks(*z, out);
    if (!st.ok()) {
      state.SkipWithError(st.ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  if (out != data) state.SkipWithError("round trip mismatch");
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(data.size()));
  state.counters["ratio"] = static_cast<double>(data.size()) / static_cast<double>(z->size());
}

// Levels as ROOT files commonly use them: fCompress 101 (zlib 1), 207/208 (LZMA), 404
// (LZ4 4, HC), 505 (ZSTD; ROOT passes 2*5 = 10 to libzstd).
BENCHMARK_CAPTURE(BM_Decompress, zlib_1, Codec::kZlib, 1, false);
BENCHMARK_CAPTURE(BM_Decompress, lzma_8, Codec::kLzma, 8, false);
BENCHMARK_CAPTURE(BM_Decompress, lz4_4, Codec::kLz4, 4, false);
BENCHMARK_CAPTURE(BM_Decompress, zstd_10, Codec::kZstd, 10, false);
BENCHMARK_CAPTURE(BM_Decompress, zlib_1_rounded, Codec::kZlib, 1, true);
BENCHMARK_CAPTURE(BM_Decompress, lzma_8_rounded, Codec::kLzma, 8, true);
BENCHMARK_CAPTURE(BM_Decompress, lz4_4_rounded, Codec::kLz4, 4, true);
BENCHMARK_CAPTURE(BM_Decompress, zstd_10_rounded, Codec::kZstd, 10, true);

}  // namespace
}  // namespace arrowroot::compression

BENCHMARK_MAIN();
