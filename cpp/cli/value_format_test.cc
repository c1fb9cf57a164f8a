// Tests for value_format: values read from hand-built Arrow C Data arrays, including sliced
// ones (a non-zero `offset` on the array and on its children), which arrowroot's own scans
// never produce but any C Data producer may.
#include "value_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace arrowroot::cli {
namespace {

/// An ArrowSchema / ArrowArray pair over borrowed memory (no release: nothing to free).
struct Node {
  ArrowSchema schema{};
  ArrowArray array{};
  std::vector<const void*> buffers;
  std::vector<ArrowSchema*> child_schemas;
  std::vector<ArrowArray*> child_arrays;

  Node(const char* format, int64_t length, int64_t offset, std::vector<const void*> bufs,
       std::vector<Node*> children = {}, const char* name = "")
      : buffers(std::move(bufs)) {
    for (Node* c : children) {
      child_schemas.push_back(&c->schema);
      child_arrays.push_back(&c->array);
    }
    schema.format = format;
    schema.name = name;
    schema.n_children = static_cast<int64_t>(children.size());
    schema.children = child_schemas.data();
    array.length = length;
    array.offset = offset;
    array.null_count = buffers.empty() || buffers[0] == nullptr ? 0 : -1;  // -1: not counted
    array.n_buffers = static_cast<int64_t>(buffers.size());
    array.buffers = buffers.data();
    array.n_children = static_cast<int64_t>(children.size());
    array.children = child_arrays.data();
  }

  std::string Json(int64_t i) const {
    std::string out;
    AppendJson(schema, array, i, &out);
    return out;
  }
};

TEST(AppendJson, HonoursTheOffsetOfPrimitivesAndTheirValidity) {
  const int32_t values[] = {10, 11, 12, 13, 14};
  const uint8_t valid[] = {0xF7};  // value 3 is null
  Node ints("i", 3, 2, {valid, values});
  EXPECT_EQ(ints.Json(0), "12");
  EXPECT_EQ(ints.Json(1), "null");
  EXPECT_EQ(ints.Json(2), "14");

  const uint8_t bits[] = {0x28};  // values 3 and 5 are true
  Node bools("b", 3, 3, {nullptr, bits});
  EXPECT_EQ(bools.Json(0), "true");
  EXPECT_EQ(bools.Json(1), "false");
  EXPECT_EQ(bools.Json(2), "true");

  const double doubles[] = {1.0, NAN, -INFINITY, 0.1};
  Node floats("g", 4, 0, {nullptr, doubles});
  EXPECT_EQ(floats.Json(0), "1.0");
  EXPECT_EQ(floats.Json(1), "NaN");
  EXPECT_EQ(floats.Json(2), "-Infinity");
  EXPECT_EQ(floats.Json(3), "0.1");

  const uint64_t big[] = {18446744073709551615ull};
  EXPECT_EQ(Node("L", 1, 0, {nullptr, big}).Json(0), "18446744073709551615");
}

TEST(AppendJson, ReadsStringsAndListsThroughTheirOffsets) {
  const int32_t string_offsets[] = {0, 1, 3, 6};
  const char data[] = "abbc\"c";
  Node strings("u", 2, 1, {nullptr, string_offsets, data});
  EXPECT_EQ(strings.Json(0), "\"bb\"");
  EXPECT_EQ(strings.Json(1), "\"c\\\"c\"");

  // The list's offsets index its child's logical values, which start at the child's offset.
  const double items[] = {9, 9, 1, 2, 3.5};
  Node child("g", 3, 2, {nullptr, items});
  const int32_t list_offsets[] = {0, 1, 3};
  Node list("+l", 1, 1, {nullptr, list_offsets}, {&child});
  EXPECT_EQ(list.Json(0), "[2.0, 3.5]");

  const int64_t large_offsets[] = {0, 1, 3};
  Node large("+L", 2, 0, {nullptr, large_offsets}, {&child});
  EXPECT_EQ(large.Json(0), "[1.0]");

  const int8_t bytes[] = {1, 2, 3, 4};
  Node fixed_child("c", 4, 0, {nullptr, bytes});
  Node fixed("+w:2", 1, 1, {nullptr}, {&fixed_child});
  EXPECT_EQ(fixed.Json(0), "[3, 4]");
}

TEST(AppendJson, NamesStructFieldsAndPassesTheOffsetDown) {
  const int32_t a_values[] = {5, 6, 7};
  Node a("i", 3, 0, {nullptr, a_values}, {}, "a");
  const int32_t b_offsets[] = {0, 1, 2, 3};
  const char b_data[] = "xyz";
  Node b("u", 2, 1, {nullptr, b_offsets, b_data}, {}, "b");  // b's rows: "y", "z"
  const uint8_t valid[] = {0x02};  // only row 1 is valid
  Node s("+s", 2, 0, {valid}, {&a, &b});
  EXPECT_EQ(s.Json(0), "null");
  EXPECT_EQ(s.Json(1), "{\"a\": 6, \"b\": \"z\"}");
  // Row 0 of a struct sliced at 1 is row 1 of each child (after the child's own offset).
  Node sliced("+s", 1, 1, {nullptr}, {&a, &b});
  EXPECT_EQ(sliced.Json(0), "{\"a\": 6, \"b\": \"z\"}");
}

TEST(ArrowValueBytes, CountsValueBuffersNotValidity) {
  const int32_t values[] = {1, 2, 3};
  const uint8_t valid[] = {0x05};
  Node ints("i", 3, 0, {valid, values});
  EXPECT_EQ(ArrowValueBytes(ints.schema, ints.array), 12u);
  const int32_t string_offsets[] = {0, 1, 3, 6};
  const char data[] = "abbccc";
  Node strings("u", 3, 0, {nullptr, string_offsets, data});
  EXPECT_EQ(ArrowValueBytes(strings.schema, strings.array), 16u + 6u);
  const double items[] = {1, 2, 3};
  Node child("g", 3, 0, {nullptr, items});
  const int32_t list_offsets[] = {0, 1, 3};
  Node list("+l", 2, 0, {nullptr, list_offsets}, {&child});
  EXPECT_EQ(ArrowValueBytes(list.schema, list.array), 12u + 24u);
  const uint8_t bits[] = {0xff, 0x01};
  Node bools("b", 9, 0, {nullptr, bits});
  EXPECT_EQ(ArrowValueBytes(bools.schema, bools.array), 2u);
}

}  // namespace
}  // namespace arrowroot::cli
