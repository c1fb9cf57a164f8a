// ColumnPlan: how one branch's basket bytes become one Arrow column — chosen once from the
// branch metadata (and streamer infos for TBranchElement), then applied to every basket.
// Mirrors uproot's interpretation rules (uproot5 src/uproot/interpretation/identify.py).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "arrowroot/common/status.h"
#include "arrowroot/root_format/model.h"
#include "arrowroot/to_arrow/arrow_array.h"

namespace arrowroot::to_arrow {

/// Wire encodings of a single value.
enum class PrimKind {
  kBool, kI8, kU8, kI16, kU16, kI32, kU32, kI64, kU64, kF32, kF64,
  kFloat16,          ///< packed float → float32 (TLeafF16 / Float16_t)
  kDouble32,         ///< packed u32 in [low, high] → float64
  kDouble32Trunc,    ///< u8 exponent + u16 mantissa → float64 (range [0,0])
  kFloat16Trunc,     ///< same, → float32
  kDouble32AsFloat,  ///< Double32_t without range: float32 on disk → float64
  kBits,             ///< TObject::fBits: u32, + a u16 process id when bit 4 (kIsReferenced) is
                     ///< set (TStreamerInfo::WriteBufferAux, case kBits) → uint32; 4 or 6 bytes
};

struct Prim {
  PrimKind kind = PrimKind::kI32;
  double low = 0, high = 0;
  int num_bits = 0;
  /// Bytes on disk per value.
  int WireSize() const;
  TypeId OutputType() const;
  bool is_plain() const { return kind <= PrimKind::kF64; }
  /// Every value takes WireSize() bytes (all but kBits).
  bool is_fixed() const { return kind != PrimKind::kBits; }
};

/// A tree describing how one value is laid out on disk and which Arrow type it becomes.
struct Node {
  // "[header]" is `[u32 bytecount|kByteCountMask][u16 version]` (+ a u32 class checksum after
  // version 0), present when `header` is set. The byte layouts follow ROOT's
  // TStreamerInfo::WriteBufferAux and the classes' custom Streamers; docs/format/README.md
  // ("Objects in branches") has the rules and where they come from.
  enum class Kind {
    kPrim,        ///< one value
    kString,      ///< [header] u8 length (255 ⇒ u32) + bytes → utf8 (TString, std::string)
    kCharStar,    ///< i32 length + bytes → utf8 (a `char*` member)
    kFixedArray,  ///< n × child → fixed_size_list
    kVector,      ///< [header] u32 n + n × child → list (member-wise when the header says so)
    kVarArray,    ///< u8 flag + count × child, count = an earlier integer member → list
    kObject,      ///< [header] members → struct
    kMap,         ///< [header] u32 n + keys/values (member-wise or pairwise) → map
    kBase,        ///< [header] members merged into the enclosing struct
    kTObject,     ///< TObject fields, skipped
    kBitset,      ///< [header] u32 nbits + one byte per bit → list<bool> (std::bitset<N>)
    kTRef,        ///< TRef: u16 version, u32 uid, u32 bits, u16 pid → struct<ref: uint32>
    kTRefArray,   ///< TRefArray → struct<fName: utf8, fSize: int32, refs: list<int32>>
    kTDatime,     ///< TDatime: one u32 → struct<fDatime: uint32>
    kMatrixSym,   ///< TMatrixTSym<double>: TMatrixTBase header + packed upper triangle
    kRepeat,      ///< a member of a split collection: [one header] child × (objects in the
                  ///< entry), read to the entry's end → list
    kDynamic,     ///< TBranchObject entry: the class name (TString + NUL), then child
    kPointer,     ///< TBufferFile::WriteObjectAny: 0 (null → an Arrow null) or the class
                  ///< (by name or reference) and child, the pointed-to object
  };
  Kind kind = Kind::kPrim;
  Prim prim;
  bool header = false;  ///< `[bcnt|kByteCountMask][u16 version]` first (root_format/wire.h)
  int32_t length = 0;   ///< kFixedArray
  int32_t version = 0;  ///< kObject: the class version of the streamer info it follows
  std::string class_name;  ///< kObject: the class (`name` is the member's name)
  std::string name;     ///< member name (for struct fields)
  int count_member = -1;  ///< kVarArray: index of the count among the enclosing members
  int field_index = -1;   ///< output field index in the enclosing struct (-1: no output)
  std::vector<Node> children;
  std::shared_ptr<DataType> type;  ///< output type (nullptr for kBase/kTObject)
  /// The value may be null (a pointer): its field in the enclosing struct or list is nullable.
  bool nullable() const { return kind == Kind::kPointer; }
};

struct ColumnPlan {
  enum class Mode {
    kFixed,     ///< every entry has `entry_size` bytes: `node` per entry
    kJagged,    ///< header_bytes + k × item per entry; k from entry offsets or counter branch
    kPerEntry,  ///< `node` parsed entry by entry
  };
  const root_format::Branch* branch = nullptr;
  std::string name;       ///< column name: the branch's full path
  std::string root_type;  ///< C++/ROOT type for display
  Mode mode = Mode::kFixed;
  Node node;              ///< kFixed/kPerEntry: the entry; kJagged: one item
  int32_t entry_size = 0;  ///< kFixed
  int32_t header_bytes = 0;  ///< kJagged
  const root_format::Branch* count_branch = nullptr;  ///< kJagged: the counter's branch
  std::shared_ptr<DataType> type;
};

using StreamerLookup = std::function<const root_format::StreamerInfo*(const std::string&)>;

/// Decide how to read a branch. Unsupported names the branch and its C++ type.
Result<ColumnPlan> PlanColumn(const root_format::Branch& branch, const StreamerLookup& streamers);

/// Bytes one value of `node` occupies on disk if that is fixed (prims and fixed arrays), else -1.
int32_t FixedWireSize(const Node& node);

/// Is this branch a group: a parent whose data lives in its sub-branches, read as a struct of
/// them? Every branch with sub-branches is, except a split TClonesArray's top branch, whose
/// own baskets hold the number of objects per entry (an int32 column, as in uproot
/// interpretation/identify.py interpretation_of).
bool IsGroupBranch(const root_format::Branch& branch, const StreamerLookup& streamers);

/// The C++ type a branch stands for, as uproot's interpretation_of takes it: a top branch's
/// fClassName, else the type name of the streamer element it is (fID in its fClassName);
/// empty if neither is known.
std::string DeclaredTypeName(const root_format::Branch& branch, const StreamerLookup& streamers);

}  // namespace arrowroot::to_arrow
