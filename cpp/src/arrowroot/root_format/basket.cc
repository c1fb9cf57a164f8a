// TBasket layout (tree/tree/src/TBasket.cxx, TBasket::Streamer / ReadBasketBuffers; uproot
// models/TBasket.py): a TKey whose header ends with u16 fVersion, i32 fBufferSize,
// i32 fNevBufSize, i32 fNevBuf, i32 fLast, u8 flag. The payload (compressed when
// fNbytes - fKeylen != fObjlen) holds the data [0, fLast - fKeylen) and, when fObjlen is
// larger, the entry-offset table: i32 count, then one i32 per entry counted from the key
// start, then one more i32.
#include "arrowroot/root_format/basket.h"

#include "arrowroot/common/byteswap.h"
#include "arrowroot/root_format/cursor.h"
#include "arrowroot/root_format/root_file.h"

namespace arrowroot::root_format {

namespace {

Status CheckOffsets(std::vector<int32_t>* offsets, int64_t num_entries, size_t border) {
  if (offsets->empty()) return Status::OK();
  if (static_cast<int64_t>(offsets->size()) < num_entries) {
    return Status::Corruption("entry-offset table has " + std::to_string(offsets->size()) +
                              " entries for " + std::to_string(num_entries) + " entries");
  }
  offsets->resize(static_cast<size_t>(num_entries));
  offsets->push_back(static_cast<int32_t>(border));
  // One branch-free pass (it vectorises); the offending offset is looked for only on failure.
  const int32_t* o = offsets->data();
  const size_t n = offsets->size();
  bool bad = o[0] < 0 || static_cast<size_t>(o[0]) > border;
  for (size_t i = 1; i < n; ++i) {
    bad |= (o[i] < o[i - 1]) | (static_cast<uint32_t>(o[i]) > border);
  }
  if (!bad) return Status::OK();
  int32_t prev = 0;
  for (size_t i = 0; i < n; ++i) {
    if (o[i] < prev || o[i] < 0 || static_cast<size_t>(o[i]) > border) {
      return Status::Corruption("entry offset " + std::to_string(i) + " = " + std::to_string(o[i]) +
                                " is outside the basket data [" + std::to_string(prev) + ", " +
                                std::to_string(border) + "]");
    }
    prev = o[i];
  }
  return Status::OK();
}

}  // namespace

namespace {

/// `owned` (optional) holds `raw`'s bytes: an uncompressed basket then keeps them instead of
/// copying its payload.
Result<Basket> DecodeBasketKeyImpl(ByteView raw, Bytes* owned) {
  Cursor c(raw);
  c.SetWhat("TBasket key header");
  int32_t nbytes = c.I32();
  c.I16();  // key version
  int32_t objlen = c.I32();
  c.U32();  // datime
  int32_t keylen = c.I16();
  if (!c.ok()) return c.status();
  if (keylen < 19 || nbytes < keylen || static_cast<size_t>(nbytes) != raw.size() ||
      objlen < 0) {
    return Status::Corruption("TBasket key: fNbytes " + std::to_string(nbytes) + ", fKeylen " +
                              std::to_string(keylen) + ", fObjlen " + std::to_string(objlen) +
                              " do not match the " + std::to_string(raw.size()) +
                              " bytes the branch records for this basket");
  }
  c.Seek(static_cast<size_t>(keylen) - 19);
  c.U16();   // fVersion
  c.I32();   // fBufferSize
  c.I32();   // fNevBufSize
  int32_t nev_buf = c.I32();
  int32_t last = c.I32();
  if (!c.ok()) return c.status();
  if (nev_buf < 0 || last < keylen || last - keylen > objlen) {
    return Status::Corruption("TBasket: fNevBuf " + std::to_string(nev_buf) + ", fLast " +
                              std::to_string(last) + " inconsistent with fKeylen " +
                              std::to_string(keylen) + " and fObjlen " + std::to_string(objlen));
  }
  Basket b;
  b.num_entries = nev_buf;
  b.key_length = keylen;
  ByteView payload = raw.subspan(static_cast<size_t>(keylen));
  size_t base = 0;  // where the payload starts in b.storage
  if (static_cast<int64_t>(payload.size()) != objlen) {
    ASSIGN_OR_RETURN(b.storage, DecompressPayload(payload, static_cast<uint64_t>(objlen)));
  } else if (owned != nullptr) {
    b.storage = std::move(*owned);  // the buffer (and so `raw`) stays where it is
    base = static_cast<size_t>(keylen);
  } else {
    b.storage.assign(payload.begin(), payload.end());
  }
  const ByteView body = ByteView(b.storage).subspan(base);
  size_t border = static_cast<size_t>(last - keylen);
  b.data = body.subspan(0, border);
  if (border != body.size()) {
    Cursor oc(body.subspan(border));
    oc.SetWhat("TBasket entry offsets");
    int32_t count = oc.I32();
    if (!oc.ok() || count < 0 || static_cast<size_t>(count) > oc.remaining() / 4) {
      return Status::Corruption("TBasket entry-offset table count " + std::to_string(count) +
                                " does not fit in " + std::to_string(oc.remaining()) + " bytes");
    }
    b.entry_offsets.resize(static_cast<size_t>(count));
    if (count > 0) {
      // Stored from the key start; ours count from the data start.
      SwapCopy32(body.data() + border + 4, static_cast<size_t>(count),
                 reinterpret_cast<uint8_t*>(b.entry_offsets.data()));
      const uint32_t k = static_cast<uint32_t>(keylen);  // wraps, never overflows: CheckOffsets rejects
      for (auto& o : b.entry_offsets) o = static_cast<int32_t>(static_cast<uint32_t>(o) - k);
    }
    RETURN_IF_ERROR(CheckOffsets(&b.entry_offsets, nev_buf, border));
  }
  return b;
}

}  // namespace

Result<Basket> DecodeBasketKey(ByteView raw) { return DecodeBasketKeyImpl(raw, nullptr); }

Result<Basket> DecodeBasketKey(Bytes&& raw) {
  const ByteView view(raw);
  return DecodeBasketKeyImpl(view, &raw);
}

Result<Basket> DecodeBasketKey(Bytes&& raw, uint64_t seek, std::string_view branch_name) {
  Cursor c(raw);
  c.SetWhat("TBasket key header");
  c.Skip(4);  // fNbytes
  const int16_t version = c.I16();
  c.Skip(12);  // fObjlen, fDatime, fKeylen, fCycle
  const int64_t seek_key = version > 1000 ? c.I64() : c.I32();
  c.Skip(version > 1000 ? 8 : 4);  // fSeekPdir
  c.TString();                     // fClassName
  const std::string name = c.TString();
  if (!c.ok()) return c.status();
  if (seek_key != 0 && static_cast<uint64_t>(seek_key) != seek) {
    return Status::Corruption("the branch says its basket is at byte " + std::to_string(seek) +
                              " but the key there was written at byte " +
                              std::to_string(seek_key) + " (fSeekKey)");
  }
  if (!name.empty() && name != branch_name) {
    return Status::Corruption("the key at byte " + std::to_string(seek) + " is a basket of '" +
                              name + "', not of this branch");
  }
  return DecodeBasketKey(std::move(raw));
}

Result<Basket> ViewEmbeddedBasket(std::shared_ptr<const EmbeddedBasket> e) {
  Basket b;
  b.num_entries = e->nev_buf;
  b.key_length = e->keylen;
  b.data = ByteView(e->data);
  b.entry_offsets = e->entry_offsets;
  RETURN_IF_ERROR(CheckOffsets(&b.entry_offsets, e->nev_buf, e->data.size()));
  b.embedded = std::move(e);
  return b;
}

}  // namespace arrowroot::root_format
