// libFuzzer target: the RNTuple metadata parsers of rntuple/envelopes.h on raw bytes
// (input layout in fuzz/fuzz_support.h):
//   u8 mode; mode bit 0 set: the rest is a ROOT::RNTuple anchor payload -> ParseAnchor.
//   Otherwise u32 n, n header-envelope bytes, u32 m, m footer-envelope bytes, the rest one
//   page-list envelope -> CheckEnvelope, ParseHeader, ParseFooter, FinishSchema, ParsePageList.
// Mode bit 1 makes the target repair what a mutation cannot: the envelopes' length words and
// XXH3 checksums, the header checksum the footer and page list repeat, and the anchor's
// checksum, so the fuzzer gets past the checksums into the parsers. When the header or footer
// is refused, the page list is parsed against a small synthetic schema instead.
#include <cstring>

#include "arrowroot/root_format/rntuple/envelopes.h"
#include "fuzz/fuzz_support.h"

namespace {

using namespace arrowroot;
using namespace arrowroot::root_format::rntuple;

void PutLe64(Bytes& b, size_t at, uint64_t v) {
  if (at + 8 <= b.size()) std::memcpy(b.data() + at, &v, 8);
}
uint64_t GetLe64(const Bytes& b, size_t at) {
  uint64_t v = 0;
  if (at + 8 <= b.size()) std::memcpy(&v, b.data() + at, 8);
  return v;
}

/// Make an envelope's length word and trailing checksum agree with its bytes.
void RepairEnvelope(Bytes& env) {
  if (env.size() < 16) return;
  uint64_t word = GetLe64(env, 0);
  PutLe64(env, 0, (word & 0xFFFF) | (static_cast<uint64_t>(env.size()) << 16));
  PutLe64(env, env.size() - 8, Checksum(ByteView(env).first(env.size() - 8)));
}

/// The footer's header checksum follows its feature-flag words (continued while negative).
size_t FooterHeaderChecksumAt(const Bytes& footer) {
  size_t at = 8;
  while (at + 8 <= footer.size() && static_cast<int64_t>(GetLe64(footer, at)) < 0) at += 8;
  return at + 8;
}

void FuzzAnchor(fuzz::Input& in, bool repair) {
  ByteView rest = in.Rest();
  Bytes payload = fuzz::Copy(reinterpret_cast<const uint8_t*>(rest.data()), rest.size());
  if (repair && payload.size() >= 6 + 8) {
    // [u32 bytecount | 0x40000000][u16 version] fields [u64 XXH3 of the fields], big-endian.
    const uint32_t count = static_cast<uint32_t>(payload.size() - 8 - 4) | 0x40000000u;
    for (int i = 0; i < 4; ++i) payload[i] = std::byte(count >> (24 - 8 * i));
    uint64_t sum = Checksum(ByteView(payload).subspan(6, payload.size() - 8 - 6));
    for (int i = 0; i < 8; ++i) payload[payload.size() - 8 + i] = std::byte(sum >> (56 - 8 * i));
  }
  (void)ParseAnchor(payload);
}

Schema SyntheticSchema(uint64_t header_checksum) {
  Schema s;
  s.header_checksum = header_checksum;
  for (uint32_t i = 0; i < 4; ++i) {
    FieldDesc f;
    f.id = f.parent_id = i;
    f.name = "f" + std::to_string(i);
    f.column_ids = {i};
    s.fields.push_back(f);
    ColumnDesc c;
    c.id = c.field_id = i;
    c.type_raw = static_cast<uint16_t>(ColumnType::kReal32);
    c.type = ColumnType::kReal32;
    c.bits_on_storage = 32;
    s.columns.push_back(c);
  }
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  const uint8_t mode = in.U8();
  const bool repair = (mode & 2) != 0;
  if (mode & 1) {
    FuzzAnchor(in, repair);
    return 0;
  }
  ByteView h = in.Bytes(in.U32());
  Bytes header = fuzz::Copy(reinterpret_cast<const uint8_t*>(h.data()), h.size());
  ByteView f = in.Bytes(in.U32());
  Bytes footer = fuzz::Copy(reinterpret_cast<const uint8_t*>(f.data()), f.size());
  ByteView p = in.Rest();
  Bytes page_list = fuzz::Copy(reinterpret_cast<const uint8_t*>(p.data()), p.size());

  Schema schema;
  bool schema_ok = false;
  if (repair) RepairEnvelope(header);
  auto hsum = CheckEnvelope(header, kEnvelopeHeader, header.size());
  if (hsum.ok()) {
    schema.header_checksum = *hsum;
    if (ParseHeader(header, &schema).ok()) {
      if (repair) {
        PutLe64(footer, FooterHeaderChecksumAt(footer), *hsum);
        RepairEnvelope(footer);
      }
      schema_ok = CheckEnvelope(footer, kEnvelopeFooter, footer.size()).ok() &&
                  ParseFooter(footer, &schema).ok() && FinishSchema(&schema).ok();
    }
  }
  if (!schema_ok) schema = SyntheticSchema(hsum.ok() ? *hsum : 0x1234);
  ClusterGroupDesc group;
  if (schema_ok && !schema.cluster_groups.empty()) {
    group = schema.cluster_groups[0];
  } else {
    // The page list's cluster count: its first list frame's, after the header checksum.
    group.num_clusters = page_list.size() >= 32
                             ? static_cast<uint32_t>(GetLe64(page_list, 24) & 0xFFFFFFFF)
                             : 0;
  }
  if (repair) {
    PutLe64(page_list, 8, schema.header_checksum);
    RepairEnvelope(page_list);
  }
  if (!CheckEnvelope(page_list, kEnvelopePageList, page_list.size()).ok()) return 0;
  std::vector<ClusterDesc> clusters;
  (void)ParsePageList(page_list, schema, group, &clusters);
  return 0;
}
