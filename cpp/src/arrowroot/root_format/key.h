// TFile header and TKey records: the byte tables are in docs/format/README.md.
#pragma once

#include <cstdint>
#include <string>

#include "arrowroot/common/bytes.h"
#include "arrowroot/common/status.h"
#include "arrowroot/root_format/cursor.h"

namespace arrowroot::root_format {

/// TFile header at offset 0 (ROOT io/io/src/TFile.cxx, TFile::Init / WriteHeader).
struct FileHeader {
  int32_t version = 0;  ///< fVersion; ≥ 1000000 ⇒ 64-bit seeks (large file)
  int32_t begin = 0;    ///< fBEGIN: first key (the TFile's own key)
  int64_t end = 0;      ///< fEND
  int64_t seek_free = 0;
  int32_t nbytes_free = 0;
  int32_t nfree = 0;
  int32_t nbytes_name = 0;
  uint8_t units = 4;
  int32_t compress = 0;  ///< fCompress = algorithm*100 + level; only the writer's default
  int64_t seek_info = 0;
  int32_t nbytes_info = 0;
  bool is_large() const { return version >= 1000000; }
  /// "6.20/04"
  std::string RootVersionString() const;
};

/// How many bytes to read from offset 0 to parse either header layout (uproot reads 403).
inline constexpr size_t kFileHeaderReadSize = 403;

Result<FileHeader> ParseFileHeader(ByteView bytes, uint64_t file_size);

/// TKey header (ROOT io/io/src/TKey.cxx, TKey::Streamer).
struct KeyHeader {
  int32_t nbytes = 0;   ///< fNbytes: key + payload on disk
  int16_t version = 0;  ///< fVersion; > 1000 ⇒ 64-bit seeks
  int32_t objlen = 0;   ///< fObjlen: uncompressed payload
  uint32_t datime = 0;
  int16_t keylen = 0;  ///< fKeylen: header length
  int16_t cycle = 0;
  int64_t seek_key = 0;
  int64_t seek_pdir = 0;
  std::string class_name;
  std::string name;
  std::string title;

  bool is_compressed() const { return nbytes - keylen != objlen; }
  uint64_t payload_offset() const { return static_cast<uint64_t>(seek_key) + keylen; }
  uint64_t payload_size() const { return static_cast<uint64_t>(nbytes - keylen); }
};

/// Parse a key header at the cursor; only the cursor's bounds are checked.
Result<KeyHeader> ParseKeyHeader(Cursor& cursor);
/// Check a parsed key's sizes against each other and against the file size.
Status CheckKeyHeader(const KeyHeader& key, uint64_t file_size);
/// Parse a key header at the cursor and check its sizes against the file size.
Result<KeyHeader> ReadKeyHeader(Cursor& cursor, uint64_t file_size);

}  // namespace arrowroot::root_format
