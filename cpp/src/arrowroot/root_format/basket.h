// TBasket: one branch's data for a run of entries, as a key on disk (or embedded in the
// TTree record). Decoding only: the caller fetches the bytes.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "arrowroot/common/bytes.h"
#include "arrowroot/common/status.h"
#include "arrowroot/root_format/model.h"

namespace arrowroot::root_format {

/// A basket's uncompressed entry data and, for variable-size entries, where each entry starts.
struct Basket {
  Bytes storage;                     ///< owns the bytes `data` points into (may be empty)
  std::shared_ptr<const EmbeddedBasket> embedded;  ///< or these own them
  ByteView data;                     ///< [0, fLast - fKeylen)
  std::vector<int32_t> entry_offsets;  ///< num_entries + 1 boundaries into data, or empty
  int64_t num_entries = 0;             ///< fNevBuf
  /// fKeylen: where `data` starts in ROOT's buffer, which object references within an entry
  /// count from (TBufferFile map offsets).
  int32_t key_length = 0;

  bool has_entry_offsets() const { return !entry_offsets.empty(); }
};

/// Parse and decompress a basket key: `raw` is the whole key, [fSeekKey, fSeekKey + fNbytes).
/// Entry offsets are checked: inside the data and non-decreasing.
Result<Basket> DecodeBasketKey(ByteView raw);
/// The same, taking the bytes: an uncompressed basket keeps them (no copy of its payload).
Result<Basket> DecodeBasketKey(Bytes&& raw);
/// The same for a basket of branch `branch_name` read from file offset `seek` (its
/// fBasketSeek): the key must say it was written there (fSeekKey) for that branch (fName; ROOT
/// names basket keys after their branch), so a seek that points at another branch's basket (of
/// the same size, say) is Corruption, not that basket's values. A zero fSeekKey or an empty
/// fName (left unset by some writer) is not held against the key.
Result<Basket> DecodeBasketKey(Bytes&& raw, uint64_t seek, std::string_view branch_name);

/// View an embedded basket (no copy).
Result<Basket> ViewEmbeddedBasket(std::shared_ptr<const EmbeddedBasket> basket);

}  // namespace arrowroot::root_format
