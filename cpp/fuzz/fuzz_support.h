// Helpers shared by the libFuzzer targets (*_fuzz.cc) and the seed generator (fuzz_seeds.cc).
// Input layouts of the targets are documented here, in one place, because fuzz_seeds writes them.
//
//   root_file_fuzz, tree_reader_fuzz, rntuple_reader_fuzz: a whole ROOT file.
//   decompress_fuzz:     u8 mode, u32 claimed uncompressed size, then a compressed payload.
//   streamer_info_fuzz:  u16 fKeylen, then a streamer-info TList payload (uncompressed).
//   tree_fuzz:           u16 fKeylen, u32 n, n bytes of TTree payload, then a streamer-info
//                        TList payload (both uncompressed).
//   decode_fuzz:         u16 plan index, u16 first entry, u16 entry count, u32 n, n bytes of
//                        basket key, then i32 counts (counter values for offset-less baskets).
//   rntuple_columns_fuzz: u8 mode (bit 0: a second u32 gives n's high half; bit 1: n from the
//                        page size), u8 column type (mod 0x20), u16 bits on storage, u32 min and
//                        u32 max (float bits), u32 n, then the page bytes.
//   rntuple_envelopes_fuzz: u8 mode; bit 0 set: a ROOT::RNTuple anchor payload; else u32 n,
//                        n bytes of header envelope, u32 m, m bytes of footer envelope, then
//                        one page-list envelope. Bit 1: the target repairs lengths/checksums.
// All integers are big-endian; a short input reads as zeros.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "arrowroot/common/bytes.h"
#include "arrowroot/root_format/root_file.h"
#include "arrowroot/to_arrow/column_plan.h"

namespace arrowroot::fuzz {

/// Sequential big-endian reads from the fuzz input; past the end they give zeros / empty.
class Input {
 public:
  Input(const uint8_t* data, size_t size)
      : data_(reinterpret_cast<const std::byte*>(data)), size_(size) {}
  uint8_t U8() { return static_cast<uint8_t>(Take(1)); }
  uint16_t U16() { return static_cast<uint16_t>(Take(2)); }
  uint32_t U32() { return static_cast<uint32_t>(Take(4)); }
  /// Up to n bytes (fewer at the end).
  ByteView Bytes(size_t n) {
    n = std::min(n, remaining());
    ByteView v(data_ + pos_, n);
    pos_ += n;
    return v;
  }
  ByteView Rest() { return Bytes(remaining()); }
  size_t remaining() const { return size_ - pos_; }

 private:
  uint64_t Take(size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) {
      v = (v << 8) | (pos_ < size_ ? static_cast<uint8_t>(data_[pos_++]) : 0u);
    }
    return v;
  }
  const std::byte* data_;
  size_t size_;
  size_t pos_ = 0;
};

/// Big-endian appends, for building seeds.
void PutU8(std::vector<uint8_t>* out, uint8_t v);
void PutU16(std::vector<uint8_t>* out, uint16_t v);
void PutU32(std::vector<uint8_t>* out, uint32_t v);
void PutBytes(std::vector<uint8_t>* out, ByteView v);

/// The test data directory: $ARROWROOT_TESTDATA_DIR, else the source tree's testdata/.
std::string TestdataDir();
/// The *.root files of the test data directory, sorted by name (full paths).
std::vector<std::string> TestFiles();

/// Copy fuzz bytes into an owned buffer (so ASan sees its exact end).
arrowroot::Bytes Copy(const uint8_t* data, size_t size);

/// A column plan taken from a branch of a real test file (decode_fuzz picks one by index).
struct PlanEntry {
  std::string file;       ///< full path
  std::string tree_path;  ///< "tree" or "dir/tree"
  to_arrow::ColumnPlan plan;
};

/// Every plannable data branch of every TTree of TestFiles(), in a fixed order; built once.
/// The files and trees stay open (the plans point into them).
const std::vector<PlanEntry>& DecodePlans();

/// Paths of the TTrees (TTree/TNtuple/TNtupleD keys) of a file, in ListObjects order.
std::vector<std::string> TreePaths(const root_format::RootFile& file);

}  // namespace arrowroot::fuzz
