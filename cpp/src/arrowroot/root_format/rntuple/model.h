// The RNTuple on-disk model: what the anchor, the header and footer envelopes and the page lists
// say, as plain structs. Parsed by rntuple/envelopes.h; read from a file by rntuple/rntuple.h.
//
// Format facts from ROOT's RNTuple Binary Format Specification 1.0.0.1
// (root-project/root, tree/ntuple/doc/BinaryFormatSpecification.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace arrowroot::root_format::rntuple {

/// On-disk column types of format 1.0 (spec, "Column Description": type IDs 0x00-0x1D).
enum class ColumnType : uint16_t {
  kBit = 0x00,
  kByte = 0x01,
  kChar = 0x02,
  kInt8 = 0x03,
  kUInt8 = 0x04,
  kInt16 = 0x05,
  kUInt16 = 0x06,
  kInt32 = 0x07,
  kUInt32 = 0x08,
  kInt64 = 0x09,
  kUInt64 = 0x0A,
  kReal16 = 0x0B,
  kReal32 = 0x0C,
  kReal64 = 0x0D,
  kIndex32 = 0x0E,
  kIndex64 = 0x0F,
  kSwitch = 0x10,  ///< 96 bits: u64 index, then u32 tag
  kSplitInt16 = 0x11,
  kSplitUInt16 = 0x12,
  kSplitInt32 = 0x13,
  kSplitUInt32 = 0x14,
  kSplitInt64 = 0x15,
  kSplitUInt64 = 0x16,
  kSplitReal16 = 0x17,
  kSplitReal32 = 0x18,
  kSplitReal64 = 0x19,
  kSplitIndex32 = 0x1A,
  kSplitIndex64 = 0x1B,
  kReal32Trunc = 0x1C,  ///< 10-31 bits on storage
  kReal32Quant = 0x1D,  ///< 1-32 bits on storage, with a value range
};

/// "Real32Trunc" etc.; "column type 0x2A" for unknown ones.
std::string ColumnTypeName(uint16_t type);
/// Whether `type` is one of the 1.0 column types above.
bool IsKnownColumnType(uint16_t type);
/// Bits per element on storage that `type` requires (0 for the variable-width Real32Trunc and
/// Real32Quant, and for unknown types).
int FixedBitsOnStorage(ColumnType type);
/// Bytes `n` elements of a column take in an uncompressed page: n times the type's fixed width
/// (or `bits_on_storage` for Real32Trunc/Real32Quant and unknown types) in bits, rounded up to
/// whole bytes. Saturates at UINT64_MAX (n comes from a page list).
uint64_t UnpackedPageBytes(uint16_t type_raw, uint16_t bits_on_storage, uint64_t n);

/// Structural role of a field (spec, "Field Description").
enum class FieldRole : uint16_t { kLeaf = 0, kCollection = 1, kRecord = 2, kVariant = 3, kStreamer = 4 };

inline constexpr uint16_t kFieldRepetitive = 0x01;
inline constexpr uint16_t kFieldProjected = 0x02;
inline constexpr uint16_t kFieldHasChecksum = 0x04;
inline constexpr uint16_t kColumnDeferred = 0x01;
inline constexpr uint16_t kColumnHasRange = 0x02;

/// The `ROOT::RNTuple` key object (big-endian, streamed; then an XXH3-64 of its fields).
struct Anchor {
  uint16_t epoch = 0, major = 0, minor = 0, patch = 0;
  uint64_t seek_header = 0, nbytes_header = 0, len_header = 0;
  uint64_t seek_footer = 0, nbytes_footer = 0, len_footer = 0;
  uint64_t max_key_size = 0;
  std::string Version() const;  ///< "1.0.0.0"
};

/// Where a page or envelope lies: `size` bytes (compressed) at file offset `offset`.
/// Standard and "large" (type 0x01) locators both become this.
struct Locator {
  uint64_t offset = 0;
  uint64_t size = 0;
};

/// An envelope's uncompressed length and where its (compressed) bytes lie.
struct EnvelopeLink {
  uint64_t length = 0;
  Locator locator;
};

struct FieldDesc {
  uint32_t id = 0;  ///< position in header+extension order
  uint32_t field_version = 0;
  uint32_t type_version = 0;
  uint32_t parent_id = 0;  ///< == id for top-level fields
  FieldRole role = FieldRole::kLeaf;
  uint16_t role_raw = 0;  ///< as stored (an unknown role keeps its number here)
  uint16_t flags = 0;
  std::string name, type_name, type_alias, description;
  uint64_t array_size = 0;                    ///< kFieldRepetitive
  std::optional<uint32_t> source_field_id;    ///< kFieldProjected
  std::optional<uint32_t> type_checksum;      ///< kFieldHasChecksum
  bool from_extension = false;                ///< declared in the footer's schema extension
  /// Filled after parsing: subfields in id order, and the columns attached to this field
  /// (physical column ids; a projected field's alias columns resolved to their physical
  /// columns), in attachment order, all representations (see ColumnDesc::representation).
  std::vector<uint32_t> children;
  std::vector<uint32_t> column_ids;
  bool top_level() const { return parent_id == id; }
};

struct ColumnDesc {
  uint32_t id = 0;  ///< physical column id (position in header+extension order)
  uint16_t type_raw = 0;
  ColumnType type = ColumnType::kByte;  ///< valid when IsKnownColumnType(type_raw)
  uint16_t bits_on_storage = 0;
  uint32_t field_id = 0;
  uint16_t flags = 0;
  uint16_t representation = 0;
  int64_t first_element = 0;  ///< kColumnDeferred (negative: deferred and suppressed)
  double min_value = 0, max_value = 0;  ///< kColumnHasRange
  bool from_extension = false;
};

struct AliasColumnDesc {
  uint32_t physical_id = 0;
  uint32_t field_id = 0;
};

struct ClusterGroupDesc {
  uint64_t min_entry = 0;
  uint64_t entry_span = 0;
  uint32_t num_clusters = 0;
  EnvelopeLink page_list;
};

/// The schema and the cluster groups: what the header and footer say.
struct Schema {
  std::string name, description, writer;
  uint64_t feature_flags = 0;  ///< header | footer
  std::vector<FieldDesc> fields;
  std::vector<ColumnDesc> columns;
  std::vector<AliasColumnDesc> aliases;
  std::vector<ClusterGroupDesc> cluster_groups;
  uint64_t header_checksum = 0;  ///< XXH3-64 of the header envelope (the footer repeats it)
};

struct PageDesc {
  uint32_t num_elements = 0;
  bool has_checksum = false;  ///< an XXH3-64 of the compressed bytes follows them (not in size)
  Locator locator;
};

/// One column in one cluster.
struct ColumnRange {
  int64_t first_element = 0;  ///< element index of the column's first element in the cluster
  bool suppressed = false;    ///< a secondary representation, inactive in this cluster
  uint32_t compression = 0;   ///< algorithm * 100 + level
  std::vector<PageDesc> pages;
  uint64_t num_elements = 0;  ///< sum over pages
};

struct ClusterDesc {
  uint64_t first_entry = 0;
  uint64_t num_entries = 0;
  /// Indexed by physical column id; columns the page list does not mention (added later by a
  /// schema extension) are absent from clusters written before: size() may be < #columns.
  std::vector<ColumnRange> columns;
};

}  // namespace arrowroot::root_format::rntuple
