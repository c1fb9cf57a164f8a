// RootFile: a TFile opened over a ByteSource — header, streamer infos, directories and keys,
// object payloads (decompressed), and TTrees. Metadata is read once and is immutable after
// Open(), so a RootFile may be shared across threads.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "arrowroot/byte_source/byte_source.h"
#include "arrowroot/common/status.h"
#include "arrowroot/root_format/key.h"
#include "arrowroot/root_format/model.h"

namespace arrowroot::root_format {

/// One object listed in a directory, with its path from the file's top directory.
struct ObjectEntry {
  std::string path;  ///< "dir/sub/name"
  KeyHeader key;
};

class RootFile {
 public:
  /// Read the header, the streamer infos and the top directory's keys.
  static Result<std::shared_ptr<RootFile>> Open(std::shared_ptr<byte_source::ByteSource> source);

  const FileHeader& header() const { return header_; }
  const std::string& name() const { return source_->name(); }
  const std::shared_ptr<byte_source::ByteSource>& source() const { return source_; }

  /// Every object in every directory, depth first; only the highest cycle of each name.
  Result<std::vector<ObjectEntry>> ListObjects() const;

  /// The key of "dir/sub/name" (an optional ";cycle" picks a cycle). NotFound lists the
  /// names that do exist in that directory.
  Result<KeyHeader> FindKey(const std::string& path) const;

  /// Read and decompress a key's payload (fObjlen bytes).
  Result<Bytes> ReadPayload(const KeyHeader& key) const;

  /// Read a TTree by path.
  Result<std::shared_ptr<const Tree>> ReadTree(const std::string& path) const;

  /// Streamer info of a class (the highest version), or nullptr.
  const StreamerInfo* FindStreamerInfo(const std::string& class_name) const;

 private:
  RootFile() = default;
  /// `seek_dir`: where the directory's key is, which its record repeats (fSeekDir); a key
  /// pointing at another directory's record is then Corruption. -1: not checked (the top one).
  Result<std::vector<KeyHeader>> ReadDirectoryKeys(uint64_t dir_offset, uint64_t dir_size,
                                                   const std::string& dir_path,
                                                   int64_t seek_dir = -1) const;
  Status ListRecursive(const std::vector<KeyHeader>& keys, const std::string& prefix,
                       int depth, std::vector<ObjectEntry>* out) const;

  std::shared_ptr<byte_source::ByteSource> source_;
  FileHeader header_;
  std::vector<KeyHeader> top_keys_;
  std::map<std::string, StreamerInfo> streamers_;
  Status streamer_status_;  ///< a broken streamer record only matters to branches that need it
};

/// Decompress a key payload read from disk: `raw` is [fKeylen, fNbytes) of the key and
/// `objlen` its fObjlen. The block headers are checked to account for every byte (and for
/// exactly `objlen` output bytes) before anything is allocated, so a corrupt length cannot
/// cause a huge allocation.
Result<Bytes> DecompressPayload(ByteView raw, uint64_t objlen);

}  // namespace arrowroot::root_format
