// RNTuple metadata parsing. Format facts: ROOT's RNTuple Binary Format Specification 1.0.0.1
// (root-project/root, tree/ntuple/doc/BinaryFormatSpecification.md), sections "Anchor schema",
// "Frames", "Locators and Envelope Links", "Envelopes", "Header/Footer/Page List Envelope".
// A little over ~500 lines: the anchor and the three envelope kinds share the little-endian
// frame reader (LeReader) and the schema-description parser, which stay private here.
#include "arrowroot/root_format/rntuple/envelopes.h"

#include <xxhash.h>

#include <cstring>
#include <string>

#include "arrowroot/root_format/cursor.h"

namespace arrowroot::root_format::rntuple {

namespace {

/// Little-endian reads with a sticky error (as Cursor, which is big-endian).
class LeReader {
 public:
  explicit LeReader(ByteView data, const char* what) : data_(data), what_(what) {}
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  size_t pos() const { return pos_; }
  size_t size() const { return data_.size(); }
  size_t remaining() const { return data_.size() - pos_; }

  void Fail(const std::string& why) {
    if (status_.ok()) {
      status_ = Status::Corruption(std::string(what_) + ": " + why + " (at byte " +
                                   std::to_string(pos_) + " of " + std::to_string(data_.size()) +
                                   ")");
    }
    pos_ = data_.size();
  }
  void Seek(size_t pos) {
    if (!ok()) return;
    if (pos > data_.size()) return Fail("a frame ends past the envelope's end");
    pos_ = pos;
  }
  bool Need(uint64_t n) {
    if (!ok()) return false;
    if (n > remaining()) {
      Fail("needs " + std::to_string(n) + " more bytes, " + std::to_string(remaining()) +
           " are left");
      return false;
    }
    return true;
  }
  template <typename T>
  T Load() {
    T v{};
    if (!Need(sizeof(T))) return v;
    std::memcpy(&v, data_.data() + pos_, sizeof(T));  // little-endian host (x86-64, aarch64)
    pos_ += sizeof(T);
    return v;
  }
  uint16_t U16() { return Load<uint16_t>(); }
  uint32_t U32() { return Load<uint32_t>(); }
  int32_t I32() { return Load<int32_t>(); }
  uint64_t U64() { return Load<uint64_t>(); }
  int64_t I64() { return Load<int64_t>(); }
  double F64() { return Load<double>(); }
  std::string String() {
    uint32_t n = U32();
    if (!Need(n)) return {};
    std::string s(reinterpret_cast<const char*>(data_.data() + pos_), n);
    pos_ += n;
    return s;
  }
  /// Feature flags: 64-bit words, continued while the word is negative.
  uint64_t FeatureFlags() {
    uint64_t flags = 0;
    for (int word = 0; ok(); ++word) {
      int64_t v = I64();
      if (word == 0) flags = static_cast<uint64_t>(v) & ~(1ull << 63);
      else if ((static_cast<uint64_t>(v) & ~(1ull << 63)) != 0) flags |= 1ull << 62;  // unknown
      if (v >= 0) break;
    }
    return flags;
  }
  /// A record frame: returns the position just past it (0 on failure).
  size_t RecordFrame() {
    size_t start = pos_;
    int64_t size = I64();
    if (!ok()) return 0;
    if (size < 8) {
      Fail("a record frame of size " + std::to_string(size) + " (expected a positive size >= 8)");
      return 0;
    }
    if (static_cast<uint64_t>(size) > data_.size() - start) {
      Fail("a record frame of " + std::to_string(size) + " bytes runs past the envelope's end");
      return 0;
    }
    return start + static_cast<size_t>(size);
  }
  /// A list frame: returns the position just past it and its item count. Each item takes at
  /// least `min_item_bytes`, so a count the frame cannot hold is refused before any allocation.
  /// On failure the count is 0 (a caller may size a vector from it before checking ok()).
  size_t ListFrame(uint32_t* count, uint64_t min_item_bytes) {
    *count = 0;
    size_t start = pos_;
    int64_t size = I64();
    const uint32_t n = U32();
    if (!ok()) return 0;
    if (size >= 0 || size == INT64_MIN) {
      Fail("expected a list frame (negative size), found size " + std::to_string(size));
      return 0;
    }
    uint64_t bytes = static_cast<uint64_t>(-size);
    if (bytes < 12 || bytes > data_.size() - start) {
      Fail("a list frame of " + std::to_string(bytes) + " bytes runs past the envelope's end");
      return 0;
    }
    if (min_item_bytes > 0 && n > (bytes - 12) / min_item_bytes) {
      Fail("a list frame of " + std::to_string(bytes) + " bytes claims " + std::to_string(n) +
           " items");
      return 0;
    }
    *count = n;
    return start + static_cast<size_t>(bytes);
  }
  Locator ReadLocator() {
    Locator loc;
    size_t start = pos_;
    int32_t head = I32();
    if (!ok()) return loc;
    if (head >= 0) {
      loc.size = static_cast<uint64_t>(head);
      loc.offset = U64();
      return loc;
    }
    uint32_t raw = static_cast<uint32_t>(head);
    uint32_t locator_size = raw & 0xFFFF;
    uint32_t type = (raw >> 24) & 0x7F;
    if (type != 0x01) {
      Fail("a locator of type " + std::to_string(type) +
           " (arrowroot reads file locators: standard and large)");
      return loc;
    }
    loc.size = U64();
    loc.offset = U64();
    if (ok() && locator_size >= 4) Seek(start + locator_size);
    return loc;
  }
  EnvelopeLink ReadEnvelopeLink() {
    EnvelopeLink link;
    link.length = U64();
    link.locator = ReadLocator();
    return link;
  }

 private:
  ByteView data_;
  size_t pos_ = 0;
  const char* what_;
  Status status_;
};

// Smallest encodings of list items, used to bound counts: a record frame is at least its 8-byte
// size; a page item is an i32 element count and a 12-byte locator.
constexpr uint64_t kMinRecord = 8;
constexpr uint64_t kMinPageItem = 16;

/// The four list frames of a schema description (header, and the footer's extension).
Status ParseSchemaDescription(LeReader& r, bool extension, Schema* schema) {
  uint32_t n = 0;
  size_t end = r.ListFrame(&n, kMinRecord);
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    size_t fend = r.RecordFrame();
    FieldDesc f;
    f.id = static_cast<uint32_t>(schema->fields.size());
    f.field_version = r.U32();
    f.type_version = r.U32();
    f.parent_id = r.U32();
    f.role_raw = r.U16();
    f.role = static_cast<FieldRole>(f.role_raw);
    f.flags = r.U16();
    f.name = r.String();
    f.type_name = r.String();
    f.type_alias = r.String();
    f.description = r.String();
    if (f.flags & kFieldRepetitive) f.array_size = r.U64();
    if (f.flags & kFieldProjected) f.source_field_id = r.U32();
    if (f.flags & kFieldHasChecksum) f.type_checksum = r.U32();
    f.from_extension = extension;
    r.Seek(fend);
    schema->fields.push_back(std::move(f));
  }
  r.Seek(end);

  end = r.ListFrame(&n, kMinRecord);
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    size_t cend = r.RecordFrame();
    ColumnDesc c;
    c.id = static_cast<uint32_t>(schema->columns.size());
    c.type_raw = r.U16();
    c.type = static_cast<ColumnType>(c.type_raw);
    c.bits_on_storage = r.U16();
    c.field_id = r.U32();
    c.flags = r.U16();
    c.representation = r.U16();
    if (c.flags & kColumnDeferred) c.first_element = r.I64();
    if (c.flags & kColumnHasRange) {
      c.min_value = r.F64();
      c.max_value = r.F64();
    }
    c.from_extension = extension;
    r.Seek(cend);
    schema->columns.push_back(c);
  }
  r.Seek(end);

  end = r.ListFrame(&n, kMinRecord);
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    size_t aend = r.RecordFrame();
    AliasColumnDesc a;
    a.physical_id = r.U32();
    a.field_id = r.U32();
    r.Seek(aend);
    schema->aliases.push_back(a);
  }
  r.Seek(end);

  // Extra type information (streamer infos of streamer fields): not needed to read columns.
  end = r.ListFrame(&n, kMinRecord);
  r.Seek(end);
  return r.status();
}

std::string EnvelopeName(uint16_t type) {
  switch (type) {
    case kEnvelopeHeader: return "header envelope";
    case kEnvelopeFooter: return "footer envelope";
    case kEnvelopePageList: return "page list envelope";
    default: return "envelope of type " + std::to_string(type);
  }
}

/// The payload of a checked envelope: after the 8-byte type/length word, before the checksum.
ByteView Payload(ByteView envelope) { return envelope.subspan(8, envelope.size() - 16); }

}  // namespace

uint64_t Checksum(ByteView bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

Result<Anchor> ParseAnchor(ByteView payload) {
  Cursor c(payload);
  c.SetWhat("ROOT::RNTuple anchor");
  VersionHeader vh = c.ReadVersion();
  size_t fields_start = c.pos();
  Anchor a;
  a.epoch = c.U16();
  a.major = c.U16();
  a.minor = c.U16();
  a.patch = c.U16();
  a.seek_header = c.U64();
  a.nbytes_header = c.U64();
  a.len_header = c.U64();
  a.seek_footer = c.U64();
  a.nbytes_footer = c.U64();
  a.len_footer = c.U64();
  a.max_key_size = c.U64();
  if (!c.ok()) return c.status();
  // The checksum follows the streamed object (its bytecount does not cover it); later anchor
  // versions may append fields, which the checksum then covers too.
  size_t end = vh.has_byte_count ? vh.end : c.pos();
  if (end < c.pos() || end > payload.size() || payload.size() - end < 8) {
    return Status::Corruption("ROOT::RNTuple anchor: " + std::to_string(payload.size()) +
                              " bytes, too short for its fields and checksum");
  }
  Cursor sum(payload.subspan(end, 8));
  uint64_t stored = sum.U64();
  uint64_t computed = Checksum(payload.subspan(fields_start, end - fields_start));
  if (stored != computed) {
    return Status::Corruption("ROOT::RNTuple anchor: checksum mismatch (the anchor is damaged)");
  }
  if (a.epoch != 1) {
    return Status::Unsupported("RNTuple format version " + a.Version() +
                               ": arrowroot reads epoch 1 (format 1.x, ROOT >= 6.34)");
  }
  return a;
}

Result<uint64_t> CheckEnvelope(ByteView envelope, uint16_t expected_type,
                               uint64_t expected_length) {
  const std::string name = EnvelopeName(expected_type);
  if (envelope.size() < 16) {
    return Status::Corruption("RNTuple " + name + ": " + std::to_string(envelope.size()) +
                              " bytes, too short for an envelope");
  }
  uint64_t word;
  std::memcpy(&word, envelope.data(), 8);
  uint16_t type = static_cast<uint16_t>(word & 0xFFFF);
  uint64_t length = word >> 16;
  if (type != expected_type) {
    return Status::Corruption("RNTuple " + name + ": the envelope says it is a " +
                              EnvelopeName(type));
  }
  if (length != envelope.size() || length != expected_length) {
    return Status::Corruption("RNTuple " + name + ": length " + std::to_string(length) +
                              " in the envelope, " + std::to_string(expected_length) +
                              " expected, " + std::to_string(envelope.size()) + " read");
  }
  uint64_t stored;
  std::memcpy(&stored, envelope.data() + envelope.size() - 8, 8);
  uint64_t computed = Checksum(envelope.first(envelope.size() - 8));
  if (stored != computed) {
    return Status::Corruption("RNTuple " + name +
                              ": checksum mismatch (XXH3 of its bytes differs from the stored one:"
                              " the envelope is damaged)");
  }
  return stored;
}

Status ParseHeader(ByteView envelope, Schema* schema) {
  LeReader r(Payload(envelope), "RNTuple header envelope");
  schema->feature_flags |= r.FeatureFlags();
  schema->name = r.String();
  schema->description = r.String();
  schema->writer = r.String();
  return ParseSchemaDescription(r, /*extension=*/false, schema);
}

Status ParseFooter(ByteView envelope, Schema* schema) {
  LeReader r(Payload(envelope), "RNTuple footer envelope");
  schema->feature_flags |= r.FeatureFlags();
  uint64_t header_checksum = r.U64();
  if (r.ok() && header_checksum != schema->header_checksum) {
    return Status::Corruption(
        "RNTuple footer envelope: it belongs to another header (the header checksum it "
        "repeats differs)");
  }
  size_t ext_end = r.RecordFrame();
  if (r.ok() && r.remaining() > 0 && ext_end > r.pos()) {
    RETURN_IF_ERROR(ParseSchemaDescription(r, /*extension=*/true, schema));
  }
  r.Seek(ext_end);
  uint32_t n = 0;
  size_t end = r.ListFrame(&n, kMinRecord);
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    size_t gend = r.RecordFrame();
    ClusterGroupDesc g;
    g.min_entry = r.U64();
    g.entry_span = r.U64();
    g.num_clusters = r.U32();
    g.page_list = r.ReadEnvelopeLink();
    r.Seek(gend);
    schema->cluster_groups.push_back(g);
  }
  r.Seek(end);
  return r.status();
}

Status FinishSchema(Schema* schema) {
  if (schema->feature_flags != 0) {
    return Status::Unsupported("RNTuple uses format features arrowroot does not know (feature "
                               "flags 0x" + [&] {
                                 char b[20];
                                 std::snprintf(b, sizeof b, "%llx",
                                               static_cast<unsigned long long>(
                                                   schema->feature_flags));
                                 return std::string(b);
                               }() + "); a newer arrowroot may read it");
  }
  auto& fields = schema->fields;
  const size_t nf = fields.size();
  for (FieldDesc& f : fields) {
    if (f.parent_id >= nf) {
      return Status::Corruption("RNTuple schema: field '" + f.name + "' (id " +
                                std::to_string(f.id) + ") has parent id " +
                                std::to_string(f.parent_id) + " of " + std::to_string(nf) +
                                " fields");
    }
    if (f.source_field_id && *f.source_field_id >= nf) {
      return Status::Corruption("RNTuple schema: projected field '" + f.name +
                                "' names source field " + std::to_string(*f.source_field_id) +
                                " of " + std::to_string(nf));
    }
  }
  // Every field must reach a top-level field without a cycle.
  for (const FieldDesc& f : fields) {
    uint32_t id = f.id;
    size_t steps = 0;
    while (fields[id].parent_id != id) {
      id = fields[id].parent_id;
      if (++steps > nf) {
        return Status::Corruption("RNTuple schema: field '" + f.name +
                                  "' has a cycle of parent ids");
      }
    }
  }
  for (FieldDesc& f : fields) {
    if (!f.top_level()) fields[f.parent_id].children.push_back(f.id);
  }
  for (const ColumnDesc& c : schema->columns) {
    if (c.field_id >= nf) {
      return Status::Corruption("RNTuple schema: column " + std::to_string(c.id) +
                                " belongs to field id " + std::to_string(c.field_id) + " of " +
                                std::to_string(nf));
    }
    fields[c.field_id].column_ids.push_back(c.id);
  }
  for (const AliasColumnDesc& a : schema->aliases) {
    if (a.physical_id >= schema->columns.size() || a.field_id >= nf) {
      return Status::Corruption("RNTuple schema: an alias column names column " +
                                std::to_string(a.physical_id) + " and field " +
                                std::to_string(a.field_id) + " (" +
                                std::to_string(schema->columns.size()) + " columns, " +
                                std::to_string(nf) + " fields)");
    }
    fields[a.field_id].column_ids.push_back(a.physical_id);
  }
  uint64_t next_entry = 0;
  for (const ClusterGroupDesc& g : schema->cluster_groups) {
    if (g.min_entry != next_entry) {
      return Status::Corruption("RNTuple footer: a cluster group starts at entry " +
                                std::to_string(g.min_entry) + ", the groups before end at " +
                                std::to_string(next_entry));
    }
    if (g.entry_span > (1ull << 62) - next_entry) {
      return Status::Corruption("RNTuple footer: a cluster group spans " +
                                std::to_string(g.entry_span) + " entries");
    }
    next_entry += g.entry_span;
  }
  return Status::OK();
}

Status ParsePageList(ByteView envelope, const Schema& schema, const ClusterGroupDesc& group,
                     std::vector<ClusterDesc>* clusters) {
  LeReader r(Payload(envelope), "RNTuple page list envelope");
  uint64_t header_checksum = r.U64();
  if (r.ok() && header_checksum != schema.header_checksum) {
    return Status::Corruption(
        "RNTuple page list envelope: it belongs to another header (the header checksum it "
        "repeats differs)");
  }
  uint32_t n = 0;
  size_t end = r.ListFrame(&n, kMinRecord);
  if (r.ok() && n != group.num_clusters) {
    return Status::Corruption("RNTuple page list envelope: " + std::to_string(n) +
                              " cluster summaries, the footer's cluster group says " +
                              std::to_string(group.num_clusters));
  }
  const size_t first = clusters->size();
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    size_t cend = r.RecordFrame();
    ClusterDesc c;
    c.first_entry = r.U64();
    uint64_t word = r.U64();
    c.num_entries = word & ((1ull << 56) - 1);
    uint8_t flags = static_cast<uint8_t>(word >> 56);
    if (r.ok() && (flags & 0x01)) {
      return Status::Unsupported("RNTuple cluster " + std::to_string(i) +
                                 " is sharded (a format feature arrowroot does not read)");
    }
    r.Seek(cend);
    clusters->push_back(std::move(c));
  }
  r.Seek(end);
  RETURN_IF_ERROR(r.status());

  uint32_t ncl = 0;
  size_t top_end = r.ListFrame(&ncl, 12);
  if (r.ok() && ncl != n) {
    return Status::Corruption("RNTuple page list envelope: page locations for " +
                              std::to_string(ncl) + " clusters, " + std::to_string(n) +
                              " cluster summaries");
  }
  const size_t ncolumns = schema.columns.size();
  for (uint32_t i = 0; i < ncl && r.ok(); ++i) {
    ClusterDesc& cluster = (*clusters)[first + i];
    uint32_t ncols = 0;
    size_t cl_end = r.ListFrame(&ncols, 12 + 8);
    if (r.ok() && ncols > ncolumns) {
      return Status::Corruption("RNTuple page list envelope: cluster " + std::to_string(i) +
                                " lists " + std::to_string(ncols) + " columns, the schema has " +
                                std::to_string(ncolumns));
    }
    cluster.columns.resize(ncols);
    for (uint32_t col = 0; col < ncols && r.ok(); ++col) {
      ColumnRange& range = cluster.columns[col];
      uint32_t npages = 0;
      size_t pl_end = r.ListFrame(&npages, kMinPageItem);
      if (!r.ok()) break;
      range.pages.reserve(npages);
      for (uint32_t p = 0; p < npages && r.ok(); ++p) {
        PageDesc page;
        int32_t ne = r.I32();
        page.has_checksum = ne < 0;
        page.num_elements = ne < 0 ? static_cast<uint32_t>(-static_cast<int64_t>(ne))
                                   : static_cast<uint32_t>(ne);
        page.locator = r.ReadLocator();
        range.num_elements += page.num_elements;
        range.pages.push_back(page);
      }
      range.first_element = r.I64();
      range.suppressed = range.first_element < 0;
      if (range.suppressed) {
        if (!range.pages.empty()) {
          r.Fail("a suppressed column with pages");
          break;
        }
        range.first_element = 0;
      } else {
        range.compression = r.U32();
      }
      r.Seek(pl_end);
    }
    r.Seek(cl_end);
  }
  r.Seek(top_end);
  return r.status();
}

}  // namespace arrowroot::root_format::rntuple
