// libFuzzer target: basket key → root_format::DecodeBasketKey → to_arrow::DecodeBasket with a
// ColumnPlan taken from a branch of a real test file (flat, leaf lists, jagged with and without
// entry offsets, per-entry objects, strings, vectors, maps), then Finish and export to the
// Arrow C Data Interface.
// Input (fuzz/fuzz_support.h): u16 plan index, u16 first entry, u16 entry count, u32 n, n bytes
// of basket key, then i32 counter values.
#include "arrowroot/root_format/basket.h"
#include "arrowroot/to_arrow/decode.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace arrowroot;
  const auto& plans = fuzz::DecodePlans();
  if (plans.empty()) __builtin_trap();  // the test data directory is missing
  fuzz::Input in(data, size);
  const auto& plan = plans[in.U16() % plans.size()].plan;
  const int64_t first = in.U16();
  const int64_t count = in.U16();
  ByteView key = in.Bytes(in.U32());
  std::vector<int64_t> counts;
  while (in.remaining() >= 4) counts.push_back(static_cast<int32_t>(in.U32()));

  auto basket = root_format::DecodeBasketKey(Bytes(key.begin(), key.end()));
  if (!basket.ok()) return 0;
  const int64_t last = count == 0xFFFF ? basket->num_entries : first + count;
  if (!to_arrow::NeedsCounts(plan, *basket)) counts.clear();
  to_arrow::ArrayBuilder out(plan.type);
  Status st = to_arrow::DecodeBasket(plan, *basket, first, last, counts, out);
  if (!st.ok()) return 0;
  auto array = out.Finish();
  if (!array.ok()) return 0;
  if ((*array)->length != last - first) __builtin_trap();  // one row per entry
  to_arrow::RecordBatch batch;
  batch.fields.push_back({plan.name, plan.type});
  batch.columns.push_back(*array);
  batch.num_rows = (*array)->length;
  ArrowArray c_array;
  to_arrow::ExportBatch(batch, &c_array);
  c_array.release(&c_array);
  return 0;
}
