// Reading an object member by member from the TStreamerInfo the file carries for its class
// version: what ROOT does for every class version it was not compiled with
// (TBufferFile::ReadClassBuffer → TStreamerInfo::ReadBuffer, io/io/src/TStreamerInfoReadBuffer.cxx)
// and what uproot does for versions it has no hand-written model of (model.py
// DispatchByVersion.new_class → streamers.py Model_TStreamerInfo.new_class, "read_members").
// arrowroot reads the TTree/TBranch/TLeaf versions it knows by hand (streamed_objects.cc); this
// is the path for the others (ROOT 3/4 files: TTree v5, TBranch v8, ...).
// Decoding only: bytes in, values out.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "arrowroot/root_format/cursor.h"
#include "arrowroot/root_format/model.h"

namespace arrowroot::root_format {

/// The streamer info of one version of a class, or nullptr if the file has none.
using StreamerInfoLookup =
    std::function<const StreamerInfo*(const std::string& class_name, int32_t class_version)>;

/// An object's member values as ReadMembers found them, by ROOT's member name ("fEntries").
/// Only what a reader of metadata needs is kept: numbers, strings, integer arrays; objects go
/// to the MemberHooks.
struct MemberValues {
  std::map<std::string, int64_t> ints;  ///< integer and bool members
  std::map<std::string, double> floats;
  std::map<std::string, std::string> strings;
  std::map<std::string, std::vector<int64_t>> int_arrays;

  /// An integer member, also from a floating-point one (ROOT 3/4 counted entries and bytes
  /// in doubles: TTree v5 fEntries, TBranch v8 fEntries); nullopt if absent or not a whole
  /// number in range.
  std::optional<int64_t> Int(const std::string& name) const;
  bool Has(const std::string& name) const;
};

/// What ReadMembers leaves to its caller: objects, and the bases the caller reads itself.
class MemberHooks {
 public:
  virtual ~MemberHooks() = default;
  /// A base class (a TStreamerBase element), its version header not yet read. Return false to
  /// let ReadMembers read it (TObject, TNamed) or skip it by its byte count.
  virtual bool ReadBase(Cursor& c, const StreamerElement& base) = 0;
  /// An object member: streamed in place (kObject, kAny, kObjectp, kAnyp; `is_pointer` false)
  /// or as a pointer (kObjectP, kAnyP: TBufferFile::ReadObjectAny). Must consume its bytes.
  virtual void ReadObject(Cursor& c, const StreamerElement& member, bool is_pointer) = 0;
};

/// Read the members of one object of `info`'s class and version; its version header has been
/// read already and `end` is where the object ends (its byte count; 0: unknown). Reading
/// stops once every member named in `wanted` has been read (the rest is left to the caller to
/// skip by byte count: members of classes nobody needs may be unreadable). Failures go to the
/// cursor: Unsupported for a member type this reader does not know, Corruption for bytes that
/// contradict the streamer info. `depth` counts nested base classes (a cycle of bases in a
/// corrupt streamer info must not overflow the stack).
void ReadMembers(Cursor& c, const StreamerInfo& info, const StreamerInfoLookup& streamers,
                 MemberHooks& hooks, const std::vector<std::string>& wanted, MemberValues* out,
                 int depth = 0);

/// "TBranch version 8" and what to do when the file carries no streamer info for it.
std::string MissingStreamerMessage(const std::string& class_name, int32_t version,
                                   const std::string& known_versions);

}  // namespace arrowroot::root_format
