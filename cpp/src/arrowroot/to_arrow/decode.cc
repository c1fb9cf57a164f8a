// DecodeBasket: check the entry range, then hand the basket to its plan's kind
// (kinds_internal.h); the per-value loops live in the kinds' units.
#include "arrowroot/to_arrow/decode.h"

#include "arrowroot/to_arrow/kinds_internal.h"

namespace arrowroot::to_arrow {

using root_format::Basket;

bool NeedsCounts(const ColumnPlan& plan, const Basket& basket) {
  return plan.mode == ColumnPlan::Mode::kJagged && !basket.has_entry_offsets() &&
         basket.num_entries > 0;
}

void AppendIntegers(const ArrayData& data, std::vector<int64_t>* out) {
  static const Buffer kEmpty;
  const auto& buf = data.buffers.empty() ? kEmpty : data.buffers[0];
  for (int64_t i = 0; i < data.length; ++i) {
    int64_t v = 0;
    const uint8_t* p = buf.data();
    size_t k = static_cast<size_t>(i);
    switch (data.type->id) {
      case TypeId::kInt8: v = reinterpret_cast<const int8_t*>(p)[k]; break;
      case TypeId::kUInt8: v = p[k]; break;
      case TypeId::kInt16: v = reinterpret_cast<const int16_t*>(p)[k]; break;
      case TypeId::kUInt16: v = reinterpret_cast<const uint16_t*>(p)[k]; break;
      case TypeId::kInt32: v = reinterpret_cast<const int32_t*>(p)[k]; break;
      case TypeId::kUInt32: v = reinterpret_cast<const uint32_t*>(p)[k]; break;
      case TypeId::kInt64: v = reinterpret_cast<const int64_t*>(p)[k]; break;
      case TypeId::kUInt64: v = static_cast<int64_t>(reinterpret_cast<const uint64_t*>(p)[k]); break;
      default: break;
    }
    out->push_back(v);
  }
}
Status DecodeBasket(const ColumnPlan& plan, const Basket& basket, int64_t first, int64_t last,
                    std::span<const int64_t> counts, ArrayBuilder& out) {
  if (first < 0 || last > basket.num_entries || first > last) {
    return Status::InvalidArgument("entry range [" + std::to_string(first) + ", " +
                                   std::to_string(last) + ") outside a basket of " +
                                   std::to_string(basket.num_entries) + " entries");
  }
  switch (plan.mode) {
    case ColumnPlan::Mode::kFixed: return DecodeFixed(plan, basket, first, last, out);
    case ColumnPlan::Mode::kJagged: return DecodeJagged(plan, basket, first, last, counts, out);
    case ColumnPlan::Mode::kPerEntry: return DecodePerEntry(plan, basket, first, last, out);
  }
  return Status::OK();
}

}  // namespace arrowroot::to_arrow
