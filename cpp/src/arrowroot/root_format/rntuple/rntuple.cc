#include "arrowroot/root_format/rntuple/rntuple.h"

#include <algorithm>
#include <cstring>

#include "arrowroot/compression/decompress.h"
#include "arrowroot/root_format/rntuple/envelopes.h"
#include "arrowroot/root_format/root_file.h"

namespace arrowroot::root_format::rntuple {

namespace {

/// Read `link`'s bytes and decompress them into the envelope (`length` bytes).
Result<Bytes> ReadEnvelope(const byte_source::ByteSource& source, const Locator& loc,
                           uint64_t length, uint64_t max_key_size, const char* what,
                           Bytes stored = {}) {
  auto where = [&] { return std::string(what) + " at " + FormatRange(loc.offset, loc.size); };
  if (loc.size == 0 || length == 0) {
    return Status::Corruption("RNTuple " + where() + ": empty (uncompressed length " +
                              std::to_string(length) + ")");
  }
  if (loc.offset > source.size() || loc.size > source.size() - loc.offset) {
    return Status::Corruption("RNTuple " + where() + " lies past the end of the file (" +
                              std::to_string(source.size()) + " bytes)");
  }
  if (max_key_size != 0 && loc.size > max_key_size) {
    return Status::Unsupported("RNTuple " + where() +
                               " is split over several keys (larger than the anchor's maximum "
                               "key size); arrowroot does not read such envelopes yet");
  }
  // A compressed block never expands by more than ~1/8 plus headers; refuse lengths the stored
  // bytes cannot produce before allocating them (ROOT's blocks hold at most 16 MiB each).
  if (length > loc.size * 1100 + (1 << 20)) {
    return Status::Corruption("RNTuple " + where() + ": uncompressed length " +
                              std::to_string(length) + " cannot come from " +
                              std::to_string(loc.size) + " stored bytes");
  }
  Bytes raw = std::move(stored);
  if (raw.size() != loc.size) {
    raw = Bytes(loc.size);
    RETURN_IF_ERROR_CTX(source.ReadAt(loc.offset, raw), "reading the RNTuple " + where());
  }
  if (loc.size == length) return raw;
  Bytes out(length);
  RETURN_IF_ERROR_CTX(compression::DecompressRootBlocks(raw, out), "RNTuple " + where());
  return out;
}

Result<std::shared_ptr<RNTuple>> ReadMetadata(const RootFile& file, const std::string& path) {
  ASSIGN_OR_RETURN(KeyHeader key, file.FindKey(path));
  if (key.class_name != kAnchorClass) {
    return Status::InvalidArgument("'" + path + "' in '" + file.name() + "' is a " +
                                   key.class_name + ", not an RNTuple");
  }
  auto nt = std::make_shared<RNTuple>();
  nt->key = key;
  nt->path = path.substr(0, path.rfind(';'));
  nt->path.erase(0, nt->path.find_first_not_of('/'));
  ASSIGN_OR_RETURN(Bytes payload, file.ReadPayload(key));
  ASSIGN_OR_RETURN(nt->anchor, ParseAnchor(payload));
  const Anchor& a = nt->anchor;
  const auto& source = *file.source();

  ASSIGN_OR_RETURN(Bytes header, ReadEnvelope(source, {a.seek_header, a.nbytes_header},
                                              a.len_header, a.max_key_size, "header envelope"));
  ASSIGN_OR_RETURN(nt->schema.header_checksum,
                   CheckEnvelope(header, kEnvelopeHeader, a.len_header));
  RETURN_IF_ERROR(ParseHeader(header, &nt->schema));
  ASSIGN_OR_RETURN(Bytes footer, ReadEnvelope(source, {a.seek_footer, a.nbytes_footer},
                                              a.len_footer, a.max_key_size, "footer envelope"));
  RETURN_IF_ERROR(CheckEnvelope(footer, kEnvelopeFooter, a.len_footer));
  RETURN_IF_ERROR(ParseFooter(footer, &nt->schema));
  RETURN_IF_ERROR(FinishSchema(&nt->schema));
  for (const FieldDesc& f : nt->schema.fields) {
    if (f.top_level()) nt->top_fields.push_back(f.id);
  }
  for (const ClusterGroupDesc& g : nt->schema.cluster_groups) nt->num_entries += g.entry_span;
  return nt;
}

/// The stored bytes of every cluster group's page list, read in few requests: page lists
/// written close together (uproot writes one per cluster group, ROOT several) share one read.
Result<std::vector<Bytes>> ReadPageListBytes(const byte_source::ByteSource& source,
                                             const std::vector<ClusterGroupDesc>& groups) {
  constexpr uint64_t kMaxGap = 64 << 10, kMaxRead = 16 << 20;
  std::vector<size_t> order(groups.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return groups[a].page_list.locator.offset < groups[b].page_list.locator.offset;
  });
  std::vector<Bytes> out(groups.size());
  for (size_t i = 0; i < order.size();) {
    const Locator& first = groups[order[i]].page_list.locator;
    if (first.offset > source.size() || first.size > source.size() - first.offset) {
      i++;  // ReadEnvelope reports it, with its byte range
      continue;
    }
    uint64_t end = first.offset + first.size;
    size_t j = i + 1;
    for (; j < order.size(); ++j) {
      const Locator& l = groups[order[j]].page_list.locator;
      if (l.offset > source.size() || l.size > source.size() - l.offset) break;
      if (l.offset > end + kMaxGap || std::max(end, l.offset + l.size) - first.offset > kMaxRead) break;
      end = std::max(end, l.offset + l.size);
    }
    if (j - i > 1) {
      Bytes span(end - first.offset);
      RETURN_IF_ERROR_CTX(source.ReadAt(first.offset, span),
                          "reading RNTuple page lists at " + FormatRange(first.offset, span.size()));
      for (size_t k = i; k < j; ++k) {
        const Locator& l = groups[order[k]].page_list.locator;
        Bytes b(l.size);
        std::memcpy(b.data(), span.data() + (l.offset - first.offset), l.size);
        out[order[k]] = std::move(b);
      }
    }
    i = j;
  }
  return out;
}

Status ReadPageLists(const RootFile& file, RNTuple* nt) {
  const auto& source = *file.source();
  ASSIGN_OR_RETURN(std::vector<Bytes> stored, ReadPageListBytes(source, nt->schema.cluster_groups));
  for (size_t gi = 0; gi < nt->schema.cluster_groups.size(); ++gi) {
    const ClusterGroupDesc& g = nt->schema.cluster_groups[gi];
    ASSIGN_OR_RETURN(Bytes env, ReadEnvelope(source, g.page_list.locator, g.page_list.length,
                                             nt->anchor.max_key_size, "page list envelope",
                                             std::move(stored[gi])));
    auto where = "cluster group " + std::to_string(gi) + "'s page list at " +
                 FormatRange(g.page_list.locator.offset, g.page_list.locator.size);
    RETURN_IF_ERROR_CTX(CheckEnvelope(env, kEnvelopePageList, g.page_list.length), where);
    size_t first = nt->clusters.size();
    RETURN_IF_ERROR_CTX(ParsePageList(env, nt->schema, g, &nt->clusters), where);
    // The clusters must tile the group's entries, in order.
    uint64_t next = g.min_entry;
    for (size_t i = first; i < nt->clusters.size(); ++i) {
      const ClusterDesc& c = nt->clusters[i];
      if (c.first_entry != next || c.num_entries > g.min_entry + g.entry_span - next) {
        return Status::Corruption("RNTuple " + where + ": cluster " + std::to_string(i) +
                                  " covers entries [" + std::to_string(c.first_entry) + ", +" +
                                  std::to_string(c.num_entries) + "), expected to start at " +
                                  std::to_string(next) + " within the group's " +
                                  std::to_string(g.entry_span) + " entries");
      }
      next += c.num_entries;
    }
    if (next != g.min_entry + g.entry_span) {
      return Status::Corruption("RNTuple " + where + ": its clusters hold " +
                                std::to_string(next - g.min_entry) + " entries, the footer says " +
                                std::to_string(g.entry_span));
    }
  }
  return Status::OK();
}

Status WithName(Status st, const RootFile& file, const std::string& path, const KeyHeader* key) {
  std::string ctx = "RNTuple '" + path + "' in '" + file.name() + "'";
  if (key != nullptr) ctx += " (anchor key at " + FormatRange(key->seek_key, key->nbytes) + ")";
  return std::move(st).AddContext(ctx);
}

}  // namespace

Result<std::shared_ptr<const RNTuple>> ReadRNTupleSummary(const RootFile& file,
                                                          const std::string& path) {
  auto nt = ReadMetadata(file, path);
  if (!nt.ok()) {
    Status st = std::move(nt).status();
    if (st.code() == StatusCode::kNotFound || st.code() == StatusCode::kInvalidArgument) return st;
    return WithName(std::move(st), file, path, nullptr);
  }
  return std::shared_ptr<const RNTuple>(std::move(*nt));
}

Result<std::shared_ptr<const RNTuple>> ReadRNTuple(const RootFile& file, const std::string& path) {
  auto nt = ReadMetadata(file, path);
  if (!nt.ok()) {
    Status st = std::move(nt).status();
    if (st.code() == StatusCode::kNotFound || st.code() == StatusCode::kInvalidArgument) return st;
    return WithName(std::move(st), file, path, nullptr);
  }
  Status st = ReadPageLists(file, nt->get());
  if (!st.ok()) return WithName(std::move(st), file, path, &(*nt)->key);
  return std::shared_ptr<const RNTuple>(std::move(*nt));
}

uint64_t PageUnpackedBytes(const ColumnDesc& column, uint64_t n) {
  return UnpackedPageBytes(column.type_raw, column.bits_on_storage, n);
}

Status UnpackPage(const PageDesc& page, ByteView raw, std::span<std::byte> out) {
  const uint64_t size = page.locator.size;
  if (raw.size() != PageStoredBytes(page)) {
    return Status::Corruption("page of " + std::to_string(size) + " bytes: " +
                              std::to_string(raw.size()) + " read");
  }
  ByteView data = raw.first(size);
  if (page.has_checksum) {
    uint64_t stored;
    std::memcpy(&stored, raw.data() + size, 8);
    if (stored != Checksum(data)) {
      return Status::Corruption("page checksum mismatch (XXH3 of its " + std::to_string(size) +
                                " bytes differs from the stored one: the page is damaged)");
    }
  }
  if (size == out.size()) {
    if (size > 0) std::memcpy(out.data(), data.data(), size);
    return Status::OK();
  }
  return compression::DecompressRootBlocks(data, out);
}

}  // namespace arrowroot::root_format::rntuple
