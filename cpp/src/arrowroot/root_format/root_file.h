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

/// A key a directory lists that cannot be used: its header contradicts the file (it runs
/// past the end, its sizes disagree), the keys list ends inside it, or, for a subdirectory,
/// its record or keys list is corrupt. ROOT lists such keys and fails when one is read; so
/// does arrowroot: the other objects stay readable.
struct BadKey {
  std::string path;  ///< "dir/name" ("dir/(key 3 of 9)" when its name could not be read)
  int16_t cycle = 0;
  std::string class_name;
  int64_t seek_key = 0;
  int32_t nbytes = 0;
  Status reason;
  /// "TTree 'dir/name;1' at [0x1f00,+420): <reason>"
  std::string Describe() const;
};

/// What the directories of a file list.
struct ObjectListing {
  std::vector<ObjectEntry> objects;  ///< depth first, in each directory's key order
  std::vector<BadKey> bad_keys;
};

class RootFile {
 public:
  /// Read the header, the streamer infos and the top directory's keys.
  static Result<std::shared_ptr<RootFile>> Open(std::shared_ptr<byte_source::ByteSource> source);

  const FileHeader& header() const { return header_; }
  const std::string& name() const { return source_->name(); }
  const std::shared_ptr<byte_source::ByteSource>& source() const { return source_; }

  /// Every object in every directory, depth first; only the highest cycle of each name.
  /// Keys that cannot be used are left out (List reports them).
  Result<std::vector<ObjectEntry>> ListObjects() const;

  /// Every object in every directory, depth first: each cycle of a name (`all_cycles`, as
  /// uproot's keys(cycle=True)) or the highest only, and the keys that cannot be used with
  /// why. Fails (Corruption) only for damage to the listing as a whole: directories that
  /// list more objects than the file has room for (keys pointing back at their directory).
  Result<ObjectListing> List(bool all_cycles) const;

  /// The key of "dir/sub/name" (an optional ";cycle" picks a cycle). NotFound lists the
  /// names that do exist in that directory.
  Result<KeyHeader> FindKey(const std::string& path) const;

  /// Read and decompress a key's payload (fObjlen bytes).
  Result<Bytes> ReadPayload(const KeyHeader& key) const;

  /// Read a TTree by path.
  Result<std::shared_ptr<const Tree>> ReadTree(const std::string& path) const;

  /// Streamer info of a class (the highest version), or nullptr.
  const StreamerInfo* FindStreamerInfo(const std::string& class_name) const;
  /// Streamer info of one version of a class, or nullptr.
  const StreamerInfo* FindStreamerInfo(const std::string& class_name, int32_t version) const;

 private:
  RootFile() = default;
  /// A directory's usable keys, and those it lists that cannot be used.
  struct DirectoryKeys {
    std::vector<KeyHeader> keys;
    std::vector<BadKey> bad;
  };
  /// `seek_dir`: where the directory's key is, which its record repeats (fSeekDir); a key
  /// pointing at another directory's record is then Corruption. -1: not checked (the top one).
  /// A key whose header is corrupt goes to `bad`; a corrupt record or keys list fails.
  Result<DirectoryKeys> ReadDirectoryKeys(uint64_t dir_offset, uint64_t dir_size,
                                          const std::string& dir_path,
                                          int64_t seek_dir = -1) const;
  /// The keys of the subdirectory whose key is `key`.
  Result<DirectoryKeys> ReadSubdirectoryKeys(const KeyHeader& key, const std::string& path) const;
  Status ListRecursive(const DirectoryKeys& dir, const std::string& prefix, int depth,
                       bool all_cycles, size_t* visited, ObjectListing* out) const;

  std::shared_ptr<byte_source::ByteSource> source_;
  FileHeader header_;
  DirectoryKeys top_keys_;
  /// By class name, then class version (a file may carry several versions of a class).
  std::map<std::string, std::map<int32_t, StreamerInfo>> streamers_;
  Status streamer_status_;  ///< a broken streamer record only matters to branches that need it
};

/// Decompress a key payload read from disk: `raw` is [fKeylen, fNbytes) of the key and
/// `objlen` its fObjlen. The block headers are checked to account for every byte (and for
/// exactly `objlen` output bytes) before anything is allocated, so a corrupt length cannot
/// cause a huge allocation.
Result<Bytes> DecompressPayload(ByteView raw, uint64_t objlen);

}  // namespace arrowroot::root_format
