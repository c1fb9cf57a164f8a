// A branch's baskets as slots: where each lives (a key on disk, or embedded in the TTree
// record) and which entries it holds, checked against the file. Shared by the scan and by
// `cp --verify root`, so both walk a branch the same way and reject the same damage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "arrowroot/common/status.h"
#include "arrowroot/root_format/model.h"

namespace arrowroot::root_format {

/// Where one basket of a branch lives and which entries it holds: [entry_start, entry_stop).
struct BasketSlot {
  int64_t entry_start = 0;
  int64_t entry_stop = 0;
  uint64_t seek = 0;  ///< fBasketSeek: its key on disk (0 ⇒ embedded)
  uint32_t bytes = 0;  ///< fBasketBytes: the whole key
  std::shared_ptr<const EmbeddedBasket> embedded;  ///< set when read from the TTree record
  size_t index = 0;  ///< the basket's number in the branch, for messages
};

/// The baskets of `branch`, in entry order. Corruption when the basket arrays disagree with
/// fWriteBasket, an entry range is inconsistent, a key lies outside a file of `file_size`
/// bytes, or a basket holding entries was never written and is not in the TTree record.
/// Pure: reads no bytes. The slots share the branch's embedded baskets (they stay alive).
Result<std::vector<BasketSlot>> ListBaskets(const Branch& branch, uint64_t file_size);

/// How many entries a branch holds: [0, fEntries), or further if its baskets say so.
int64_t EntriesHeld(const Branch& branch, const std::vector<BasketSlot>& baskets);

/// "basket 3 at [0x1f00, +4210), entries [200, 400)" (or "(embedded in the TTree record)"),
/// for messages.
std::string DescribeBasket(const BasketSlot& slot);

}  // namespace arrowroot::root_format
