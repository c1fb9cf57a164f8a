#include "arrowroot/root_format/root_file.h"

#include <algorithm>
#include <set>

#include "arrowroot/compression/decompress.h"
#include "arrowroot/root_format/cursor.h"
#include "arrowroot/root_format/streamed_objects.h"

namespace arrowroot::root_format {

namespace {

bool IsDirectoryClass(const std::string& c) {
  return c == "TDirectory" || c == "TDirectoryFile";
}

std::string Quote(const std::string& s) { return "'" + s + "'"; }

/// How many times its compressed size a block of this codec can decode to at most: deflate
/// 1032:1 and LZ4 255:1 by their formats, zstd 32768:1 (RLE blocks), LZMA about 7000:1; with
/// margin. Headers claiming more are corrupt: a few bytes must not become a huge allocation.
uint64_t MaxExpansion(compression::Codec codec) {
  switch (codec) {
    case compression::Codec::kZlib:
    case compression::Codec::kOldRoot: return 1100;
    case compression::Codec::kLz4: return 256;
    case compression::Codec::kZstd:
    case compression::Codec::kLzma: return 65536;
  }
  return 65536;
}

}  // namespace

Result<Bytes> DecompressPayload(ByteView raw, uint64_t objlen) {
  // Walk the block headers first: they must account for every byte, so a corrupt size
  // cannot make us allocate or decode garbage (ROOT core/zip/inc/RZip.h, 9-byte headers).
  size_t pos = 0;
  uint64_t total = 0;
  int block = 0;
  while (pos < raw.size()) {
    if (raw.size() - pos < 9) {
      return Status::Corruption("compressed payload: " + std::to_string(raw.size() - pos) +
                                " trailing bytes after block " + std::to_string(block) +
                                " are too few for a block header");
    }
    ASSIGN_OR_RETURN(auto bh, compression::ParseBlockHeader(raw.subspan(pos, 9)));
    if (bh.uncompressed_size > uint64_t{bh.compressed_size} * MaxExpansion(bh.codec)) {
      return Status::Corruption("compressed payload: block " + std::to_string(block) + " (" +
                                compression::CodecName(bh.codec) + ") claims " +
                                std::to_string(bh.uncompressed_size) + " bytes from " +
                                std::to_string(bh.compressed_size) +
                                ", more than the codec can expand to");
    }
    pos += 9 + static_cast<size_t>(bh.compressed_size);
    total += bh.uncompressed_size;
    ++block;
  }
  if (pos != raw.size() || total != objlen) {
    return Status::Corruption("compressed payload of " + std::to_string(raw.size()) +
                              " bytes: block headers describe " + std::to_string(total) +
                              " uncompressed bytes, the key says " + std::to_string(objlen));
  }
  Bytes out(static_cast<size_t>(objlen));
  RETURN_IF_ERROR(compression::DecompressRootBlocks(raw, out));
  return out;
}

Result<std::shared_ptr<RootFile>> RootFile::Open(std::shared_ptr<byte_source::ByteSource> source) {
  std::shared_ptr<RootFile> f(new RootFile());
  f->source_ = std::move(source);
  const std::string fname = "file " + Quote(f->source_->name());
  uint64_t size = f->source_->size();
  if (size < 64) {
    return Status::Corruption("only " + std::to_string(size) +
                              " bytes: too short to be a ROOT file")
        .AddContext(fname);
  }
  auto head = f->source_->Read({0, std::min<uint64_t>(size, kFileHeaderReadSize)});
  if (!head.ok()) return std::move(head).status().AddContext(fname);
  auto hdr = ParseFileHeader(*head, size);
  if (!hdr.ok()) return std::move(hdr).status().AddContext(fname);
  f->header_ = *hdr;

  // The top directory record follows the TFile key and its name/title (TFile::Init).
  uint64_t dir_offset = static_cast<uint64_t>(f->header_.begin) + f->header_.nbytes_name;
  auto keys = f->ReadDirectoryKeys(dir_offset, std::min<uint64_t>(size - dir_offset, 64), "");
  if (!keys.ok()) return std::move(keys).status().AddContext(fname);
  f->top_keys_ = std::move(*keys);

  // Streamer infos: needed only for TBranchElement types, so a failure is kept, not fatal.
  if (f->header_.seek_info > 0 && f->header_.nbytes_info > 0) {
    Status st = [&]() -> Status {
      ASSIGN_OR_RETURN(Bytes kb, f->source_->Read({static_cast<uint64_t>(f->header_.seek_info),
                                                   static_cast<uint64_t>(f->header_.nbytes_info)}));
      Cursor c(kb);
      ASSIGN_OR_RETURN(KeyHeader k, ReadKeyHeader(c, size));
      // The payload is the rest of what was just read when the header agrees with the
      // file header's fNbytesInfo (always, unless corrupt); no second read (a round trip on
      // a remote file).
      Bytes payload;
      if (static_cast<uint64_t>(k.nbytes) == kb.size() && k.keylen > 0 &&
          static_cast<uint64_t>(k.keylen) <= kb.size()) {
        ByteView raw = ByteView(kb).subspan(static_cast<size_t>(k.keylen));
        if (k.is_compressed()) {
          ASSIGN_OR_RETURN(payload, DecompressPayload(raw, static_cast<uint64_t>(k.objlen)));
        } else {
          payload.assign(raw.begin(), raw.end());
        }
      } else {
        ASSIGN_OR_RETURN(payload, f->ReadPayload(k));
      }
      ASSIGN_OR_RETURN(auto infos, ParseStreamerInfoList(payload, k.keylen));
      for (auto& i : infos) {
        // The first of a (class, version) wins, as in TFile::ReadStreamerInfo.
        f->streamers_[i.class_name].try_emplace(i.class_version, std::move(i));
      }
      return Status::OK();
    }();
    if (!st.ok()) {
      f->streamer_status_ = std::move(st).AddContext(
          "streamer info at " + FormatRange(f->header_.seek_info, f->header_.nbytes_info));
    }
  }
  return f;
}

Result<RootFile::DirectoryKeys> RootFile::ReadDirectoryKeys(uint64_t dir_offset,
                                                            uint64_t dir_size,
                                                            const std::string& dir_path,
                                                            int64_t expected_seek_dir) const {
  uint64_t size = source_->size();
  std::string where = "directory " + Quote(dir_path.empty() ? "/" : dir_path);
  ASSIGN_OR_RETURN(Bytes rec, source_->Read({dir_offset, dir_size}));
  // TDirectory record (TDirectoryFile::Streamer): version > 1000 ⇒ 64-bit seeks.
  Cursor c(rec);
  c.SetWhat("TDirectory record");
  int16_t version = c.I16();
  c.U32();  // ctime
  c.U32();  // mtime
  int32_t nbytes_keys = c.I32();
  c.I32();  // fNbytesName
  bool large = version > 1000;
  int64_t seek_dir = large ? c.I64() : c.I32();
  int64_t seek_parent = large ? c.I64() : c.I32();
  int64_t seek_keys = large ? c.I64() : c.I32();
  (void)seek_parent;
  if (!c.ok()) return Status(c.status()).AddContext(where);
  // A subdirectory's record names its own key (0: not written, accepted): a key redirected to
  // another directory's record (a parent: a cycle; a sibling: the wrong objects) is caught here.
  if (expected_seek_dir >= 0 && seek_dir != 0 && seek_dir != expected_seek_dir) {
    return Status::Corruption("the directory record at byte " + std::to_string(dir_offset) +
                              " belongs to the key at byte " + std::to_string(seek_dir) +
                              ", not to this key at byte " + std::to_string(expected_seek_dir))
        .AddContext(where);
  }
  if (seek_keys <= 0 || nbytes_keys <= 0 ||
      static_cast<uint64_t>(seek_keys) + static_cast<uint64_t>(nbytes_keys) > size) {
    return Status::Corruption("keys list at " + FormatRange(seek_keys, nbytes_keys) +
                              " is outside the file (" + std::to_string(size) +
                              " bytes): the file is truncated or corrupt")
        .AddContext(where);
  }
  ASSIGN_OR_RETURN(Bytes kl, source_->Read({static_cast<uint64_t>(seek_keys),
                                            static_cast<uint64_t>(nbytes_keys)}));
  Cursor kc(kl);
  auto self = ReadKeyHeader(kc, size);  // the keys list's own key
  if (!self.ok()) return std::move(self).status().AddContext(where + " keys list");
  // The list's own key says where it was written and for which directory (0: not written, as
  // some writers leave them), and a subdirectory's is named after it: a fSeekKeys, or a key,
  // pointing at another directory's list or record is caught here.
  const std::string dir_name = dir_path.substr(dir_path.rfind('/') + 1);
  if ((self->seek_key != 0 && self->seek_key != seek_keys) ||
      (self->seek_pdir != 0 && seek_dir != 0 && self->seek_pdir != seek_dir) ||
      (expected_seek_dir >= 0 && !self->name.empty() && self->name != dir_name)) {
    return Status::Corruption("the keys list at byte " + std::to_string(seek_keys) +
                              " was written at byte " + std::to_string(self->seek_key) +
                              " for directory '" + self->name + "' at byte " +
                              std::to_string(self->seek_pdir) + ", not for this one (at byte " +
                              std::to_string(seek_dir) + ")")
        .AddContext(where);
  }
  kc.Seek(static_cast<size_t>(self->keylen));
  int32_t nkeys = kc.I32();
  if (!kc.ok() || nkeys < 0 || static_cast<size_t>(nkeys) > kl.size() / 20) {
    return Status::Corruption("keys list claims " + std::to_string(nkeys) + " keys")
        .AddContext(where);
  }
  // Each key is checked on its own (TDirectoryFile::ReadKeys lists every key; reading a bad
  // one fails): one whose header contradicts the file is reported, the others stay usable.
  DirectoryKeys out;
  out.keys.reserve(static_cast<size_t>(nkeys));
  const std::string prefix = dir_path.empty() ? "" : dir_path + "/";
  for (int32_t i = 0; i < nkeys; ++i) {
    const size_t at = kc.pos();
    auto k = ParseKeyHeader(kc);
    if (!k.ok()) {
      // The list ends inside this key: it and the keys after it cannot be found.
      BadKey bad;
      bad.path = prefix + "(key " + std::to_string(i + 1) + " of " + std::to_string(nkeys) + ")";
      bad.seek_key = seek_keys + static_cast<int64_t>(at);
      bad.reason = std::move(k).status().AddContext(
          where + ": the keys list at " + FormatRange(seek_keys, nbytes_keys) + " ends in key " +
          std::to_string(i + 1) + " of " + std::to_string(nkeys) + "; the " +
          std::to_string(nkeys - i - 1) + " after it are lost");
      out.bad.push_back(std::move(bad));
      break;
    }
    Status st = CheckKeyHeader(*k, size);
    if (!st.ok()) {
      out.bad.push_back({prefix + k->name, k->cycle, k->class_name, k->seek_key, k->nbytes,
                         std::move(st).AddContext(where)});
      continue;
    }
    out.keys.push_back(std::move(*k));
  }
  return out;
}

Result<RootFile::DirectoryKeys> RootFile::ReadSubdirectoryKeys(const KeyHeader& key,
                                                               const std::string& path) const {
  ASSIGN_OR_RETURN(Bytes payload, ReadPayload(key));
  // A subdirectory's payload is its TDirectory record; its seeks are absolute.
  return ReadDirectoryKeys(key.payload_offset(), std::min<uint64_t>(payload.size(), 64), path,
                           key.seek_key);
}

std::string BadKey::Describe() const {
  return (class_name.empty() ? std::string("key") : class_name) + " '" + path + ";" +
         std::to_string(cycle) + "' at " +
         FormatRange(static_cast<uint64_t>(std::max<int64_t>(seek_key, 0)),
                     static_cast<uint64_t>(std::max<int32_t>(nbytes, 0))) +
         ": " + reason.ToString();
}

Status RootFile::ListRecursive(const DirectoryKeys& dir, const std::string& prefix, int depth,
                               bool all_cycles, size_t* visited, ObjectListing* out) const {
  for (const auto& b : dir.bad) out->bad_keys.push_back(b);
  // Highest cycle per name only (unless all_cycles), in key order.
  std::map<std::string, int16_t> best;
  for (const auto& k : dir.keys) {
    auto it = best.find(k.name);
    if (it == best.end() || k.cycle > it->second) best[k.name] = k.cycle;
  }
  for (const auto& k : dir.keys) {
    if (!all_cycles && best[k.name] != k.cycle) continue;
    std::string path = prefix.empty() ? k.name : prefix + "/" + k.name;
    // Each object of a real file has a key record of its own (26+ bytes). Keys that point
    // back to a directory already listed (a corrupt file) would list it again and again:
    // with two such keys per level, 2^64 times before the depth check.
    if (++*visited > source_->size() / 26) {
      return Status::Corruption("directories list more objects than the file has keys for "
                                "(keys pointing back at their own directory?)");
    }
    if (!IsDirectoryClass(k.class_name)) {
      out->objects.push_back({path, k});
      continue;
    }
    auto sub = depth >= 64 ? Result<DirectoryKeys>(Status::Corruption(
                                 "directories nested deeper than 64 (a cycle?)"))
                           : ReadSubdirectoryKeys(k, path);
    if (!sub.ok()) {
      out->bad_keys.push_back(
          {path, k.cycle, k.class_name, k.seek_key, k.nbytes, std::move(sub).status()});
      continue;
    }
    out->objects.push_back({path, k});
    RETURN_IF_ERROR(ListRecursive(*sub, path, depth + 1, all_cycles, visited, out));
  }
  return Status::OK();
}

Result<ObjectListing> RootFile::List(bool all_cycles) const {
  ObjectListing out;
  size_t visited = 0;
  Status st = ListRecursive(top_keys_, "", 0, all_cycles, &visited, &out);
  if (!st.ok()) return std::move(st).AddContext("file " + Quote(name()));
  if (all_cycles) {
    // Every cycle of a subdirectory is listed: an object they share appears once (uproot).
    std::set<std::pair<std::string, int16_t>> seen;
    std::vector<ObjectEntry> unique;
    for (auto& o : out.objects) {
      if (seen.insert({o.path, o.key.cycle}).second) unique.push_back(std::move(o));
    }
    out.objects = std::move(unique);
  }
  return out;
}

Result<std::vector<ObjectEntry>> RootFile::ListObjects() const {
  ASSIGN_OR_RETURN(ObjectListing listing, List(false));
  return std::move(listing.objects);
}

Result<KeyHeader> RootFile::FindKey(const std::string& path_in) const {
  std::string path = path_in;
  int cycle = -1;
  if (auto semi = path.rfind(';'); semi != std::string::npos) {
    try {
      cycle = std::stoi(path.substr(semi + 1));
    } catch (...) {
      return Status::InvalidArgument("bad cycle in object path '" + path_in + "'");
    }
    path = path.substr(0, semi);
  }
  while (!path.empty() && path.front() == '/') path.erase(0, 1);
  DirectoryKeys keys = top_keys_;
  std::string dir;
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    std::string part = path.substr(start, slash == std::string::npos ? std::string::npos
                                                                       : slash - start);
    const KeyHeader* found = nullptr;
    const bool last = slash == std::string::npos;
    for (const auto& k : keys.keys) {
      if (k.name != part) continue;
      if (last && cycle >= 0 && k.cycle != cycle) continue;
      if (!found || k.cycle > found->cycle) found = &k;
    }
    if (!found) {
      // A key listed under that name that cannot be used: say why.
      const std::string bad_path = dir.empty() ? part : dir + "/" + part;
      for (const auto& b : keys.bad) {
        if (b.path == bad_path && (!last || cycle < 0 || b.cycle == cycle)) {
          return Status(b.reason.code(), "cannot read " + b.Describe())
              .AddContext("file " + Quote(name()));
        }
      }
      std::string names;
      for (const auto& k : keys.keys) {
        if (names.find("'" + k.name + "'") != std::string::npos) continue;
        if (!names.empty()) names += ", ";
        if (names.size() > 300) {
          names += "...";
          break;
        }
        names += "'" + k.name + "'";
      }
      return Status::NotFound("no object '" + part + "' in directory '" +
                              (dir.empty() ? "/" : dir) + "' of '" + name() +
                              "'; it has: " + (names.empty() ? "(nothing)" : names));
    }
    if (slash == std::string::npos) return *found;
    if (!IsDirectoryClass(found->class_name)) {
      return Status::NotFound("'" + part + "' in '" + name() + "' is a " + found->class_name +
                              ", not a directory");
    }
    dir = dir.empty() ? part : dir + "/" + part;
    ASSIGN_OR_RETURN(keys, ReadSubdirectoryKeys(*found, dir));
    start = slash + 1;
  }
}

Result<Bytes> RootFile::ReadPayload(const KeyHeader& key) const {
  std::string where = "key '" + key.name + "' (" + key.class_name + ") at " +
                      FormatRange(key.seek_key, key.nbytes);
  auto raw = source_->Read({key.payload_offset(), key.payload_size()});
  if (!raw.ok()) return std::move(raw).status().AddContext(where);
  if (!key.is_compressed()) return raw;
  auto out = DecompressPayload(*raw, static_cast<uint64_t>(key.objlen));
  if (!out.ok()) return std::move(out).status().AddContext(where);
  return out;
}

Result<std::shared_ptr<const Tree>> RootFile::ReadTree(const std::string& path) const {
  ASSIGN_OR_RETURN(KeyHeader key, FindKey(path));
  if (key.class_name != "TTree" && key.class_name != "TNtuple" &&
      key.class_name != "TNtupleD") {
    return Status::InvalidArgument("'" + path + "' in '" + name() + "' is a " + key.class_name +
                                   ", not a TTree");
  }
  ASSIGN_OR_RETURN(Bytes payload, ReadPayload(key));
  TreeParseOptions options;
  options.class_name = key.class_name;
  options.streamers = [this](const std::string& cls, int32_t version) {
    return FindStreamerInfo(cls, version);
  };
  auto tree = ParseTree(payload, key.keylen, options);
  if (!tree.ok()) {
    Status st = std::move(tree).status();
    if (!streamer_status_.ok() && st.code() == StatusCode::kUnsupported) {
      // Old class versions are read by the streamer info: say why it was missing.
      st = std::move(st).AddContext("the file's streamer info could not be read: " +
                                    streamer_status_.message());
    }
    return std::move(st).AddContext(key.class_name + " '" + path + "' at " +
                                    FormatRange(key.seek_key, key.nbytes));
  }
  return std::shared_ptr<const Tree>(std::move(*tree));
}

const StreamerInfo* RootFile::FindStreamerInfo(const std::string& class_name) const {
  auto it = streamers_.find(class_name);
  return it == streamers_.end() || it->second.empty() ? nullptr : &it->second.rbegin()->second;
}

const StreamerInfo* RootFile::FindStreamerInfo(const std::string& class_name,
                                               int32_t version) const {
  auto it = streamers_.find(class_name);
  if (it == streamers_.end()) return nullptr;
  auto v = it->second.find(version);
  return v == it->second.end() ? nullptr : &v->second;
}

}  // namespace arrowroot::root_format
