#include "arrowroot/to_arrow/field_selection.h"

#include <gtest/gtest.h>

#include <cstring>

namespace arrowroot::to_arrow {
namespace {

std::shared_ptr<DataType> Point() {
  return MakeStruct({{"x", MakePrimitive(TypeId::kFloat32)}, {"y", MakePrimitive(TypeId::kFloat32)}});
}

/// struct<id: int32, origin: struct<x, y>, hits: list<struct<x, y>>, m: map<utf8, struct<x, y>>>
std::shared_ptr<DataType> Track() {
  return MakeStruct({{"id", MakePrimitive(TypeId::kInt32)},
                     {"origin", Point(), true},
                     {"hits", MakeList(Point())},
                     {"m", MakeMap(MakePrimitive(TypeId::kUtf8), Point())}});
}

FieldSelection Select(const std::vector<std::vector<std::string>>& paths) {
  FieldSelection sel;
  for (const auto& p : paths) sel.Add(p, 1);
  return sel;
}

TEST(FieldSelection, PathsMergeAndAShorterOneKeepsItsFieldWhole) {
  FieldSelection sel = Select({{"t", "origin", "x"}, {"t", "id"}, {"t", "origin", "y"}});
  EXPECT_FALSE(sel.whole);
  ASSERT_EQ(sel.fields.size(), 2u);
  EXPECT_EQ(sel.fields[0].first, "origin");
  EXPECT_EQ(sel.fields[0].second.fields.size(), 2u);
  sel.Add({"t", "origin"}, 1);
  EXPECT_TRUE(sel.Find("origin")->whole);
  EXPECT_TRUE(sel.Find("origin")->fields.empty());
  sel.Add({"t", "origin", "x"}, 1);  // a longer path no longer narrows it
  EXPECT_TRUE(sel.Find("origin")->whole);
  EXPECT_EQ(sel.Find("nope"), nullptr);
}

TEST(FieldSelection, ProjectTypeKeepsTheTypesOrderThroughListsAndMaps) {
  struct Case {
    std::vector<std::vector<std::string>> paths;
    std::string type;
  };
  const Case cases[] = {
      {{{"t", "hits", "y"}, {"t", "id"}}, "struct<id: int32, hits: list<struct<y: float32>>>"},
      {{{"t", "origin"}}, "struct<origin: struct<x: float32, y: float32>>"},
      {{{"t", "m", "value", "y"}},
       "struct<m: map<string, struct<y: float32>>>"},
      {{{"t", "m", "key"}}, "struct<m: map<string, struct<x: float32, y: float32>>>"},
      {{{"t"}}, Track()->ToString()},
  };
  for (const Case& c : cases) {
    auto t = ProjectType(Track(), Select(c.paths), "t", "t");
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    EXPECT_EQ((*t)->ToString(), c.type);
  }
  auto nullable = ProjectType(Track(), Select({{"t", "origin", "x"}}), "t", "t");
  ASSERT_TRUE(nullable.ok());
  EXPECT_TRUE((*nullable)->children[0].nullable);  // a field keeps its nullability
  auto fixed = ProjectType(MakeFixedSizeList(Point(), 3), Select({{"a", "x"}}), "a", "a");
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ((*fixed)->Format(), "+w:3");
  EXPECT_EQ((*fixed)->children[0].type->children.size(), 1u);
}

TEST(FieldSelection, ProjectTypeErrorsNameTheColumnAndThePath) {
  auto unknown = ProjectType(Track(), Select({{"t", "hits", "z"}}), "t", "t");
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(unknown.status().message(), "no field 'z' in column 't', at 't/hits'; its fields: x, y");
  auto into_number = ProjectType(Track(), Select({{"t", "id", "x"}}), "t", "t");
  EXPECT_EQ(into_number.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(into_number.status().message(),
            "a field path continues below column 't', at 't/id', which is int32, not a struct");
  auto map_field = ProjectType(Track(), Select({{"t", "m", "x"}}), "t", "t");
  EXPECT_EQ(map_field.status().code(), StatusCode::kNotFound);  // a map has key and value
}

TEST(FieldSelection, ProjectArrayMovesTheKeptChildren) {
  // list<struct<x, y>> of two entries [[{1,10}], [{2,20},{3,30}]].
  auto type = MakeList(Point());
  ArrayBuilder b(type);
  auto& items = b.child(0);
  for (float v : {1.f, 2.f, 3.f}) {
    for (size_t k = 0; k < 2; ++k) {
      float x = v * (k ? 10.f : 1.f);
      auto& c = items.child(k);
      c.values().resize(c.values().size() + 4);
      std::memcpy(c.values().data() + c.values().size() - 4, &x, 4);
      c.AddLength(1);
    }
    items.AddLength(1);
  }
  b.offsets().push_back(1);
  b.offsets().push_back(3);
  b.AddLength(2);
  auto data = b.Finish();
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  auto projected = ProjectType(type, Select({{"c", "y"}}), "c", "c");
  ASSERT_TRUE(projected.ok());
  ProjectArray(**data, *projected);
  const ArrayData& list = **data;
  EXPECT_EQ(list.type->ToString(), "list<struct<y: float32>>");
  ASSERT_EQ(list.children.size(), 1u);
  const ArrayData& st = *list.children[0];
  ASSERT_EQ(st.children.size(), 1u);
  ASSERT_EQ(st.children[0]->length, 3);
  float y[3];
  std::memcpy(y, st.children[0]->buffers[0].data(), 12);
  EXPECT_EQ(y[0], 10.f);
  EXPECT_EQ(y[2], 30.f);
}

}  // namespace
}  // namespace arrowroot::to_arrow
