// Walks arrays by their C Data Interface format strings
// (https://arrow.apache.org/docs/format/CDataInterface.html#data-type-description-format-strings)
// and the buffer layouts of the Arrow columnar format: buffer 0 is the validity bitmap (null
// when there are no nulls), then values, or offsets and data; `offset` shifts every index.
#include "value_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace arrowroot::cli {

namespace {

/// What a format string says about the layout (only the types arrowroot produces, plus the
/// large string and list variants, which cost nothing to read).
enum class Kind {
  kUnknown, kBool, kInt8, kUInt8, kInt16, kUInt16, kInt32, kUInt32, kInt64, kUInt64, kFloat32,
  kFloat64, kString, kBinary, kLargeString, kLargeBinary, kList, kLargeList, kMap,
  kFixedSizeList, kStruct, kDenseUnion, kNull,
};

Kind KindOf(const char* f) {
  if (f == nullptr || f[0] == '\0') return Kind::kUnknown;
  if (f[0] != '+') {
    if (f[1] != '\0') return Kind::kUnknown;
    switch (f[0]) {
      case 'b': return Kind::kBool;
      case 'c': return Kind::kInt8;
      case 'C': return Kind::kUInt8;
      case 's': return Kind::kInt16;
      case 'S': return Kind::kUInt16;
      case 'i': return Kind::kInt32;
      case 'I': return Kind::kUInt32;
      case 'l': return Kind::kInt64;
      case 'L': return Kind::kUInt64;
      case 'f': return Kind::kFloat32;
      case 'g': return Kind::kFloat64;
      case 'u': return Kind::kString;
      case 'z': return Kind::kBinary;
      case 'U': return Kind::kLargeString;
      case 'Z': return Kind::kLargeBinary;
      case 'n': return Kind::kNull;
      default: return Kind::kUnknown;
    }
  }
  if (f[1] == 'w' && f[2] == ':') return Kind::kFixedSizeList;
  if (f[1] == 'u' && f[2] == 'd' && f[3] == ':') return Kind::kDenseUnion;
  if (f[2] != '\0') return Kind::kUnknown;
  switch (f[1]) {
    case 'l': return Kind::kList;
    case 'L': return Kind::kLargeList;
    case 'm': return Kind::kMap;
    case 's': return Kind::kStruct;
    default: return Kind::kUnknown;
  }
}

/// Bytes per value of a fixed-width kind; 0 for the others.
int ByteWidth(Kind k) {
  switch (k) {
    case Kind::kInt8: case Kind::kUInt8: return 1;
    case Kind::kInt16: case Kind::kUInt16: return 2;
    case Kind::kInt32: case Kind::kUInt32: case Kind::kFloat32: return 4;
    case Kind::kInt64: case Kind::kUInt64: case Kind::kFloat64: return 8;
    default: return 0;
  }
}

/// N of "+w:N".
int64_t FixedListSize(const char* format) { return std::strtoll(format + 3, nullptr, 10); }

/// Value `j` (an index into the buffer, offset already added) of buffer `b`.
template <typename T>
T Load(const ArrowArray& a, int b, int64_t j) {
  T v;
  std::memcpy(&v, static_cast<const char*>(a.buffers[b]) + static_cast<size_t>(j) * sizeof(T),
              sizeof(T));
  return v;
}

bool Bit(const void* bitmap, int64_t j) {
  return (static_cast<const uint8_t*>(bitmap)[static_cast<size_t>(j) >> 3] >> (j & 7)) & 1;
}

bool IsNull(const ArrowArray& a, int64_t j) {
  return a.null_count != 0 && a.n_buffers > 0 && a.buffers[0] != nullptr && !Bit(a.buffers[0], j);
}

/// Offsets [j] and [j + 1] of buffer 1, 32- or 64-bit.
template <typename Offset>
void Range(const ArrowArray& a, int64_t j, int64_t* begin, int64_t* end) {
  *begin = static_cast<int64_t>(Load<Offset>(a, 1, j));
  *end = static_cast<int64_t>(Load<Offset>(a, 1, j + 1));
}

void AppendDouble(double d, std::string* out) {
  if (std::isnan(d)) {
    *out += "NaN";
    return;
  }
  if (std::isinf(d)) {
    *out += d > 0 ? "Infinity" : "-Infinity";
    return;
  }
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  std::string s(buf, r.ptr);
  // Keep it a float in JSON terms ("1.0", not "1") so readers keep the type.
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  *out += s;
}

template <typename T>
void AppendInt(T v, std::string* out) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr);
}

/// Items [begin, end) of a list's child as a JSON array.
void AppendItems(const ArrowSchema& schema, const ArrowArray& array, int64_t begin, int64_t end,
                 std::string* out) {
  *out += '[';
  for (int64_t k = begin; k < end; ++k) {
    if (k != begin) *out += ", ";
    AppendJson(*schema.children[0], *array.children[0], k, out);
  }
  *out += ']';
}

}  // namespace

void AppendJsonString(const std::string& s, std::string* out) {
  *out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          *out += buf;
        } else {
          *out += static_cast<char>(c);
        }
    }
  }
  *out += '"';
}

/// The child of a dense union ("+ud:I0,I1,...") whose type id is `type_id`, or -1.
int64_t UnionChild(const char* format, int8_t type_id) {
  const char* p = format + 4;
  for (int64_t child = 0; *p != '\0'; ++child) {
    char* end = nullptr;
    long id = std::strtol(p, &end, 10);
    if (end == p) return -1;
    if (id == type_id) return child;
    p = *end == ',' ? end + 1 : end;
  }
  return -1;
}

void AppendJson(const ArrowSchema& schema, const ArrowArray& array, int64_t i, std::string* out) {
  const int64_t j = array.offset + i;
  const Kind kind = KindOf(schema.format);
  if (kind == Kind::kNull) {
    *out += "null";
    return;
  }
  if (kind == Kind::kDenseUnion) {  // no validity: buffers are type ids and offsets
    const auto type_id = static_cast<const int8_t*>(array.buffers[0])[j];
    const int64_t child = UnionChild(schema.format, type_id);
    if (child < 0 || child >= array.n_children) {
      *out += "null";
      return;
    }
    const int32_t off = static_cast<const int32_t*>(array.buffers[1])[j];
    AppendJson(*schema.children[child], *array.children[child], off, out);
    return;
  }
  if (IsNull(array, j)) {
    *out += "null";  // a null pointer to an object
    return;
  }
  int64_t begin = 0, end = 0;
  switch (KindOf(schema.format)) {
    case Kind::kBool: *out += Bit(array.buffers[1], j) ? "true" : "false"; return;
    case Kind::kInt8: AppendInt(Load<int8_t>(array, 1, j), out); return;
    case Kind::kUInt8: AppendInt(Load<uint8_t>(array, 1, j), out); return;
    case Kind::kInt16: AppendInt(Load<int16_t>(array, 1, j), out); return;
    case Kind::kUInt16: AppendInt(Load<uint16_t>(array, 1, j), out); return;
    case Kind::kInt32: AppendInt(Load<int32_t>(array, 1, j), out); return;
    case Kind::kUInt32: AppendInt(Load<uint32_t>(array, 1, j), out); return;
    case Kind::kInt64: AppendInt(Load<int64_t>(array, 1, j), out); return;
    case Kind::kUInt64: AppendInt(Load<uint64_t>(array, 1, j), out); return;
    case Kind::kFloat32: AppendDouble(static_cast<double>(Load<float>(array, 1, j)), out); return;
    case Kind::kFloat64: AppendDouble(Load<double>(array, 1, j), out); return;
    case Kind::kString:
    case Kind::kBinary:
    case Kind::kLargeString:
    case Kind::kLargeBinary: {
      const Kind k = KindOf(schema.format);
      if (k == Kind::kString || k == Kind::kBinary) Range<int32_t>(array, j, &begin, &end);
      else Range<int64_t>(array, j, &begin, &end);
      AppendJsonString(std::string(static_cast<const char*>(array.buffers[2]) + begin,
                                   static_cast<size_t>(end - begin)),
                       out);
      return;
    }
    case Kind::kList:
    case Kind::kMap: Range<int32_t>(array, j, &begin, &end); break;
    case Kind::kLargeList: Range<int64_t>(array, j, &begin, &end); break;
    case Kind::kFixedSizeList: {
      const int64_t n = FixedListSize(schema.format);
      begin = j * n;
      end = begin + n;
      break;
    }
    case Kind::kStruct: {
      *out += '{';
      for (int64_t f = 0; f < array.n_children; ++f) {
        if (f) *out += ", ";
        const char* name = schema.children[f]->name;
        AppendJsonString(name ? name : "", out);
        *out += ": ";
        AppendJson(*schema.children[f], *array.children[f], j, out);
      }
      *out += '}';
      return;
    }
    case Kind::kUnknown:
    case Kind::kNull:
    case Kind::kDenseUnion: *out += "null"; return;  // (the last two are handled above)
  }
  AppendItems(schema, array, begin, end, out);  // the list kinds
}

namespace {

/// The value bytes of entries [begin, begin + count) of `array` (indices with its offset
/// already added), children's entries in range included: a slice counts only its own part.
uint64_t ValueBytes(const ArrowSchema& schema, const ArrowArray& array, int64_t begin,
                    int64_t count) {
  const auto n = static_cast<uint64_t>(count);
  const Kind kind = KindOf(schema.format);
  uint64_t bytes = 0;
  int64_t child_begin = begin, child_count = count;
  switch (kind) {
    case Kind::kBool: bytes = (n + 7) / 8; break;
    case Kind::kString:
    case Kind::kBinary:
    case Kind::kList:
    case Kind::kMap:
    case Kind::kLargeString:
    case Kind::kLargeBinary:
    case Kind::kLargeList: {
      // Offsets [begin, begin + count] (32- or 64-bit), then the bytes or the items they span.
      const bool large = kind == Kind::kLargeString || kind == Kind::kLargeBinary ||
                         kind == Kind::kLargeList;
      int64_t first = 0, last = 0;
      if (count > 0) {
        first = large ? Load<int64_t>(array, 1, begin) : Load<int32_t>(array, 1, begin);
        last = large ? Load<int64_t>(array, 1, begin + count)
                     : Load<int32_t>(array, 1, begin + count);
      }
      bytes = (large ? 8 : 4) * (n + 1);
      const bool items = kind == Kind::kList || kind == Kind::kMap || kind == Kind::kLargeList;
      if (!items) bytes += static_cast<uint64_t>(last - first);
      child_begin = first;
      child_count = last - first;
      break;
    }
    case Kind::kFixedSizeList: {
      const int64_t size = FixedListSize(schema.format);
      child_begin = begin * size;
      child_count = count * size;
      break;
    }
    case Kind::kDenseUnion: {  // type ids and offsets; each alternative whole
      bytes = 5 * n;
      for (int64_t c = 0; c < array.n_children; ++c) {
        const ArrowArray& child = *array.children[c];
        bytes += ValueBytes(*schema.children[c], child, child.offset, child.length);
      }
      return bytes;
    }
    default: bytes = static_cast<uint64_t>(ByteWidth(kind)) * n;  // 0: structs, null
  }
  for (int64_t c = 0; c < array.n_children; ++c) {
    const ArrowArray& child = *array.children[c];
    bytes += ValueBytes(*schema.children[c], child, child.offset + child_begin, child_count);
  }
  return bytes;
}

}  // namespace

uint64_t ArrowValueBytes(const ArrowSchema& schema, const ArrowArray& array) {
  return ValueBytes(schema, array, array.offset, array.length);
}

}  // namespace arrowroot::cli
