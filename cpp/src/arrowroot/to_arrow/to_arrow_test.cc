// Tests for the Arrow side: the owned array model and its C Data export, the wire-value
// conversions (AppendPrims), column plans of real branches, and basket decoding.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "arrowroot/byte_source/byte_source.h"
#include "arrowroot/root_format/basket.h"
#include "arrowroot/root_format/root_file.h"
#include "arrowroot/to_arrow/arrow_array.h"
#include "arrowroot/to_arrow/column_plan.h"
#include "arrowroot/to_arrow/decode.h"

namespace arrowroot::to_arrow {
namespace {

using root_format::Basket;

template <typename T>
std::vector<T> ValuesOf(const auto& buf) {
  std::vector<T> out(buf.size() / sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), buf.data(), out.size() * sizeof(T));
  return out;
}

template <typename T>
void AppendNative(ArrayBuilder& b, std::initializer_list<T> vals) {
  for (T v : vals) {
    uint8_t raw[sizeof(T)];
    std::memcpy(raw, &v, sizeof(T));
    b.values().insert(b.values().end(), raw, raw + sizeof(T));
  }
  b.AddLength(static_cast<int64_t>(vals.size()));
}

void PushBE32(Bytes& out, uint32_t v) {
  for (int k = 0; k < 4; ++k) out.push_back(static_cast<std::byte>(v >> (24 - 8 * k)));
}
void PushBEFloat(Bytes& out, float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  PushBE32(out, u);
}

// ---- DataType ----

TEST(DataType, FormatStringsFollowTheCDataInterface) {
  EXPECT_EQ(MakePrimitive(TypeId::kInt32)->Format(), "i");
  EXPECT_EQ(MakePrimitive(TypeId::kBool)->Format(), "b");
  EXPECT_EQ(MakePrimitive(TypeId::kUtf8)->Format(), "u");
  EXPECT_EQ(MakePrimitive(TypeId::kFloat32)->Format(), "f");
  EXPECT_EQ(MakePrimitive(TypeId::kFloat64)->Format(), "g");
  EXPECT_EQ(MakePrimitive(TypeId::kUInt64)->Format(), "L");
  EXPECT_EQ(MakePrimitive(TypeId::kInt8)->Format(), "c");
  EXPECT_EQ(MakeList(MakePrimitive(TypeId::kFloat32))->Format(), "+l");
  EXPECT_EQ(MakeFixedSizeList(MakePrimitive(TypeId::kFloat64), 3)->Format(), "+w:3");
  EXPECT_EQ(MakeStruct({{"x", MakePrimitive(TypeId::kInt32)}})->Format(), "+s");
  EXPECT_EQ(MakeMap(MakePrimitive(TypeId::kUtf8), MakePrimitive(TypeId::kInt16))->Format(), "+m");
}

TEST(DataType, ToStringIsReadable) {
  EXPECT_EQ(MakeList(MakePrimitive(TypeId::kFloat32))->ToString(), "list<float32>");
  EXPECT_EQ(MakeList(MakeList(MakePrimitive(TypeId::kInt32)))->ToString(), "list<list<int32>>");
  EXPECT_EQ(MakeFixedSizeList(MakePrimitive(TypeId::kFloat64), 3)->ToString(),
            "fixed_size_list<float64, 3>");
  EXPECT_EQ(MakeStruct({{"x", MakePrimitive(TypeId::kFloat64)}, {"y", MakePrimitive(TypeId::kInt32)}})
                ->ToString(),
            "struct<x: float64, y: int32>");
  EXPECT_EQ(MakeMap(MakePrimitive(TypeId::kUtf8), MakePrimitive(TypeId::kInt16))->ToString(),
            "map<string, int16>");
  EXPECT_EQ(MakePrimitive(TypeId::kBool)->ByteWidth(), 1);
  EXPECT_EQ(MakePrimitive(TypeId::kFloat64)->ByteWidth(), 8);
  EXPECT_EQ(MakeList(MakePrimitive(TypeId::kFloat32))->ByteWidth(), 0);
}

// ---- ArrayBuilder ----

TEST(ArrayBuilder, Int32FinishesToOneValueBufferAndResets) {
  ArrayBuilder b(MakePrimitive(TypeId::kInt32));
  AppendNative<int32_t>(b, {7, -1, 42});
  auto a = b.Finish();
  ASSERT_TRUE(a.ok());
  EXPECT_EQ((*a)->length, 3);
  ASSERT_EQ((*a)->buffers.size(), 1u);
  EXPECT_EQ(ValuesOf<int32_t>((*a)->buffers[0]), (std::vector<int32_t>{7, -1, 42}));
  EXPECT_EQ(b.length(), 0);
  AppendNative<int32_t>(b, {5});
  auto again = b.Finish();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ValuesOf<int32_t>((*again)->buffers[0]), (std::vector<int32_t>{5}));
}

TEST(ArrayBuilder, BoolIsBitPackedLsbFirst) {
  ArrayBuilder b(MakePrimitive(TypeId::kBool));
  for (uint8_t v : {1, 0, 1, 1, 0, 0, 0, 0, 1}) b.values().push_back(v);
  b.AddLength(9);
  auto a = b.Finish();
  ASSERT_TRUE(a.ok());
  EXPECT_EQ((*a)->length, 9);
  ASSERT_EQ((*a)->buffers.size(), 1u);
  EXPECT_EQ((*a)->buffers[0], (std::vector<uint8_t>{0b00001101, 0b00000001}));
}

TEST(ArrayBuilder, Utf8HasOffsetsAndBytes) {
  ArrayBuilder b(MakePrimitive(TypeId::kUtf8));
  for (std::string s : {"ab", "", "cde"}) {
    b.bytes().insert(b.bytes().end(), s.begin(), s.end());
    b.offsets().push_back(static_cast<int32_t>(b.bytes().size()));
    b.AddLength(1);
  }
  auto a = b.Finish();
  ASSERT_TRUE(a.ok());
  EXPECT_EQ((*a)->length, 3);
  ASSERT_EQ((*a)->buffers.size(), 2u);
  EXPECT_EQ(ValuesOf<int32_t>((*a)->buffers[0]), (std::vector<int32_t>{0, 2, 2, 5}));
  EXPECT_EQ(std::string((*a)->buffers[1].begin(), (*a)->buffers[1].end()), "abcde");
}

TEST(ArrayBuilder, ListOfFloatHasOffsetsAndChild) {
  ArrayBuilder b(MakeList(MakePrimitive(TypeId::kFloat32)));
  ASSERT_EQ(b.num_children(), 1u);
  AppendNative<float>(b.child(0), {1.5f, 2.5f});
  b.offsets().push_back(2);
  AppendNative<float>(b.child(0), {});
  b.offsets().push_back(2);
  AppendNative<float>(b.child(0), {-3.0f});
  b.offsets().push_back(3);
  b.AddLength(3);
  auto a = b.Finish();
  ASSERT_TRUE(a.ok());
  EXPECT_EQ((*a)->length, 3);
  ASSERT_EQ((*a)->buffers.size(), 1u);
  EXPECT_EQ(ValuesOf<int32_t>((*a)->buffers[0]), (std::vector<int32_t>{0, 2, 2, 3}));
  ASSERT_EQ((*a)->children.size(), 1u);
  EXPECT_EQ((*a)->children[0]->length, 3);
  EXPECT_EQ(ValuesOf<float>((*a)->children[0]->buffers[0]),
            (std::vector<float>{1.5f, 2.5f, -3.0f}));
}

TEST(ArrayBuilder, FixedSizeListHasNoBuffersOfItsOwn) {
  ArrayBuilder b(MakeFixedSizeList(MakePrimitive(TypeId::kInt32), 3));
  AppendNative<int32_t>(b.child(0), {1, 2, 3, 4, 5, 6});
  b.AddLength(2);
  auto a = b.Finish();
  ASSERT_TRUE(a.ok());
  EXPECT_EQ((*a)->length, 2);
  EXPECT_TRUE((*a)->buffers.empty());
  ASSERT_EQ((*a)->children.size(), 1u);
  EXPECT_EQ((*a)->children[0]->length, 6);
}

TEST(ArrayBuilder, StructHasOneChildPerField) {
  ArrayBuilder b(MakeStruct({{"x", MakePrimitive(TypeId::kFloat64)}, {"y", MakePrimitive(TypeId::kInt32)}}));
  ASSERT_EQ(b.num_children(), 2u);
  AppendNative<double>(b.child(0), {1.1, 2.2});
  AppendNative<int32_t>(b.child(1), {1, 2});
  b.AddLength(2);
  auto a = b.Finish();
  ASSERT_TRUE(a.ok());
  EXPECT_EQ((*a)->length, 2);
  EXPECT_TRUE((*a)->buffers.empty());
  ASSERT_EQ((*a)->children.size(), 2u);
  EXPECT_EQ(ValuesOf<double>((*a)->children[0]->buffers[0]), (std::vector<double>{1.1, 2.2}));
  EXPECT_EQ(ValuesOf<int32_t>((*a)->children[1]->buffers[0]), (std::vector<int32_t>{1, 2}));
}

TEST(ArrayBuilder, MapIsListOfKeyValueStructs) {
  ArrayBuilder b(MakeMap(MakePrimitive(TypeId::kInt32), MakePrimitive(TypeId::kInt16)));
  ASSERT_EQ(b.num_children(), 1u);
  ArrayBuilder& entries = b.child(0);
  ASSERT_EQ(entries.num_children(), 2u);
  AppendNative<int32_t>(entries.child(0), {1, 2, 3});
  AppendNative<int16_t>(entries.child(1), {10, 20, 30});
  entries.AddLength(3);
  b.offsets().push_back(1);
  b.offsets().push_back(3);
  b.AddLength(2);
  auto a = b.Finish();
  ASSERT_TRUE(a.ok());
  EXPECT_EQ((*a)->length, 2);
  EXPECT_EQ(ValuesOf<int32_t>((*a)->buffers[0]), (std::vector<int32_t>{0, 1, 3}));
  ASSERT_EQ((*a)->children.size(), 1u);
  const ArrayData& e = *(*a)->children[0];
  EXPECT_EQ(e.type->id, TypeId::kStruct);
  EXPECT_EQ(e.length, 3);
  EXPECT_EQ(ValuesOf<int16_t>(e.children[1]->buffers[0]), (std::vector<int16_t>{10, 20, 30}));
}

TEST(ArrayBuilder, CheckOffsetRoomRejectsInt32Overflow) {
  ArrayBuilder b(MakeList(MakePrimitive(TypeId::kInt8)));
  EXPECT_TRUE(b.CheckOffsetRoom(1000).ok());
  b.offsets().push_back(2147483000);
  Status st = b.CheckOffsetRoom(1000);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
}

// ---- C Data Interface export ----

TEST(ExportSchema, StructOfFieldsWithFormatsAndNames) {
  std::vector<Field> fields = {{"a", MakePrimitive(TypeId::kInt32)},
                               {"b", MakeList(MakePrimitive(TypeId::kFloat32))},
                               {"m", MakeMap(MakePrimitive(TypeId::kUtf8), MakePrimitive(TypeId::kInt16))}};
  ArrowSchema s;
  ExportSchema(fields, &s);
  ASSERT_NE(s.release, nullptr);
  EXPECT_STREQ(s.format, "+s");
  EXPECT_STREQ(s.name, "");
  ASSERT_EQ(s.n_children, 3);
  EXPECT_STREQ(s.children[0]->format, "i");
  EXPECT_STREQ(s.children[0]->name, "a");
  EXPECT_EQ(s.children[0]->n_children, 0);
  EXPECT_STREQ(s.children[1]->format, "+l");
  EXPECT_STREQ(s.children[1]->name, "b");
  ASSERT_EQ(s.children[1]->n_children, 1);
  EXPECT_STREQ(s.children[1]->children[0]->format, "f");
  EXPECT_STREQ(s.children[1]->children[0]->name, "item");
  EXPECT_STREQ(s.children[2]->format, "+m");
  ASSERT_EQ(s.children[2]->n_children, 1);
  ArrowSchema* entries = s.children[2]->children[0];
  EXPECT_STREQ(entries->format, "+s");
  ASSERT_EQ(entries->n_children, 2);
  EXPECT_STREQ(entries->children[0]->name, "key");
  EXPECT_STREQ(entries->children[0]->format, "u");
  EXPECT_STREQ(entries->children[1]->name, "value");
  s.release(&s);
  EXPECT_EQ(s.release, nullptr);
}

TEST(ExportField, SingleField) {
  ArrowSchema s;
  ExportField({"v", MakeFixedSizeList(MakePrimitive(TypeId::kFloat64), 3)}, &s);
  EXPECT_STREQ(s.format, "+w:3");
  EXPECT_STREQ(s.name, "v");
  ASSERT_EQ(s.n_children, 1);
  s.release(&s);
  EXPECT_EQ(s.release, nullptr);
}

TEST(ExportBatch, StructArraySharesBuffersAndOutlivesTheBatch) {
  ArrowArray arr;
  const int32_t* exported_ints = nullptr;
  {
    ArrayBuilder ints(MakePrimitive(TypeId::kInt32));
    AppendNative<int32_t>(ints, {3, 1, 4});
    ArrayBuilder lists(MakeList(MakePrimitive(TypeId::kFloat32)));
    AppendNative<float>(lists.child(0), {0.5f});
    for (int32_t o : {1, 1, 1}) lists.offsets().push_back(o);
    lists.AddLength(3);
    ArrayBuilder strs(MakePrimitive(TypeId::kUtf8));
    strs.bytes().push_back('z');
    for (int32_t o : {1, 1, 1}) strs.offsets().push_back(o);
    strs.AddLength(3);

    RecordBatch batch;
    batch.fields = {{"i", ints.type()}, {"l", lists.type()}, {"s", strs.type()}};
    batch.columns = {*ints.Finish(), *lists.Finish(), *strs.Finish()};
    batch.num_rows = 3;
    exported_ints = reinterpret_cast<const int32_t*>(batch.columns[0]->buffers[0].data());
    ExportBatch(batch, &arr);
  }  // the batch is gone; the export keeps its buffers alive
  ASSERT_NE(arr.release, nullptr);
  EXPECT_EQ(arr.length, 3);
  EXPECT_EQ(arr.null_count, 0);
  EXPECT_EQ(arr.offset, 0);
  EXPECT_EQ(arr.n_buffers, 1);  // struct: validity only
  EXPECT_EQ(arr.buffers[0], nullptr);
  ASSERT_EQ(arr.n_children, 3);
  ArrowArray* i = arr.children[0];
  EXPECT_EQ(i->length, 3);
  ASSERT_EQ(i->n_buffers, 2);
  EXPECT_EQ(i->buffers[0], nullptr);
  EXPECT_EQ(i->buffers[1], exported_ints);  // no copy
  const int32_t* iv = static_cast<const int32_t*>(i->buffers[1]);
  EXPECT_EQ(iv[0], 3);
  EXPECT_EQ(iv[2], 4);
  ArrowArray* l = arr.children[1];
  EXPECT_EQ(l->n_buffers, 2);
  ASSERT_EQ(l->n_children, 1);
  EXPECT_EQ(l->children[0]->length, 1);
  EXPECT_EQ(static_cast<const int32_t*>(l->buffers[1])[3], 1);
  ArrowArray* s = arr.children[2];
  EXPECT_EQ(s->n_buffers, 3);
  EXPECT_EQ(static_cast<const char*>(s->buffers[2])[0], 'z');
  arr.release(&arr);
  EXPECT_EQ(arr.release, nullptr);
}

TEST(ExportBatch, ChildrenCanBeMovedOutAndReleasedSeparately) {
  ArrayBuilder ints(MakePrimitive(TypeId::kInt32));
  AppendNative<int32_t>(ints, {9});
  RecordBatch batch;
  batch.fields = {{"i", ints.type()}};
  batch.columns = {*ints.Finish()};
  batch.num_rows = 1;
  ArrowArray arr;
  ExportBatch(batch, &arr);
  // A consumer may move a child out (copy the struct, mark the original released).
  ArrowArray child = *arr.children[0];
  arr.children[0]->release = nullptr;
  arr.release(&arr);
  EXPECT_EQ(arr.release, nullptr);
  ASSERT_NE(child.release, nullptr);
  EXPECT_EQ(static_cast<const int32_t*>(child.buffers[1])[0], 9);
  child.release(&child);
  EXPECT_EQ(child.release, nullptr);
}

TEST(ExportBatchStream, SchemaThenEachBatchThenEndSharingBuffers) {
  std::vector<RecordBatch> batches;
  std::vector<const int32_t*> data;
  for (int32_t start : {10, 20}) {
    ArrayBuilder ints(MakePrimitive(TypeId::kInt32));
    AppendNative<int32_t>(ints, {start, start + 1});
    RecordBatch batch;
    batch.fields = {{"i", ints.type()}};
    batch.columns = {*ints.Finish()};
    batch.num_rows = 2;
    data.push_back(reinterpret_cast<const int32_t*>(batch.columns[0]->buffers[0].data()));
    batches.push_back(std::move(batch));
  }
  ArrowArrayStream stream;
  ExportBatchStream({{"i", MakePrimitive(TypeId::kInt32)}}, std::move(batches), &stream);

  ArrowSchema schema;
  ASSERT_EQ(stream.get_schema(&stream, &schema), 0);
  EXPECT_STREQ(schema.format, "+s");
  ASSERT_EQ(schema.n_children, 1);
  EXPECT_STREQ(schema.children[0]->name, "i");
  schema.release(&schema);

  std::vector<ArrowArray> got(2);
  for (int k = 0; k < 2; ++k) {
    ASSERT_EQ(stream.get_next(&stream, &got[k]), 0);
    ASSERT_NE(got[k].release, nullptr);
    EXPECT_EQ(got[k].length, 2);
    EXPECT_EQ(got[k].children[0]->buffers[1], data[k]);  // no copy
  }
  ArrowArray end;
  ASSERT_EQ(stream.get_next(&stream, &end), 0);
  EXPECT_EQ(end.release, nullptr);
  EXPECT_EQ(stream.get_last_error(&stream), nullptr);
  stream.release(&stream);  // the exported batches outlive the stream
  EXPECT_EQ(stream.release, nullptr);
  EXPECT_EQ(static_cast<const int32_t*>(got[1].children[0]->buffers[1])[1], 21);
  for (auto& a : got) a.release(&a);
}

// ---- AppendPrims: big-endian wire values → native ----

struct PrimCase {
  const char* name;
  Prim prim;
  Bytes wire;
  std::vector<uint8_t> expected;  // native bytes (bool: one byte per value before Finish)
};

template <typename T>
std::vector<uint8_t> NativeBytes(std::initializer_list<T> vals) {
  std::vector<uint8_t> out;
  for (T v : vals) {
    uint8_t raw[sizeof(T)];
    std::memcpy(raw, &v, sizeof(T));
    out.insert(out.end(), raw, raw + sizeof(T));
  }
  return out;
}

Bytes W(std::initializer_list<int> v) {
  Bytes out;
  for (int x : v) out.push_back(static_cast<std::byte>(x));
  return out;
}

Prim P(PrimKind kind, double low = 0, double high = 0, int bits = 0) {
  Prim p;
  p.kind = kind;
  p.low = low;
  p.high = high;
  p.num_bits = bits;
  return p;
}

TEST(AppendPrims, ConvertsEveryPlainKind) {
  const std::vector<PrimCase> cases = {
      {"bool", P(PrimKind::kBool), W({0, 1, 2}), {0, 1, 1}},
      {"i8", P(PrimKind::kI8), W({0xFF, 0x7F}), NativeBytes<int8_t>({-1, 127})},
      {"u8", P(PrimKind::kU8), W({0xFF, 0x01}), NativeBytes<uint8_t>({255, 1})},
      {"i16", P(PrimKind::kI16), W({0xFF, 0xFE, 0x01, 0x00}), NativeBytes<int16_t>({-2, 256})},
      {"u16", P(PrimKind::kU16), W({0xFF, 0xFE}), NativeBytes<uint16_t>({65534})},
      {"i32", P(PrimKind::kI32), W({0xFF, 0xFF, 0xFF, 0xFD, 0x00, 0x01, 0x00, 0x00}),
       NativeBytes<int32_t>({-3, 65536})},
      {"u32", P(PrimKind::kU32), W({0xDE, 0xAD, 0xBE, 0xEF}), NativeBytes<uint32_t>({0xDEADBEEFu})},
      {"i64", P(PrimKind::kI64), W({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFB}),
       NativeBytes<int64_t>({-5})},
      {"u64", P(PrimKind::kU64), W({0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08}),
       NativeBytes<uint64_t>({0x0102030405060708ull})},
      {"f32", P(PrimKind::kF32), W({0x3F, 0xC0, 0x00, 0x00, 0xC1, 0x20, 0x00, 0x00}),
       NativeBytes<float>({1.5f, -10.0f})},
      {"f64", P(PrimKind::kF64), W({0xC0, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}),
       NativeBytes<double>({-2.5})},
      {"Double32 without range (float on disk)", P(PrimKind::kDouble32AsFloat),
       W({0x3F, 0xC0, 0x00, 0x00}), NativeBytes<double>({1.5})},
      // Truncated: u8 exponent, u16 mantissa (bit nbits+1 is the sign), 12 bits: 1.5 and -1.5.
      {"Double32 truncated", P(PrimKind::kDouble32Trunc, 0, 0, 12),
       W({127, 0x08, 0x00, 127, 0x28, 0x00, 128, 0x00, 0x00}), NativeBytes<double>({1.5, -1.5, 2.0})},
      {"Float16 truncated", P(PrimKind::kFloat16Trunc, 0, 0, 12), W({127, 0x08, 0x00, 127, 0x28, 0x00}),
       NativeBytes<float>({1.5f, -1.5f})},
  };
  for (const PrimCase& c : cases) {
    SCOPED_TRACE(c.name);
    ArrayBuilder b(MakePrimitive(c.prim.OutputType()));
    size_t n = c.wire.size() / static_cast<size_t>(c.prim.WireSize());
    ASSERT_EQ(n * static_cast<size_t>(c.prim.WireSize()), c.wire.size());
    AppendPrims(c.prim, c.wire.data(), n, b);
    EXPECT_EQ(b.length(), static_cast<int64_t>(n));
    EXPECT_EQ(b.values(), c.expected);
  }
}

TEST(AppendPrims, AppendsAfterExistingValues) {
  ArrayBuilder b(MakePrimitive(TypeId::kInt16));
  Bytes w = W({0x00, 0x01});
  AppendPrims(P(PrimKind::kI16), w.data(), 1, b);
  AppendPrims(P(PrimKind::kI16), w.data(), 1, b);
  EXPECT_EQ(b.length(), 2);
  EXPECT_EQ(b.values(), NativeBytes<int16_t>({1, 1}));
}

TEST(AppendPrims, Double32WithRangeIsLowPlusRawTimesStep) {
  const double low = -2.71, high = 10;
  const int bits = 10;
  const std::vector<uint32_t> raws = {0, 1, 512, 1023};
  Bytes w;
  for (uint32_t r : raws) PushBE32(w, r);
  ArrayBuilder b(MakePrimitive(TypeId::kFloat64));
  AppendPrims(P(PrimKind::kDouble32, low, high, bits), w.data(), raws.size(), b);
  std::vector<double> got = ValuesOf<double>(b.values());
  ASSERT_EQ(got.size(), raws.size());
  for (size_t i = 0; i < raws.size(); ++i) {
    double expected = low + static_cast<double>(raws[i]) * (high - low) / 1024.0;
    EXPECT_EQ(got[i], expected) << "raw " << raws[i];
  }
  EXPECT_EQ(got[0], low);
}

TEST(AppendPrims, Float16WithRangeIsComputedInFloat32) {
  const double low = -2.71, high = 10;
  const int bits = 10;
  const std::vector<uint32_t> raws = {0, 3, 700, 1023};
  Bytes w;
  for (uint32_t r : raws) PushBE32(w, r);
  ArrayBuilder b(MakePrimitive(TypeId::kFloat32));
  AppendPrims(P(PrimKind::kFloat16, low, high, bits), w.data(), raws.size(), b);
  std::vector<float> got = ValuesOf<float>(b.values());
  ASSERT_EQ(got.size(), raws.size());
  for (size_t i = 0; i < raws.size(); ++i) {
    float expected = static_cast<float>(low) +
                     static_cast<float>(raws[i]) * static_cast<float>((high - low) / 1024.0);
    EXPECT_FLOAT_EQ(got[i], expected) << "raw " << raws[i];
  }
}

// ---- PlanColumn on real branches ----

class PlanReal : public ::testing::Test {
 protected:
  void Load(const std::string& file, const std::string& tree) {
    auto src = byte_source::OpenLocalFile(std::string(ARROWROOT_TESTDATA_DIR) + "/" + file);
    ASSERT_TRUE(src.ok()) << src.status().ToString();
    auto f = root_format::RootFile::Open(*src);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    file_ = *f;
    auto t = file_->ReadTree(tree);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    tree_ = *t;
  }
  Result<ColumnPlan> Plan(const std::string& branch) {
    const root_format::Branch* b = tree_->FindBranch(branch);
    if (!b) return Status::NotFound("test: no branch " + branch);
    return PlanColumn(*b, Lookup());
  }
  StreamerLookup Lookup() const {
    auto f = file_;
    return [f](const std::string& c) { return f->FindStreamerInfo(c); };
  }
  std::shared_ptr<root_format::RootFile> file_;
  std::shared_ptr<const root_format::Tree> tree_;
};

TEST_F(PlanReal, HZZJaggedFloatCountedByNMuon) {
  ASSERT_NO_FATAL_FAILURE(Load("uproot-HZZ.root", "events"));
  auto p = Plan("Muon_Px");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->mode, ColumnPlan::Mode::kJagged);
  EXPECT_EQ(p->type->ToString(), "list<float32>");
  EXPECT_EQ(p->name, "Muon_Px");
  EXPECT_EQ(p->header_bytes, 0);
  ASSERT_NE(p->count_branch, nullptr);
  EXPECT_EQ(p->count_branch->name, "NMuon");

  auto flat = Plan("NMuon");
  ASSERT_TRUE(flat.ok());
  EXPECT_EQ(flat->mode, ColumnPlan::Mode::kFixed);
  EXPECT_EQ(flat->entry_size, 4);
  EXPECT_EQ(flat->type->ToString(), "int32");
  EXPECT_FALSE(IsGroupBranch(*tree_->FindBranch("NMuon"), Lookup()));
}

TEST_F(PlanReal, LeafListBecomesStruct) {
  ASSERT_NO_FATAL_FAILURE(Load("uproot-leaflist.root", "tree"));
  auto p = Plan("leaflist");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->type->id, TypeId::kStruct);
  EXPECT_EQ(p->type->ToString(), "struct<x: float64, y: int32, z: int8>");
  EXPECT_EQ(p->mode, ColumnPlan::Mode::kFixed);
  EXPECT_EQ(p->entry_size, 8 + 4 + 1);
}

TEST_F(PlanReal, Double32AndFloat16) {
  ASSERT_NO_FATAL_FAILURE(Load("uproot-double32-float16.root", "tree"));
  auto d = Plan("double32_10");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->type->id, TypeId::kFloat64);
  EXPECT_EQ(d->node.prim.num_bits, 10);
  auto f = Plan("float16_10");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->type->id, TypeId::kFloat32);
  auto a = Plan("array_30");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->type->ToString(), "fixed_size_list<float64, 3>");
}

TEST_F(PlanReal, StlContainers) {
  ASSERT_NO_FATAL_FAILURE(Load("uproot-stl_containers.root", "tree"));
  auto vv = Plan("vector_vector_int32");
  ASSERT_TRUE(vv.ok()) << vv.status().ToString();
  EXPECT_EQ(vv->type->ToString(), "list<list<int32>>");
  auto m = Plan("map_string_int16");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->type->id, TypeId::kMap);
  EXPECT_EQ(m->type->ToString(), "map<string, int16>");
  auto s = Plan("string");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->type->id, TypeId::kUtf8);
}

// ---- DecodeBasket on hand-built baskets ----

ColumnPlan FixedInt32Plan() {
  ColumnPlan p;
  p.name = "x";
  p.mode = ColumnPlan::Mode::kFixed;
  p.node.kind = Node::Kind::kPrim;
  p.node.prim = P(PrimKind::kI32);
  p.node.type = MakePrimitive(TypeId::kInt32);
  p.entry_size = 4;
  p.type = p.node.type;
  return p;
}

ColumnPlan JaggedPlan(PrimKind kind, TypeId item, int32_t header_bytes) {
  ColumnPlan p;
  p.name = "v";
  p.mode = ColumnPlan::Mode::kJagged;
  p.node.kind = Node::Kind::kPrim;
  p.node.prim = P(kind);
  p.node.type = MakePrimitive(item);
  p.header_bytes = header_bytes;
  p.type = MakeList(p.node.type);
  return p;
}

Basket MakeBasket(Bytes data, int64_t num_entries, std::vector<int32_t> offsets = {}) {
  Basket b;
  b.storage = std::move(data);
  b.data = ByteView(b.storage);
  b.num_entries = num_entries;
  b.entry_offsets = std::move(offsets);
  return b;
}

TEST(DecodeBasket, FixedInt32) {
  Bytes d;
  for (uint32_t v : {1u, 0xFFFFFFFEu, 3u}) PushBE32(d, v);
  Basket basket = MakeBasket(d, 3);
  ColumnPlan plan = FixedInt32Plan();
  ArrayBuilder out(plan.type);
  ASSERT_TRUE(DecodeBasket(plan, basket, 0, 3, {}, out).ok());
  EXPECT_EQ(out.length(), 3);
  EXPECT_EQ(out.values(), NativeBytes<int32_t>({1, -2, 3}));
  // A sub-range appends only those entries.
  ArrayBuilder tail(plan.type);
  ASSERT_TRUE(DecodeBasket(plan, basket, 1, 3, {}, tail).ok());
  EXPECT_EQ(tail.values(), NativeBytes<int32_t>({-2, 3}));
  EXPECT_FALSE(NeedsCounts(plan, basket));
}

TEST(DecodeBasket, FixedRangeOutsideBasketIsInvalidArgument) {
  Bytes d;
  PushBE32(d, 1);
  Basket basket = MakeBasket(d, 1);
  ArrayBuilder out(MakePrimitive(TypeId::kInt32));
  Status st = DecodeBasket(FixedInt32Plan(), basket, 0, 2, {}, out);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
}

TEST(DecodeBasket, FixedSizeMismatchIsCorruption) {
  Bytes d(10);  // 3 entries of 4 bytes need 12
  Basket basket = MakeBasket(d, 3);
  ArrayBuilder out(MakePrimitive(TypeId::kInt32));
  Status st = DecodeBasket(FixedInt32Plan(), basket, 0, 3, {}, out);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
}

// std::vector<float> entries: [bytecount|0x40000000][u16 version][i32 n] then n floats.
void PushVectorEntry(Bytes& d, std::initializer_list<float> vals) {
  PushBE32(d, 0x40000000u | static_cast<uint32_t>(6 + 4 * vals.size()));
  d.push_back(std::byte{0});
  d.push_back(std::byte{9});
  PushBE32(d, static_cast<uint32_t>(vals.size()));
  for (float f : vals) PushBEFloat(d, f);
}

TEST(DecodeBasket, JaggedWithEntryOffsetsAndTenByteHeaders) {
  Bytes d;
  std::vector<int32_t> offs = {0};
  PushVectorEntry(d, {1.0f, 2.0f});
  offs.push_back(static_cast<int32_t>(d.size()));
  PushVectorEntry(d, {});
  offs.push_back(static_cast<int32_t>(d.size()));
  PushVectorEntry(d, {-7.5f});
  offs.push_back(static_cast<int32_t>(d.size()));
  ASSERT_EQ(offs, (std::vector<int32_t>{0, 18, 28, 42}));
  Basket basket = MakeBasket(d, 3, offs);
  ColumnPlan plan = JaggedPlan(PrimKind::kF32, TypeId::kFloat32, 10);
  ArrayBuilder out(plan.type);
  Status st = DecodeBasket(plan, basket, 0, 3, {}, out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_FALSE(NeedsCounts(plan, basket));
  auto a = out.Finish();
  ASSERT_TRUE(a.ok());
  EXPECT_EQ((*a)->length, 3);
  EXPECT_EQ(ValuesOf<int32_t>((*a)->buffers[0]), (std::vector<int32_t>{0, 2, 2, 3}));
  EXPECT_EQ(ValuesOf<float>((*a)->children[0]->buffers[0]), (std::vector<float>{1.0f, 2.0f, -7.5f}));

  // Entries [1, 3) only.
  ArrayBuilder part(plan.type);
  ASSERT_TRUE(DecodeBasket(plan, basket, 1, 3, {}, part).ok());
  EXPECT_EQ(part.offsets(), (std::vector<int32_t>{0, 0, 1}));
}

TEST(DecodeBasket, JaggedVectorCountDisagreeingWithBytesIsCorruption) {
  Bytes d;
  PushVectorEntry(d, {1.0f, 2.0f});
  d[9] = std::byte{3};  // the header's n says 3, the bytes hold 2
  Basket basket = MakeBasket(d, 1, {0, static_cast<int32_t>(d.size())});
  ColumnPlan plan = JaggedPlan(PrimKind::kF32, TypeId::kFloat32, 10);
  ArrayBuilder out(plan.type);
  Status st = DecodeBasket(plan, basket, 0, 1, {}, out);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("entry 0"), std::string::npos) << st.message();
}

TEST(DecodeBasket, JaggedWithoutOffsetsUsesCounts) {
  Bytes d;
  for (float f : {1.0f, 2.0f, 3.0f}) PushBEFloat(d, f);
  Basket basket = MakeBasket(d, 3);
  ColumnPlan plan = JaggedPlan(PrimKind::kF32, TypeId::kFloat32, 0);
  EXPECT_TRUE(NeedsCounts(plan, basket));
  const std::vector<int64_t> counts = {2, 0, 1};
  ArrayBuilder out(plan.type);
  Status st = DecodeBasket(plan, basket, 0, 3, counts, out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out.length(), 3);
  EXPECT_EQ(out.offsets(), (std::vector<int32_t>{0, 2, 2, 3}));
  EXPECT_EQ(ValuesOf<float>(out.child(0).values()), (std::vector<float>{1.0f, 2.0f, 3.0f}));

  // Starting mid-basket skips the earlier entries' items.
  ArrayBuilder tail(plan.type);
  ASSERT_TRUE(DecodeBasket(plan, basket, 2, 3, counts, tail).ok());
  EXPECT_EQ(ValuesOf<float>(tail.child(0).values()), (std::vector<float>{3.0f}));
}

TEST(DecodeBasket, JaggedWithoutOffsetsNeedsEnoughBytesAndCounts) {
  Bytes d;
  PushBEFloat(d, 1.0f);
  Basket basket = MakeBasket(d, 2);
  ColumnPlan plan = JaggedPlan(PrimKind::kF32, TypeId::kFloat32, 0);
  ArrayBuilder out(plan.type);
  const std::vector<int64_t> too_many = {1, 5};
  EXPECT_EQ(DecodeBasket(plan, basket, 0, 2, too_many, out).code(), StatusCode::kCorruption);
  const std::vector<int64_t> missing = {1};
  EXPECT_EQ(DecodeBasket(plan, basket, 0, 2, missing, out).code(), StatusCode::kCorruption);
  const std::vector<int64_t> negative = {-1, 1};
  EXPECT_EQ(DecodeBasket(plan, basket, 0, 2, negative, out).code(), StatusCode::kCorruption);
}

TEST(DecodeBasket, JaggedOffsetsNotMatchingItemSizeIsCorruption) {
  Bytes d(10);
  Basket basket = MakeBasket(d, 2, {0, 5, 10});  // 5 bytes is not a whole number of int32s
  ColumnPlan plan = JaggedPlan(PrimKind::kI32, TypeId::kInt32, 0);
  ArrayBuilder out(plan.type);
  Status st = DecodeBasket(plan, basket, 0, 2, {}, out);
  ASSERT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("entry 0"), std::string::npos) << st.message();
}

// A corrupt fLen or title (found by tree_fuzz, cpp/fuzz/regressions/tree/) made the wire size
// of a fixed array overflow int32: the plan must be refused, not sized negative.
TEST(PlanColumn, FixedArrayLargerThanABasketIsUnsupported) {
  root_format::Leaf leaf;
  leaf.class_name = "TLeafI";
  leaf.name = "x";
  leaf.title = "x[1313892463]";
  leaf.len = 1313892463;
  leaf.len_type = 4;
  root_format::Branch branch;
  branch.class_name = "TBranch";
  branch.name = branch.path = branch.title = "x";
  branch.leaves = {&leaf};
  leaf.branch = &branch;
  const StreamerLookup none = [](const std::string&) { return nullptr; };
  auto plan = PlanColumn(branch, none);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), StatusCode::kUnsupported) << plan.status().ToString();

  // A dimension that cannot be an int32 is not a shape: the leaf's own fLen decides.
  leaf.title = "x[99999999999][99999999999]";
  leaf.len = 3;
  plan = PlanColumn(branch, none);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->entry_size, 12);
  EXPECT_EQ(plan->type->ToString(), MakeFixedSizeList(MakePrimitive(TypeId::kInt32), 3)->ToString());
}

TEST(AppendIntegers, ReadsAnyIntegerColumn) {
  ArrayBuilder b(MakePrimitive(TypeId::kUInt16));
  AppendNative<uint16_t>(b, {3, 65535});
  auto a = b.Finish();
  ASSERT_TRUE(a.ok());
  std::vector<int64_t> out = {-1};
  AppendIntegers(**a, &out);
  EXPECT_EQ(out, (std::vector<int64_t>{-1, 3, 65535}));
}

}  // namespace
}  // namespace arrowroot::to_arrow
