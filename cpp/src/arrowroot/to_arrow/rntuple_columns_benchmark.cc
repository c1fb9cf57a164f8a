// RNTuple page decode throughput: one decompressed page of 64 Ki elements (ROOT's default page
// is 64 KiB-1 MiB) through DecodePage, per column type. Bytes/s count the decoded (native)
// bytes written, so the plain Real32 case is the memcpy floor the others compare with.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "arrowroot/to_arrow/rntuple_columns.h"

namespace arrowroot::to_arrow::rntuple {
namespace {

constexpr uint64_t kElements = 64 * 1024;

void BM_DecodePage(benchmark::State& state, ColumnType type, uint16_t bits) {
  const uint64_t size = StoredPageBytes(type, bits, kElements);
  std::vector<std::byte> page(size);
  uint64_t x = 0x9E3779B97F4A7C15ULL;
  for (auto& b : page) {  // arbitrary bytes: every decoder accepts any page content
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    b = static_cast<std::byte>(x >> 56);
  }
  const size_t width = static_cast<size_t>(NativeWidth(type));
  std::vector<std::byte> out(kElements * width);
  const double min = type == ColumnType::kReal32Quant ? -1.0 : 0.0;
  for (auto _ : state) {
    Status st = DecodePage(type, bits, min, 1.0, page, kElements, out.data());
    if (!st.ok()) {
      state.SkipWithError(st.ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(out.size()));
}

BENCHMARK_CAPTURE(BM_DecodePage, Real32, ColumnType::kReal32, 32);
BENCHMARK_CAPTURE(BM_DecodePage, SplitReal32, ColumnType::kSplitReal32, 32);
BENCHMARK_CAPTURE(BM_DecodePage, SplitReal64, ColumnType::kSplitReal64, 64);
BENCHMARK_CAPTURE(BM_DecodePage, SplitInt16_zigzag, ColumnType::kSplitInt16, 16);
BENCHMARK_CAPTURE(BM_DecodePage, SplitInt32_zigzag, ColumnType::kSplitInt32, 32);
BENCHMARK_CAPTURE(BM_DecodePage, SplitInt64_zigzag, ColumnType::kSplitInt64, 64);
BENCHMARK_CAPTURE(BM_DecodePage, SplitIndex32_delta, ColumnType::kSplitIndex32, 32);
BENCHMARK_CAPTURE(BM_DecodePage, SplitIndex64_delta, ColumnType::kSplitIndex64, 64);
BENCHMARK_CAPTURE(BM_DecodePage, Bit, ColumnType::kBit, 1);
BENCHMARK_CAPTURE(BM_DecodePage, Real32Trunc20, ColumnType::kReal32Trunc, 20);
BENCHMARK_CAPTURE(BM_DecodePage, Real32Quant16, ColumnType::kReal32Quant, 16);
BENCHMARK_CAPTURE(BM_DecodePage, Real16, ColumnType::kReal16, 16);
BENCHMARK_CAPTURE(BM_DecodePage, SplitReal16, ColumnType::kSplitReal16, 16);

}  // namespace
}  // namespace arrowroot::to_arrow::rntuple

BENCHMARK_MAIN();
