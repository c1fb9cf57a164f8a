// Basket decode throughput: decompress a ~32 KiB basket of big-endian float32 (NanoAOD-like:
// mantissas rounded to 10 bits, as NanoAOD stores most floats) and convert it into an Arrow
// float32 column with AppendPrims — the per-basket work of a scan. Reports uncompressed
// bytes/s and the compression ratio. The DecodeBasket cases time one whole basket through each
// decoder kind (fixed, jagged with and without 10-byte vector headers, per entry), planned
// with PlanColumn from a branch as a scan plans it.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "arrowroot/compression/decompress.h"
#include "arrowroot/root_format/basket.h"
#include "arrowroot/root_format/model.h"
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

// --- DecodeBasket per kind --------------------------------------------------------------------

void PushBE32(Bytes& d, uint32_t v) {
  for (int k = 0; k < 4; ++k) d.push_back(static_cast<std::byte>(v >> (24 - 8 * k)));
}

/// Entry i holds (i * 7) % 13 items: ~6 an entry, 0 to 12.
size_t ItemsOf(size_t entry) { return (entry * 7) % 13; }

/// A basket of `entries` whose entry e is `header` (given the item count) + ItemsOf(e) floats.
template <typename Header>
root_format::Basket JaggedBasket(size_t entries, Header header) {
  const std::vector<std::byte> floats = MakeBasket();
  root_format::Basket b;
  b.entry_offsets.push_back(0);
  size_t next = 0;
  for (size_t e = 0; e < entries; ++e) {
    const size_t k = ItemsOf(e);
    header(b.storage, k);
    for (size_t i = 0; i < 4 * k; ++i) b.storage.push_back(floats[(next + i) % floats.size()]);
    next += 4 * k;
    b.entry_offsets.push_back(static_cast<int32_t>(b.storage.size()));
  }
  b.data = ByteView(b.storage);
  b.num_entries = static_cast<int64_t>(entries);
  return b;
}

void RunDecode(benchmark::State& state, const ColumnPlan& plan, const root_format::Basket& b) {
  for (auto _ : state) {
    ArrayBuilder out(plan.type);
    Status st = DecodeBasket(plan, b, 0, b.num_entries, {}, out);
    if (!st.ok()) {
      state.SkipWithError(st.ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(out.length());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(b.data.size()));
}

/// A TBranch with one leaf of class `leaf_class` ("TLeafF") and title `title`.
struct LeafBranch {
  root_format::Leaf leaf, counter;
  root_format::Branch branch, counter_branch;
  LeafBranch(const std::string& title, int32_t len, bool jagged) {
    counter.class_name = "TLeafI";
    counter.name = "n";
    counter.branch = &counter_branch;
    counter_branch.name = counter_branch.path = "n";
    leaf.class_name = "TLeafF";
    leaf.name = "x";
    leaf.title = title;
    leaf.len = len;
    leaf.leaf_count = jagged ? &counter : nullptr;
    leaf.branch = &branch;
    branch.class_name = "TBranch";
    branch.name = branch.path = "x";
    branch.leaves.push_back(&leaf);
  }
};

ColumnPlan MustPlan(benchmark::State& state, const root_format::Branch& b) {
  auto plan = PlanColumn(b, nullptr);
  if (!plan.ok()) {
    state.SkipWithError(plan.status().ToString().c_str());
    return {};
  }
  return *plan;
}

void BM_DecodeBasketFixedFloat32(benchmark::State& state) {
  LeafBranch lb("x", 1, false);
  const ColumnPlan plan = MustPlan(state, lb.branch);
  root_format::Basket b;
  const std::vector<std::byte> floats = MakeBasket();
  b.storage.insert(b.storage.end(), floats.begin(), floats.end());
  b.data = ByteView(b.storage);
  b.num_entries = static_cast<int64_t>(kNumValues);
  RunDecode(state, plan, b);
}

void BM_DecodeBasketJaggedCounter(benchmark::State& state) {
  // x[n]/F: entries of items back to back, no header: the bulk offsets path.
  LeafBranch lb("x[n]", 1, true);
  const ColumnPlan plan = MustPlan(state, lb.branch);
  RunDecode(state, plan, JaggedBasket(1400, [](Bytes&, size_t) {}));
}

void BM_DecodeBasketVectorFloat(benchmark::State& state) {
  // vector<float>: [bytecount][version][n] then n floats per entry.
  root_format::Branch branch;
  branch.class_name = "TBranchElement";
  branch.name = branch.path = "v";
  branch.element_class_name = "vector<float>";
  const ColumnPlan plan = MustPlan(state, branch);
  RunDecode(state, plan, JaggedBasket(800, [](Bytes& d, size_t k) {
              PushBE32(d, 0x40000000u | static_cast<uint32_t>(6 + 4 * k));
              d.push_back(std::byte{0});
              d.push_back(std::byte{9});
              PushBE32(d, static_cast<uint32_t>(k));
            }));
}

void BM_DecodeBasketPerEntryVectorVector(benchmark::State& state) {
  // vector<vector<float>>: the per-entry NodeReader; each entry one inner vector.
  root_format::Branch branch;
  branch.class_name = "TBranchElement";
  branch.name = branch.path = "vv";
  branch.element_class_name = "vector<vector<float> >";
  const ColumnPlan plan = MustPlan(state, branch);
  RunDecode(state, plan, JaggedBasket(800, [](Bytes& d, size_t k) {
              PushBE32(d, 0x40000000u | static_cast<uint32_t>(2 + 4 + 4 + 4 * k));
              d.push_back(std::byte{0});
              d.push_back(std::byte{9});
              PushBE32(d, 1);
              PushBE32(d, static_cast<uint32_t>(k));
            }));
}

using compression::Codec;
BENCHMARK_CAPTURE(BM_DecompressAndDecode, zlib_1, static_cast<int>(Codec::kZlib), 1);
BENCHMARK_CAPTURE(BM_DecompressAndDecode, lzma_9, static_cast<int>(Codec::kLzma), 9);
BENCHMARK_CAPTURE(BM_DecompressAndDecode, lz4_4, static_cast<int>(Codec::kLz4), 4);
BENCHMARK_CAPTURE(BM_DecompressAndDecode, zstd_5, static_cast<int>(Codec::kZstd), 5);
BENCHMARK_CAPTURE(BM_DecompressAndDecode, none, -1, 0);
BENCHMARK(BM_AppendPrimsFloat32);
BENCHMARK(BM_DecodeBasketFixedFloat32);
BENCHMARK(BM_DecodeBasketJaggedCounter);
BENCHMARK(BM_DecodeBasketVectorFloat);
BENCHMARK(BM_DecodeBasketPerEntryVectorVector);

}  // namespace
}  // namespace arrowroot::to_arrow

BENCHMARK_MAIN();
