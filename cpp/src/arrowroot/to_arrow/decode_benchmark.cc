// Basket decode throughput: decompress a ~32 KiB basket of big-endian float32 (NanoAOD-like:
// mantissas rounded to 10 bits, as NanoAOD stores most floats) and convert it into an Arrow
// float32 column with AppendPrims — the per-basket work of a scan. Reports uncompressed
// bytes/s and the compression ratio.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "arrowroot/compression/decompress.h"
#include "arrowroot/to_arrow/arrow_array.h"
#include "arrowroot/to_arrow/column_plan.h"
#include "arrowroot/to_arrow/decode.h"
#include "testing/synthetic_basket.h"

namespace arrowroot::to_arrow {
namespace {

constexpr size_t kNumValues = 32 * 1024 / 4;

std::vector<std::byte> MakeBasket() {
  return testing::MakeFloat32Basket(testing::Quantization::kTenBitMantissa, kNumValues);
}

Prim Float32Prim() {
  Prim p;
  p.kind = PrimKind::kF32;
  return p;
}

// `codec` < 0: an uncompressed basket (decode only).
void BM_DecompressAndDecode(benchmark::State& state, int codec, int level) {
  const std::vector<std::byte> data = MakeBasket();
  std::vector<std::byte> stored = data;
  if (codec >= 0) {
    auto z = compression::CompressRootBlocks(static_cast<compression::Codec>(codec), level, data);
    if (!z.ok()) {
      state.SkipWithError(z.status().ToString().c_str());
      return;
    }
    stored = std::move(*z);
  }
  const Prim prim = Float32Prim();
  std::vector<std::byte> buffer(data.size());
  for (auto _ : state) {
    const std::byte* src = stored.data();
    if (codec >= 0) {
      Status st = compression::DecompressRootBlocks(stored, buffer);
      if (!st.ok()) {
        state.SkipWithError(st.ToString().c_str());
        break;
      }
      src = buffer.data();
    }
    ArrayBuilder out(MakePrimitive(TypeId::kFloat32));
    out.values().reserve(data.size());
    AppendPrims(prim, src, kNumValues, out);
    benchmark::DoNotOptimize(out.values().data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(data.size()));
  state.counters["ratio"] = static_cast<double>(data.size()) / static_cast<double>(stored.size());
}

void BM_AppendPrimsFloat32(benchmark::State& state) {
  const std::vector<std::byte> data = MakeBasket();
  const Prim prim = Float32Prim();
  ArrayBuilder out(MakePrimitive(TypeId::kFloat32));
  for (auto _ : state) {
    out.values().clear();
    AppendPrims(prim, data.data(), kNumValues, out);
    benchmark::DoNotOptimize(out.values().data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(data.size()));
}

using compression::Codec;
BENCHMARK_CAPTURE(BM_DecompressAndDecode, zlib_1, static_cast<int>(Codec::kZlib), 1);
BENCHMARK_CAPTURE(BM_DecompressAndDecode, lzma_9, static_cast<int>(Codec::kLzma), 9);
BENCHMARK_CAPTURE(BM_DecompressAndDecode, lz4_4, static_cast<int>(Codec::kLz4), 4);
BENCHMARK_CAPTURE(BM_DecompressAndDecode, zstd_5, static_cast<int>(Codec::kZstd), 5);
BENCHMARK_CAPTURE(BM_DecompressAndDecode, none, -1, 0);
BENCHMARK(BM_AppendPrimsFloat32);

}  // namespace
}  // namespace arrowroot::to_arrow

BENCHMARK_MAIN();
