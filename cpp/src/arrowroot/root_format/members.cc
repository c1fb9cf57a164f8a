// How TStreamerInfo::ReadBuffer (ROOT io/io/src/TStreamerInfoReadBuffer.cxx) streams each kind
// of element, as far as a reader of TTree metadata meets them; uproot follows the same table in
// streamers.py (Model_TStreamerBasicType/BasicPointer/String/Object*/STL .class_code) and
// deserialization.py. Type codes: TVirtualStreamerInfo.h EReadWrite (model.h StreamerType).
#include "arrowroot/root_format/members.h"

#include <algorithm>
#include <cmath>

namespace arrowroot::root_format {

namespace {

constexpr int kMaxBaseDepth = 32;

/// Bytes of one basic value of type code `t` (1–19), 0 if this reader cannot read it.
size_t BasicSize(int32_t t) {
  switch (t) {
    case kChar: case kUChar: case kBool: return 1;
    case kShort: case kUShort: return 2;
    case kInt: case kUInt: case kCounter: case kBits: case kFloat: return 4;
    // Long_t is written as 8 bytes whatever the writer's long (TBufferFile::WriteLong).
    case kLong: case kULong: case kLong64: case kULong64: case kDouble: return 8;
    // Double32_t without a range in its comment is written as a float (TBufferFile::
    // WriteDouble32); with one it is packed in fewer bits. Metadata classes have no such
    // members, so only the plain form is read (the caller checks the comment).
    case kDouble32: return 4;
    default: return 0;  // kCharStar, kLegacyChar, kFloat16: not read as a fixed-size value
  }
}

bool IsFloat(int32_t t) { return t == kFloat || t == kDouble || t == kDouble32; }

/// One basic value; integers as int64 (unsigned 64-bit values wrap, which no metadata
/// member holds), floating values as double.
void ReadBasic(Cursor& c, int32_t t, int64_t* i, double* d) {
  switch (t) {
    case kChar: *i = c.I8(); break;
    case kUChar: *i = c.U8(); break;
    case kBool: *i = c.U8() != 0; break;
    case kShort: *i = c.I16(); break;
    case kUShort: *i = c.U16(); break;
    case kInt: case kCounter: *i = c.I32(); break;
    case kUInt: *i = c.U32(); break;
    case kBits: {
      uint32_t bits = c.U32();
      *i = bits;
      // TObject::fBits streamed by its info: a referenced object has its pid after it
      // (TStreamerInfoReadBuffer.cxx, case kBits).
      if (bits & kIsReferenced) c.Skip(kProcessIdBytes);
      break;
    }
    case kLong: case kLong64: *i = c.I64(); break;
    case kULong: case kULong64: *i = static_cast<int64_t>(c.U64()); break;
    case kFloat: case kDouble32: *d = c.F32(); break;
    case kDouble: *d = c.F64(); break;
    default: break;
  }
}

/// A Double32_t/Float16_t whose comment gives a range ("[0, 1, 12]") is packed; the plain one
/// is a float. The comment is the element's title (TStreamerElement::GetRange).
bool HasPackedRange(const StreamerElement& e) {
  size_t first = e.title.find('[');
  if (first == std::string::npos) return false;
  if (e.type > kOffsetP) {  // "[fN][lo,hi]": the first bracket is the counter
    return e.title.find('[', first + 1) != std::string::npos;
  }
  return true;
}

std::string MemberName(const StreamerInfo& info, const StreamerElement& e) {
  return info.class_name + "::" + e.name;
}

Status Unreadable(const StreamerInfo& info, const StreamerElement& e, const std::string& why) {
  return Status::Unsupported("member " + MemberName(info, e) + " (" + e.type_name +
                             ", type code " + std::to_string(e.type) + ") of " +
                             info.class_name + " version " + std::to_string(info.class_version) +
                             ": " + why);
}

/// An embedded object or base this reader does not need: skipped by its byte count; one
/// without a byte count is read by its own streamer info, if the file has it.
void SkipVersioned(Cursor& c, const std::string& class_name, const StreamerInfo& info,
                   const StreamerElement& e, const StreamerInfoLookup& streamers,
                   MemberHooks& hooks, int depth) {
  VersionHeader h = c.ReadVersion();
  if (!c.ok()) return;
  if (h.has_byte_count) {
    c.SkipToEnd(h);
    return;
  }
  const StreamerInfo* sub = streamers ? streamers(class_name, h.version) : nullptr;
  if (sub == nullptr) {
    c.Fail(Unreadable(info, e, class_name + " version " + std::to_string(h.version) +
                                   " has no byte count to skip it by and no streamer info"));
    return;
  }
  MemberValues ignored;
  ReadMembers(c, *sub, streamers, hooks, {}, &ignored, depth + 1);
}

/// `n` values of basic type `t` (checked to fit by the caller); integers are kept by name.
void ReadBasicArray(Cursor& c, int32_t t, int64_t n, const std::string& name, MemberValues* out) {
  std::vector<int64_t> ints;
  if (!IsFloat(t)) ints.reserve(static_cast<size_t>(n));
  for (int64_t j = 0; j < n; ++j) {
    int64_t i = 0;
    double d = 0;
    ReadBasic(c, t, &i, &d);
    if (!IsFloat(t)) ints.push_back(i);
  }
  if (!IsFloat(t)) out->int_arrays[name] = std::move(ints);
}

}  // namespace

std::optional<int64_t> MemberValues::Int(const std::string& name) const {
  if (auto it = ints.find(name); it != ints.end()) return it->second;
  if (auto it = floats.find(name); it != floats.end()) {
    double d = it->second;
    // ±2^63 is out of int64's range; whole numbers only (a count, a byte offset).
    if (!std::isfinite(d) || d != std::floor(d) || d < -9.2e18 || d > 9.2e18) return std::nullopt;
    return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

bool MemberValues::Has(const std::string& name) const {
  return ints.count(name) || floats.count(name) || strings.count(name) || int_arrays.count(name);
}

void ReadMembers(Cursor& c, const StreamerInfo& info, const StreamerInfoLookup& streamers,
                 MemberHooks& hooks, const std::vector<std::string>& wanted, MemberValues* out,
                 int depth) {
  if (depth > kMaxBaseDepth) {
    c.Fail(Status::Corruption("streamer info of " + info.class_name + " nests base classes " +
                              "deeper than " + std::to_string(kMaxBaseDepth) + " (a cycle?)"));
    return;
  }
  // Read up to the last wanted member or base class (bases hold wanted members too); all of
  // them when nothing is named.
  size_t stop = info.elements.size();
  if (!wanted.empty()) {
    stop = 0;
    for (size_t k = 0; k < info.elements.size(); ++k) {
      const StreamerElement& e = info.elements[k];
      if (e.element_class == "TStreamerBase") stop = k + 1;
      for (const auto& w : wanted) {
        if (e.name == w) stop = k + 1;
      }
    }
  }
  for (size_t k = 0; k < stop && c.ok(); ++k) {
    const StreamerElement& e = info.elements[k];
    c.SetWhat(e.name.c_str());
    const int32_t t = e.type;
    if (e.element_class == "TStreamerBase") {
      if (hooks.ReadBase(c, e)) continue;
      if (e.name == "TObject") {
        c.SkipTObject();
      } else if (e.name == "TNamed") {
        VersionHeader h = c.ReadVersion();
        c.SkipTObject();
        out->strings["fName"] = c.TString();
        out->strings["fTitle"] = c.TString();
        c.SkipToEnd(h);
      } else {
        SkipVersioned(c, e.name, info, e, streamers, hooks, depth);
      }
      continue;
    }
    if (e.element_class == "TStreamerArtificial") continue;  // never written (rules' targets)
    if (t >= kChar && t <= kFloat16 && t != kCharStar && t != kLegacyChar) {
      if ((t == kDouble32 || t == kFloat16) && (t == kFloat16 || HasPackedRange(e))) {
        c.Fail(Unreadable(info, e, "packed floating-point members are not read in metadata"));
        return;
      }
      int64_t i = 0;
      double d = 0;
      ReadBasic(c, t, &i, &d);
      if (IsFloat(t)) {
        out->floats[e.name] = d;
      } else {
        out->ints[e.name] = i;
      }
    } else if (t == kCharStar) {
      // TBufferFile::ReadCharStar: i32 length, then the characters.
      int32_t n = c.I32();
      if (n > 0) {
        ByteView b = c.Bytes(static_cast<size_t>(n));
        out->strings[e.name] = std::string(reinterpret_cast<const char*>(b.data()), b.size());
      }
    } else if (IsBasicArrayType(t)) {
      // A fixed-size array: fArrayLength values, back to back.
      const int32_t bt = t - kOffsetL;
      const size_t size = BasicSize(bt);
      if (size == 0 || ((bt == kDouble32) && HasPackedRange(e))) {
        c.Fail(Unreadable(info, e, "arrays of this type are not read in metadata"));
        return;
      }
      const int64_t n = std::max<int32_t>(e.array_length, 0);
      if (static_cast<uint64_t>(n) * size > c.remaining()) {
        c.Fail(Status::Corruption(MemberName(info, e) + ": an array of " + std::to_string(n) +
                                  " values does not fit in the " +
                                  std::to_string(c.remaining()) + " bytes left"));
        return;
      }
      ReadBasicArray(c, bt, n, e.name, out);
    } else if (IsBasicPointerType(t)) {
      // A pointer to an array sized by an earlier member (`int* fBasketBytes; //[fMaxBaskets]`,
      // TStreamerBasicPointer): a byte saying whether the array exists, then its values
      // (ReadBasicPointerElem in TStreamerInfoReadBuffer.cxx; uproot's "speedbump").
      const int32_t bt = t - kOffsetP;
      const size_t size = BasicSize(bt);
      if (size == 0 || ((bt == kDouble32) && HasPackedRange(e))) {
        c.Fail(Unreadable(info, e, "arrays of this type are not read in metadata"));
        return;
      }
      const bool is_array = c.U8() != 0;
      std::optional<int64_t> count = out->Int(e.count_name);
      if (!count) {
        c.Fail(Status::Corruption(MemberName(info, e) + " is counted by '" + e.count_name +
                                  "', which the streamer info does not list before it"));
        return;
      }
      // ROOT reads nothing for a count ≤ 0 (or no array).
      const int64_t n = is_array ? std::max<int64_t>(*count, 0) : 0;
      if (static_cast<uint64_t>(n) > c.remaining() / size) {
        c.Fail(Status::Corruption(MemberName(info, e) + ": " + e.count_name + " = " +
                                  std::to_string(n) + " values do not fit in the " +
                                  std::to_string(c.remaining()) + " bytes left"));
        return;
      }
      ReadBasicArray(c, bt, n, e.name, out);
    } else if (t == kTString) {
      out->strings[e.name] = c.TString();
    } else if (t == kTObject) {
      c.SkipTObject();
    } else if (t == kTNamed) {
      VersionHeader h = c.ReadVersion();
      c.SkipTObject();
      c.TString();
      c.TString();
      c.SkipToEnd(h);
    } else if (t == kObject || t == kAny || t == kObjectp || t == kAnyp || t == kObjectP ||
               t == kAnyP) {
      // `//->` members (kObjectp, kAnyp) are streamed in place like embedded ones
      // (TBufferFile::ReadFastArray with isPreAlloc); the others are pointers.
      const bool is_pointer = t == kObjectP || t == kAnyP;
      const int32_t n = std::max<int32_t>(e.array_length, 1);
      for (int32_t j = 0; j < n && c.ok(); ++j) hooks.ReadObject(c, e, is_pointer);
    } else if (t == kSTL || t == kSTLstring || t == kStreamer || t == kStreamLoop) {
      // Each starts with a version header and a byte count (TStreamerInfoReadBuffer.cxx
      // kSTL, kStreamer, kStreamLoop): skipped, no metadata reader needs their contents.
      VersionHeader h = c.ReadVersion();
      if (c.ok() && !h.has_byte_count) {
        c.Fail(Unreadable(info, e, "no byte count to skip it by"));
        return;
      }
      c.SkipToEnd(h);
    } else {
      c.Fail(Unreadable(info, e, "this kind of member is not read in metadata"));
      return;
    }
  }
  c.SetWhat(nullptr);
}

std::string MissingStreamerMessage(const std::string& class_name, int32_t version,
                                   const std::string& known_versions) {
  return class_name + " version " + std::to_string(version) + " (arrowroot reads " +
         known_versions + " itself, other versions by the file's streamer info, which has " +
         "no entry for this one); a copy written by ROOT (rootcp, TTree::CloneTree) has "
         "versions arrowroot reads";
}

}  // namespace arrowroot::root_format
