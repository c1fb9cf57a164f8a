// SparkBatch's copying paths on a batch of one column of 1M elements: widening uint32 to
// int64, shifting a validity bitmap at an offset that is not a multiple of 8, and the offsets
// a fixed_size_list gets as a list. Bytes/s counts the input bytes each path reads.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "spark_layout.h"

namespace arrowroot::jni {
namespace {

constexpr int64_t kLength = 1 << 20;

// A borrowed array tree (the benchmark owns the buffers; release only marks released).
struct View {
  std::vector<const void*> buffers;
  std::vector<ArrowArray> children;
  std::vector<ArrowArray*> child_ptrs;
  ArrowArray array{};
};

void MarkReleased(ArrowArray* a) { a->release = nullptr; }

void Fill(View& v, int64_t length, int64_t offset, int64_t null_count) {
  v.child_ptrs.clear();
  for (auto& c : v.children) v.child_ptrs.push_back(&c);
  v.array = ArrowArray{length, null_count, offset, static_cast<int64_t>(v.buffers.size()),
                       static_cast<int64_t>(v.children.size()), v.buffers.data(),
                       v.child_ptrs.empty() ? nullptr : v.child_ptrs.data(), nullptr,
                       MarkReleased, nullptr};
}

struct SchemaNode {
  SchemaNode(std::string f, std::string n, std::vector<SchemaNode> c = {})
      : format(std::move(f)), name(std::move(n)), children(std::move(c)) {}
  std::string format, name;
  std::vector<SchemaNode> children;
  std::vector<ArrowSchema> c_children;
  std::vector<ArrowSchema*> ptrs;
  ArrowSchema schema{};
  ArrowSchema* Build() {
    c_children.clear();
    ptrs.clear();
    for (auto& c : children) c_children.push_back(*c.Build());
    for (auto& c : c_children) ptrs.push_back(&c);
    schema = ArrowSchema{format.c_str(), name.c_str(), nullptr, ARROW_FLAG_NULLABLE,
                         static_cast<int64_t>(ptrs.size()), ptrs.empty() ? nullptr : ptrs.data(),
                         nullptr, [](ArrowSchema* s) { s->release = nullptr; }, nullptr};
    return &schema;
  }
};

// Adapts batches of one column (`column` built fresh by the caller) and reports bytes/s.
void Run(benchmark::State& state, SchemaNode column, View& col, int64_t length,
         int64_t input_bytes) {
  SchemaNode root{"+s", "", {std::move(column)}};
  const ArrowSchema* schema = root.Build();
  for (auto _ : state) {
    View batch;
    batch.buffers = {nullptr};
    batch.children = {col.array};
    Fill(batch, length, 0, 0);
    ArrowArray out{};
    Status st = SparkBatch(*schema, &batch.array, &out);
    if (!st.ok()) state.SkipWithError(st.message().c_str());
    benchmark::DoNotOptimize(out.children);
    if (out.release) out.release(&out);
  }
  state.SetBytesProcessed(state.iterations() * input_bytes);
}

void BM_WidenUInt32(benchmark::State& state) {
  std::vector<uint32_t> values(kLength, 4000000000u);
  View col;
  col.buffers = {nullptr, values.data()};
  Fill(col, kLength, 0, 0);
  Run(state, SchemaNode{"I", "u32"}, col, kLength, kLength * 4);
}
BENCHMARK(BM_WidenUInt32);

void BM_ShiftUnalignedValidity(benchmark::State& state) {
  std::vector<uint8_t> validity(kLength / 8 + 1, 0xb7);
  std::vector<double> values(kLength + 3, 1.5);
  View col;
  col.buffers = {validity.data(), values.data()};
  Fill(col, kLength - 8, 3, -1);  // null_count unknown: counted too
  Run(state, SchemaNode{"g", "x"}, col, kLength - 8, kLength / 8);
}
BENCHMARK(BM_ShiftUnalignedValidity);

void BM_FixedSizeListOffsets(benchmark::State& state) {
  std::vector<float> items(kLength * 3, 2.5f);
  View item;
  item.buffers = {nullptr, items.data()};
  Fill(item, kLength * 3, 0, 0);
  View col;
  col.buffers = {nullptr};
  col.children = {item.array};
  Fill(col, kLength, 0, 0);
  SchemaNode list{"+w:3", "p3", {SchemaNode{"f", "item"}}};
  Run(state, std::move(list), col, kLength, kLength * 4);  // the offsets it writes
}
BENCHMARK(BM_FixedSizeListOffsets);

}  // namespace
}  // namespace arrowroot::jni

BENCHMARK_MAIN();
