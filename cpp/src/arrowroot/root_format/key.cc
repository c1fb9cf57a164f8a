#include "arrowroot/root_format/key.h"

#include <cstdio>

namespace arrowroot::root_format {

std::string FileHeader::RootVersionString() const {
  int v = version % 1000000;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d.%02d/%02d", v / 10000, (v / 100) % 100, v % 100);
  return buf;
}

Result<FileHeader> ParseFileHeader(ByteView bytes, uint64_t file_size) {
  if (bytes.size() < 4 || std::memcmp(bytes.data(), "root", 4) != 0) {
    return Status::Corruption("not a ROOT file: the first 4 bytes are not \"root\"");
  }
  Cursor c(bytes);
  c.SetWhat("TFile header");
  c.Skip(4);
  FileHeader h;
  h.version = c.I32();
  h.begin = c.I32();
  bool large = h.version >= 1000000;
  h.end = large ? c.I64() : c.I32();
  h.seek_free = large ? c.I64() : c.I32();
  h.nbytes_free = c.I32();
  h.nfree = c.I32();
  h.nbytes_name = c.I32();
  h.units = c.U8();
  h.compress = c.I32();
  h.seek_info = large ? c.I64() : c.I32();
  h.nbytes_info = c.I32();
  if (!c.ok()) return c.status();
  if (h.begin < 4 || static_cast<uint64_t>(h.begin) >= file_size) {
    return Status::Corruption("TFile header: fBEGIN = " + std::to_string(h.begin) +
                              " is outside the file (" + std::to_string(file_size) + " bytes)");
  }
  if (h.end < h.begin || static_cast<uint64_t>(h.end) > file_size) {
    return Status::Corruption("TFile header says the file ends at byte " + std::to_string(h.end) +
                              " but it has " + std::to_string(file_size) +
                              " bytes: the file is truncated (an interrupted copy or write?)");
  }
  if (h.seek_info < 0 || h.nbytes_info < 0 ||
      static_cast<uint64_t>(h.seek_info) + static_cast<uint64_t>(h.nbytes_info) > file_size) {
    return Status::Corruption("TFile header: streamer info " +
                              FormatRange(static_cast<uint64_t>(h.seek_info), h.nbytes_info) +
                              " is outside the file");
  }
  if (h.nbytes_name < 0 || static_cast<uint64_t>(h.begin) + h.nbytes_name > file_size) {
    return Status::Corruption("TFile header: fNbytesName = " + std::to_string(h.nbytes_name) +
                              " is out of range");
  }
  return h;
}

Result<KeyHeader> ParseKeyHeader(Cursor& c) {
  size_t start = c.pos();
  c.SetWhat("TKey header");
  KeyHeader k;
  k.nbytes = c.I32();
  k.version = c.I16();
  k.objlen = c.I32();
  k.datime = c.U32();
  k.keylen = c.I16();
  k.cycle = c.I16();
  bool large = k.version > 1000;
  k.seek_key = large ? c.I64() : c.I32();
  k.seek_pdir = large ? c.I64() : c.I32();
  k.class_name = c.TString();
  k.name = c.TString();
  k.title = c.TString();
  if (!c.ok()) return c.status();
  if (k.keylen < 0 || c.pos() - start > static_cast<size_t>(k.keylen)) {
    return Status::Corruption("key '" + k.name + "' (" + k.class_name + "): fKeylen = " +
                              std::to_string(k.keylen) + " is shorter than its own fields");
  }
  return k;
}

Status CheckKeyHeader(const KeyHeader& k, uint64_t file_size) {
  std::string where = "key '" + k.name + "' (" + k.class_name + ")";
  if (k.nbytes < k.keylen) {
    return Status::Corruption(where + ": fNbytes = " + std::to_string(k.nbytes) +
                              " is smaller than fKeylen = " + std::to_string(k.keylen));
  }
  if (k.objlen < 0) {
    return Status::Corruption(where + ": negative fObjlen " + std::to_string(k.objlen));
  }
  if (k.seek_key < 0 || static_cast<uint64_t>(k.seek_key) + k.nbytes > file_size) {
    return Status::Corruption(where + " at " + FormatRange(k.seek_key, k.nbytes) +
                              " runs past the end of the file (" + std::to_string(file_size) +
                              " bytes): the file is truncated or the key is corrupt");
  }
  return Status::OK();
}

Result<KeyHeader> ReadKeyHeader(Cursor& c, uint64_t file_size) {
  ASSIGN_OR_RETURN(KeyHeader k, ParseKeyHeader(c));
  RETURN_IF_ERROR(CheckKeyHeader(k, file_size));
  return k;
}

}  // namespace arrowroot::root_format
