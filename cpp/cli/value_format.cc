#include "value_format.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace arrowroot::cli {

using to_arrow::ArrayData;
using to_arrow::TypeId;

namespace {

template <typename T>
T Load(const ArrayData& a, int64_t i) {
  T v;
  std::memcpy(&v, a.buffers[0].data() + static_cast<size_t>(i) * sizeof(T), sizeof(T));
  return v;
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

void AppendJson(const ArrayData& a, int64_t i, std::string* out) {
  if (a.null_count > 0 && !((a.validity[static_cast<size_t>(i) >> 3] >> (i & 7)) & 1)) {
    *out += "null";  // a null pointer to an object
    return;
  }
  switch (a.type->id) {
    case TypeId::kBool: {
      bool v = (a.buffers[0][static_cast<size_t>(i) >> 3] >> (i & 7)) & 1;
      *out += v ? "true" : "false";
      return;
    }
    case TypeId::kInt8: AppendInt(Load<int8_t>(a, i), out); return;
    case TypeId::kUInt8: AppendInt(Load<uint8_t>(a, i), out); return;
    case TypeId::kInt16: AppendInt(Load<int16_t>(a, i), out); return;
    case TypeId::kUInt16: AppendInt(Load<uint16_t>(a, i), out); return;
    case TypeId::kInt32: AppendInt(Load<int32_t>(a, i), out); return;
    case TypeId::kUInt32: AppendInt(Load<uint32_t>(a, i), out); return;
    case TypeId::kInt64: AppendInt(Load<int64_t>(a, i), out); return;
    case TypeId::kUInt64: AppendInt(Load<uint64_t>(a, i), out); return;
    case TypeId::kFloat32: AppendDouble(static_cast<double>(Load<float>(a, i)), out); return;
    case TypeId::kFloat64: AppendDouble(Load<double>(a, i), out); return;
    case TypeId::kUtf8:
    case TypeId::kBinary: {
      int32_t b, e;
      std::memcpy(&b, a.buffers[0].data() + 4 * i, 4);
      std::memcpy(&e, a.buffers[0].data() + 4 * (i + 1), 4);
      AppendJsonString(std::string(reinterpret_cast<const char*>(a.buffers[1].data()) + b,
                                   static_cast<size_t>(e - b)),
                       out);
      return;
    }
    case TypeId::kList:
    case TypeId::kMap:
    case TypeId::kFixedSizeList: {
      int64_t b, e;
      if (a.type->id != TypeId::kFixedSizeList) {
        int32_t b32, e32;
        std::memcpy(&b32, a.buffers[0].data() + 4 * i, 4);
        std::memcpy(&e32, a.buffers[0].data() + 4 * (i + 1), 4);
        b = b32;
        e = e32;
      } else {
        b = i * a.type->list_size;
        e = b + a.type->list_size;
      }
      *out += '[';
      for (int64_t k = b; k < e; ++k) {
        if (k != b) *out += ", ";
        AppendJson(*a.children[0], k, out);
      }
      *out += ']';
      return;
    }
    case TypeId::kStruct: {
      *out += '{';
      for (size_t f = 0; f < a.children.size(); ++f) {
        if (f) *out += ", ";
        AppendJsonString(a.type->children[f].name, out);
        *out += ": ";
        AppendJson(*a.children[f], i, out);
      }
      *out += '}';
      return;
    }
  }
}

}  // namespace arrowroot::cli
