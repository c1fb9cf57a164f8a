// Cursor: the one place where big-endian ROOT bytes become numbers and strings.
//
// Bounds-checked with a *sticky error* (as go-hep's rbytes.RBuffer): after the first failure
// every read returns zero and the caller checks status() once, so decoders stay straight-line.
// Single-threaded; lives on the stack; borrows the bytes it reads (the caller keeps them alive).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

#include "arrowroot/common/bytes.h"
#include "arrowroot/common/status.h"
#include "arrowroot/root_format/wire.h"

namespace arrowroot::root_format {

/// What a streamed object's header said: `[u32 bytecount|0x40000000][u16 version]`.
struct VersionHeader {
  uint16_t version = 0;
  bool has_byte_count = false;
  size_t end = 0;  ///< cursor position just past the object (valid if has_byte_count)
};

class Cursor {
 public:
  /// `origin` is added to positions to form the key-relative "displacement" that ROOT's object
  /// references count in (the key length, for objects read from a key payload).
  explicit Cursor(ByteView data, int64_t origin = 0) : data_(data), origin_(origin) {}

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  size_t pos() const { return pos_; }
  size_t size() const { return data_.size(); }
  size_t remaining() const { return pos_ <= data_.size() ? data_.size() - pos_ : 0; }
  int64_t displacement() const { return static_cast<int64_t>(pos_) + origin_; }
  ByteView data() const { return data_; }

  /// Record a failure (the first one wins) and make later reads no-ops.
  void Fail(Status s) {
    if (status_.ok()) status_ = std::move(s);
    pos_ = data_.size();
  }
  /// Set what is being read, for error messages ("TBranch::fBasketSeek").
  void SetWhat(const char* what) { what_ = what; }

  void Seek(size_t pos) {
    if (!ok()) return;
    if (pos > data_.size()) {
      FailRange(pos, 0);
      return;
    }
    pos_ = pos;
  }
  void Skip(size_t n) {
    if (Need(n)) pos_ += n;
  }

  uint8_t U8() { return Need(1) ? static_cast<uint8_t>(data_[pos_++]) : 0; }
  int8_t I8() { return static_cast<int8_t>(U8()); }
  bool Bool() { return U8() != 0; }
  uint16_t U16() { return Load<uint16_t>(); }
  int16_t I16() { return static_cast<int16_t>(U16()); }
  uint32_t U32() { return Load<uint32_t>(); }
  int32_t I32() { return static_cast<int32_t>(U32()); }
  uint64_t U64() { return Load<uint64_t>(); }
  int64_t I64() { return static_cast<int64_t>(U64()); }
  float F32() {
    uint32_t u = U32();
    float f;
    std::memcpy(&f, &u, 4);
    return f;
  }
  double F64() {
    uint64_t u = U64();
    double d;
    std::memcpy(&d, &u, 8);
    return d;
  }

  /// `n` raw bytes (a view into the cursor's data).
  ByteView Bytes(size_t n) {
    if (!Need(n)) return {};
    ByteView v = data_.subspan(pos_, n);
    pos_ += n;
    return v;
  }

  /// TString / TLeafC encoding: u8 length, 255 ⇒ i32 length follows; then the bytes.
  std::string TString();
  /// NUL-terminated string (class names in object references).
  std::string CString();

  /// Read `[bytecount|kByteCountMask][u16 version]`; a header without the bytecount bit is a
  /// bare u16 version (old streamers).
  VersionHeader ReadVersion();
  /// Jump to the end of an object whose header had a bytecount (no-op otherwise).
  void SkipToEnd(const VersionHeader& h) {
    if (h.has_byte_count) Seek(h.end);
  }
  /// TObject: version, fUniqueID, fBits (+ u16 pid if referenced). Returns fBits.
  uint32_t SkipTObject();

 private:
  template <typename T>
  T Load() {
    if (!Need(sizeof(T))) return 0;
    T v;
    std::memcpy(&v, data_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    if constexpr (sizeof(T) == 2) return __builtin_bswap16(v);
    if constexpr (sizeof(T) == 4) return __builtin_bswap32(v);
    if constexpr (sizeof(T) == 8) return __builtin_bswap64(v);
  }
  bool Need(size_t n) {
    if (!ok()) return false;
    if (n > data_.size() - pos_) {
      FailRange(pos_, n);
      return false;
    }
    return true;
  }
  void FailRange(size_t pos, size_t n);

  ByteView data_;
  size_t pos_ = 0;
  int64_t origin_ = 0;
  const char* what_ = nullptr;
  Status status_;
};

}  // namespace arrowroot::root_format
