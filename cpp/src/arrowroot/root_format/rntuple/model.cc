#include "arrowroot/root_format/rntuple/model.h"

#include <array>
#include <cstdio>

namespace arrowroot::root_format::rntuple {

namespace {
struct TypeInfo {
  const char* name;
  int bits;  // 0: variable width
};
// Spec 1.0, "Column Description": the table of column types and their bits on storage.
constexpr std::array<TypeInfo, 0x1E> kTypes = {{
    {"Bit", 1},          {"Byte", 8},          {"Char", 8},          {"Int8", 8},
    {"UInt8", 8},        {"Int16", 16},        {"UInt16", 16},       {"Int32", 32},
    {"UInt32", 32},      {"Int64", 64},        {"UInt64", 64},       {"Real16", 16},
    {"Real32", 32},      {"Real64", 64},       {"Index32", 32},      {"Index64", 64},
    {"Switch", 96},      {"SplitInt16", 16},   {"SplitUInt16", 16},  {"SplitInt32", 32},
    {"SplitUInt32", 32}, {"SplitInt64", 64},   {"SplitUInt64", 64},  {"SplitReal16", 16},
    {"SplitReal32", 32}, {"SplitReal64", 64},  {"SplitIndex32", 32}, {"SplitIndex64", 64},
    {"Real32Trunc", 0},  {"Real32Quant", 0},
}};
}  // namespace

bool IsKnownColumnType(uint16_t type) { return type < kTypes.size(); }

std::string ColumnTypeName(uint16_t type) {
  if (IsKnownColumnType(type)) return kTypes[type].name;
  char buf[32];
  std::snprintf(buf, sizeof buf, "column type 0x%02X", type);
  return buf;
}

int FixedBitsOnStorage(ColumnType type) {
  auto t = static_cast<uint16_t>(type);
  return IsKnownColumnType(t) ? kTypes[t].bits : 0;
}

uint64_t UnpackedPageBytes(uint16_t type_raw, uint16_t bits_on_storage, uint64_t n) {
  const int fixed = IsKnownColumnType(type_raw) ? kTypes[type_raw].bits : 0;
  const uint64_t bits = fixed > 0 ? static_cast<uint64_t>(fixed) : bits_on_storage;
  const unsigned __int128 total = (static_cast<unsigned __int128>(n) * bits + 7) / 8;
  return total > UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(total);
}

std::string Anchor::Version() const {
  return std::to_string(epoch) + "." + std::to_string(major) + "." + std::to_string(minor) + "." +
         std::to_string(patch);
}

}  // namespace arrowroot::root_format::rntuple
