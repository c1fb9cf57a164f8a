// C++ half of scripts/gen-rntuple-testdata: loaded with ROOT.gInterpreter.Declare (ROOT 6.40
// PyPI wheel), it writes the test RNTuples of testdata/rntuple/ and prints ROOT's own reading
// of every entry as JSON (the goldens). Not compiled into arrowroot.
//
// API facts used here come from the ROOT 6.40 headers shipped in the wheel
// (ROOT/RNTupleModel.hxx, RNTupleWriter.hxx, RNTupleWriteOptions.hxx, RFieldBase.hxx,
// RField/RFieldFundamental.hxx: SetHalfPrecision/SetTruncated/SetQuantized).
#include <ROOT/REntry.hxx>
#include <ROOT/RField.hxx>
#include <ROOT/RNTupleModel.hxx>
#include <ROOT/RNTupleReader.hxx>
#include <ROOT/RNTupleWriteOptions.hxx>
#include <ROOT/RNTupleWriter.hxx>
#include <ROOT/RVec.hxx>

#include <array>
#include <atomic>
#include <bitset>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

// --- user classes (records) --------------------------------------------------------------------
struct GenBase {
  int base_id = 0;
  float base_weight = 0;
};
struct GenPoint {
  float x = 0, y = 0;
};
struct GenTrack : GenBase {
  double pt = 0;
  GenPoint origin;
  std::vector<GenPoint> hits;
  std::string label;
  std::array<std::int16_t, 2> flags{};
};
// A class that leaves a std::variant valueless: its constructor from int64_t throws, and its
// user-defined copy makes it non-trivially-copyable (libstdc++ then destroys the old
// alternative before constructing the new one in place).
struct GenFragile {
  float value = 0;
  GenFragile() = default;
  explicit GenFragile(float v) : value(v) {}
  explicit GenFragile(std::int64_t) { throw std::runtime_error("GenFragile: refused"); }
  GenFragile(const GenFragile &other) : value(other.value) {}
  GenFragile &operator=(const GenFragile &other) { value = other.value; return *this; }
};
enum class GenColor : std::int16_t { kRed = -1, kGreen = 2, kBlue = 300 };

namespace gen {

using ROOT::RFieldBase;

// --- JSON of ROOT's reading --------------------------------------------------------------------

inline void JsonString(std::ostream &os, const std::string &s) {
  os << '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': os << "\\\""; break;
      case '\\': os << "\\\\"; break;
      case '\n': os << "\\n"; break;
      case '\t': os << "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          os << buf;
        } else {
          os << c;
        }
    }
  }
  os << '"';
}

inline void JsonDouble(std::ostream &os, double d) {
  if (std::isnan(d)) { os << "\"nan\""; return; }
  if (std::isinf(d)) { os << (d > 0 ? "\"inf\"" : "\"-inf\""); return; }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  std::string s = buf;
  // Keep it a JSON float (so Python's json gives a float, not an int).
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  os << s;
}

inline bool StartsWith(const std::string &s, const char *prefix) { return s.rfind(prefix, 0) == 0; }

void Json(std::ostream &os, const RFieldBase::RValue &v);

inline void JsonList(std::ostream &os, const std::vector<RFieldBase::RValue> &items) {
  os << '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) os << ", ";
    Json(os, items[i]);
  }
  os << ']';
}

inline bool JsonFundamental(std::ostream &os, const std::string &t, const void *p) {
  if (t == "bool") os << (*static_cast<const bool *>(p) ? "true" : "false");
  else if (t == "char") os << int(*static_cast<const signed char *>(p));
  else if (t == "std::byte" || t == "std::uint8_t") os << unsigned(*static_cast<const std::uint8_t *>(p));
  else if (t == "std::int8_t") os << int(*static_cast<const std::int8_t *>(p));
  else if (t == "std::int16_t") os << *static_cast<const std::int16_t *>(p);
  else if (t == "std::uint16_t") os << *static_cast<const std::uint16_t *>(p);
  else if (t == "std::int32_t") os << *static_cast<const std::int32_t *>(p);
  else if (t == "std::uint32_t") os << *static_cast<const std::uint32_t *>(p);
  else if (t == "std::int64_t") os << *static_cast<const std::int64_t *>(p);
  else if (t == "std::uint64_t") os << *static_cast<const std::uint64_t *>(p);
  else if (t == "float") JsonDouble(os, *static_cast<const float *>(p));
  else if (t == "double" || t == "Double32_t") JsonDouble(os, *static_cast<const double *>(p));
  else if (t == "std::string") JsonString(os, *static_cast<const std::string *>(p));
  else if (t == "ROOT::RNTupleCardinality<std::uint32_t>") os << *static_cast<const std::uint32_t *>(p);
  else if (t == "ROOT::RNTupleCardinality<std::uint64_t>") os << *static_cast<const std::uint64_t *>(p);
  else return false;
  return true;
}

// RVariantField has no SplitValue in 6.40 (it returns nothing): the variants the writers use
// are read as their C++ types. The active alternative's value, or null when valueless.
template <typename Variant>
void JsonVariantOf(std::ostream &os, const void *p) {
  const auto &var = *static_cast<const Variant *>(p);
  if (var.valueless_by_exception()) { os << "null"; return; }
  std::visit([&os](const auto &x) {
    using X = std::decay_t<decltype(x)>;
    if constexpr (std::is_same_v<X, std::string>) JsonString(os, x);
    else if constexpr (std::is_same_v<X, GenFragile>) { os << "{\"value\": "; JsonDouble(os, x.value); os << '}'; }
    else if constexpr (std::is_floating_point_v<X>) JsonDouble(os, x);
    else os << x;
  }, var);
}

inline void JsonVariant(std::ostream &os, const std::string &t, const void *p) {
  if (t == "std::variant<std::int32_t,float,std::string>")
    JsonVariantOf<std::variant<std::int32_t, float, std::string>>(os, p);
  else if (t == "std::variant<std::int32_t,double>")
    JsonVariantOf<std::variant<std::int32_t, double>>(os, p);
  else if (t == "std::variant<std::int32_t,GenFragile>")
    JsonVariantOf<std::variant<std::int32_t, GenFragile>>(os, p);
  else throw std::runtime_error("gen::JsonVariant: add a case for " + t);
}

// One value as plain JSON: numbers, strings, lists; records {member: value}; null for an
// empty optional/unique_ptr and for a valueless variant; maps as [[key, value], ...];
// bitsets as a list of N bools (bit 0 first); NaN/inf as strings.
inline void Json(std::ostream &os, const RFieldBase::RValue &v) {
  const RFieldBase &f = v.GetField();
  const std::string &t = f.GetTypeName();
  const void *p = v.GetPtr<void>().get();
  if (JsonFundamental(os, t, p)) return;
  if (StartsWith(t, "std::bitset<")) {
    std::size_t n = std::stoul(t.substr(12));
    const unsigned long *words = static_cast<const unsigned long *>(p);
    os << '[';
    for (std::size_t i = 0; i < n; ++i)
      os << (i ? ", " : "") << (((words[i / 64] >> (i % 64)) & 1) ? "true" : "false");
    os << ']';
    return;
  }
  if (f.GetStructure() == ROOT::ENTupleStructure::kVariant) {
    JsonVariant(os, t, p);
    return;
  }
  auto parts = f.SplitValue(v);
  if (StartsWith(t, "std::optional<") || StartsWith(t, "std::unique_ptr<")) {
    if (parts.empty()) os << "null";
    else Json(os, parts[0]);
    return;
  }
  if (StartsWith(t, "std::map<") || StartsWith(t, "std::unordered_map<") ||
      StartsWith(t, "std::multimap<") || StartsWith(t, "std::unordered_multimap<")) {
    os << '[';
    for (std::size_t i = 0; i < parts.size(); ++i) {
      auto kv = parts[i].GetField().SplitValue(parts[i]);
      os << (i ? ", " : "") << '[';
      Json(os, kv.at(0));
      os << ", ";
      Json(os, kv.at(1));
      os << ']';
    }
    os << ']';
    return;
  }
  switch (f.GetStructure()) {
    case ROOT::ENTupleStructure::kRecord:
      os << '{';
      for (std::size_t i = 0; i < parts.size(); ++i) {
        os << (i ? ", " : "");
        JsonString(os, parts[i].GetField().GetFieldName());
        os << ": ";
        Json(os, parts[i]);
      }
      os << '}';
      return;
    case ROOT::ENTupleStructure::kCollection: JsonList(os, parts); return;
    default: break;
  }
  if (StartsWith(t, "std::array<")) { JsonList(os, parts); return; }
  // enums and std::atomic: one subfield, the underlying value
  if (parts.size() == 1) { Json(os, parts[0]); return; }
  throw std::runtime_error("gen::Json: no JSON form for field " + f.GetFieldName() + " of type " + t);
}

// Writes {"ntuple": name, "num_entries": n, "fields": [names], "types": {name: type},
// "values": {name: [per entry]}} to `out_path`. Entries [0, head) and [n - tail, n) only when
// head + tail < n (then "entries" lists the entry numbers kept).
inline void WriteGolden(const char *ntuple, const char *path, const char *out_path,
                        std::uint64_t head, std::uint64_t tail) {
  auto reader = ROOT::RNTupleReader::Open(ntuple, path);
  const auto n = reader->GetNEntries();
  auto entry = reader->GetModel().CreateEntry();
  std::vector<std::uint64_t> rows;
  for (std::uint64_t i = 0; i < n; ++i)
    if (head + tail >= n || i < head || i >= n - tail) rows.push_back(i);
  std::vector<std::ostringstream> cols;
  std::vector<std::string> names, types;
  for (const auto &value : *entry) {
    names.push_back(value.GetField().GetFieldName());
    types.push_back(value.GetField().GetTypeName());
    cols.emplace_back();
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    reader->LoadEntry(rows[r], *entry);
    std::size_t c = 0;
    for (const auto &value : *entry) {
      cols[c] << (r ? ",\n   " : "");
      Json(cols[c], value);
      ++c;
    }
  }
  std::ofstream out(out_path);
  out << "{\"ntuple\": ";
  JsonString(out, ntuple);
  out << ",\n \"num_entries\": " << n << ",\n \"fields\": [";
  for (std::size_t c = 0; c < names.size(); ++c) { out << (c ? ", " : ""); JsonString(out, names[c]); }
  out << "],\n \"types\": {";
  for (std::size_t c = 0; c < names.size(); ++c) {
    out << (c ? ", " : "");
    JsonString(out, names[c]);
    out << ": ";
    JsonString(out, types[c]);
  }
  out << "},\n";
  if (rows.size() < n) {
    out << " \"entries\": [";
    for (std::size_t r = 0; r < rows.size(); ++r) out << (r ? ", " : "") << rows[r];
    out << "],\n";
  }
  out << " \"values\": {";
  for (std::size_t c = 0; c < names.size(); ++c) {
    out << (c ? ",\n  " : "\n  ");
    JsonString(out, names[c]);
    out << ": [" << cols[c].str() << "]";
  }
  out << "}}\n";
}

// Names of the ntuples' top-level fields with their on-disk column types, for README tables:
// "field: type [column types]" per line.
inline std::string Describe(const char *ntuple, const char *path) {
  auto reader = ROOT::RNTupleReader::Open(ntuple, path);
  std::ostringstream os;
  reader->PrintInfo(ROOT::ENTupleInfo::kStorageDetails, os);
  return os.str();
}

}  // namespace gen
