#include "arrowroot/root_format/cursor.h"

namespace arrowroot::root_format {

void Cursor::FailRange(size_t pos, size_t n) {
  std::string m = "record ends early: need " + std::to_string(n) + " bytes at offset " +
                  std::to_string(pos) + " of a " + std::to_string(data_.size()) + "-byte record";
  if (what_) m += std::string(" while reading ") + what_;
  Fail(Status::Corruption(std::move(m)));
}

std::string Cursor::TString() {
  uint32_t n = U8();
  if (n == kLongStringMarker) n = U32();
  ByteView b = Bytes(n);
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

std::string Cursor::CString() {
  if (!ok()) return {};
  size_t start = pos_;
  while (pos_ < data_.size() && data_[pos_] != std::byte{0}) ++pos_;
  if (pos_ >= data_.size()) {
    FailRange(start, pos_ - start + 1);
    return {};
  }
  std::string s(reinterpret_cast<const char*>(data_.data() + start), pos_ - start);
  ++pos_;  // the NUL
  return s;
}

VersionHeader Cursor::ReadVersion() {
  VersionHeader h;
  size_t start = pos_;
  uint32_t first = U32();
  if (!ok()) return h;
  if (first & kByteCountMask) {
    uint64_t count = first & ~kByteCountMask;
    h.has_byte_count = true;
    h.end = start + 4 + count;
    if (h.end > data_.size() || count < 2) {
      Fail(Status::Corruption("object at offset " + std::to_string(start) + " claims " +
                              std::to_string(count) + " bytes but the record has " +
                              std::to_string(data_.size() - start - 4) + " left" +
                              (what_ ? std::string(" (") + what_ + ")" : std::string())));
      return h;
    }
    h.version = U16();
    // A class without a ClassDef (ROOT::Math vectors, ElementLink, std::pair, experiments'
    // persistent classes) writes version 0 and then its 4-byte class checksum
    // (TBufferFile::WriteVersion: `if (version<=1 && cl->IsForeign()) { 0; checksum }`;
    // ReadVersion reads it back; uproot model.py Model.read skips it).
    if (h.version == 0 && count >= 6) U32();
  } else {
    // No bytecount: the first two bytes were the version.
    pos_ = start;
    h.version = U16();
  }
  return h;
}

uint32_t Cursor::SkipTObject() {
  uint16_t version = U16();
  if (version & kByteCountVMask) Skip(4);
  U32();  // fUniqueID
  uint32_t bits = U32();
  if (bits & kIsReferenced) Skip(kProcessIdBytes);
  return bits;
}

}  // namespace arrowroot::root_format
