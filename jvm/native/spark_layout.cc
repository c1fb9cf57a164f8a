// The Spark layout of the engine's batches (spark_layout.h). A little over 500 lines: the
// format table, the bitmap helpers, the schema copy and the array walk are one adapter, and
// splitting them would put private types into headers. Why each rule:
//  - Offset 0 everywhere: arrow-java 19's ArrayImporter never reads ArrowArray::offset.
//  - Every offsets buffer starts at 0. A sliced string or list gets rebased offsets (a copy of
//    length + 1 int32s) and its bytes or child start at its first element, so a list's child
//    covers the batch's elements only: a child that must be copied (widened, shifted) costs
//    the batch's size, never the whole cluster's once per batch. It also keeps older
//    arrow-java importers right: some revisions of BufferImportTypeVisitor imported a string's
//    data with capacity offsets[length] - offsets[0] (newer ones: offsets[length]).
//  - No null buffer but validity, even for empty arrays (some revisions of
//    BufferImportTypeVisitor reject any null buffer): they point at a static zero block. The
//    null type has no buffers at all.
//  - Unsigned integers have no Spark type: each is widened to the next signed one; uint64 must
//    fit int64 (a value above INT64_MAX is an error, never a silent wrap).
#include "spark_layout.h"

#include <bit>
#include <charconv>
#include <cstring>
#include <deque>
#include <limits>
#include <memory>
#include <string_view>
#include <utility>

namespace arrowroot::jni {
namespace {

// Bitmaps are shifted a 64-bit word at a time; Arrow's bit order (LSB first) matches a
// little-endian word's.
static_assert(std::endian::native == std::endian::little, "bitmap shifts assume little-endian");

enum class Kind {
  kBool, kInt8, kUInt8, kInt16, kUInt16, kInt32, kUInt32, kInt64, kUInt64, kFloat32, kFloat64,
  kUtf8, kBinary, kList, kFixedSizeList, kStruct, kMap, kUnion, kNull, kOther,
};

struct TypeInfo {
  Kind kind = Kind::kOther;
  int32_t list_size = 0;  // kFixedSizeList
};

// The engine's formats (to_arrow's DataType::Format); anything else is kOther.
TypeInfo ParseFormat(const char* format) {
  static constexpr std::pair<std::string_view, Kind> kFormats[] = {
      {"b", Kind::kBool},    {"c", Kind::kInt8},    {"C", Kind::kUInt8},   {"s", Kind::kInt16},
      {"S", Kind::kUInt16},  {"i", Kind::kInt32},   {"I", Kind::kUInt32},  {"l", Kind::kInt64},
      {"L", Kind::kUInt64},  {"f", Kind::kFloat32}, {"g", Kind::kFloat64}, {"u", Kind::kUtf8},
      {"z", Kind::kBinary},  {"n", Kind::kNull},    {"+l", Kind::kList},   {"+s", Kind::kStruct},
      {"+m", Kind::kMap}};
  const std::string_view f = format ? format : "";
  for (const auto& [name, kind] : kFormats) {
    if (f == name) return {kind};
  }
  if (f.starts_with("+ud") || f.starts_with("+us")) return {Kind::kUnion};
  if (f.starts_with("+w:")) {
    int32_t n = -1;
    const char* end = f.data() + f.size();
    auto [p, ec] = std::from_chars(f.data() + 3, end, n);
    if (ec == std::errc() && p == end && n >= 0) return {Kind::kFixedSizeList, n};
  }
  return {};
}

// Bytes per value of a fixed-width kind (0 for the others; bool is bit-packed).
int ValueWidth(Kind k) {
  switch (k) {
    case Kind::kInt8: case Kind::kUInt8: return 1;
    case Kind::kInt16: case Kind::kUInt16: return 2;
    case Kind::kInt32: case Kind::kUInt32: case Kind::kFloat32: return 4;
    case Kind::kInt64: case Kind::kUInt64: case Kind::kFloat64: return 8;
    default: return 0;
  }
}

const char* SparkFormat(Kind k, const char* engine_format) {
  switch (k) {
    case Kind::kUInt8: return "s";
    case Kind::kUInt16: return "i";
    case Kind::kUInt32: case Kind::kUInt64: return "l";
    case Kind::kFixedSizeList: return "+l";
    default: return engine_format;
  }
}

int64_t ExpectedBuffers(Kind k) {
  switch (k) {
    case Kind::kNull: return 0;
    case Kind::kStruct: case Kind::kFixedSizeList: return 1;
    case Kind::kUtf8: case Kind::kBinary: return 3;
    default: return 2;
  }
}

// Why a field's type cannot be laid out for Spark, "" when it can (the whole subtree).
std::string SparkTypeProblem(const ArrowSchema& s) {
  const TypeInfo t = ParseFormat(s.format);
  const std::string format = s.format ? s.format : "(none)";
  if (t.kind == Kind::kUnion) {
    return "its type holds a union (Arrow format '" + format +
           "', e.g. a std::variant) and Spark has no union type";
  }
  if (t.kind == Kind::kOther) {
    return "its type holds Arrow format '" + format + "', which the Spark layout does not handle";
  }
  if (s.dictionary) return "it is dictionary-encoded, which the Spark layout does not handle";
  const bool one_child = t.kind == Kind::kList || t.kind == Kind::kFixedSizeList ||
                         t.kind == Kind::kMap;
  if (s.n_children < 0 || (one_child && s.n_children != 1) || (s.n_children > 0 && !s.children)) {
    return "its schema is malformed (format '" + format + "' with " +
           std::to_string(s.n_children) + " children)";
  }
  for (int64_t i = 0; i < s.n_children; ++i) {
    if (!s.children[i]) return "its schema is malformed (a null child)";
    std::string problem = SparkTypeProblem(*s.children[i]);
    if (!problem.empty()) return problem;
  }
  return "";
}

std::string ColumnName(const ArrowSchema& s) { return s.name ? s.name : ""; }

// The batch schema must be a struct of columns, each of a type Spark can take.
Status CheckBatchSchema(const ArrowSchema& in) {
  if (ParseFormat(in.format).kind != Kind::kStruct || in.n_children < 0 ||
      (in.n_children > 0 && !in.children)) {
    return Status::InvalidArgument(std::string("a batch schema is a struct of columns (format "
                                               "'+s'), not format '") +
                                   (in.format ? in.format : "(none)") + "'");
  }
  for (int64_t i = 0; i < in.n_children; ++i) {
    if (!in.children[i]) return Status::InvalidArgument("the batch schema has a null column");
    const std::string problem = SparkTypeProblem(*in.children[i]);
    if (!problem.empty()) {
      return Status::Unsupported("column '" + ColumnName(*in.children[i]) + "': " + problem +
                                 "; leave the column out to read the others");
    }
  }
  return Status::OK();
}

// ---- schema ----

struct SchemaPrivate {
  std::string format;
  std::string name;
  std::vector<ArrowSchema> children;
  std::vector<ArrowSchema*> child_ptrs;
};

void ReleaseSchema(ArrowSchema* s) {
  if (!s || !s->release) return;
  std::unique_ptr<SchemaPrivate> p(static_cast<SchemaPrivate*>(s->private_data));
  for (ArrowSchema& c : p->children) {
    if (c.release) c.release(&c);
  }
  s->release = nullptr;
}

// Copy a checked schema tree with Spark's formats.
void FillSchema(const ArrowSchema& in, ArrowSchema* out) {
  auto p = std::make_unique<SchemaPrivate>();
  p->format = SparkFormat(ParseFormat(in.format).kind, in.format);
  p->name = ColumnName(in);
  p->children.resize(static_cast<size_t>(in.n_children));
  for (int64_t i = 0; i < in.n_children; ++i) {
    FillSchema(*in.children[i], &p->children[i]);
    p->child_ptrs.push_back(&p->children[i]);
  }
  out->format = p->format.c_str();
  out->name = p->name.c_str();
  out->metadata = nullptr;
  out->flags = in.flags & ARROW_FLAG_NULLABLE;
  out->n_children = in.n_children;
  out->children = p->child_ptrs.empty() ? nullptr : p->child_ptrs.data();
  out->dictionary = nullptr;
  out->release = ReleaseSchema;
  out->private_data = p.release();
}

// ---- batch ----

// Where empty arrays' buffers point: arrow-java rejects null buffers (other than validity).
alignas(8) const uint8_t kZeros[16] = {};

// Everything an output batch holds: the input (released last) and the buffers made for it.
struct BatchPrivate {
  struct Node {
    std::vector<const void*> buffers;
    std::vector<ArrowArray> children;
    std::vector<ArrowArray*> child_ptrs;
  };
  ArrowArray original{};
  std::deque<Node> nodes;  // a deque: nodes never move once handed out
  std::vector<std::unique_ptr<uint64_t[]>> copies;

  ~BatchPrivate() {
    if (original.release) original.release(&original);
  }
  // An uninitialized buffer of `bytes` bytes (8-byte aligned, never null).
  uint8_t* NewBuffer(int64_t bytes) {
    const auto words = static_cast<size_t>(bytes / 8 + 1);
    copies.push_back(std::make_unique_for_overwrite<uint64_t[]>(words));
    return reinterpret_cast<uint8_t*>(copies.back().get());
  }
};

void MarkReleased(ArrowArray* a) { a->release = nullptr; }

void ReleaseBatch(ArrowArray* a) {
  if (!a || !a->release) return;
  std::unique_ptr<BatchPrivate> p(static_cast<BatchPrivate*>(a->private_data));
  a->release = nullptr;
}

bool BitIsSet(const uint8_t* bits, int64_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }

int64_t CountSetBits(const uint8_t* bits, int64_t offset, int64_t length) {
  int64_t count = 0;
  int64_t i = offset;
  const int64_t end = offset + length;
  for (; i < end && i % 8 != 0; ++i) count += BitIsSet(bits, i);
  for (; i + 64 <= end; i += 64) {
    uint64_t w;
    std::memcpy(&w, bits + i / 8, 8);
    count += std::popcount(w);
  }
  for (; i < end; ++i) count += BitIsSet(bits, i);
  return count;
}

// Bits [offset, offset + length) of `src` into `dst` from bit 0; offset % 8 != 0. Reads only
// the bytes holding those bits; the unused high bits of the last byte are zeroed.
void CopyShiftedBits(const uint8_t* src, int64_t offset, int64_t length, uint8_t* dst) {
  const uint8_t* s = src + offset / 8;
  const int shift = static_cast<int>(offset % 8);
  const int64_t out_bytes = (length + 7) / 8;
  const int64_t in_bytes = (shift + length + 7) / 8;
  int64_t j = 0;
  for (; j + 9 <= in_bytes && j + 8 <= out_bytes; j += 8) {
    uint64_t w;
    std::memcpy(&w, s + j, 8);
    w = (w >> shift) | (uint64_t{s[j + 8]} << (64 - shift));
    std::memcpy(dst + j, &w, 8);
  }
  for (; j < out_bytes; ++j) {
    unsigned v = s[j] >> shift;
    if (j + 1 < in_bytes) v |= unsigned{s[j + 1]} << (8 - shift);
    dst[j] = static_cast<uint8_t>(v);
  }
  if (length % 8 != 0) dst[out_bytes - 1] &= static_cast<uint8_t>((1u << (length % 8)) - 1);
}

// Lays out one array (and its children) for Spark; every buffer it makes goes into `keep`.
class Adapter {
 public:
  explicit Adapter(BatchPrivate& keep) : keep_(keep) {}

  /// Elements [offset, offset + length) of `a` (physical: a.offset is included in `offset`)
  /// into `out`, offset 0. `path` names the column ("tracks.item.pt"); depth 1 = a column.
  Status Adapt(const ArrowSchema& s, const ArrowArray& a, int64_t offset, int64_t length,
               const std::string& path, int depth, ArrowArray* out);

 private:
  BatchPrivate::Node& NewNode(const ArrowSchema& s, int64_t length, ArrowArray* out);
  void Validity(const ArrowArray& a, int64_t offset, int64_t length, BatchPrivate::Node& node,
                ArrowArray* out);
  const void* Bits(const uint8_t* src, int64_t offset, int64_t length);
  Status Offsets(const ArrowArray& a, int64_t offset, int64_t length, const std::string& path,
                 const void** out, int32_t* first, int32_t* last);
  Status Values(const TypeInfo& t, const ArrowArray& a, int64_t offset, int64_t length,
                const std::string& path, int depth, BatchPrivate::Node& node);
  Status Children(const ArrowSchema& s, const ArrowArray& a, int64_t offset, int64_t length,
                  const std::string& path, int depth, BatchPrivate::Node& node);
  Status VarLength(const ArrowSchema& s, const ArrowArray& a, Kind kind, int64_t offset,
                   int64_t length, const std::string& path, int depth, BatchPrivate::Node& node);
  Status FixedSizeList(const ArrowSchema& s, const ArrowArray& a, int32_t list_size,
                       int64_t offset, int64_t length, const std::string& path, int depth,
                       BatchPrivate::Node& node);

  BatchPrivate& keep_;
};

Status Malformed(const std::string& path, const std::string& what) {
  return Status::InvalidArgument((path.empty() ? "the batch" : "column '" + path + "'") + ": " +
                                 what);
}

BatchPrivate::Node& Adapter::NewNode(const ArrowSchema& s, int64_t length, ArrowArray* out) {
  BatchPrivate::Node& node = keep_.nodes.emplace_back();
  const Kind kind = ParseFormat(s.format).kind;
  // A fixed-size list leaves as a list: [validity, offsets].
  const int64_t n_buffers = kind == Kind::kFixedSizeList ? 2 : ExpectedBuffers(kind);
  node.buffers.assign(static_cast<size_t>(n_buffers), kZeros);
  node.children.resize(static_cast<size_t>(s.n_children));
  for (ArrowArray& c : node.children) node.child_ptrs.push_back(&c);
  *out = ArrowArray{};
  out->length = length;
  out->n_buffers = static_cast<int64_t>(node.buffers.size());
  out->n_children = s.n_children;
  out->buffers = node.buffers.empty() ? nullptr : node.buffers.data();
  out->children = node.child_ptrs.empty() ? nullptr : node.child_ptrs.data();
  out->release = MarkReleased;
  return node;
}

// A bitmap starting at bit `offset`: the input's bytes when the offset is a whole byte, else
// a shifted copy.
const void* Adapter::Bits(const uint8_t* src, int64_t offset, int64_t length) {
  if (length == 0) return kZeros;
  if (offset % 8 == 0) return src + offset / 8;
  uint8_t* dst = keep_.NewBuffer((length + 7) / 8);
  CopyShiftedBits(src, offset, length, dst);
  return dst;
}

// buffers[0] and null_count; no bitmap at all when nothing is null.
void Adapter::Validity(const ArrowArray& a, int64_t offset, int64_t length,
                       BatchPrivate::Node& node, ArrowArray* out) {
  const auto* src = static_cast<const uint8_t*>(a.buffers[0]);
  out->null_count = 0;
  node.buffers[0] = nullptr;
  if (!src || length == 0) return;
  const bool whole = offset == a.offset && length == a.length;
  out->null_count = whole && a.null_count >= 0 ? a.null_count
                                               : length - CountSetBits(src, offset, length);
  if (out->null_count > 0) node.buffers[0] = Bits(src, offset, length);
}

// A list's or string's offsets for elements [offset, offset + length), starting at 0: the
// input's own when they do, else a rebased copy. `first`/`last` bound the elements they span.
Status Adapter::Offsets(const ArrowArray& a, int64_t offset, int64_t length,
                        const std::string& path, const void** out, int32_t* first,
                        int32_t* last) {
  *out = kZeros;
  *first = *last = 0;
  const auto* src = static_cast<const int32_t*>(a.buffers[1]);
  if (!src) return length == 0 ? Status::OK() : Malformed(path, "no offsets buffer");
  src += offset;
  *first = src[0];
  *last = src[length];
  if (*first < 0 || *last < *first) {
    return Malformed(path, "offsets run from " + std::to_string(*first) + " to " +
                               std::to_string(*last));
  }
  if (*first == 0) {
    *out = src;
    return Status::OK();
  }
  auto* dst = reinterpret_cast<int32_t*>(keep_.NewBuffer((length + 1) * 4));
  for (int64_t i = 0; i <= length; ++i) dst[i] = src[i] - *first;
  *out = dst;
  return Status::OK();
}

template <typename From, typename To>
const void* Widen(const void* src, int64_t length, BatchPrivate& keep) {
  auto* dst = reinterpret_cast<To*>(keep.NewBuffer(length * static_cast<int64_t>(sizeof(To))));
  const auto* from = static_cast<const From*>(src);
  for (int64_t i = 0; i < length; ++i) dst[i] = static_cast<To>(from[i]);
  return dst;
}

// uint64 → int64; a valid value above INT64_MAX is an error (a null slot's value becomes 0).
Status WidenUInt64(const void* src, int64_t length, const uint8_t* validity,
                   const std::string& path, int depth, BatchPrivate& keep, const void** out) {
  auto* dst = reinterpret_cast<int64_t*>(keep.NewBuffer(length * 8));
  const auto* from = static_cast<const uint64_t*>(src);
  uint64_t any = 0;
  for (int64_t i = 0; i < length; ++i) {
    any |= from[i];
    dst[i] = static_cast<int64_t>(from[i]);
  }
  *out = dst;
  if ((any >> 63) == 0) return Status::OK();
  for (int64_t i = 0; i < length; ++i) {
    if ((from[i] >> 63) == 0) continue;
    if (validity && !BitIsSet(validity, i)) {
      dst[i] = 0;
      continue;
    }
    const std::string where = (depth == 1 ? "entry " : "element ") + std::to_string(i) +
                              (depth == 1 ? " of this batch" : " of this batch's values");
    return Status::InvalidArgument(
        "column '" + path + "', " + where + ": the uint64 value " + std::to_string(from[i]) +
        " exceeds 9223372036854775807, the largest value Spark's long (its widest integer; "
        "Spark has no unsigned types) can hold");
  }
  return Status::OK();
}

// The values buffer of a bool or fixed-width array (widened when unsigned), after Validity.
Status Adapter::Values(const TypeInfo& t, const ArrowArray& a, int64_t offset, int64_t length,
                       const std::string& path, int depth, BatchPrivate::Node& node) {
  const void** out = &node.buffers[1];
  if (length == 0) return Status::OK();
  const auto* src = static_cast<const uint8_t*>(a.buffers[1]);
  if (!src) return Malformed(path, "no values buffer");
  if (t.kind == Kind::kBool) {
    *out = Bits(src, offset, length);
    return Status::OK();
  }
  const int width = ValueWidth(t.kind);
  int64_t bytes = 0;  // the pointer shift; lengths are at most INT32_MAX (CheckArray)
  if (__builtin_mul_overflow(offset, int64_t{8}, &bytes)) {
    return Malformed(path, "offset " + std::to_string(offset) + " overflows a byte count");
  }
  const void* values = src + offset * width;
  switch (t.kind) {
    case Kind::kUInt8: *out = Widen<uint8_t, int16_t>(values, length, keep_); break;
    case Kind::kUInt16: *out = Widen<uint16_t, int32_t>(values, length, keep_); break;
    case Kind::kUInt32: *out = Widen<uint32_t, int64_t>(values, length, keep_); break;
    case Kind::kUInt64:
      return WidenUInt64(values, length, static_cast<const uint8_t*>(node.buffers[0]), path,
                         depth, keep_, out);
    default: *out = values; break;
  }
  return Status::OK();
}

Status Adapter::Children(const ArrowSchema& s, const ArrowArray& a, int64_t offset,
                         int64_t length, const std::string& path, int depth,
                         BatchPrivate::Node& node) {
  for (int64_t i = 0; i < s.n_children; ++i) {
    const ArrowSchema& cs = *s.children[i];
    const ArrowArray& ca = *a.children[i];
    const std::string child_path = depth == 0 ? ColumnName(cs) : path + "." + ColumnName(cs);
    int64_t child_offset = 0;
    // A struct's (physical) offset applies to its children, on top of their own.
    if (__builtin_add_overflow(ca.offset, offset, &child_offset)) {
      return Malformed(child_path, "offset " + std::to_string(ca.offset) + " overflows");
    }
    Status st = Adapt(cs, ca, child_offset, length, child_path, depth + 1, &node.children[i]);
    if (!st.ok()) return st;
  }
  return Status::OK();
}

// The array has the buffers and children of its format and holds elements
// [offset, offset + length), at most INT32_MAX of them (arrow-java's value counts are ints).
Status CheckArray(const ArrowSchema& s, const ArrowArray& a, Kind kind, int64_t offset,
                  int64_t length, const std::string& path) {
  if (a.n_buffers != ExpectedBuffers(kind) || a.n_children != s.n_children ||
      (a.n_buffers > 0 && !a.buffers) || (a.n_children > 0 && !a.children)) {
    return Malformed(path, "the array's " + std::to_string(a.n_buffers) + " buffers and " +
                               std::to_string(a.n_children) + " children do not match format '" +
                               s.format + "'");
  }
  int64_t end = 0, have = 0;
  if (offset < 0 || length < 0 || a.offset < 0 || a.length < 0 ||
      __builtin_add_overflow(offset, length, &end) ||
      __builtin_add_overflow(a.offset, a.length, &have) || end > have) {
    return Malformed(path, "elements [" + std::to_string(offset) + ", +" +
                               std::to_string(length) + ") are needed but the array holds [" +
                               std::to_string(a.offset) + ", +" + std::to_string(a.length) + ")");
  }
  for (int64_t i = 0; i < a.n_children; ++i) {
    if (!a.children[i]) return Malformed(path, "child " + std::to_string(i) + " is null");
  }
  if (length > std::numeric_limits<int32_t>::max()) {
    return Malformed(path, std::to_string(length) + " elements exceed the 2147483647 an "
                                                    "arrow-java vector (and Spark) can hold");
  }
  return Status::OK();
}

// Strings, binaries, lists and maps: rebased offsets, then the bytes or the child elements
// the batch spans.
Status Adapter::VarLength(const ArrowSchema& s, const ArrowArray& a, Kind kind, int64_t offset,
                          int64_t length, const std::string& path, int depth,
                          BatchPrivate::Node& node) {
  int32_t first = 0, last = 0;
  Status st = Offsets(a, offset, length, path, &node.buffers[1], &first, &last);
  if (!st.ok()) return st;
  if (kind == Kind::kUtf8 || kind == Kind::kBinary) {
    const auto* bytes = static_cast<const uint8_t*>(a.buffers[2]);
    if (!bytes && last > 0) return Malformed(path, "no data buffer");
    node.buffers[2] = bytes ? bytes + first : kZeros;
    return Status::OK();
  }
  const ArrowArray& ca = *a.children[0];
  int64_t child_offset = 0;
  if (__builtin_add_overflow(ca.offset, int64_t{first}, &child_offset)) {
    return Malformed(path, "its child's offset overflows");
  }
  return Adapt(*s.children[0], ca, child_offset, last - first,
               path + "." + ColumnName(*s.children[0]), depth + 1, &node.children[0]);
}

// fixed_size_list<T, N> → list<T>: offsets i * N over the child's elements
// [offset * N, (offset + length) * N), pushed down so the child costs the batch's size only.
Status Adapter::FixedSizeList(const ArrowSchema& s, const ArrowArray& a, int32_t list_size,
                              int64_t offset, int64_t length, const std::string& path,
                              int depth, BatchPrivate::Node& node) {
  int64_t child_length = 0, child_start = 0, child_offset = 0;
  if (__builtin_mul_overflow(length, int64_t{list_size}, &child_length) ||
      child_length > std::numeric_limits<int32_t>::max() ||
      __builtin_mul_overflow(offset, int64_t{list_size}, &child_start) ||
      __builtin_add_overflow(a.children[0]->offset, child_start, &child_offset)) {
    return Malformed(path, std::to_string(length) + " lists of " + std::to_string(list_size) +
                               " elements exceed Spark's 32-bit list offsets");
  }
  auto* offsets = reinterpret_cast<int32_t*>(keep_.NewBuffer((length + 1) * 4));
  for (int64_t i = 0; i <= length; ++i) offsets[i] = static_cast<int32_t>(i * list_size);
  node.buffers[1] = offsets;
  return Adapt(*s.children[0], *a.children[0], child_offset, child_length,
               path + "." + ColumnName(*s.children[0]), depth + 1, &node.children[0]);
}

Status Adapter::Adapt(const ArrowSchema& s, const ArrowArray& a, int64_t offset, int64_t length,
                      const std::string& path, int depth, ArrowArray* out) {
  const TypeInfo t = ParseFormat(s.format);
  Status st = CheckArray(s, a, t.kind, offset, length, path);
  if (!st.ok()) return st;
  BatchPrivate::Node& node = NewNode(s, length, out);
  if (t.kind == Kind::kNull) {
    out->null_count = length;
    return Status::OK();
  }
  Validity(a, offset, length, node, out);
  switch (t.kind) {
    case Kind::kStruct: return Children(s, a, offset, length, path, depth, node);
    case Kind::kUtf8: case Kind::kBinary: case Kind::kList: case Kind::kMap:
      return VarLength(s, a, t.kind, offset, length, path, depth, node);
    case Kind::kFixedSizeList:
      return FixedSizeList(s, a, t.list_size, offset, length, path, depth, node);
    default: return Values(t, a, offset, length, path, depth, node);
  }
}

}  // namespace

Status SparkSchema(const ArrowSchema& in, ArrowSchema* out) {
  Status st = CheckBatchSchema(in);
  if (!st.ok()) return st;
  FillSchema(in, out);
  return Status::OK();
}

std::vector<std::string> SparkUnsupportedColumns(const ArrowSchema& in) {
  std::vector<std::string> names;
  for (int64_t i = 0; in.children && i < in.n_children; ++i) {
    if (in.children[i] && !SparkTypeProblem(*in.children[i]).empty()) {
      names.push_back(ColumnName(*in.children[i]));
    }
  }
  return names;
}

Status SparkBatch(const ArrowSchema& engine_schema, ArrowArray* in, ArrowArray* out) {
  *out = ArrowArray{};
  if (!in || !in->release) {
    return Status::InvalidArgument("SparkBatch: the input batch is already released");
  }
  auto keep = std::make_unique<BatchPrivate>();
  keep->original = *in;  // ours from here on: released with `keep`, also on error
  in->release = nullptr;
  Status st = CheckBatchSchema(engine_schema);
  if (!st.ok()) return st;
  ArrowArray result{};
  Adapter adapter(*keep);
  st = adapter.Adapt(engine_schema, keep->original, keep->original.offset, keep->original.length,
                     "", 0, &result);
  if (!st.ok()) return st;
  result.release = ReleaseBatch;
  result.private_data = keep.release();
  *out = result;
  return Status::OK();
}

}  // namespace arrowroot::jni
