// libFuzzer target: one RNTuple column page through DecodePage, with the column's type, bits on
// storage, value range and element count taken from the input (fuzz/fuzz_support.h has the
// layout). Whatever they say, DecodePage must return a Status without reading past the page or
// writing past n * NativeWidth(type) bytes.
#include <bit>
#include <cstring>
#include <vector>

#include "arrowroot/to_arrow/rntuple_columns.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace arrowroot;
  using to_arrow::rntuple::ColumnType;
  fuzz::Input in(data, size);
  const uint8_t mode = in.U8();
  const auto type = static_cast<ColumnType>(in.U8() % 0x20);  // 0x1E, 0x1F: unknown types
  const uint16_t bits = in.U16();
  const double min = std::bit_cast<float>(in.U32());
  const double max = std::bit_cast<float>(in.U32());
  uint64_t n = in.U32();
  if (mode & 0x01) n |= static_cast<uint64_t>(in.U32()) << 32;  // huge counts
  const ByteView rest = in.Rest();
  Bytes page = fuzz::Copy(reinterpret_cast<const uint8_t*>(rest.data()), rest.size());
  const int width = to_arrow::rntuple::NativeWidth(type);
  if ((mode & 0x02) && bits > 0) {
    // Mostly well-formed: as many elements as the page holds, the page trimmed to match.
    n = static_cast<uint64_t>(page.size()) * 8 / bits;
    const uint64_t want = to_arrow::rntuple::StoredPageBytes(type, bits, n);
    if (want <= page.size()) page.resize(static_cast<size_t>(want));
  }
  const uint64_t want = to_arrow::rntuple::StoredPageBytes(type, bits, n);
  // Room for the elements only when the page can be valid, as a reader allocates (a bad spec or
  // a wrong size must fail before any write, so a 1-byte buffer lets ASan catch one). With bits
  // of 0 any n needs 0 bytes: CheckColumnSpec first, as readers must.
  const bool spec_ok = to_arrow::rntuple::CheckColumnSpec(type, bits, min, max).ok();
  const bool sized = spec_ok && want == page.size() && width > 0;
  std::vector<std::byte> out(sized ? static_cast<size_t>(n) * static_cast<size_t>(width) : 1);
  Status st = to_arrow::rntuple::DecodePage(type, bits, min, max, page, n, out.data());
  if (st.ok() && !sized) __builtin_trap();  // accepted a page of the wrong size
  if (st.ok() && type == ColumnType::kBit) {
    for (std::byte b : out) {
      if (static_cast<uint8_t>(b) > 1) __builtin_trap();  // a Bit element is 0 or 1
    }
  }
  if (st.ok() && type == ColumnType::kReal32Quant) {
    for (size_t i = 0; i + 8 <= out.size(); i += 8) {  // decoded in double
      double v;
      std::memcpy(&v, out.data() + i, 8);
      if (!(v >= min && v <= max)) __builtin_trap();
    }
  }
  return 0;
}
