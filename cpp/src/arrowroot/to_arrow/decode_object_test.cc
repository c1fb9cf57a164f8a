// Object branches end to end at the byte level: PlanColumn on a branch and its streamer infos,
// then DecodeBasket on entries written as ROOT writes them (TStreamerInfo::WriteBufferAux,
// TBufferFile::WriteVersion, the custom Streamers of TDatime, TRef and TRefArray). Each case is
// one rule of docs/format/README.md ("Objects in branches"); the real files that show them are
// compared with uproot by tests/test_uproot_oracle*.py.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "arrowroot/root_format/basket.h"
#include "arrowroot/root_format/model.h"
#include "arrowroot/to_arrow/column_plan.h"
#include "arrowroot/to_arrow/decode.h"

namespace arrowroot::to_arrow {
namespace {

using root_format::Basket;
using root_format::Branch;
using root_format::StreamerElement;
using root_format::StreamerInfo;

// --- writing entries -------------------------------------------------------------------------

struct Writer {
  Bytes bytes;
  void U8(uint8_t v) { bytes.push_back(static_cast<std::byte>(v)); }
  void U16(uint16_t v) { U8(static_cast<uint8_t>(v >> 8)), U8(static_cast<uint8_t>(v)); }
  void U32(uint32_t v) {
    for (int k = 0; k < 4; ++k) U8(static_cast<uint8_t>(v >> (24 - 8 * k)));
  }
  void F32(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    U32(u);
  }
  /// `[bytecount|0x40000000][u16 version]` (+ the checksum after version 0) around `body`.
  template <typename F>
  void Object(uint16_t version, F body, uint32_t checksum = 0) {
    const size_t at = bytes.size();
    U32(0);
    U16(version);
    if (version == 0) U32(checksum);
    body();
    const uint32_t count = static_cast<uint32_t>(bytes.size() - at - 4) | 0x40000000u;
    for (int k = 0; k < 4; ++k) bytes[at + k] = static_cast<std::byte>(count >> (24 - 8 * k));
  }
  void String(const std::string& s) {
    U8(static_cast<uint8_t>(s.size()));
    for (char c : s) U8(static_cast<uint8_t>(c));
  }
};

/// A basket of the given entries, with its entry-offset table.
Basket BasketOf(const std::vector<Bytes>& entries) {
  Basket b;
  b.entry_offsets.push_back(0);
  for (const Bytes& e : entries) {
    b.storage.insert(b.storage.end(), e.begin(), e.end());
    b.entry_offsets.push_back(static_cast<int32_t>(b.storage.size()));
  }
  b.data = ByteView(b.storage);
  b.num_entries = static_cast<int64_t>(entries.size());
  return b;
}

// --- values as text --------------------------------------------------------------------------

template <typename T>
T At(const Buffer& b, int64_t i) {
  T v;
  std::memcpy(&v, b.data() + static_cast<size_t>(i) * sizeof(T), sizeof(T));
  return v;
}

std::string Show(const ArrayData& a, int64_t i) {
  if (a.null_count > 0 && !((a.validity[static_cast<size_t>(i) >> 3] >> (i & 7)) & 1)) return "null";
  const DataType& t = *a.type;
  switch (t.id) {
    case TypeId::kInt32: return std::to_string(At<int32_t>(a.buffers[0], i));
    case TypeId::kUInt32: return std::to_string(At<uint32_t>(a.buffers[0], i));
    case TypeId::kFloat32: return std::to_string(At<float>(a.buffers[0], i)).substr(0, 4);
    case TypeId::kBool:
      return (a.buffers[0][static_cast<size_t>(i >> 3)] >> (i & 7)) & 1 ? "true" : "false";
    case TypeId::kUtf8: {
      int32_t b = At<int32_t>(a.buffers[0], i), e = At<int32_t>(a.buffers[0], i + 1);
      return "\"" + std::string(reinterpret_cast<const char*>(a.buffers[1].data()) + b,
                                static_cast<size_t>(e - b)) + "\"";
    }
    case TypeId::kList: {
      std::string s = "[";
      for (int32_t k = At<int32_t>(a.buffers[0], i); k < At<int32_t>(a.buffers[0], i + 1); ++k) {
        s += (s.size() > 1 ? "," : "") + Show(*a.children[0], k);
      }
      return s + "]";
    }
    case TypeId::kStruct: {
      std::string s = "{";
      for (size_t f = 0; f < t.children.size(); ++f) {
        s += (f ? "," : "") + t.children[f].name + ":" + Show(*a.children[f], i);
      }
      return s + "}";
    }
    default: return "?";
  }
}

/// Plan `branch` with `infos` and decode `entries` into `out` (made for the plan's type).
Status DecodeInto(const Branch& branch, const std::vector<StreamerInfo>& infos,
                  const std::vector<Bytes>& entries, std::unique_ptr<ArrayBuilder>* out) {
  StreamerLookup lookup = [&](const std::string& name) -> const StreamerInfo* {
    for (const StreamerInfo& i : infos) {
      if (i.class_name == name) return &i;
    }
    return nullptr;
  };
  auto plan = PlanColumn(branch, lookup);
  if (!plan.ok()) return plan.status();
  Basket basket = BasketOf(entries);
  *out = std::make_unique<ArrayBuilder>(plan->type);
  return DecodeBasket(*plan, basket, 0, basket.num_entries, {}, **out);
}

/// Plan `branch` with `infos`, decode `entries`, and show each entry.
std::vector<std::string> Decode(const Branch& branch, const std::vector<StreamerInfo>& infos,
                                const std::vector<Bytes>& entries) {
  std::unique_ptr<ArrayBuilder> builder;
  Status st = DecodeInto(branch, infos, entries, &builder);
  EXPECT_TRUE(st.ok()) << st.ToString();
  if (!st.ok()) return {};
  ArrayBuilder& out = *builder;
  auto data = out.Finish();
  std::vector<std::string> shown;
  for (int64_t i = 0; i < (*data)->length; ++i) shown.push_back(Show(**data, i));
  return shown;
}

// --- classes and branches --------------------------------------------------------------------

StreamerElement Basic(const std::string& name, int32_t type, const std::string& type_name) {
  StreamerElement e;
  e.element_class = "TStreamerBasicType";
  e.name = name;
  e.type = type;
  e.type_name = type_name;
  return e;
}
StreamerElement Member(const std::string& name, int32_t type, const std::string& type_name,
                       const std::string& element_class) {
  StreamerElement e = Basic(name, type, type_name);
  e.element_class = element_class;
  return e;
}
StreamerElement BaseOf(const std::string& cls) {
  StreamerElement e = Basic(cls, root_format::kBase, "BASE");
  e.element_class = "TStreamerBase";
  return e;
}
StreamerInfo Class(const std::string& name, std::vector<StreamerElement> elements) {
  StreamerInfo i;
  i.class_name = name;
  i.class_version = 1;
  i.elements = std::move(elements);
  return i;
}

/// A top-level TBranchElement holding a whole `cls` (fID -1) of branch type `type`.
Branch WholeObject(const std::string& cls, int32_t type) {
  Branch b;
  b.class_name = "TBranchElement";
  b.name = b.path = "obj";
  b.element_class_name = cls;
  b.id = -1;
  b.type = type;
  return b;
}

/// The branch of member `id` of the objects of a split collection of `cls` (fType 31/41).
Branch CollectionMember(const std::string& cls, int32_t id, int32_t type, const Branch* parent) {
  Branch b;
  b.class_name = "TBranchElement";
  b.name = "m";
  b.path = "c/m";
  b.element_class_name = cls;
  b.id = id;
  b.type = type;
  b.parent = parent;
  return b;
}

const StreamerInfo kPoint = Class("Point", {Basic("a", root_format::kInt, "int"),
                                            Basic("b", root_format::kFloat, "float")});

TEST(DecodeObject, AWholeObjectOfFType0HasNoClassHeader) {
  // TBranchElement::FillLeaves → WriteBufferAux from element -1: the members alone.
  Writer w;
  w.U32(7);
  w.F32(1.5f);
  EXPECT_EQ(Decode(WholeObject("Point", 0), {kPoint}, {w.bytes}),
            (std::vector<std::string>{"{a:7,b:1.50}"}));
}

TEST(DecodeObject, AWholeObjectWithACustomStreamerKeepsWriteClassBuffersHeader) {
  Writer w;  // fType -1: the class's Streamer, here WriteClassBuffer: header and members
  w.Object(1, [&] {
    w.U32(7);
    w.F32(1.5f);
  });
  EXPECT_EQ(Decode(WholeObject("Point", -1), {kPoint}, {w.bytes}),
            (std::vector<std::string>{"{a:7,b:1.50}"}));
}

TEST(DecodeObject, VersionZeroIsFollowedByTheClassChecksum) {
  // A class without ClassDef in a vector: each item `[bytecount][0][checksum]` + members.
  Writer w;
  w.Object(9, [&] {
    w.U32(2);
    for (uint32_t k : {1u, 2u}) {
      w.Object(0, [&] {
        w.U32(k);
        w.F32(0.5f);
      }, 0xDEADBEEF);
    }
  });
  EXPECT_EQ(Decode(WholeObject("vector<Point>", 0), {kPoint}, {w.bytes}),
            (std::vector<std::string>{"[{a:1,b:0.50},{a:2,b:0.50}]"}));
}

TEST(DecodeObject, AMemberwiseVectorIsColumnsWithBaseMembersInline) {
  // vector<Derived> streamed member-wise: [bytecount][0x4000|9], the value class's version
  // (0 + checksum), n, then each member of all n objects; Base's members are columns too.
  const StreamerInfo base = Class("Base", {Basic("k", root_format::kUInt, "unsigned int")});
  const StreamerInfo derived = Class("Derived", {BaseOf("Base"), Basic("j", root_format::kInt, "int")});
  Writer w;
  w.Object(0x4009, [&] {
    w.U16(0);
    w.U32(0x12345678);
    w.U32(2);
    w.U32(10), w.U32(11);  // k, k
    w.U32(20), w.U32(21);  // j, j
  });
  Writer empty;  // an empty collection: nothing after n
  empty.Object(0x4009, [&] {
    empty.U16(0);
    empty.U32(0x12345678);
    empty.U32(0);
  });
  EXPECT_EQ(Decode(WholeObject("vector<Derived>", 0), {base, derived}, {w.bytes, empty.bytes}),
            (std::vector<std::string>{"[{k:10,j:20},{k:11,j:21}]", "[]"}));
}

TEST(DecodeObject, SplitCollectionMembersReadToTheEntrysEnd) {
  // A vector<int> member of the objects of a split collection (fType 41): one header for the
  // entry, then each object's vector without one; an empty collection writes nothing.
  const StreamerInfo trk =
      Class("Trk", {Member("stages", root_format::kSTL, "vector<int>", "TStreamerSTL")});
  Branch parent;
  Writer w;
  w.Object(9, [&] {
    w.U32(2), w.U32(1), w.U32(3);  // [1, 3]
    w.U32(0);                      // []
  });
  EXPECT_EQ(Decode(CollectionMember("Trk", 0, 41, &parent), {trk}, {w.bytes, Bytes{}}),
            (std::vector<std::string>{"[[1,3],[]]", "[]"}));
}

TEST(DecodeObject, MemberwiseCollectionsOfTheObjectsOfASplitCollection) {
  // vector<Point> member of a split collection's objects, streamed member-wise (ATLAS
  // TriggerInfo_p2's m_streamTags): one header with 0x4000, Point's version once, then per
  // object the collection's size and its columns.
  const StreamerInfo trk =
      Class("Trk", {Member("pts", root_format::kSTL, "vector<Point>", "TStreamerSTL")});
  Branch parent;
  Writer w;
  w.Object(0x4009, [&] {
    w.U16(1);                          // Point version 1
    w.U32(2), w.U32(1), w.U32(2);      // object 0: a = 1, 2
    w.F32(0.5f), w.F32(1.5f);          //           b
    w.U32(0);                          // object 1: none
  });
  EXPECT_EQ(Decode(CollectionMember("Trk", 0, 41, &parent), {trk, kPoint}, {w.bytes}),
            (std::vector<std::string>{"[[{a:1,b:0.50},{a:2,b:1.50}],[]]"}));
}

TEST(DecodeObject, ObjectMembersOfASplitCollectionCarryAHeaderEach) {
  const StreamerInfo jet = Class("Jet", {Member("p", root_format::kObject, "Point", "TStreamerObject")});
  Branch parent;
  Writer w;
  for (uint32_t k : {4u, 5u}) {
    w.Object(1, [&] {
      w.U32(k);
      w.F32(2.0f);
    });
  }
  EXPECT_EQ(Decode(CollectionMember("Jet", 0, 31, &parent), {jet, kPoint}, {w.bytes}),
            (std::vector<std::string>{"[{a:4,b:2.00},{a:5,b:2.00}]"}));
}

TEST(DecodeObject, FBitsOfAReferencedObjectCarryItsProcessId) {
  // kBits: u32, and a u16 process id when bit 4 (kIsReferenced) is set: 6 or 4 bytes.
  const StreamerInfo tobject = Class("TObject", {Basic("fBits", root_format::kBits, "unsigned int")});
  Branch parent;
  Writer w;
  w.U32(0x03000010), w.U16(0);
  w.U32(0x03000000);
  w.U32(0x03000010), w.U16(7);
  EXPECT_EQ(Decode(CollectionMember("TObject", 0, 31, &parent), {tobject}, {w.bytes}),
            (std::vector<std::string>{"[50331664,50331648,50331664]"}));
}

TEST(DecodeObject, AMemberHidingItsBasesMemberTakesItsField) {
  // zCluster::Primary hides zHit::Primary: one field, the derived class's value.
  const StreamerInfo hit = Class("Hit", {Basic("Primary", root_format::kInt, "int"),
                                         Basic("Bin", root_format::kInt, "int")});
  const StreamerInfo cluster = Class("Cluster", {BaseOf("Hit"), Basic("Primary", root_format::kInt, "int")});
  Writer w;
  w.Object(1, [&] { w.U32(1), w.U32(2); });  // the base: Primary 1, Bin 2
  w.U32(3);                                   // Cluster::Primary
  EXPECT_EQ(Decode(WholeObject("Cluster", 0), {hit, cluster}, {w.bytes}),
            (std::vector<std::string>{"{Primary:3,Bin:2}"}));
}

TEST(DecodeObject, TDatimeIsABareWordEvenWhenBit30IsSet) {
  // 2021-01-01: bit 30 set, which must not be taken for a byte count.
  Writer w;
  w.U32(0x68420000);
  EXPECT_EQ(Decode(WholeObject("TDatime", -1), {}, {w.bytes}),
            (std::vector<std::string>{"{fDatime:1749155840}"}));
}

TEST(DecodeObject, TRefAndTRefArrayAsUprootNamesThem) {
  const StreamerInfo track = Class("Track", {Member("ref", root_format::kObject, "TRef", "TStreamerObject"),
                                             Member("refs", root_format::kObject, "TRefArray", "TStreamerObject")});
  Branch parent;
  Writer tref;  // TRef::Streamer: version, uid (the referenced object's), bits, pid
  tref.U16(1), tref.U32(1317), tref.U32(0x03000000), tref.U16(0);
  Writer arr;  // TRefArray::Streamer: header, TObject, fName, n, fLowerBound, pid, n uids
  arr.Object(1, [&] {
    arr.U16(1), arr.U32(0), arr.U32(0x03000000);
    arr.String("");
    arr.U32(2), arr.U32(0), arr.U16(0);
    arr.U32(2223), arr.U32(2456);
  });
  EXPECT_EQ(Decode(CollectionMember("Track", 0, 31, &parent), {track}, {tref.bytes}),
            (std::vector<std::string>{"[{ref:1317}]"}));
  EXPECT_EQ(Decode(CollectionMember("Track", 1, 31, &parent), {track}, {arr.bytes}),
            (std::vector<std::string>{"[{fName:\"\",fSize:2,refs:[2223,2456]}]"}));
}

TEST(DecodeObject, ACountedArrayWithoutItsPresenceByteIsEmpty) {
  // `bool* x //[N]`: a byte says whether the array was written; 0 means no values follow,
  // whatever N says (a null pointer).
  StreamerElement slice = Basic("x", root_format::kOffsetP + root_format::kBool, "bool*");
  slice.element_class = "TStreamerBasicPointer";
  slice.count_name = "N";
  const StreamerInfo event = Class("Event", {Basic("N", root_format::kInt, "int"), slice});
  Writer with, without;
  with.U32(2), with.U8(1), with.U8(1), with.U8(0);
  without.U32(3), without.U8(0);
  EXPECT_EQ(Decode(WholeObject("Event", 0), {event}, {with.bytes, without.bytes}),
            (std::vector<std::string>{"{N:2,x:[true,false]}", "{N:3,x:[]}"}));
}

TEST(DecodeObject, PointersAreNullOrTheObjectNamedByClassOrTag) {
  // WriteObjectAny: 0 for null; [bytecount][0xFFFFFFFF]"Point\0" + the object; later in the
  // same entry [bytecount][0x80000000 | where that name's tag was + 2] + the object.
  const StreamerInfo holder =
      Class("Holder", {Member("p", root_format::kObjectP, "Point*", "TStreamerObjectPointer")});
  auto point = [](Writer& w, uint32_t a) {
    w.Object(1, [&] {
      w.U32(a);
      w.F32(0.25f);
    });
  };
  Writer null_entry, one;
  null_entry.U32(0);
  const size_t at = one.bytes.size();
  one.U32(0);  // byte count, patched below
  one.U32(0xFFFFFFFF);
  for (char c : std::string("Point")) one.U8(static_cast<uint8_t>(c));
  one.U8(0);
  point(one, 9);
  const uint32_t count = static_cast<uint32_t>(one.bytes.size() - at - 4) | 0x40000000u;
  for (int k = 0; k < 4; ++k) one.bytes[at + k] = static_cast<std::byte>(count >> (24 - 8 * k));
  EXPECT_EQ(Decode(WholeObject("Holder", 0), {holder, kPoint}, {null_entry.bytes, one.bytes}),
            (std::vector<std::string>{"{p:null}", "{p:{a:9,b:0.25}}"}));

  // vector<Point*>: the second pointer names the class by the first one's tag.
  Writer v;
  v.Object(9, [&] {
    v.U32(3);
    v.U32(0x40000000u | 24), v.U32(0xFFFFFFFF);  // tag at byte 14 of the entry: 14 + 2 = 16
    for (char c : std::string("Point")) v.U8(static_cast<uint8_t>(c));
    v.U8(0);
    point(v, 1);
    v.U32(0);                                        // null
    v.U32(0x40000000u | 18), v.U32(0x80000000u | 16);
    point(v, 2);
  });
  std::unique_ptr<ArrayBuilder> out;
  Status st = DecodeInto(WholeObject("vector<Point*>", 0), {kPoint}, {v.bytes}, &out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(out->type()->children[0].nullable);
  auto data = out->Finish();
  const ArrayData& items = *(*data)->children[0];
  EXPECT_EQ(items.length, 3);
  EXPECT_EQ(items.null_count, 1);
  EXPECT_EQ(static_cast<int>(items.validity[0]), 0b101);
  EXPECT_EQ(Show(**data, 0), "[{a:1,b:0.25},null,{a:2,b:0.25}]");
}

TEST(DecodeObject, APointerToAnotherClassOrAnEarlierObjectIsUnsupported) {
  const StreamerInfo holder =
      Class("Holder", {Member("p", root_format::kObjectP, "Point*", "TStreamerObjectPointer")});
  Writer other, shared;
  other.U32(0x40000000u | 10), other.U32(0xFFFFFFFF);
  for (char c : std::string("Other")) other.U8(static_cast<uint8_t>(c));
  other.U8(0);
  shared.U32(0x0000000A);  // a tag without the class bit: an object read before
  for (const Bytes& entry : {other.bytes, shared.bytes}) {
    std::unique_ptr<ArrayBuilder> out;
    EXPECT_EQ(DecodeInto(WholeObject("Holder", 0), {holder, kPoint}, {entry}, &out).code(),
              StatusCode::kUnsupported);
  }
}

TEST(DecodeObject, AMapStreamedPairByPairHasNoHeadersInside) {
  // map<string, vector<int>> not member-wise (xAOD aux containers): [header] n, then key and
  // value of each pair as items of a collection, without headers.
  Writer w;
  w.Object(9, [&] {
    w.U32(2);
    w.String("a"), w.U32(2), w.U32(1), w.U32(2);
    w.String("b"), w.U32(0);
  });
  std::unique_ptr<ArrayBuilder> out;
  Status st = DecodeInto(WholeObject("map<string,vector<int> >", 0), {}, {w.bytes}, &out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto data = out->Finish();
  const ArrayData& entries = *(*data)->children[0];
  EXPECT_EQ(entries.length, 2);
  EXPECT_EQ(Show(entries, 0), "{key:\"a\",value:[1,2]}");
  EXPECT_EQ(Show(entries, 1), "{key:\"b\",value:[]}");
}

TEST(DecodeObject, AnObjectOfAnotherVersionThanItsStreamerInfoIsUnsupported) {
  // The file describes Point version 1; an object written as version 2 would be misread.
  Writer w;
  w.Object(2, [&] {
    w.U32(7);
    w.F32(1.5f);
  });
  std::unique_ptr<ArrayBuilder> out;
  Status st = DecodeInto(WholeObject("Point", -1), {kPoint}, {w.bytes}, &out);
  EXPECT_EQ(st.code(), StatusCode::kUnsupported);
  EXPECT_NE(st.ToString().find("Point version 2"), std::string::npos) << st.ToString();
}

TEST(DecodeObject, AnObjectEndingBeforeItsByteCountIsCorruption) {
  Writer w;
  w.Object(1, [&] {
    w.U32(7);
    w.F32(1.5f);
    w.U32(0);  // 4 bytes the class does not have
  });
  std::unique_ptr<ArrayBuilder> out;
  Status st = DecodeInto(WholeObject("Point", -1), {kPoint}, {w.bytes}, &out);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.ToString().find("header says"), std::string::npos) << st.ToString();
}

}  // namespace
}  // namespace arrowroot::to_arrow
