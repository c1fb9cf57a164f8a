// RNTuple fields → Arrow on hand-made schemas and decoded columns: the types PlanField gives,
// the arrays Assemble builds (lists, strings, optionals, variants, base classes), and the
// checks on index columns. Real files are compared with uproot and ROOT in
// tests/test_rntuple_oracle.py.
#include "arrowroot/to_arrow/rntuple_fields.h"

#include <gtest/gtest.h>

#include <cstring>

#include "arrowroot/to_arrow/rntuple_columns.h"

namespace arrowroot::to_arrow::rntuple {
namespace {

using rf::ColumnType;
using rf::FieldRole;

struct SchemaBuilder {
  rf::Schema s;
  uint32_t Field(const std::string& name, const std::string& type, FieldRole role,
                 int64_t parent = -1) {
    rf::FieldDesc f;
    f.id = static_cast<uint32_t>(s.fields.size());
    f.parent_id = parent < 0 ? f.id : static_cast<uint32_t>(parent);
    f.name = name;
    f.type_name = type;
    f.role = role;
    f.role_raw = static_cast<uint16_t>(role);
    s.fields.push_back(f);
    if (parent >= 0) s.fields[static_cast<size_t>(parent)].children.push_back(f.id);
    return f.id;
  }
  uint32_t Column(uint32_t field, ColumnType type) {
    rf::ColumnDesc c;
    c.id = static_cast<uint32_t>(s.columns.size());
    c.type = type;
    c.type_raw = static_cast<uint16_t>(type);
    c.bits_on_storage = static_cast<uint16_t>(rf::FixedBitsOnStorage(type));
    c.field_id = field;
    s.columns.push_back(c);
    s.fields[field].column_ids.push_back(c.id);
    return c.id;
  }
};

template <typename T>
void Fill(std::vector<DecodedColumn>& cols, uint32_t id, ColumnType type, std::vector<T> values) {
  if (cols.size() <= id) cols.resize(id + 1);
  DecodedColumn& d = cols[id];
  d.present = true;
  d.type = type;
  d.count = values.size();
  d.uses = 1;
  d.data = PodVector<std::byte>(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(d.data.data(), values.data(), d.data.size());
}

/// An index column as the reader keeps it: count + 1 uint32 slots, slot 0 zero.
void FillIndex(std::vector<DecodedColumn>& cols, uint32_t id, ColumnType type,
               std::vector<uint64_t> ends) {
  std::vector<uint32_t> slots{0};
  for (uint64_t v : ends) slots.push_back(static_cast<uint32_t>(v));
  Fill<uint32_t>(cols, id, type, slots);
  cols[id].count = ends.size();
}

template <typename T>
T At(const Buffer& b, size_t i) {
  T v;
  std::memcpy(&v, b.data() + i * sizeof(T), sizeof(T));
  return v;
}

TEST(RNTupleFields, VectorOfFloatIsAListSlicedFromTheClusterIndex) {
  SchemaBuilder b;
  uint32_t v = b.Field("v", "std::vector<float>", FieldRole::kCollection);
  uint32_t item = b.Field("_0", "float", FieldRole::kLeaf, v);
  uint32_t idx = b.Column(v, ColumnType::kSplitIndex64);
  uint32_t val = b.Column(item, ColumnType::kSplitReal32);
  auto plan = PlanField(b.s, v);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->type->ToString(), "list<float32>");
  std::vector<DecodedColumn> cols;
  FillIndex(cols, idx, ColumnType::kSplitIndex64, {1, 1, 3, 6});
  Fill<float>(cols, val, ColumnType::kSplitReal32, {1, 2, 3, 4, 5, 6});
  auto a = Assemble(*plan, cols, 1, 4);  // entries 1..3: {}, {2,3}, {4,5,6}
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_EQ((*a)->length, 3);
  EXPECT_EQ(At<int32_t>((*a)->buffers[0], 0), 0);
  EXPECT_EQ(At<int32_t>((*a)->buffers[0], 1), 0);
  EXPECT_EQ(At<int32_t>((*a)->buffers[0], 2), 2);
  EXPECT_EQ(At<int32_t>((*a)->buffers[0], 3), 5);
  const auto& child = *(*a)->children[0];
  ASSERT_EQ(child.length, 5);
  EXPECT_EQ(At<float>(child.buffers[0], 0), 2.0f);
  EXPECT_EQ(At<float>(child.buffers[0], 4), 6.0f);
  // The whole cluster: the index slots become the offsets as they are.
  auto whole = Assemble(*plan, cols, 0, 4);
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  const int32_t want[] = {0, 1, 1, 3, 6};
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(At<int32_t>((*whole)->buffers[0], i), want[i]) << i;
}

TEST(RNTupleFields, ADecreasingIndexColumnIsCorruption) {
  SchemaBuilder b;
  uint32_t s = b.Field("s", "std::string", FieldRole::kLeaf);
  uint32_t idx = b.Column(s, ColumnType::kIndex64);
  uint32_t chars = b.Column(s, ColumnType::kChar);
  auto plan = PlanField(b.s, s);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->type->ToString(), "string");
  std::vector<DecodedColumn> cols;
  FillIndex(cols, idx, ColumnType::kIndex64, {2, 1, 3});
  Fill<char>(cols, chars, ColumnType::kChar, {'a', 'b', 'c'});
  auto a = Assemble(*plan, cols, 0, 3);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), StatusCode::kCorruption);
  EXPECT_NE(a.status().message().find("decreases"), std::string::npos) << a.status().ToString();
  // An index past the chars the column holds.
  FillIndex(cols, idx, ColumnType::kIndex64, {1, 2, 9});
  a = Assemble(*plan, cols, 0, 3);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("holds 3 elements"), std::string::npos) << a.status().ToString();
}

TEST(RNTupleFields, OptionalIsNullableAndVariantIsADenseUnion) {
  SchemaBuilder b;
  uint32_t opt = b.Field("o", "std::optional<std::int32_t>", FieldRole::kCollection);
  uint32_t oi = b.Field("_0", "std::int32_t", FieldRole::kLeaf, opt);
  uint32_t oidx = b.Column(opt, ColumnType::kIndex32);
  uint32_t oval = b.Column(oi, ColumnType::kInt32);
  uint32_t var = b.Field("v", "std::variant<std::int32_t,float>", FieldRole::kVariant);
  uint32_t a0 = b.Field("_0", "std::int32_t", FieldRole::kLeaf, var);
  uint32_t a1 = b.Field("_1", "float", FieldRole::kLeaf, var);
  uint32_t sw = b.Column(var, ColumnType::kSwitch);
  uint32_t c0 = b.Column(a0, ColumnType::kInt32);
  uint32_t c1 = b.Column(a1, ColumnType::kReal32);

  auto po = PlanField(b.s, opt);
  ASSERT_TRUE(po.ok()) << po.status().ToString();
  EXPECT_TRUE(po->nullable);
  EXPECT_EQ(po->type->ToString(), "int32");
  auto pv = PlanField(b.s, var);
  ASSERT_TRUE(pv.ok()) << pv.status().ToString();
  EXPECT_EQ(pv->type->ToString(), "dense_union<_0: int32, _1: float32, null: null>");

  std::vector<DecodedColumn> cols;
  FillIndex(cols, oidx, ColumnType::kIndex32, {1, 1, 2});  // 7, null, 8
  Fill<int32_t>(cols, oval, ColumnType::kInt32, {7, 8});
  Fill<SwitchElement>(cols, sw, ColumnType::kSwitch,
                      {{0, 1, 0}, {0, 2, 0}, {0, 0, 0}, {1, 1, 0}});  // 10, 0.5f, invalid, 11
  Fill<int32_t>(cols, c0, ColumnType::kInt32, {10, 11});
  Fill<float>(cols, c1, ColumnType::kReal32, {0.5f});

  auto o = Assemble(*po, cols, 0, 3);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ((*o)->null_count, 1);
  EXPECT_EQ(At<int32_t>((*o)->buffers[0], 0), 7);
  EXPECT_EQ(At<int32_t>((*o)->buffers[0], 2), 8);

  auto v = Assemble(*pv, cols, 0, 4);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  const ArrayData& u = **v;
  ASSERT_EQ(u.buffers.size(), 2u);
  const int8_t ids[] = {0, 1, 2, 0};
  const int32_t offs[] = {0, 0, 0, 1};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(At<int8_t>(u.buffers[0], i), ids[i]) << i;
    EXPECT_EQ(At<int32_t>(u.buffers[1], i), offs[i]) << i;
  }
  ASSERT_EQ(u.children.size(), 3u);
  EXPECT_EQ(u.children[0]->length, 2);
  EXPECT_EQ(u.children[1]->length, 1);
  EXPECT_EQ(u.children[2]->length, 1);
  EXPECT_EQ(u.children[2]->null_count, 1);
  // A tag beyond the alternatives.
  Fill<SwitchElement>(cols, sw, ColumnType::kSwitch, {{0, 3, 0}});
  EXPECT_EQ(Assemble(*pv, cols, 0, 1).status().code(), StatusCode::kCorruption);
}

TEST(RNTupleFields, BaseClassMembersAreMergedAndStreamerFieldsDeclined) {
  SchemaBuilder b;
  uint32_t rec = b.Field("r", "Derived", FieldRole::kRecord);
  uint32_t base = b.Field(":_0", "Base", FieldRole::kRecord, rec);
  uint32_t bx = b.Field("x", "double", FieldRole::kLeaf, base);
  uint32_t y = b.Field("y", "std::int64_t", FieldRole::kLeaf, rec);
  b.Column(bx, ColumnType::kSplitReal32);  // Double32_t: a double stored as float
  b.Column(y, ColumnType::kSplitInt32);    // read as int64
  auto p = PlanField(b.s, rec);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->type->ToString(), "struct<x: float64, y: int64>");

  uint32_t st = b.Field("blob", "TH1F", FieldRole::kStreamer);
  b.Column(st, ColumnType::kIndex64);
  b.Column(st, ColumnType::kByte);
  auto q = PlanField(b.s, st);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(q.status().message().find("'blob' of type TH1F"), std::string::npos) << q.status().ToString();
}

}  // namespace
}  // namespace arrowroot::to_arrow::rntuple
