// fuzz_seeds OUT_DIR: write the seed corpora of the fuzz targets, extracted from the real
// ROOT files in the test data directory (input layouts in fuzz_support.h):
//   OUT_DIR/decompress/     compressed key payloads (TTree, streamer info, baskets, ...)
//   OUT_DIR/streamer_info/  decompressed streamer-info lists
//   OUT_DIR/tree/           decompressed TTree records + their file's streamer infos
//   OUT_DIR/decode/         basket keys with the index of their branch's plan (and counts)
//   OUT_DIR/rntuple_envelopes/  the anchors, and the header, footer and first page-list
//                           envelopes (decompressed) of the RNTuples in testdata/rntuple/
// root_file_fuzz and tree_reader_fuzz take the .root files themselves (scripts/fuzz copies
// them). Deterministic: the same test data gives the same files.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "arrowroot/byte_source/byte_source.h"
#include "arrowroot/root_format/basket.h"
#include "arrowroot/compression/decompress.h"
#include "arrowroot/root_format/cursor.h"
#include "arrowroot/root_format/rntuple/rntuple.h"
#include "arrowroot/scan/tree_reader.h"
#include "arrowroot/to_arrow/decode.h"
#include "fuzz/fuzz_support.h"

namespace {

using namespace arrowroot;
using namespace arrowroot::fuzz;
namespace fs = std::filesystem;

constexpr size_t kMaxSeedBytes = 256 << 10;  // bigger inputs only slow the fuzzers down

std::map<std::string, int> g_counts;

void Write(const fs::path& dir, const std::string& name, const std::vector<uint8_t>& bytes) {
  if (bytes.size() > kMaxSeedBytes) return;
  fs::create_directories(dir);
  std::ofstream f(dir / name, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  ++g_counts[dir.filename().string()];
}

std::string Stem(const std::string& path) { return fs::path(path).stem().string(); }

std::string Sanitize(std::string s) {
  for (char& c : s) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return s.substr(0, 60);
}

void AddDecompressSeed(const fs::path& out, const std::string& name, ByteView raw,
                       uint64_t objlen) {
  std::vector<uint8_t> seed;
  PutU8(&seed, 0);
  PutU32(&seed, static_cast<uint32_t>(objlen));
  PutBytes(&seed, raw);
  Write(out / "decompress", name, seed);
}

/// Streamer infos, TTree records and compressed payloads of one file.
void FileSeeds(const fs::path& out, const std::string& path) {
  auto src = byte_source::OpenLocalFile(path);
  if (!src.ok()) return;
  auto file = root_format::RootFile::Open(*src);
  if (!file.ok()) return;
  const auto& f = **file;
  const std::string stem = Stem(path);
  Bytes streamers;
  const auto& h = f.header();
  if (h.seek_info > 0 && h.nbytes_info > 0) {
    auto kb = (*src)->Read({static_cast<uint64_t>(h.seek_info), static_cast<uint64_t>(h.nbytes_info)});
    if (kb.ok()) {
      root_format::Cursor c(*kb);
      auto k = root_format::ReadKeyHeader(c, (*src)->size());
      if (k.ok()) {
        auto raw = (*src)->Read({k->payload_offset(), k->payload_size()});
        if (raw.ok() && k->is_compressed()) {
          AddDecompressSeed(out, stem + "-streamers", *raw, static_cast<uint64_t>(k->objlen));
        }
        auto payload = f.ReadPayload(*k);
        if (payload.ok()) {
          streamers = std::move(*payload);
          std::vector<uint8_t> seed;
          PutU16(&seed, static_cast<uint16_t>(k->keylen));
          PutBytes(&seed, streamers);
          Write(out / "streamer_info", stem, seed);
        }
      }
    }
  }
  auto objects = f.ListObjects();
  if (!objects.ok()) return;
  int n = 0;
  for (const auto& o : *objects) {
    const auto& k = o.key;
    const std::string name = stem + "-" + Sanitize(o.path);
    if (k.is_compressed() && n++ < 8) {
      auto raw = (*src)->Read({k.payload_offset(), k.payload_size()});
      if (raw.ok()) AddDecompressSeed(out, name, *raw, static_cast<uint64_t>(k.objlen));
    }
    if (k.class_name == "TTree" || k.class_name == "TNtuple" || k.class_name == "TNtupleD") {
      auto payload = f.ReadPayload(k);
      if (!payload.ok()) continue;
      std::vector<uint8_t> seed;
      PutU16(&seed, static_cast<uint16_t>(k.keylen));
      PutU32(&seed, static_cast<uint32_t>(payload->size()));
      PutBytes(&seed, *payload);
      PutBytes(&seed, streamers);
      Write(out / "tree", name, seed);
    }
  }
}

/// The counter values of entries [start, stop) of `count_branch`, read through a TreeReader.
std::vector<int64_t> Counts(const std::shared_ptr<root_format::RootFile>& file,
                            const std::string& tree_path, const std::string& count_branch,
                            int64_t start, int64_t stop) {
  std::vector<int64_t> out;
  auto reader = scan::TreeReader::Open(file, tree_path);
  if (!reader.ok()) return out;
  scan::ScanOptions options;
  options.columns = {count_branch};
  options.entry_start = start;
  options.entry_stop = stop;
  options.num_threads = 1;
  auto batches = (*reader)->Scan(options);
  if (!batches.ok()) return out;
  while (true) {
    auto batch = (*batches)->Next();
    if (!batch.ok() || !batch->has_value()) break;
    to_arrow::AppendIntegers(*(*batch)->columns[0], &out);
  }
  return out;
}

/// Up to 3 baskets of every plan of DecodePlans().
void DecodeSeeds(const fs::path& out) {
  const auto& plans = DecodePlans();
  std::map<std::string, std::shared_ptr<root_format::RootFile>> files;
  std::map<std::string, int> kinds;
  for (size_t pi = 0; pi < plans.size(); ++pi) {
    const auto& e = plans[pi];
    auto& file = files[e.file];
    if (!file) {
      auto src = byte_source::OpenLocalFile(e.file);
      if (!src.ok()) continue;
      auto f = root_format::RootFile::Open(*src);
      if (!f.ok()) continue;
      file = *f;
    }
    // Two branches of each kind (file, mode, C++ type) are enough: thousands of NanoAOD floats
    // would only slow the fuzzer's start.
    const std::string kind = e.file + "|" + std::to_string(static_cast<int>(e.plan.mode)) + "|" +
                             e.plan.root_type;
    if (++kinds[kind] > 2) continue;
    const root_format::Branch& b = *e.plan.branch;
    const size_t nw = static_cast<size_t>(std::max(b.write_basket, 0));
    for (size_t i = 0; i < nw && i < 3 && i < b.basket_seek.size() && i < b.basket_bytes.size();
         ++i) {
      auto raw = file->source()->Read({static_cast<uint64_t>(b.basket_seek[i]),
                                       static_cast<uint64_t>(b.basket_bytes[i])});
      if (!raw.ok()) continue;
      auto basket = root_format::DecodeBasketKey(ByteView(*raw));
      if (!basket.ok()) continue;
      std::vector<uint8_t> seed;
      PutU16(&seed, static_cast<uint16_t>(pi));
      PutU16(&seed, 0);
      PutU16(&seed, 0xFFFF);  // every entry
      PutU32(&seed, static_cast<uint32_t>(raw->size()));
      PutBytes(&seed, *raw);
      if (to_arrow::NeedsCounts(e.plan, *basket) && e.plan.count_branch &&
          i + 1 < b.basket_entry.size()) {
        for (int64_t c : Counts(file, e.tree_path, e.plan.count_branch->path, b.basket_entry[i],
                                b.basket_entry[i + 1])) {
          PutU32(&seed, static_cast<uint32_t>(c));
        }
      }
      const std::string name = Stem(e.file) + "-" + Sanitize(e.plan.name) + "-" + std::to_string(i);
      Write(out / "decode", name, seed);
      if (i == 0 && static_cast<int64_t>(raw->size()) > 0) {
        root_format::Cursor c{ByteView(*raw)};
        auto k = root_format::ReadKeyHeader(c, UINT64_MAX / 2);
        if (k.ok() && k->is_compressed()) {
          AddDecompressSeed(out, name, ByteView(*raw).subspan(static_cast<size_t>(k->keylen)),
                            static_cast<uint64_t>(k->objlen));
        }
      }
    }
  }
}

/// An envelope's bytes, decompressed to `length` (empty when unreadable).
Bytes ReadEnvelope(const byte_source::ByteSource& src, uint64_t offset, uint64_t size,
                   uint64_t length) {
  auto raw = src.Read({offset, size});
  if (!raw.ok() || length > (64u << 20)) return {};
  if (size == length) return std::move(*raw);
  Bytes out(length);
  if (!compression::DecompressRootBlocks(*raw, out).ok()) return {};
  return out;
}

/// rntuple_envelopes seeds from every RNTuple of testdata/rntuple/*.root.
void RNTupleSeeds(const fs::path& out) {
  std::vector<std::string> paths;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(TestdataDir()) / "rntuple", ec)) {
    if (e.path().extension() == ".root") paths.push_back(e.path().string());
  }
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths) {
    auto src = byte_source::OpenLocalFile(path);
    if (!src.ok()) continue;
    auto file = root_format::RootFile::Open(*src);
    if (!file.ok()) continue;
    auto objects = (*file)->ListObjects();
    if (!objects.ok()) continue;
    for (const auto& o : *objects) {
      if (o.key.class_name != root_format::rntuple::kAnchorClass) continue;
      const std::string name = Stem(path) + "-" + Sanitize(o.path);
      auto payload = (*file)->ReadPayload(o.key);
      if (payload.ok()) {
        std::vector<uint8_t> seed;
        PutU8(&seed, 1);  // the anchor
        PutBytes(&seed, *payload);
        Write(out / "rntuple_envelopes", name + "-anchor", seed);
      }
      auto nt = root_format::rntuple::ReadRNTuple(**file, o.path);
      if (!nt.ok()) continue;
      const auto& a = (*nt)->anchor;
      Bytes header = ReadEnvelope(**src, a.seek_header, a.nbytes_header, a.len_header);
      Bytes footer = ReadEnvelope(**src, a.seek_footer, a.nbytes_footer, a.len_footer);
      Bytes page_list;
      if (!(*nt)->schema.cluster_groups.empty()) {
        const auto& link = (*nt)->schema.cluster_groups[0].page_list;
        page_list = ReadEnvelope(**src, link.locator.offset, link.locator.size, link.length);
      }
      std::vector<uint8_t> seed;
      PutU8(&seed, 0);  // header, footer, page list
      PutU32(&seed, static_cast<uint32_t>(header.size()));
      PutBytes(&seed, header);
      PutU32(&seed, static_cast<uint32_t>(footer.size()));
      PutBytes(&seed, footer);
      PutBytes(&seed, page_list);
      Write(out / "rntuple_envelopes", name + "-envelopes", seed);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_seeds OUT_DIR\n");
    return 2;
  }
  const fs::path out = argv[1];
  const auto files = TestFiles();
  if (files.empty()) {
    std::fprintf(stderr, "fuzz_seeds: no .root files in %s\n", TestdataDir().c_str());
    return 1;
  }
  for (const auto& path : files) FileSeeds(out, path);
  DecodeSeeds(out);
  RNTupleSeeds(out);
  for (const auto& [dir, n] : g_counts) std::printf("fuzz_seeds: %-14s %d seeds\n", dir.c_str(), n);
  std::printf("fuzz_seeds: %zu column plans from %zu files\n", DecodePlans().size(), files.size());
  return 0;
}
