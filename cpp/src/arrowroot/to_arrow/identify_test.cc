// Identification tables: leaves, streamer type codes and C++ type names → wire primitive and
// Arrow type; titles → ranges and dimensions; type names → template kinds; branches → kind.
// Pure functions: no bytes are read. Also the entry-offset kernel (offsets.h).
#include "arrowroot/to_arrow/identify.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "arrowroot/to_arrow/offsets.h"

namespace arrowroot::to_arrow {
namespace {

using root_format::Branch;
using root_format::Leaf;

struct LeafCase {
  const char* leaf_class;
  bool is_unsigned;
  PrimKind kind;
  TypeId arrow;
  int wire_size;
  const char* cpp;
};

TEST(Identify, LeafClasses) {
  const LeafCase cases[] = {
      {"TLeafO", false, PrimKind::kBool, TypeId::kBool, 1, "Bool_t"},
      {"TLeafB", false, PrimKind::kI8, TypeId::kInt8, 1, "Char_t"},
      {"TLeafB", true, PrimKind::kU8, TypeId::kUInt8, 1, "UChar_t"},
      {"TLeafS", false, PrimKind::kI16, TypeId::kInt16, 2, "Short_t"},
      {"TLeafS", true, PrimKind::kU16, TypeId::kUInt16, 2, "UShort_t"},
      {"TLeafI", false, PrimKind::kI32, TypeId::kInt32, 4, "Int_t"},
      {"TLeafI", true, PrimKind::kU32, TypeId::kUInt32, 4, "UInt_t"},
      {"TLeafL", false, PrimKind::kI64, TypeId::kInt64, 8, "Long64_t"},
      {"TLeafL", true, PrimKind::kU64, TypeId::kUInt64, 8, "ULong64_t"},
      {"TLeafG", false, PrimKind::kI64, TypeId::kInt64, 8, "Long_t"},
      {"TLeafG", true, PrimKind::kU64, TypeId::kUInt64, 8, "ULong_t"},
      {"TLeafF", false, PrimKind::kF32, TypeId::kFloat32, 4, "Float_t"},
      {"TLeafD", false, PrimKind::kF64, TypeId::kFloat64, 8, "Double_t"},
      // No range in the title: Float16_t is 12-bit truncated, Double32_t a float on disk.
      {"TLeafF16", false, PrimKind::kFloat16Trunc, TypeId::kFloat32, 3, "Float16_t"},
      {"TLeafD32", false, PrimKind::kDouble32AsFloat, TypeId::kFloat64, 4, "Double32_t"},
  };
  for (const LeafCase& c : cases) {
    SCOPED_TRACE(std::string(c.leaf_class) + (c.is_unsigned ? " unsigned" : ""));
    Leaf leaf;
    leaf.class_name = c.leaf_class;
    leaf.is_unsigned = c.is_unsigned;
    leaf.title = "x";
    auto p = PrimFromLeaf(leaf);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_EQ(p->kind, c.kind);
    EXPECT_EQ(p->OutputType(), c.arrow);
    EXPECT_EQ(p->WireSize(), c.wire_size);
    EXPECT_EQ(LeafCppType(leaf), c.cpp);
  }
  Leaf other;
  other.class_name = "TLeafX";
  EXPECT_EQ(PrimFromLeaf(other).status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(LeafCppType(other), "TLeafX");
}

TEST(Identify, StreamerTypeCodes) {
  const struct {
    int code;
    PrimKind kind;
  } cases[] = {
      {root_format::kBool, PrimKind::kBool},     {root_format::kChar, PrimKind::kI8},
      {root_format::kUChar, PrimKind::kU8},      {root_format::kShort, PrimKind::kI16},
      {root_format::kUShort, PrimKind::kU16},    {root_format::kInt, PrimKind::kI32},
      {root_format::kUInt, PrimKind::kU32},      {root_format::kCounter, PrimKind::kU32},
      {root_format::kBits, PrimKind::kBits},     {root_format::kLong, PrimKind::kI64},
      {root_format::kLong64, PrimKind::kI64},    {root_format::kULong, PrimKind::kU64},
      {root_format::kULong64, PrimKind::kU64},   {root_format::kFloat, PrimKind::kF32},
      {root_format::kDouble, PrimKind::kF64},    {root_format::kDouble32, PrimKind::kDouble32AsFloat},
      {root_format::kFloat16, PrimKind::kFloat16Trunc},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.code);
    auto p = PrimFromStreamerType(c.code, "");
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_EQ(p->kind, c.kind);
  }
  for (int code : {0, int{root_format::kCharStar}, int{root_format::kLegacyChar}, 20, 61}) {
    EXPECT_FALSE(PrimFromStreamerType(code, "").ok()) << code;
  }
}

TEST(Identify, PackedFloatRanges) {
  const struct {
    bool float16;
    const char* title;
    PrimKind kind;
    double low, high;
    int bits;
  } cases[] = {
      {false, "x", PrimKind::kDouble32AsFloat, 0, 0, 0},
      {false, "x[0,1]", PrimKind::kDouble32, 0, 1, 32},
      {false, "x[-1, 1, 12]", PrimKind::kDouble32, -1, 1, 12},
      {false, "x[0, 0, 10]", PrimKind::kDouble32Trunc, 0, 0, 10},
      {false, "x[0, 1, 40]", PrimKind::kDouble32, 0, 1, 32},  // bits out of 2..32: 32
      {false, "phi[-pi, pi, 16]", PrimKind::kDouble32, -3.141592653589793, 3.141592653589793, 16},
      {false, "a[0, 2*pi/4]", PrimKind::kDouble32, 0, 2 * 3.141592653589793 / 4, 32},
      {true, "x", PrimKind::kFloat16Trunc, 0, 0, 12},
      {true, "x[0, 10, 8]", PrimKind::kFloat16, 0, 10, 8},
      {true, "x[0, 0]", PrimKind::kFloat16Trunc, 0, 0, 32},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.title);
    Prim p = PackedFloat(c.float16, c.title);
    EXPECT_EQ(p.kind, c.kind);
    EXPECT_DOUBLE_EQ(p.low, c.low);
    EXPECT_DOUBLE_EQ(p.high, c.high);
    EXPECT_EQ(p.num_bits, c.bits);
  }
}

TEST(Identify, TypeNames) {
  const struct {
    const char* name;
    bool prim;
    PrimKind kind;
  } cases[] = {
      {"bool", true, PrimKind::kBool},          {"Char_t", true, PrimKind::kI8},
      {"unsigned char", true, PrimKind::kU8},   {"short", true, PrimKind::kI16},
      {"UShort_t", true, PrimKind::kU16},       {"int", true, PrimKind::kI32},
      {"unsigned", true, PrimKind::kU32},       {"Long64_t", true, PrimKind::kI64},
      {"unsigned long long", true, PrimKind::kU64},
      {"float", true, PrimKind::kF32},          {"Double_t", true, PrimKind::kF64},
      {"Double32_t", true, PrimKind::kDouble32AsFloat},
      {"Float16_t", true, PrimKind::kFloat16Trunc},
      {"string", false, PrimKind::kI32},        {"TString", false, PrimKind::kI32},
      {"vector<int>", false, PrimKind::kI32},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto p = PrimFromTypeName(c.name);
    EXPECT_EQ(p.has_value(), c.prim);
    if (p && c.prim) {
      EXPECT_EQ(p->kind, c.kind);
    }
  }
}

TEST(Identify, TemplateNames) {
  EXPECT_EQ(NormalizeTypeName(" vector < vector < float > > "), "vector<vector<float>>");
  EXPECT_EQ(NormalizeTypeName("map<unsigned int, std::string>"), "map<unsigned int,std::string>");
  EXPECT_EQ(StripPointer("const TObject* "), "TObject");
  std::string tmpl, arg;
  ASSERT_TRUE(SplitTemplate("map<int,vector<float>>", &tmpl, &arg));
  EXPECT_EQ(tmpl, "map");
  EXPECT_EQ(arg, "int,vector<float>");
  EXPECT_EQ(SplitTemplateArgs(arg), (std::vector<std::string>{"int", "vector<float>"}));
  EXPECT_FALSE(SplitTemplate("TLorentzVector", &tmpl, &arg));
  const struct {
    const char* tmpl;
    TemplateKind kind;
  } cases[] = {
      {"vector", TemplateKind::kSequence},      {"std::set", TemplateKind::kSequence},
      {"list", TemplateKind::kSequence},        {"std::deque", TemplateKind::kSequence},
      {"unordered_set", TemplateKind::kSequence}, {"multiset", TemplateKind::kSequence},
      {"ROOT::VecOps::RVec", TemplateKind::kSequence},
      {"map", TemplateKind::kMap},              {"std::unordered_map", TemplateKind::kMap},
      {"multimap", TemplateKind::kMap},         {"std::bitset", TemplateKind::kBitset},
      {"pair", TemplateKind::kPair},            {"ElementLink", TemplateKind::kClass},
      {"TMatrixTSym", TemplateKind::kClass},
  };
  for (const auto& c : cases) EXPECT_EQ(ClassifyTemplate(c.tmpl), c.kind) << c.tmpl;
}

TEST(Identify, LeafTitleDims) {
  const struct {
    const char* title;
    const char* counter;
    std::vector<int32_t> dims;
  } cases[] = {
      {"x", "", {}},
      {"x[3]", "", {3}},
      {"x[n]", "n", {}},
      {"x[n][3][2]", "n", {3, 2}},
      {"x[2][n]", "", {}},              // a counter only first
      {"d[-2.71,10,30]", "", {}},       // a Double32 range, not a shape
      {"x[99999999999]", "", {}},       // more than an int32 fLen
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.title);
    std::string counter;
    std::vector<int32_t> dims;
    ParseDims(c.title, &counter, &dims);
    EXPECT_EQ(counter, c.counter);
    EXPECT_EQ(dims, c.dims);
  }
}

/// A one-leaf branch: leaf class `leaf_class`, optionally counted by another leaf.
struct OneLeaf {
  Leaf leaf, counter;
  Branch branch;
  OneLeaf(const char* branch_class, const char* leaf_class, int element_type = -1) {
    leaf.class_name = leaf_class;
    leaf.title = "x";
    leaf.element_type = element_type;
    branch.class_name = branch_class;
    branch.name = branch.path = "x";
    branch.leaves.push_back(&leaf);
  }
};

TEST(Identify, BranchKinds) {
  const struct {
    const char* branch_class;
    const char* leaf_class;
    int element_type;
    BranchKind kind;
    const char* cpp;
  } cases[] = {
      {"TBranch", "TLeafF", -1, BranchKind::kNumericLeaf, "Float_t"},
      {"TBranch", "TLeafC", -1, BranchKind::kString, "char*"},
      {"TBranchObject", "TLeafObject", -1, BranchKind::kObject, ""},
      {"TBranchElement", "TLeafElement", root_format::kInt, BranchKind::kNumericLeaf, "type 3"},
      {"TBranchElement", "TLeafElement", root_format::kOffsetL + root_format::kDouble,
       BranchKind::kNumericLeaf, "type 8"},
      {"TBranchElement", "TLeafElement", root_format::kOffsetP + root_format::kFloat,
       BranchKind::kVarArray, "?[?]"},
      {"TBranchElement", "TLeafElement", root_format::kCharStar, BranchKind::kObject, ""},
      {"TBranchElement", "TLeafElement", root_format::kSTL, BranchKind::kObject, ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.branch_class) + " " + c.leaf_class + " " +
                 std::to_string(c.element_type));
    OneLeaf b(c.branch_class, c.leaf_class, c.element_type);
    auto id = IdentifyBranch(b.branch, nullptr);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    EXPECT_EQ(id->kind, c.kind);
    EXPECT_EQ(id->cpp_type, c.cpp);
  }

  OneLeaf unknown("TBranch", "TLeafX");
  auto bad = IdentifyBranch(unknown.branch, nullptr);
  EXPECT_EQ(bad.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(bad.status().message().find("branch 'x' of C++ type 'TLeafX' cannot be read yet"),
            std::string::npos)
      << bad.status().ToString();

  OneLeaf tstring("TBranchElement", "TLeafElement", root_format::kTString);
  tstring.branch.streamer_type = root_format::kTString;
  auto s = IdentifyBranch(tstring.branch, nullptr);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->kind, BranchKind::kString);
  EXPECT_EQ(s->cpp_type, "TString");

  Leaf x, y;
  x.class_name = "TLeafD";
  y.class_name = "TLeafI";
  Branch list;
  list.leaves = {&x, &y};
  EXPECT_EQ(IdentifyBranch(list, nullptr)->kind, BranchKind::kLeafList);

  Branch parent, child;
  parent.branches = {&child};
  EXPECT_EQ(IdentifyBranch(parent, nullptr)->kind, BranchKind::kGroup);
  parent.element_class_name = "TClonesArray";
  EXPECT_EQ(IdentifyBranch(parent, nullptr)->kind, BranchKind::kClonesCount);
}

TEST(ItemOffsets, FromEntryEnds) {
  const int32_t ends[] = {108, 108, 120, 124};
  int32_t dst[4];
  ASSERT_TRUE(ItemOffsetsFromEntryEnds(ends, 4, 100, 2, 10, dst));
  EXPECT_EQ(std::vector<int32_t>(dst, dst + 4), (std::vector<int32_t>{12, 12, 15, 16}));
  const int32_t ragged[] = {104, 107};
  EXPECT_FALSE(ItemOffsetsFromEntryEnds(ragged, 2, 100, 2, 0, dst));
}

}  // namespace
}  // namespace arrowroot::to_arrow
