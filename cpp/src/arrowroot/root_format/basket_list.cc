#include "arrowroot/root_format/basket_list.h"

#include <algorithm>
#include <limits>
#include <map>

#include "arrowroot/common/bytes.h"

namespace arrowroot::root_format {

/// The baskets of a branch, in entry order (TBranch::GetBasketAndFirst and GetBasket,
/// tree/tree/src/TBranch.cxx; uproot behaviors/TBranch.py entry_offsets, embedded_baskets).
/// Basket i < fWriteBasket holds entries [fBasketEntry[i], fBasketEntry[i+1]); basket
/// fWriteBasket, the one being filled when the tree was written, holds the rest up to fEntries.
/// Each is read from fBaskets[i] when it was still in memory then (streamed in the TTree
/// record: CMS NanoAOD written in one go, trees of files ROOT never closed properly, whose
/// fBasketSeek and fBasketBytes are 0), else from its key at fBasketSeek[i]. A written basket
/// some writers leave in its slot with its header only (no buffer; uproot-issue413.root) is
/// read from its key.
Result<std::vector<BasketSlot>> ListBaskets(const Branch& b, uint64_t file_size) {
  std::vector<BasketSlot> out;
  const size_t nw = static_cast<size_t>(b.write_basket);
  if (b.basket_entry.size() < nw || b.basket_bytes.size() < nw || b.basket_seek.size() < nw) {
    return Status::Corruption("basket arrays shorter than fWriteBasket = " + std::to_string(nw));
  }
  std::map<int32_t, std::shared_ptr<const EmbeddedBasket>> in_record;
  std::vector<std::shared_ptr<const EmbeddedBasket>> unplaced;
  for (const auto& e : b.embedded_baskets) {
    if (e->slot >= 0 && static_cast<size_t>(e->slot) < nw) {
      const size_t slot = static_cast<size_t>(e->slot);
      const bool on_disk = b.basket_seek[slot] > 0 && b.basket_bytes[slot] > 0;
      if ((e->has_buffer || !on_disk) && !in_record.count(e->slot)) in_record[e->slot] = e;
    } else {
      unplaced.push_back(e);  // the basket being filled (slot fWriteBasket), in slot order
    }
  }
  for (size_t i = 0; i < nw; ++i) {
    BasketSlot r;
    r.index = i;
    r.entry_start = b.basket_entry[i];
    // ROOT reads a branch whose fBasketEntry has no entry past its last written basket
    // (uproot's "rare case"): that basket then ends at fEntries.
    r.entry_stop = i + 1 < b.basket_entry.size() ? b.basket_entry[i + 1] : b.entries;
    if (r.entry_start < 0 || r.entry_stop < r.entry_start) {
      return Status::Corruption("basket " + std::to_string(i) + " for entries [" +
                                std::to_string(r.entry_start) + ", " +
                                std::to_string(r.entry_stop) + ") is inconsistent");
    }
    if (auto it = in_record.find(static_cast<int32_t>(i)); it != in_record.end()) {
      r.embedded = it->second;
      if (r.embedded->nev_buf != r.entry_stop - r.entry_start) {
        return Status::Corruption("basket " + std::to_string(i) + " (embedded in the TTree record) "
                                  "holds " + std::to_string(r.embedded->nev_buf) +
                                  " entries; fBasketEntry says [" +
                                  std::to_string(r.entry_start) + ", " +
                                  std::to_string(r.entry_stop) + ")");
      }
      out.push_back(r);
      continue;
    }
    r.seek = static_cast<uint64_t>(b.basket_seek[i]);
    if (b.basket_bytes[i] < 0 || b.basket_seek[i] < 0 ||
        r.seek + static_cast<uint64_t>(b.basket_bytes[i]) > file_size) {
      return Status::Corruption("basket " + std::to_string(i) + " at " +
                                FormatRange(r.seek, static_cast<uint64_t>(b.basket_bytes[i])) +
                                " for entries [" + std::to_string(r.entry_start) + ", " +
                                std::to_string(r.entry_stop) + ") is outside the file (" +
                                std::to_string(file_size) + " bytes) or inconsistent");
    }
    r.bytes = static_cast<uint32_t>(b.basket_bytes[i]);
    if ((r.bytes == 0 || r.seek == 0) && r.entry_stop > r.entry_start) {
      return Status::Corruption("basket " + std::to_string(i) + " for " +
                                std::to_string(r.entry_stop - r.entry_start) +
                                " entries was never written (fBasketSeek " +
                                std::to_string(r.seek) + ", fBasketBytes " +
                                std::to_string(r.bytes) + ") and is not in the TTree record");
    }
    out.push_back(r);
  }
  int64_t next = nw < b.basket_entry.size() ? b.basket_entry[nw]
                                             : (out.empty() ? 0 : out.back().entry_stop);
  if (nw == 0) next = 0;
  for (size_t k = 0; k < unplaced.size(); ++k) {
    BasketSlot r;
    r.index = nw + k;
    r.embedded = unplaced[k];
    if (next < 0 || next > std::numeric_limits<int64_t>::max() - r.embedded->nev_buf) {
      return Status::Corruption("embedded basket " + std::to_string(k) + " starts at entry " +
                                std::to_string(next));
    }
    r.entry_start = next;
    r.entry_stop = next + r.embedded->nev_buf;
    next = r.entry_stop;
    out.push_back(r);
  }
  return out;
}

/// ROOT reads nothing for an entry at or past a branch's fEntries (TBranch::GetBasketAndFirst
/// returns 0 bytes for an entry at or past fEntryNumber) and uproot returns fEntries values; a
/// branch never filled (members of an object not written, uproot-issue327.root DstTree) holds
/// none.
int64_t EntriesHeld(const Branch& b, const std::vector<BasketSlot>& baskets) {
  int64_t n = std::max<int64_t>(b.entries, 0);
  for (const auto& r : baskets) n = std::max(n, r.entry_stop);
  return n;
}

std::string DescribeBasket(const BasketSlot& r) {
  if (r.embedded) {
    return "basket " + std::to_string(r.index) + " (embedded in the TTree record), entries [" +
           std::to_string(r.entry_start) + ", " + std::to_string(r.entry_stop) + ")";
  }
  return "basket " + std::to_string(r.index) + " at " + FormatRange(r.seek, r.bytes) +
         ", entries [" + std::to_string(r.entry_start) + ", " + std::to_string(r.entry_stop) + ")";
}

}  // namespace arrowroot::root_format
