// Plain structs mirroring the ROOT records a TTree reader needs. Read once, then immutable:
// share them across threads without locks. Field names follow ROOT's minus the `f`.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "arrowroot/common/bytes.h"
#include "arrowroot/common/status.h"

namespace arrowroot::root_format {

// TStreamerElement::fType codes (ROOT core/meta/inc/TVirtualStreamerInfo.h, ESTLType/EReadWrite).
enum StreamerType : int32_t {
  kBase = 0, kChar = 1, kShort = 2, kInt = 3, kLong = 4, kFloat = 5, kCounter = 6,
  kCharStar = 7, kDouble = 8, kDouble32 = 9, kLegacyChar = 10, kUChar = 11, kUShort = 12,
  kUInt = 13, kULong = 14, kBits = 15, kLong64 = 16, kULong64 = 17, kBool = 18, kFloat16 = 19,
  kOffsetL = 20, kOffsetP = 40, kObject = 61, kAny = 62, kObjectp = 63, kObjectP = 64,
  kTString = 65, kTObject = 66, kTNamed = 67, kAnyp = 68, kAnyP = 69, kSTL = 300,
  kSTLstring = 365, kStreamer = 500, kStreamLoop = 501,
};

/// Basic types are codes 1..19; kOffsetL + t is a fixed array of t, kOffsetP + t a pointer to
/// an array of t counted by another member (TVirtualStreamerInfo.h: kOffsetL = 20 apart).
inline constexpr int32_t kNumBasicTypes = kOffsetL;
/// A basic type: one number (kChar .. kFloat16).
constexpr bool IsBasicType(int32_t t) { return t > kBase && t < kNumBasicTypes; }
/// `T x[N]` of a basic T (kOffsetL + T).
constexpr bool IsBasicArrayType(int32_t t) { return t > kOffsetL && t < kOffsetP; }
/// `T* x; //[n]` of a basic T (kOffsetP + T, TStreamerBasicPointer).
constexpr bool IsBasicPointerType(int32_t t) { return t > kOffsetP && t < kOffsetP + kNumBasicTypes; }

/// TStreamerElement (and subclasses): one member of a class in the streamer info.
struct StreamerElement {
  std::string element_class;  ///< TStreamerBasicType, TStreamerSTL, TStreamerBase, ...
  std::string name;
  std::string title;
  int32_t type = 0;  ///< fType
  int32_t size = 0;
  int32_t array_length = 0;
  int32_t array_dim = 0;
  int32_t max_index[5] = {0, 0, 0, 0, 0};
  std::string type_name;
  // TStreamerBase
  int32_t base_version = 0;
  // TStreamerBasicPointer / TStreamerLoop
  std::string count_name;
  // TStreamerSTL
  int32_t stl_type = 0;
  int32_t ctype = 0;
};

/// TStreamerInfo: how one class version is streamed.
struct StreamerInfo {
  std::string class_name;
  uint32_t checksum = 0;
  int32_t class_version = 0;
  std::vector<StreamerElement> elements;
};

struct Branch;

/// TLeaf and subclasses (TLeafB/S/I/L/F/D/O/C/G/F16/D32, TLeafElement, TLeafObject).
struct Leaf {
  std::string class_name;  ///< "TLeafF", "TLeafElement", ...
  std::string name;
  std::string title;
  int32_t len = 1;       ///< fLen: product of the fixed dimensions
  int32_t len_type = 0;  ///< fLenType: bytes per element
  int32_t offset = 0;
  bool is_range = false;
  bool is_unsigned = false;
  const Leaf* leaf_count = nullptr;  ///< fLeafCount: jagged by this counter leaf
  // TLeafElement
  int32_t element_id = -1;
  int32_t element_type = -1;
  const Branch* branch = nullptr;  ///< the branch whose fLeaves hold this leaf
};

/// A TBasket stored inside the TTree record (TBranch::fBaskets) instead of as its own key.
struct EmbeddedBasket {
  int32_t slot = -1;  ///< its index in fBaskets: the basket number (TBranch::GetBasket)
  int32_t keylen = 0;
  int32_t nev_buf = 0;  ///< entries
  int32_t last = 0;     ///< fLast: end of data, counted from the key start
  std::vector<int32_t> entry_offsets;  ///< relative to the data start; empty if none
  Bytes data;                          ///< [0, fLast - fKeylen)
  /// Whether its buffer was streamed (flag 1 or > 10). A basket kept in fBaskets after it was
  /// written to its key streams its header only: the data is at fBasketSeek.
  bool has_buffer = false;
};

/// TBranch / TBranchElement / TBranchObject.
struct Branch {
  std::string class_name;
  std::string name;
  std::string title;
  int32_t compress = 0;
  int32_t basket_size = 0;
  int32_t entry_offset_len = 0;
  int32_t write_basket = 0;  ///< number of baskets written as keys
  int64_t entry_number = 0;
  int32_t offset = 0;
  int32_t max_baskets = 0;
  int32_t split_level = 0;
  int64_t entries = 0;
  int64_t first_entry = 0;
  int64_t tot_bytes = 0;
  int64_t zip_bytes = 0;
  std::vector<const Branch*> branches;
  std::vector<const Leaf*> leaves;
  std::vector<int32_t> basket_bytes;  ///< first write_basket valid
  std::vector<int64_t> basket_entry;  ///< first write_basket + 1 valid
  std::vector<int64_t> basket_seek;
  std::vector<std::shared_ptr<const EmbeddedBasket>> embedded_baskets;
  // TBranchElement / TBranchObject
  std::string element_class_name;  ///< fClassName
  std::string parent_name;
  std::string clones_name;
  uint32_t checksum = 0;
  int32_t class_version = 0;
  int32_t id = -1;  ///< fID: -1 whole object, ≥0 element index in fClassName's streamer info
  int32_t type = 0;  ///< fType: 0 leaf/top, 1 base, 2 member, 3/31 clones, 4/41 STL
  int32_t streamer_type = -1;
  int32_t maximum = 0;
  const Branch* branch_count = nullptr;
  const Branch* branch_count2 = nullptr;
  const Branch* parent = nullptr;  ///< set after reading
  std::string path;                ///< "parent/child" (uproot's full path)

  bool is_element() const { return class_name == "TBranchElement"; }
};

/// TTree: what the reader needs. Owns every Branch and Leaf it points to.
struct Tree {
  std::string name;
  std::string title;
  int32_t class_version = 0;
  int64_t entries = 0;
  int64_t tot_bytes = 0;
  int64_t zip_bytes = 0;
  int64_t auto_flush = 0;
  std::vector<int64_t> cluster_range_end;
  std::vector<int64_t> cluster_size;
  std::vector<const Branch*> branches;  ///< top level
  std::vector<const Branch*> all_branches;  ///< depth first
  std::vector<std::unique_ptr<Branch>> owned_branches;
  std::vector<std::unique_ptr<Leaf>> owned_leaves;

  /// By full path ("evt/P3.Px") or, if unique, by fName; nullptr if none or ambiguous.
  const Branch* FindBranch(const std::string& name_or_path) const;
  /// The same with the reason when there is no answer: NotFound, or InvalidArgument naming
  /// every branch an ambiguous short name could mean.
  Result<const Branch*> LookupBranch(const std::string& name_or_path) const;
};

/// Set every branch's parent and full path and list them depth first in `all_branches`.
/// ROOT allows two sibling branches of one name (Delphes writes two `Particle` collections);
/// the n-th of them (n >= 2) gets the path segment "name;n", so that every branch has its own
/// path, and "name" alone keeps meaning the first one, as in uproot and TTree::GetBranch.
void IndexBranches(Tree* tree);

}  // namespace arrowroot::root_format
