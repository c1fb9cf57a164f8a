// SparkSchema / SparkBatch: values survive the reshaping element by element, the result has
// the shape arrow-java 19 reads correctly (offset 0 everywhere, Spark's types, offsets from 0,
// no null buffers but validity), ownership moves exactly once, and the errors say what and where.
// Arrays are built by hand (every type, at offsets) and scanned from the real files in testdata/.
// Over 500 lines: the test-side Arrow reader and array builders serve both halves, and a shared
// test header for one test binary would add a file without making either half clearer.
#include "spark_layout.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <ostream>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "arrowroot/arrowroot.h"

namespace arrowroot::jni {
namespace {

#define EXPECT_OK(expr)                                 \
  do {                                                  \
    const Status st_ = (expr);                          \
    EXPECT_TRUE(st_.ok()) << st_.ToString();            \
  } while (0)

// ---- a test-side reader of Arrow C data: element i as text, honouring every offset ----

bool IsValid(const ArrowArray& a, int64_t j) {
  if (a.n_buffers == 0 || !a.buffers[0]) return true;
  const auto* bits = static_cast<const uint8_t*>(a.buffers[0]);
  return (bits[j / 8] >> (j % 8)) & 1;
}

template <typename T>
T At(const ArrowArray& a, int buffer, int64_t j) {
  T v;
  std::memcpy(&v, static_cast<const uint8_t*>(a.buffers[buffer]) + j * sizeof(T), sizeof(T));
  return v;
}

std::string Render(const ArrowSchema& s, const ArrowArray& a, int64_t i) {
  const std::string f = s.format;
  const int64_t j = a.offset + i;  // physical index
  if (f == "n") return "null";
  if (!IsValid(a, j)) return "null";
  auto list = [&](int64_t begin, int64_t end) {
    std::string out = "[";
    for (int64_t k = begin; k < end; ++k) {
      out += (k > begin ? ", " : "") + Render(*s.children[0], *a.children[0], k);
    }
    return out + "]";
  };
  if (f == "b") return (At<uint8_t>(a, 1, j / 8) >> (j % 8)) & 1 ? "true" : "false";
  if (f == "c") return std::to_string(At<int8_t>(a, 1, j));
  if (f == "C") return std::to_string(At<uint8_t>(a, 1, j));
  if (f == "s") return std::to_string(At<int16_t>(a, 1, j));
  if (f == "S") return std::to_string(At<uint16_t>(a, 1, j));
  if (f == "i") return std::to_string(At<int32_t>(a, 1, j));
  if (f == "I") return std::to_string(At<uint32_t>(a, 1, j));
  if (f == "l") return std::to_string(At<int64_t>(a, 1, j));
  if (f == "L") return std::to_string(At<uint64_t>(a, 1, j));
  char buf[64];
  if (f == "f") return (std::snprintf(buf, sizeof buf, "%.9g", At<float>(a, 1, j)), buf);
  if (f == "g") return (std::snprintf(buf, sizeof buf, "%.17g", At<double>(a, 1, j)), buf);
  if (f == "u" || f == "z") {
    const int32_t b = At<int32_t>(a, 1, j), e = At<int32_t>(a, 1, j + 1);
    return "'" + std::string(static_cast<const char*>(a.buffers[2]) + b, e - b) + "'";
  }
  if (f == "+l" || f == "+m") return list(At<int32_t>(a, 1, j), At<int32_t>(a, 1, j + 1));
  if (f.rfind("+w:", 0) == 0) {
    const int64_t n = std::stoll(f.substr(3));
    return list(j * n, (j + 1) * n);
  }
  if (f == "+s") {
    std::string out = "{";
    for (int64_t c = 0; c < s.n_children; ++c) {
      out += std::string(c ? ", " : "") + s.children[c]->name + ": " +
             Render(*s.children[c], *a.children[c], j);
    }
    return out + "}";
  }
  return "?" + f;
}

// Every cell of a batch, column by column.
std::vector<std::vector<std::string>> RenderBatch(const ArrowSchema& s, const ArrowArray& a) {
  std::vector<std::vector<std::string>> cols(s.n_children);
  for (int64_t c = 0; c < s.n_children; ++c) {
    for (int64_t i = 0; i < a.length; ++i) {
      cols[c].push_back(Render(*s.children[c], *a.children[c], a.offset + i));
    }
  }
  return cols;
}

// What arrow-java needs to read an array right while ignoring offsets.
void ExpectSparkShape(const ArrowSchema& s, const ArrowArray& a, const std::string& path) {
  static const std::set<std::string> kSpark = {"b", "c", "s", "i", "l", "f", "g", "u",
                                               "z", "+l", "+s", "+m", "n"};
  const std::string f = s.format;
  SCOPED_TRACE(path + " (" + f + ")");
  EXPECT_TRUE(kSpark.count(f)) << "not a Spark type";
  EXPECT_EQ(a.offset, 0);
  ASSERT_NE(a.release, nullptr);
  ASSERT_EQ(a.n_children, s.n_children);
  const int64_t want_buffers = f == "n" ? 0 : f == "+s" ? 1 : (f == "u" || f == "z") ? 3 : 2;
  ASSERT_EQ(a.n_buffers, want_buffers);
  for (int64_t b = 1; b < a.n_buffers; ++b) EXPECT_NE(a.buffers[b], nullptr) << "buffer " << b;
  if (f == "n") {
    EXPECT_EQ(a.null_count, a.length);
  } else {
    int64_t nulls = 0;
    for (int64_t i = 0; i < a.length; ++i) nulls += !IsValid(a, i);
    EXPECT_EQ(a.null_count, nulls);
  }
  if (f == "u" || f == "z" || f == "+l" || f == "+m") {
    EXPECT_EQ(At<int32_t>(a, 1, 0), 0) << "offsets must start at 0";
  }
  for (int64_t c = 0; c < a.n_children; ++c) {
    const int64_t want = f == "+s" ? a.length : At<int32_t>(a, 1, a.length);
    EXPECT_EQ(a.children[c]->length, want) << "child " << c;
    ExpectSparkShape(*s.children[c], *a.children[c], path + "." + s.children[c]->name);
  }
}

// ---- hand-built arrays and schemas (own their memory; release frees it) ----

struct Buf {
  bool null = false;
  std::vector<uint8_t> bytes;
};
template <typename T>
Buf Vals(std::vector<T> v) {
  Buf b;
  b.bytes.resize(v.size() * sizeof(T));
  if (!v.empty()) std::memcpy(b.bytes.data(), v.data(), b.bytes.size());
  return b;
}
Buf Bits(const std::string& ones) {  // "1101...": element 0 first
  Buf b;
  b.bytes.assign((ones.size() + 7) / 8 + 1, 0);
  for (size_t i = 0; i < ones.size(); ++i) b.bytes[i / 8] |= (ones[i] == '1') << (i % 8);
  return b;
}
Buf Str(const std::string& s) { return Buf{false, std::vector<uint8_t>(s.begin(), s.end())}; }
const Buf kNoBuf{true, {}};

struct HandArray {
  std::vector<std::vector<uint8_t>> storage;
  std::vector<const void*> ptrs;
  std::vector<ArrowArray> children;
  std::vector<ArrowArray*> child_ptrs;
};

ArrowArray Arr(int64_t length, int64_t offset, int64_t null_count, std::vector<Buf> bufs,
               std::vector<ArrowArray> children = {}) {
  auto* p = new HandArray();
  for (auto& b : bufs) {
    p->storage.push_back(std::move(b.bytes));
    p->ptrs.push_back(b.null ? nullptr : p->storage.back().data());
  }
  for (size_t i = 0; i < bufs.size(); ++i) {  // storage may have moved while growing
    if (p->ptrs[i]) p->ptrs[i] = p->storage[i].data();
  }
  p->children = std::move(children);
  for (auto& c : p->children) p->child_ptrs.push_back(&c);
  ArrowArray a{};
  a.length = length;
  a.offset = offset;
  a.null_count = null_count;
  a.n_buffers = static_cast<int64_t>(p->ptrs.size());
  a.buffers = p->ptrs.data();
  a.n_children = static_cast<int64_t>(p->children.size());
  a.children = p->child_ptrs.data();
  a.private_data = p;
  a.release = [](ArrowArray* x) {
    auto* hp = static_cast<HandArray*>(x->private_data);
    for (auto& c : hp->children) c.release(&c);
    delete hp;
    x->release = nullptr;
  };
  return a;
}

struct HandSchema {
  std::string format, name;
  std::vector<ArrowSchema> children;
  std::vector<ArrowSchema*> child_ptrs;
};

ArrowSchema Sch(const std::string& format, const std::string& name,
                std::vector<ArrowSchema> children = {}, bool nullable = true) {
  auto* p = new HandSchema{format, name, std::move(children), {}};
  for (auto& c : p->children) p->child_ptrs.push_back(&c);
  ArrowSchema s{};
  s.format = p->format.c_str();
  s.name = p->name.c_str();
  s.flags = nullable ? ARROW_FLAG_NULLABLE : 0;
  s.n_children = static_cast<int64_t>(p->children.size());
  s.children = p->child_ptrs.data();
  s.private_data = p;
  s.release = [](ArrowSchema* x) {
    auto* hp = static_cast<HandSchema*>(x->private_data);
    for (auto& c : hp->children) c.release(&c);
    delete hp;
    x->release = nullptr;
  };
  return s;
}

// Wraps an array so that its release is counted (and then forwarded once).
struct Counted {
  ArrowArray inner;
  int* count;
};
ArrowArray CountReleases(ArrowArray a, int* count) {
  ArrowArray outer = a;
  outer.private_data = new Counted{a, count};
  outer.release = [](ArrowArray* x) {
    auto* c = static_cast<Counted*>(x->private_data);
    ++*c->count;
    c->inner.release(&c->inner);
    delete c;
    x->release = nullptr;
  };
  return outer;
}

// Adapts a one-batch (schema, array) pair and checks values and shape; returns the status.
Status AdaptAndCompare(ArrowSchema& schema, ArrowArray batch) {
  const auto before = RenderBatch(schema, batch);
  ArrowSchema spark{};
  Status st = SparkSchema(schema, &spark);
  if (!st.ok()) {
    batch.release(&batch);
    return st;
  }
  ArrowArray out{};
  st = SparkBatch(schema, &batch, &out);
  EXPECT_EQ(batch.release, nullptr) << "the input is taken over";
  if (st.ok()) {
    ExpectSparkShape(spark, out, "batch");
    EXPECT_EQ(RenderBatch(spark, out), before);
    out.release(&out);
  }
  spark.release(&spark);
  return st;
}

// A batch of one column.
ArrowSchema OneColumn(ArrowSchema column) {
  std::vector<ArrowSchema> cols;
  cols.push_back(column);
  return Sch("+s", "", std::move(cols), false);
}
ArrowArray OneColumnBatch(int64_t length, ArrowArray column) {
  std::vector<ArrowArray> cols;
  cols.push_back(column);
  return Arr(length, 0, 0, {kNoBuf}, std::move(cols));
}

// A primitive column of `n` physical values (validity from `valid`, "" = none), seen from `offset`.
template <typename T>
ArrowArray Prim(std::vector<T> values, int64_t offset, int64_t length, const std::string& valid,
                int64_t null_count = -1) {
  return Arr(length, offset, valid.empty() ? 0 : null_count,
             {valid.empty() ? kNoBuf : Bits(valid), Vals(values)});
}

TEST(SparkBatch, WidensUnsignedIntegersKeepingValuesAboveTheSignedRange) {
  const std::string valid = "1101110111101";
  {
    auto s = OneColumn(Sch("C", "u8"));
    std::vector<uint8_t> v = {0, 1, 127, 128, 200, 255, 3, 4, 250, 9, 10, 11, 12};
    EXPECT_OK(AdaptAndCompare(s, OneColumnBatch(9, Prim(v, 3, 9, valid))));
    s.release(&s);
  }
  {
    auto s = OneColumn(Sch("S", "u16"));
    std::vector<uint16_t> v = {0, 1, 32767, 32768, 65535, 7, 8, 9, 60000, 1, 2, 3, 4};
    EXPECT_OK(AdaptAndCompare(s, OneColumnBatch(10, Prim(v, 2, 10, valid))));
    s.release(&s);
  }
  {
    auto s = OneColumn(Sch("I", "u32"));
    std::vector<uint32_t> v = {0, 4294967295u, 2147483648u, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
    EXPECT_OK(AdaptAndCompare(s, OneColumnBatch(13, Prim(v, 0, 13, valid))));
    s.release(&s);
  }
  {  // a uint64 above INT64_MAX under a null is not an error (it becomes 0)
    auto s = OneColumn(Sch("L", "u64"));
    std::vector<uint64_t> v(13, 9223372036854775807ull);
    v[6] = 18446744073709551615ull;  // physical element 6 is null in `valid`
    v[3] = 0;
    EXPECT_OK(AdaptAndCompare(s, OneColumnBatch(11, Prim(v, 2, 11, valid))));
    s.release(&s);
  }
}

TEST(SparkBatch, SharesFixedWidthValuesByShiftingThePointer) {
  auto s = OneColumn(Sch("i", "x", {}, false));
  ArrowArray batch = OneColumnBatch(4, Prim<int32_t>({1, 2, 3, 4, 5, 6, 7, 8, 9}, 5, 4, ""));
  const auto* values = static_cast<const int32_t*>(batch.children[0]->buffers[1]);
  ArrowArray out{};
  ASSERT_TRUE(SparkBatch(s, &batch, &out).ok());
  EXPECT_EQ(out.children[0]->buffers[1], values + 5);
  EXPECT_EQ(out.children[0]->buffers[0], nullptr);  // no nulls: no bitmap
  EXPECT_EQ(out.children[0]->null_count, 0);
  out.release(&out);
  s.release(&s);
}

TEST(SparkBatch, ShiftsBoolValuesAndValidityAtEveryOffset) {
  const std::string bits = "1011001110001111010110011100011110101100111000111101";
  const std::string valid = "1110111101111111011011111110111110111101111111101111";
  for (int64_t offset = 0; offset < 17; ++offset) {
    for (int64_t length : {0, 1, 7, 8, 9, 30}) {
      SCOPED_TRACE("offset " + std::to_string(offset) + " length " + std::to_string(length));
      auto s = OneColumn(Sch("b", "flag"));
      ArrowArray col = Arr(length, offset, -1, {Bits(valid), Bits(bits)});
      EXPECT_OK(AdaptAndCompare(s, OneColumnBatch(length, col)));
      s.release(&s);
    }
  }
  // At a whole byte the bits are shared, not copied.
  auto s = OneColumn(Sch("b", "flag"));
  ArrowArray batch = OneColumnBatch(9, Arr(9, 16, 2, {Bits(valid), Bits(bits)}));
  const auto* values = static_cast<const uint8_t*>(batch.children[0]->buffers[1]);
  const auto* validity = static_cast<const uint8_t*>(batch.children[0]->buffers[0]);
  ArrowArray out{};
  ASSERT_TRUE(SparkBatch(s, &batch, &out).ok());
  EXPECT_EQ(out.children[0]->buffers[1], values + 2);
  EXPECT_EQ(out.children[0]->buffers[0], validity + 2);
  EXPECT_EQ(out.children[0]->null_count, 2);  // a known null_count is kept
  out.release(&out);
  s.release(&s);
}

TEST(SparkBatch, RebasesStringListAndMapOffsetsAtAnOffset) {
  // strings "", "a", "bc", null, "def", "g"; seen from element 2
  auto str = Arr(4, 2, -1, {Bits("111011"), Vals<int32_t>({0, 0, 1, 3, 3, 6, 7}), Str("abcdefg")});
  // list<uint16> whose child has its own offset 1
  auto item = Arr(7, 1, 0, {kNoBuf, Vals<uint16_t>({9, 65535, 1, 2, 3, 40000, 5, 6})});
  std::vector<ArrowArray> items;
  items.push_back(item);
  auto list = Arr(4, 1, 0, {kNoBuf, Vals<int32_t>({0, 2, 2, 5, 6, 7})}, std::move(items));
  // map<string, uint32>: entries struct<key, value>
  std::vector<ArrowArray> kv;
  kv.push_back(Arr(5, 0, 0, {kNoBuf, Vals<int32_t>({0, 1, 2, 3, 4, 5}), Str("abcde")}));
  kv.push_back(Arr(5, 0, 0, {kNoBuf, Vals<uint32_t>({1, 4000000000u, 3, 4, 5})}));
  std::vector<ArrowArray> entries;
  entries.push_back(Arr(5, 0, 0, {kNoBuf}, std::move(kv)));
  auto map = Arr(4, 1, 0, {kNoBuf, Vals<int32_t>({0, 1, 3, 3, 4, 5})}, std::move(entries));

  std::vector<ArrowSchema> cols;
  cols.push_back(Sch("u", "s"));
  std::vector<ArrowSchema> item_s;
  item_s.push_back(Sch("S", "item", {}, false));
  cols.push_back(Sch("+l", "l", std::move(item_s)));
  std::vector<ArrowSchema> kv_s;
  kv_s.push_back(Sch("u", "key", {}, false));
  kv_s.push_back(Sch("I", "value"));
  std::vector<ArrowSchema> entries_s;
  entries_s.push_back(Sch("+s", "entries", std::move(kv_s), false));
  cols.push_back(Sch("+m", "m", std::move(entries_s)));
  auto schema = Sch("+s", "", std::move(cols), false);
  std::vector<ArrowArray> arrays;
  arrays.push_back(str);
  arrays.push_back(list);
  arrays.push_back(map);
  EXPECT_OK(AdaptAndCompare(schema, Arr(4, 0, 0, {kNoBuf}, std::move(arrays))));
  schema.release(&schema);
}

TEST(SparkBatch, PushesAStructsOffsetIntoItsChildren) {
  // struct<a: int32 (own offset 1), b: bool (own offset 3), p: struct<x: uint8>> at offset 2
  std::vector<ArrowArray> inner;
  inner.push_back(Arr(8, 0, -1, {Bits("11110111"), Vals<uint8_t>({1, 2, 3, 4, 255, 6, 7, 8})}));
  std::vector<ArrowArray> kids;
  kids.push_back(Arr(7, 1, 0, {kNoBuf, Vals<int32_t>({0, 1, 2, 3, 4, 5, 6, 7})}));
  kids.push_back(Arr(7, 3, -1, {Bits("1111101101"), Bits("1011010010")}));
  kids.push_back(Arr(8, 0, -1, {kNoBuf}, std::move(inner)));
  auto col = Arr(5, 2, -1, {Bits("1101111"), }, std::move(kids));
  std::vector<ArrowSchema> inner_s;
  inner_s.push_back(Sch("C", "x"));
  std::vector<ArrowSchema> kids_s;
  kids_s.push_back(Sch("i", "a"));
  kids_s.push_back(Sch("b", "b"));
  kids_s.push_back(Sch("+s", "p", std::move(inner_s)));
  auto s = OneColumn(Sch("+s", "rec", std::move(kids_s)));
  EXPECT_OK(AdaptAndCompare(s, OneColumnBatch(5, col)));
  s.release(&s);
}

TEST(SparkBatch, TurnsFixedSizeListsIntoLists) {
  for (int64_t offset : {0, 1, 3}) {
    SCOPED_TRACE("offset " + std::to_string(offset));
    std::vector<ArrowArray> a_items, b_items, c_items;
    a_items.push_back(Arr(14, 1, 0, {kNoBuf, Vals<int16_t>({-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
                                                            10, 11, 12, 13})}));
    b_items.push_back(Arr(52, 0, 0, {kNoBuf, Bits("1011001110001111010110011100011110"
                                                  "101100111000111101")}));
    c_items.push_back(Arr(8, 0, 0, {kNoBuf, Vals<uint8_t>({0, 255, 2, 254, 4, 253, 6, 252})}));
    std::vector<ArrowArray> cols;
    cols.push_back(Arr(4 - offset, offset, 0, {kNoBuf}, std::move(a_items)));  // +w:3 of int16
    cols.push_back(Arr(4 - offset, offset, -1, {Bits("1011")}, std::move(b_items)));  // +w:13
    cols.push_back(Arr(4 - offset, offset, 0, {kNoBuf}, std::move(c_items)));  // +w:2 of uint8
    std::vector<ArrowSchema> a_s, b_s, c_s, cols_s;
    a_s.push_back(Sch("s", "item", {}, false));
    b_s.push_back(Sch("b", "item", {}, false));
    c_s.push_back(Sch("C", "item", {}, false));
    cols_s.push_back(Sch("+w:3", "a3", std::move(a_s)));
    cols_s.push_back(Sch("+w:13", "bits13", std::move(b_s)));
    cols_s.push_back(Sch("+w:2", "u2", std::move(c_s)));
    auto s = Sch("+s", "", std::move(cols_s), false);
    EXPECT_OK(AdaptAndCompare(s, Arr(4 - offset, 0, 0, {kNoBuf}, std::move(cols))));
    s.release(&s);
  }
}

TEST(SparkBatch, GivesNullColumnsTheirLengthOnly) {
  auto s = OneColumn(Sch("n", "nothing"));
  EXPECT_OK(AdaptAndCompare(s, OneColumnBatch(5, Arr(5, 3, 5, {}))));
  s.release(&s);
}

TEST(SparkBatch, DropsTheBitmapOfAnArrayWithoutNulls) {
  auto s = OneColumn(Sch("g", "x"));
  ArrowArray batch = OneColumnBatch(3, Prim<double>({1.5, 2.5, 3.5, 4.5}, 1, 3, "1011", 0));
  ArrowArray out{};
  ASSERT_TRUE(SparkBatch(s, &batch, &out).ok());
  EXPECT_EQ(out.children[0]->buffers[0], nullptr);
  EXPECT_EQ(out.children[0]->null_count, 0);
  out.release(&out);
  s.release(&s);
}

TEST(SparkBatch, RefusesAUint64AboveInt64MaxNamingColumnAndEntry) {
  {
    auto s = OneColumn(Sch("L", "event"));
    int releases = 0;
    ArrowArray batch = CountReleases(
        OneColumnBatch(4, Prim<uint64_t>({1, 2, 3, 9223372036854775808ull, 5}, 1, 4, "")),
        &releases);
    ArrowArray out{};
    Status st = SparkBatch(s, &batch, &out);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(st.message().find("column 'event', entry 2 of this batch"), std::string::npos)
        << st.message();
    EXPECT_NE(st.message().find("9223372036854775808"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("Spark's long"), std::string::npos) << st.message();
    EXPECT_EQ(out.release, nullptr);
    EXPECT_EQ(batch.release, nullptr);
    EXPECT_EQ(releases, 1) << "the input is released on error";
    s.release(&s);
  }
  {  // inside a struct: the path and the element
    std::vector<ArrowArray> kids;
    kids.push_back(Prim<uint64_t>({1, 18446744073709551615ull}, 0, 2, ""));
    std::vector<ArrowSchema> kids_s;
    kids_s.push_back(Sch("L", "U64"));
    auto s = OneColumn(Sch("+s", "evt", std::move(kids_s)));
    ArrowArray batch = OneColumnBatch(2, Arr(2, 0, 0, {kNoBuf}, std::move(kids)));
    ArrowArray out{};
    Status st = SparkBatch(s, &batch, &out);
    EXPECT_NE(st.message().find("column 'evt.U64', element 1"), std::string::npos)
        << st.message();
    s.release(&s);
  }
}

// A schema with a union column `v`, a list of unions `lv` and a plain column `x`.
ArrowSchema SchemaWithUnions() {
  std::vector<ArrowSchema> alts, alts2, list_s, cols;
  alts.push_back(Sch("i", "_0"));
  alts.push_back(Sch("u", "_1"));
  alts2.push_back(Sch("i", "_0"));
  alts2.push_back(Sch("g", "_1"));
  list_s.push_back(Sch("+ud:0,1", "item", std::move(alts2)));
  cols.push_back(Sch("f", "x"));
  cols.push_back(Sch("+ud:0,1", "v", std::move(alts)));
  cols.push_back(Sch("+l", "lv", std::move(list_s)));
  return Sch("+s", "", std::move(cols), false);
}

TEST(SparkSchema, RefusesUnionsNamingTheColumn) {
  ArrowSchema s = SchemaWithUnions();
  ArrowSchema out{};
  Status st = SparkSchema(s, &out);
  EXPECT_EQ(st.code(), StatusCode::kUnsupported);
  EXPECT_NE(st.message().find("column 'v'"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("Spark has no union type"), std::string::npos) << st.message();
  EXPECT_EQ(out.release, nullptr);
  EXPECT_EQ(SparkUnsupportedColumns(s), (std::vector<std::string>{"v", "lv"}));

  int releases = 0;
  std::vector<ArrowArray> alts;
  alts.push_back(Prim<int32_t>({1}, 0, 1, ""));
  alts.push_back(Arr(0, 0, 0, {kNoBuf, Vals<int32_t>({0}), Str("")}));
  std::vector<ArrowArray> cols;
  cols.push_back(Prim<float>({1}, 0, 1, ""));
  cols.push_back(Arr(1, 0, 0, {Vals<int8_t>({0}), Vals<int32_t>({0})}, std::move(alts)));
  ArrowArray batch = CountReleases(Arr(1, 0, 0, {kNoBuf}, std::move(cols)), &releases);
  ArrowArray out_batch{};
  st = SparkBatch(s, &batch, &out_batch);
  EXPECT_EQ(st.code(), StatusCode::kUnsupported);
  EXPECT_EQ(releases, 1);
  EXPECT_EQ(out_batch.release, nullptr);
  s.release(&s);
}

TEST(SparkSchema, MapsTypesAndKeepsNamesAndNullabilityInAnIndependentTree) {
  std::vector<ArrowSchema> item, cols;
  item.push_back(Sch("I", "item", {}, false));
  cols.push_back(Sch("C", "a"));
  cols.push_back(Sch("S", "b", {}, false));
  cols.push_back(Sch("I", "c"));
  cols.push_back(Sch("L", "d"));
  cols.push_back(Sch("+w:4", "e", std::move(item)));
  cols.push_back(Sch("g", "f", {}, false));
  ArrowSchema in = Sch("+s", "", std::move(cols), false);
  ArrowSchema out{};
  ASSERT_TRUE(SparkSchema(in, &out).ok());
  in.release(&in);  // the output owns all it points at
  ASSERT_EQ(out.n_children, 6);
  const std::vector<std::string> formats = {"s", "i", "l", "l", "+l", "g"};
  const std::vector<std::string> names = {"a", "b", "c", "d", "e", "f"};
  const std::vector<bool> nullable = {true, false, true, true, true, false};
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(out.children[i]->format, formats[i]);
    EXPECT_EQ(out.children[i]->name, names[i]);
    EXPECT_EQ((out.children[i]->flags & ARROW_FLAG_NULLABLE) != 0, nullable[i]) << i;
  }
  EXPECT_EQ(std::string(out.children[4]->children[0]->format), "l");
  EXPECT_EQ(std::string(out.children[4]->children[0]->name), "item");
  EXPECT_TRUE(SparkUnsupportedColumns(out).empty());
  out.release(&out);
  EXPECT_EQ(out.release, nullptr);
}

TEST(SparkBatch, ReleasingTheOutputReleasesTheInputOnce) {
  auto s = OneColumn(Sch("I", "n"));
  int releases = 0;
  ArrowArray batch = CountReleases(OneColumnBatch(3, Prim<uint32_t>({1, 2, 3}, 0, 3, "")),
                                   &releases);
  ArrowArray out{};
  ASSERT_TRUE(SparkBatch(s, &batch, &out).ok());
  EXPECT_EQ(releases, 0) << "the output keeps the input alive";
  out.children[0]->release(out.children[0]);  // a child's release only marks it
  EXPECT_EQ(out.children[0]->release, nullptr);
  EXPECT_EQ(releases, 0);
  out.release(&out);
  EXPECT_EQ(releases, 1);
  EXPECT_EQ(out.release, nullptr);
  s.release(&s);
}

TEST(SparkBatch, RefusesListOffsetsBeyondInt32) {
  // 4096 lists of 2^20 nulls: 2^32 child elements, more than 32-bit offsets can index.
  std::vector<ArrowArray> items;
  items.push_back(Arr(int64_t{1} << 32, 0, int64_t{1} << 32, {}));
  std::vector<ArrowSchema> item_s;
  item_s.push_back(Sch("n", "item"));
  auto s = OneColumn(Sch("+w:1048576", "big", std::move(item_s)));
  int releases = 0;
  ArrowArray batch = CountReleases(
      OneColumnBatch(4096, Arr(4096, 0, 0, {kNoBuf}, std::move(items))), &releases);
  ArrowArray out{};
  Status st = SparkBatch(s, &batch, &out);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("column 'big'"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("32-bit"), std::string::npos) << st.message();
  EXPECT_EQ(releases, 1);
  s.release(&s);
}

TEST(SparkBatch, RefusesAStructChildShorterThanItsParent) {
  std::vector<ArrowArray> kids;
  kids.push_back(Prim<int32_t>({1, 2}, 0, 2, ""));
  std::vector<ArrowSchema> kids_s;
  kids_s.push_back(Sch("i", "a"));
  auto s = OneColumn(Sch("+s", "rec", std::move(kids_s)));
  ArrowArray batch = OneColumnBatch(3, Arr(3, 0, 0, {kNoBuf}, std::move(kids)));
  ArrowArray out{};
  Status st = SparkBatch(s, &batch, &out);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("column 'rec.a'"), std::string::npos) << st.message();
  s.release(&s);
}

// ---- batches the engine scans from testdata/ ----

// Arrays, at any depth, that the engine exported with a nonzero offset.
int64_t CountOffsetArrays(const ArrowArray& a) {
  int64_t n = a.offset != 0;
  for (int64_t c = 0; c < a.n_children; ++c) n += CountOffsetArrays(*a.children[c]);
  return n;
}

struct ScanCase {
  const char* file;  // under testdata/
  const char* tree;
  int64_t batch_size;
  int64_t entry_stop;                 // -1 = all
  std::vector<std::string> skip;      // columns left out (they hold uint64 above INT64_MAX)
  bool expect_offsets;                // some batch must hold a sliced array
};

void PrintTo(const ScanCase& c, std::ostream* os) { *os << c.file << ":" << c.tree; }

class SparkBatchOfScans : public ::testing::TestWithParam<ScanCase> {};

// The readable columns of a tree that SparkSchema takes, minus `skip`.
std::vector<std::string> SparkColumns(const Tree& tree, const std::vector<std::string>& skip) {
  ArrowSchema all{};
  EXPECT_TRUE(tree.Schema(std::vector<std::string>{}, &all).ok());
  std::vector<std::string> refused = SparkUnsupportedColumns(all);
  refused.insert(refused.end(), skip.begin(), skip.end());
  std::vector<std::string> names;
  for (int64_t i = 0; i < all.n_children; ++i) {
    const std::string name = all.children[i]->name;
    if (std::find(refused.begin(), refused.end(), name) == refused.end()) names.push_back(name);
  }
  all.release(&all);
  return names;
}

TEST_P(SparkBatchOfScans, KeepsEveryValueOfEveryBatch) {
  const ScanCase& c = GetParam();
  auto file = File::Open(std::string(ARROWROOT_TESTDATA_DIR) + "/" + c.file);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  auto tree = (*file)->OpenTree(c.tree);
  ASSERT_TRUE(tree.ok()) << tree.status().ToString();
  ScanOptions options;
  options.columns = SparkColumns(**tree, c.skip);
  ASSERT_FALSE(options.columns.empty());
  options.batch_size = c.batch_size;
  options.entry_stop = c.entry_stop;
  options.num_threads = 1;
  auto scanner = (*tree)->NewScanner(options);
  ASSERT_TRUE(scanner.ok()) << scanner.status().ToString();
  ArrowSchema schema{};
  (*scanner)->Schema(&schema);
  int64_t rows = 0, sliced = 0, batches = 0;
  for (;;) {
    ArrowArray batch{};
    Status st = (*scanner)->Next(&batch);
    ASSERT_TRUE(st.ok()) << st.ToString();
    if (!batch.release) break;
    rows += batch.length;
    sliced += CountOffsetArrays(batch);
    ++batches;
    SCOPED_TRACE("batch " + std::to_string(batches));
    EXPECT_OK(AdaptAndCompare(schema, batch));
    if (HasFailure()) break;
  }
  schema.release(&schema);
  const int64_t want = c.entry_stop >= 0 ? c.entry_stop : (*tree)->num_entries();
  EXPECT_EQ(rows, want);
  if (c.expect_offsets) {
    EXPECT_GT(sliced, 0) << "no batch held a sliced array: test the slicing";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Testdata, SparkBatchOfScans,
    ::testing::Values(
        ScanCase{"uproot-HZZ.root", "events", 1000, -1, {}, false},
        ScanCase{"uproot-small-evnt-tree-fullsplit.root", "tree", 7, -1, {}, false},
        ScanCase{"nanoAOD_2015_CMS_Open_Data_ttbar.root", "Events", 37, -1, {}, false},
        ScanCase{"rntuple/rntuple_fundamentals_zstd.root", "ntpl", 7, -1, {"u64", "u64_plain"},
                 true},
        ScanCase{"rntuple/rntuple_fundamentals_none.root", "ntpl", 13, -1, {"u64", "u64_plain"},
                 true},
        ScanCase{"rntuple/rntuple_collections_zstd.root", "ntpl", 7, -1, {}, true},
        ScanCase{"rntuple/rntuple_records_zstd.root", "ntpl", 7, -1, {}, true},
        ScanCase{"rntuple/rntuple_schema_extension_zstd.root", "ntpl", 11, -1, {}, true},
        ScanCase{"rntuple/rntuple_uproot_writer.root", "Events", 77, -1, {}, true},
        ScanCase{"rntuple/rntuple_large_zstd.root", "ntpl", 3001, 30000, {}, true}));

TEST(SparkBatchOfScans, RefusesTheLargestUint64OfARealFileNamingItsEntry) {
  auto file = File::Open(std::string(ARROWROOT_TESTDATA_DIR) +
                         "/rntuple/rntuple_fundamentals_zstd.root");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  auto tree = (*file)->OpenTree("ntpl");
  ASSERT_TRUE(tree.ok());
  ScanOptions options;
  options.columns = {"u64"};
  options.batch_size = 7;
  auto scanner = (*tree)->NewScanner(options);
  ASSERT_TRUE(scanner.ok());
  ArrowSchema schema{};
  (*scanner)->Schema(&schema);
  int errors = 0;
  for (;;) {
    ArrowArray batch{};
    ASSERT_TRUE((*scanner)->Next(&batch).ok());
    if (!batch.release) break;
    // The first entry of this batch above INT64_MAX, read before the batch is handed over.
    const auto cells = RenderBatch(schema, batch)[0];
    int64_t first_big = -1;
    for (size_t i = 0; i < cells.size() && first_big < 0; ++i) {
      if (cells[i] != "null" && std::stoull(cells[i]) > 9223372036854775807ull) first_big = i;
    }
    ArrowArray out{};
    Status st = SparkBatch(schema, &batch, &out);
    if (first_big < 0) {
      EXPECT_TRUE(st.ok()) << st.ToString();
    } else {
      ++errors;
      EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
      EXPECT_NE(st.message().find("column 'u64', entry " + std::to_string(first_big) +
                                  " of this batch"),
                std::string::npos)
          << st.message();
      EXPECT_EQ(out.release, nullptr);
    }
    if (out.release) out.release(&out);
  }
  schema.release(&schema);
  EXPECT_GT(errors, 0) << "the file holds uint64 values above INT64_MAX";
}

}  // namespace
}  // namespace arrowroot::jni
