// libFuzzer target: a whole ROOT file holding RNTuples, read the way front ends do:
// RootFile::Open from memory, every ROOT::RNTuple key through RNTupleReader::Open (metadata,
// page lists), its entry offsets and bytes per entry, then a single-threaded Scan of every
// readable field, each batch exported to the Arrow C Data Interface.
//
// Checksums would stop nearly every mutation at the anchor, an envelope or a page, so when the
// file's last byte is odd the target first re-signs what it can find (layouts: ROOT's RNTuple
// Binary Format Specification 1.0.0.1, "Anchor schema", "Envelopes", "Page List Envelope"):
// the anchors, uncompressed header/footer/page-list envelopes (with the header checksum the
// footer and page lists repeat) and every checksummed page. Even: read as given.
#include <cstring>

#include "arrowroot/byte_source/byte_source.h"
#include "arrowroot/root_format/rntuple/envelopes.h"
#include "arrowroot/scan/rntuple_reader.h"
#include "fuzz/fuzz_support.h"

namespace {

using namespace arrowroot;
namespace rn = arrowroot::root_format::rntuple;

Result<std::shared_ptr<root_format::RootFile>> OpenCopy(const Bytes& b) {
  return root_format::RootFile::Open(byte_source::MakeMemorySource(Bytes(b), "fuzz.root"));
}

bool InRange(const Bytes& b, uint64_t offset, uint64_t size) {
  return offset <= b.size() && size <= b.size() - offset;
}

/// Re-sign an uncompressed envelope (its last 8 bytes); returns its new checksum.
uint64_t ResignEnvelope(Bytes& b, uint64_t offset, uint64_t size) {
  uint64_t sum = rn::Checksum(ByteView(b).subspan(offset, size - 8));
  std::memcpy(b.data() + offset + size - 8, &sum, 8);
  return sum;
}

void Resign(Bytes& b) {
  auto file = OpenCopy(b);
  if (!file.ok()) return;
  auto objects = (*file)->ListObjects();
  if (!objects.ok()) return;
  std::vector<std::string> paths;
  for (const auto& o : *objects) {
    const auto& k = o.key;
    if (k.class_name != rn::kAnchorClass || k.is_compressed()) continue;
    if (!InRange(b, k.payload_offset(), k.payload_size()) || k.payload_size() < 6) continue;
    // [u32 bytecount | 0x40000000][u16 version] fields [u64 XXH3 of the fields], big-endian.
    std::byte* p = b.data() + k.payload_offset();
    uint32_t count = 0;
    for (int i = 0; i < 4; ++i) count = (count << 8) | static_cast<uint8_t>(p[i]);
    uint64_t end = 4 + (count & ~0x40000000u);
    if (!(count & 0x40000000u) || end < 6 || end + 8 > k.payload_size()) continue;
    uint64_t sum = rn::Checksum(ByteView(p + 6, end - 6));
    for (int i = 0; i < 8; ++i) p[end + i] = std::byte(sum >> (56 - 8 * i));
    auto anchor = rn::ParseAnchor(ByteView(p, k.payload_size()));
    if (!anchor.ok()) continue;
    const rn::Anchor& a = *anchor;
    if (a.nbytes_header != a.len_header || a.len_header < 16 ||
        !InRange(b, a.seek_header, a.nbytes_header)) {
      continue;
    }
    uint64_t hsum = ResignEnvelope(b, a.seek_header, a.nbytes_header);
    if (a.nbytes_footer == a.len_footer && a.len_footer >= 24 &&
        InRange(b, a.seek_footer, a.nbytes_footer)) {
      uint64_t at = a.seek_footer + 8;  // past the feature-flag words (continued while < 0)
      while (at + 16 <= a.seek_footer + a.nbytes_footer &&
             static_cast<int8_t>(b[at + 7]) < 0) {
        at += 8;
      }
      at += 8;
      if (at + 16 <= a.seek_footer + a.nbytes_footer) std::memcpy(b.data() + at, &hsum, 8);
      ResignEnvelope(b, a.seek_footer, a.nbytes_footer);
    }
    paths.push_back(o.path);
  }
  for (const auto& path : paths) {
    auto f = OpenCopy(b);
    if (!f.ok()) return;
    auto summary = rn::ReadRNTupleSummary(**f, path);
    if (!summary.ok()) continue;
    for (const auto& g : (*summary)->schema.cluster_groups) {
      const auto& loc = g.page_list.locator;
      if (loc.size != g.page_list.length || loc.size < 24 || !InRange(b, loc.offset, loc.size)) {
        continue;
      }
      std::memcpy(b.data() + loc.offset + 8, &(*summary)->schema.header_checksum, 8);
      ResignEnvelope(b, loc.offset, loc.size);
    }
    f = OpenCopy(b);
    if (!f.ok()) return;
    auto nt = rn::ReadRNTuple(**f, path);
    if (!nt.ok()) continue;
    for (const auto& c : (*nt)->clusters) {
      for (const auto& col : c.columns) {
        for (const auto& page : col.pages) {
          const auto& l = page.locator;
          if (!page.has_checksum || !InRange(b, l.offset, rn::PageStoredBytes(page))) continue;
          uint64_t sum = rn::Checksum(ByteView(b).subspan(l.offset, l.size));
          std::memcpy(b.data() + l.offset + l.size, &sum, 8);
        }
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Bytes bytes = fuzz::Copy(data, size);
  if (size > 0 && (data[size - 1] & 1)) Resign(bytes);
  auto file =
      root_format::RootFile::Open(byte_source::MakeMemorySource(std::move(bytes), "fuzz.root"));
  if (!file.ok()) return 0;
  auto objects = (*file)->ListObjects();
  if (!objects.ok()) return 0;
  int ntuples = 0;
  for (const auto& o : *objects) {
    if (o.key.class_name != rn::kAnchorClass) continue;
    if (++ntuples > 4) break;
    auto reader = scan::RNTupleReader::Open(*file, o.path);
    if (!reader.ok()) continue;
    (void)(*reader)->CommonEntryOffsets({});
    (void)(*reader)->BytesPerEntry({});
    scan::ScanOptions options;
    options.num_threads = 1;  // deterministic
    options.prefetch = scan::ScanOptions::Prefetch::kNever;
    options.batch_size = 1000;
    for (const auto& c : (*reader)->columns()) {
      if (c.status.ok() && !c.is_group) options.columns.push_back(c.name);
    }
    auto batches = (*reader)->Scan(options);
    if (!batches.ok()) continue;
    for (int i = 0; i < 64; ++i) {  // a corrupt entry count can promise billions of rows
      auto batch = (*batches)->Next();
      if (!batch.ok() || !batch->has_value()) break;
      ArrowArray c_array;
      to_arrow::ExportBatch(**batch, &c_array);
      c_array.release(&c_array);
    }
  }
  return 0;
}
