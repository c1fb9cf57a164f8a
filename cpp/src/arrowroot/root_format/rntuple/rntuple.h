// An RNTuple in a ROOT file: its anchor key, header, footer and page lists, read and checked
// (rntuple/envelopes.h parses them). Immutable after ReadRNTuple; share it across threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "arrowroot/byte_source/byte_source.h"
#include "arrowroot/common/bytes.h"
#include "arrowroot/common/status.h"
#include "arrowroot/root_format/key.h"
#include "arrowroot/root_format/rntuple/model.h"

namespace arrowroot::root_format {
class RootFile;
}

namespace arrowroot::root_format::rntuple {

inline constexpr const char* kAnchorClass = "ROOT::RNTuple";

struct RNTuple {
  std::string path;  ///< "dir/name" in its file
  KeyHeader key;
  Anchor anchor;
  Schema schema;
  std::vector<ClusterDesc> clusters;  ///< every cluster group's, in entry order
  uint64_t num_entries = 0;
  /// Top-level field ids, in schema order.
  std::vector<uint32_t> top_fields;
};

/// Read the RNTuple whose anchor key is at `path` (";cycle" picks a cycle): the anchor, then
/// header and footer, then every cluster group's page list. InvalidArgument when the key is
/// not a ROOT::RNTuple; Corruption (naming the envelope and its byte range) when the bytes
/// contradict the format or a checksum; Unsupported for format features arrowroot lacks.
Result<std::shared_ptr<const RNTuple>> ReadRNTuple(const RootFile& file, const std::string& path);

/// Read only the anchor and the header and footer envelopes (no page lists): enough for a
/// listing's entry and field counts.
Result<std::shared_ptr<const RNTuple>> ReadRNTupleSummary(const RootFile& file,
                                                          const std::string& path);

/// The bytes a page needs on storage: its locator, plus 8 for a trailing checksum.
inline uint64_t PageStoredBytes(const PageDesc& page) {
  return page.locator.size + (page.has_checksum ? 8 : 0);
}

/// Bytes a page of `n` elements of `column` holds once decompressed (before its elements are
/// decoded): n times the element's bits on storage, rounded up to whole bytes. The bits are the
/// type's fixed width, or the column's declared bits_on_storage for Real32Trunc/Real32Quant
/// and unknown types (spec 1.0, "Column Description"). Saturates at UINT64_MAX.
uint64_t PageUnpackedBytes(const ColumnDesc& column, uint64_t n);

/// Check a page's trailing XXH3-64 (if it has one) and decompress it into `out`, whose size is
/// the page's uncompressed length. `raw` holds PageStoredBytes(page) bytes.
Status UnpackPage(const PageDesc& page, ByteView raw, std::span<std::byte> out);

}  // namespace arrowroot::root_format::rntuple
