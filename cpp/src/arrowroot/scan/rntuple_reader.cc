// RNTupleReader: opening an RNTuple (planning its top-level fields) and scanning it cluster by
// cluster (page fetch, unpack and decode in parallel; batches cut from the decoded cluster).
// Over ~500 lines: the batch stream's page planning, fetching and unpacking are one unit; the
// nested field pruning it honours lives in field_paths.cc and to_arrow/rntuple_prune.cc.
#include "arrowroot/scan/rntuple_reader.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "arrowroot/scan/field_paths.h"
#include "arrowroot/scan/read_plan.h"
#include "arrowroot/scan/thread_pool.h"
#include "arrowroot/to_arrow/rntuple_columns.h"
#include "arrowroot/to_arrow/rntuple_fields.h"

namespace arrowroot::scan {

namespace rf = root_format::rntuple;
namespace tr = to_arrow::rntuple;

struct RNTupleReader::State {
  std::shared_ptr<root_format::RootFile> file;
  std::shared_ptr<const rf::RNTuple> ntuple;
  std::vector<ColumnInfo> columns;
  std::vector<std::optional<tr::FieldNode>> plans;  ///< per top-level field; nullopt: unsupported
  std::unordered_map<std::string, size_t> by_name;

  std::string Where() const { return "RNTuple '" + ntuple->path + "' in '" + file->name() + "'"; }
};

RNTupleReader::RNTupleReader() : state_(std::make_unique<State>()) {}
RNTupleReader::~RNTupleReader() = default;

Result<std::shared_ptr<RNTupleReader>> RNTupleReader::Open(
    std::shared_ptr<root_format::RootFile> file, const std::string& path) {
  ASSIGN_OR_RETURN(auto ntuple, rf::ReadRNTuple(*file, path));
  std::shared_ptr<RNTupleReader> r(new RNTupleReader());
  State& s = *r->state_;
  s.file = std::move(file);
  s.ntuple = std::move(ntuple);
  const rf::Schema& schema = s.ntuple->schema;
  for (uint32_t id : s.ntuple->top_fields) {
    const rf::FieldDesc& f = schema.fields[id];
    ColumnInfo& info = s.columns.emplace_back();
    info.name = f.name;
    info.root_type = f.type_alias.empty() ? f.type_name : f.type_alias;
    auto plan = tr::PlanField(schema, id);
    if (plan.ok()) {
      info.type = plan->type;
      info.nullable = plan->nullable;
      s.plans.emplace_back(std::move(*plan));
    } else {
      info.status = std::move(plan).status();
      s.plans.emplace_back(std::nullopt);
    }
    s.by_name.emplace(f.name, s.columns.size() - 1);
  }
  return r;
}

const std::string& RNTupleReader::path() const { return state_->ntuple->path; }
const std::string& RNTupleReader::description() const { return state_->ntuple->schema.description; }
int64_t RNTupleReader::num_entries() const { return static_cast<int64_t>(state_->ntuple->num_entries); }
const rf::RNTuple& RNTupleReader::ntuple() const { return *state_->ntuple; }
const root_format::RootFile& RNTupleReader::file() const { return *state_->file; }
const std::vector<ColumnInfo>& RNTupleReader::columns() const { return state_->columns; }

namespace {

/// The top-level fields `names` name (all readable ones if empty), as indices.
Result<std::vector<size_t>> Select(const RNTupleReader::State& s, const std::vector<std::string>& names) {
  std::vector<size_t> out;
  if (names.empty()) {
    for (size_t i = 0; i < s.columns.size(); ++i) {
      if (s.plans[i]) out.push_back(i);
    }
    return out;
  }
  for (const std::string& name : names) {
    auto it = s.by_name.find(name);
    if (it == s.by_name.end()) {
      std::string some;
      for (size_t i = 0; i < s.columns.size() && i < 8; ++i) some += (i ? ", " : "") + s.columns[i].name;
      return Status::NotFound("no field '" + name + "'; the RNTuple has " +
                              std::to_string(s.columns.size()) + " top-level fields (" + some +
                              (s.columns.size() > 8 ? ", ..." : "") +
                              "); `arrowroot schema` lists them")
          .AddContext(s.Where());
    }
    if (!s.columns[it->second].status.ok()) {
      return Status(s.columns[it->second].status).AddContext(s.Where());
    }
    out.push_back(it->second);
  }
  return out;
}

/// The plans a scan of `names` (resolved to `selected`) reads, pruned by `fields`.
Result<RNTuplePlans> SelectPlans(const RNTupleReader::State& s, const std::vector<std::string>& names,
                                 const std::vector<std::vector<std::string>>& fields,
                                 const std::vector<size_t>& selected) {
  std::vector<const tr::FieldNode*> full;
  for (size_t i : selected) full.push_back(&*s.plans[i]);
  return PruneRNTuplePlans(std::move(full), names, fields, s.Where());
}

}  // namespace

Result<std::vector<int64_t>> RNTupleReader::CommonEntryOffsets(
    const std::vector<std::string>& columns,
    const std::vector<std::vector<std::string>>& fields) const {
  ASSIGN_OR_RETURN(std::vector<size_t> selected, Select(*state_, columns));
  RETURN_IF_ERROR(SelectPlans(*state_, columns, fields, selected));
  std::vector<int64_t> out{0};
  for (const rf::ClusterDesc& c : state_->ntuple->clusters) {
    if (c.num_entries > 0) out.push_back(static_cast<int64_t>(c.first_entry + c.num_entries));
  }
  return out;
}

Result<double> RNTupleReader::BytesPerEntry(
    const std::vector<std::string>& columns,
    const std::vector<std::vector<std::string>>& fields) const {
  const State& s = *state_;
  ASSIGN_OR_RETURN(std::vector<size_t> selected, Select(s, columns));
  ASSIGN_OR_RETURN(RNTuplePlans plans, SelectPlans(s, columns, fields, selected));
  if (s.ntuple->num_entries == 0) return 0.0;
  double bytes = 0;
  std::vector<tr::ColumnNeed> needs;
  for (const rf::ClusterDesc& c : s.ntuple->clusters) {
    needs.clear();
    for (const tr::FieldNode* p : plans.plans) tr::CollectColumns(*p, c, &needs);
    for (const tr::ColumnNeed& n : needs) {
      if (n.column_id >= c.columns.size()) continue;
      bytes += static_cast<double>(c.columns[n.column_id].num_elements) *
               tr::NativeWidth(s.ntuple->schema.columns[n.column_id].type);
    }
  }
  return bytes / static_cast<double>(s.ntuple->num_entries);
}

namespace {

/// One page to unpack into a column's decoded buffer.
struct PageTask {
  uint32_t column_id = 0;
  const rf::PageDesc* page = nullptr;
  uint64_t element_offset = 0;  ///< where its elements go in the decoded column
  size_t fetched = SIZE_MAX;    ///< index into the prefetched bytes, or SIZE_MAX: read it
};

bool StoredAsNative(rf::ColumnType t) {
  switch (t) {
    case rf::ColumnType::kByte: case rf::ColumnType::kChar: case rf::ColumnType::kInt8:
    case rf::ColumnType::kUInt8: case rf::ColumnType::kInt16: case rf::ColumnType::kUInt16:
    case rf::ColumnType::kInt32: case rf::ColumnType::kUInt32: case rf::ColumnType::kInt64:
    case rf::ColumnType::kUInt64: case rf::ColumnType::kReal32: case rf::ColumnType::kReal64:
      return true;
    default: return false;
  }
}

class RNTupleBatchStream : public BatchStream {
 public:
  /// `plans`: parallel to `selected` (pruned by nested field paths, or not).
  RNTupleBatchStream(std::shared_ptr<const RNTupleReader> reader, const ScanOptions& options,
                     std::vector<size_t> selected, RNTuplePlans plans, uint64_t start,
                     uint64_t stop)
      : reader_(std::move(reader)), options_(options), selected_(std::move(selected)),
        plans_(std::move(plans)), next_entry_(start), stop_(stop), s_(reader_->ntuple()) {
    const auto& cols = reader_->columns();
    for (size_t k = 0; k < selected_.size(); ++k) {
      const ColumnInfo& info = cols[selected_[k]];
      fields_.push_back(to_arrow::Field{info.name, plans_.plans[k]->type, info.nullable});
    }
    int threads = ResolveThreadCount(options.num_threads);
    if (threads > 1) pool_ = std::make_unique<ThreadPool>(threads);
  }

  const std::vector<to_arrow::Field>& schema() const override { return fields_; }
  const ScanStats& stats() const override { return stats_; }

  Result<std::optional<to_arrow::RecordBatch>> Next() override {
    if (next_entry_ >= stop_) return std::optional<to_arrow::RecordBatch>();
    // The cluster holding next_entry_.
    if (cluster_ == SIZE_MAX || next_entry_ >= ClusterEnd(cluster_)) {
      auto it = std::upper_bound(s_.clusters.begin(), s_.clusters.end(), next_entry_,
                                 [](uint64_t e, const rf::ClusterDesc& c) { return e < c.first_entry; });
      if (it == s_.clusters.begin()) return Status::Corruption("no cluster holds entry " + std::to_string(next_entry_));
      cluster_ = static_cast<size_t>(it - s_.clusters.begin()) - 1;
      Status st = LoadCluster(cluster_);
      if (st.ok()) st = AssembleCluster(cluster_);
      if (!st.ok()) return std::move(st).AddContext(Where() + ", cluster " + std::to_string(cluster_));
    }
    const rf::ClusterDesc& c = s_.clusters[cluster_];
    uint64_t end = std::min(ClusterEnd(cluster_), stop_);
    uint64_t n = end - next_entry_;
    if (options_.batch_size > 0) n = std::min<uint64_t>(n, static_cast<uint64_t>(options_.batch_size));
    if (options_.max_batch_bytes > 0 && bytes_per_entry_ > 0) {
      auto cap = static_cast<uint64_t>(static_cast<double>(options_.max_batch_bytes) / bytes_per_entry_);
      n = std::max<uint64_t>(1, std::min(n, cap));
    }
    // A batch is a slice of the cluster's arrays (assembled once, from the decoded columns).
    const auto offset = static_cast<int64_t>(next_entry_ - c.first_entry - assembled_first_);
    to_arrow::RecordBatch batch;
    batch.fields = fields_;
    batch.num_rows = static_cast<int64_t>(n);
    batch.columns.reserve(assembled_.size());
    for (const auto& whole : assembled_) {
      batch.columns.push_back(offset == 0 && static_cast<uint64_t>(whole->length) == n
                                  ? whole
                                  : to_arrow::Slice(whole, offset, static_cast<int64_t>(n)));
    }
    next_entry_ += n;
    stats_.num_entries += n;
    return std::optional<to_arrow::RecordBatch>(std::move(batch));
  }

 private:
  std::string Where() const {
    return "RNTuple '" + s_.path + "' in '" + reader_->file().name() + "'";
  }
  uint64_t ClusterEnd(size_t i) const { return s_.clusters[i].first_entry + s_.clusters[i].num_entries; }

  /// Build every selected field's array for the entries of cluster `ci` the scan reads (the
  /// batches are slices of them), then free the decoded columns that were not moved into them.
  Status AssembleCluster(size_t ci) {
    const rf::ClusterDesc& c = s_.clusters[ci];
    const uint64_t e0 = next_entry_ - c.first_entry;
    const uint64_t e1 = std::min(ClusterEnd(ci), stop_) - c.first_entry;
    assembled_.assign(selected_.size(), nullptr);
    assembled_first_ = e0;
    std::vector<Status> errors(selected_.size());
    auto build = [&](size_t k) {
      auto a = tr::Assemble(*plans_.plans[k], decoded_, e0, e1);
      if (a.ok()) assembled_[k] = std::move(*a);
      else errors[k] = std::move(a).status();
    };
    if (pool_ && selected_.size() > 1) pool_->ParallelFor(selected_.size(), build);
    else for (size_t k = 0; k < selected_.size(); ++k) build(k);
    decoded_.clear();
    for (size_t k = 0; k < errors.size(); ++k) {
      if (!errors[k].ok()) {
        return std::move(errors[k]).AddContext("entries [" + std::to_string(c.first_entry + e0) +
                                               ", " + std::to_string(c.first_entry + e1) + ")");
      }
    }
    return Status::OK();
  }

  /// Before the column's decoded buffer is sized from its pages' element counts: no page may
  /// claim more bytes of elements than its stored bytes can give. Uncompressed (compression
  /// setting 0): as many; compressed: at most the codec's expansion (the bounds root_file.cc's
  /// DecompressPayload allows TTree baskets). The setting is algorithm * 100 + level (ROOT's
  /// RCompressionSetting: 1 zlib, 2 LZMA, 3 old ROOT, 4 LZ4, 5 ZSTD).
  Status CheckPageSizes(uint32_t column_id, const rf::ColumnRange& range) const {
    const uint32_t algorithm = range.compression / 100;
    const uint64_t expansion = range.compression == 0                 ? 1
                               : algorithm == 1 || algorithm == 3     ? 1100
                               : algorithm == 4                       ? 256
                                                                      : 65536;
    const rf::ColumnDesc& desc = s_.schema.columns[column_id];
    for (const rf::PageDesc& p : range.pages) {
      const uint64_t length = tr::StoredPageBytes(desc.type, desc.bits_on_storage, p.num_elements);
      if (length > p.locator.size && (length - 1) / expansion >= p.locator.size) {
        return Status::Corruption(
            "column " + std::to_string(column_id) + " (" + rf::ColumnTypeName(desc.type_raw) +
            "): the page at " + FormatRange(p.locator.offset, p.locator.size) + " claims " +
            std::to_string(p.num_elements) + " elements (" + std::to_string(length) +
            " bytes), more than its stored bytes can give (compression setting " +
            std::to_string(range.compression) + ")");
      }
    }
    return Status::OK();
  }

  /// The most elements any column of the cluster stores.
  static uint64_t MaxStoredElements(const rf::ClusterDesc& c) {
    uint64_t most = 0;
    for (const rf::ColumnRange& r : c.columns) most = std::max(most, r.num_elements);
    return most;
  }

  /// Decode every column the selected fields need in cluster `ci` into decoded_.
  Status LoadCluster(size_t ci) {
    const rf::ClusterDesc& c = s_.clusters[ci];
    const rf::Schema& schema = s_.schema;
    decoded_.assign(schema.columns.size(), tr::DecodedColumn{});
    std::vector<tr::ColumnNeed> needs;
    for (const tr::FieldNode* p : plans_.plans) tr::CollectColumns(*p, c, &needs);
    std::vector<PageTask> tasks;
    double decoded_bytes = 0;
    for (const tr::ColumnNeed& need : needs) {
      tr::DecodedColumn& d = decoded_[need.column_id];
      ++d.uses;
      if (d.present) continue;  // two fields share it (a projection)
      const rf::ColumnDesc& desc = schema.columns[need.column_id];
      const rf::ColumnRange* range =
          need.column_id < c.columns.size() && !c.columns[need.column_id].suppressed
              ? &c.columns[need.column_id] : nullptr;
      if (range) RETURN_IF_ERROR(CheckPageSizes(need.column_id, *range));
      uint64_t leading = 0, count = range ? range->num_elements : 0;
      if (need.elements_per_entry > 0) {
        // Entry-level column: it must cover the cluster's entries; a deferred column's elements
        // before its first one read as zeros (spec: "Deferred column").
        const uint64_t want = c.num_entries * need.elements_per_entry;
        const uint64_t expected_first = c.first_entry * need.elements_per_entry;
        if (range && range->num_elements > 0) {
          uint64_t first = static_cast<uint64_t>(range->first_element);
          if (first < expected_first || first - expected_first + range->num_elements != want) {
            return Status::Corruption("column " + std::to_string(need.column_id) + " (" +
                                      rf::ColumnTypeName(desc.type_raw) + ") holds elements [" +
                                      std::to_string(first) + ", +" + std::to_string(range->num_elements) +
                                      ") in this cluster, its " + std::to_string(c.num_entries) +
                                      " entries need [" + std::to_string(expected_first) + ", +" +
                                      std::to_string(want) + ")");
          }
          leading = first - expected_first;
        } else {
          // Wholly synthetic (a field added after this cluster): its zeros are only as many
          // as the cluster's entries, which the columns it does store must bear out.
          if (c.num_entries > std::max<uint64_t>(MaxStoredElements(c), 1u << 20)) {
            return Status::Corruption("the cluster claims " + std::to_string(c.num_entries) +
                                      " entries, its columns hold at most " +
                                      std::to_string(MaxStoredElements(c)) + " elements");
          }
          leading = want;
        }
        count = want;
      }
      const int w = tr::NativeWidth(desc.type);
      const bool index = tr::IsIndexColumn(desc.type);  // count + 1 uint32 slots
      if (count > (1ull << 40) / static_cast<uint64_t>(w)) {
        return Status::Corruption("column " + std::to_string(need.column_id) + " claims " +
                                  std::to_string(count) + " elements in one cluster");
      }
      d.present = true;
      d.type = desc.type;
      d.count = count;
      d.data = PodVector<std::byte>(tr::DecodedBytes(desc.type, count));
      if (index) {
        std::memset(d.data.data(), 0, 4 * (leading + 1));
      } else if (leading > 0) {
        std::memset(d.data.data(), 0, leading * static_cast<uint64_t>(w));
      }
      decoded_bytes += static_cast<double>(d.data.size());
      if (!range) continue;
      uint64_t offset = leading;
      for (const rf::PageDesc& p : range->pages) {
        tasks.push_back(PageTask{need.column_id, &p, offset});
        offset += p.num_elements;
      }
    }
    bytes_per_entry_ = c.num_entries ? decoded_bytes / static_cast<double>(c.num_entries) : 0;

    // Remote: fetch every page of the cluster up front, coalesced into few requests.
    std::vector<Bytes> fetched;
    const auto& source = *reader_->file().source();
    bool prefetch = options_.prefetch == ScanOptions::Prefetch::kAlways ||
                    (options_.prefetch == ScanOptions::Prefetch::kAuto && source.is_remote());
    if (prefetch && !tasks.empty()) {
      std::vector<ByteRange> ranges;
      ranges.reserve(tasks.size());
      for (PageTask& t : tasks) {
        t.fetched = ranges.size();
        ranges.push_back(ByteRange{t.page->locator.offset, rf::PageStoredBytes(*t.page)});
      }
      auto got = FetchRanges(source, ranges, options_.coalesce, options_.max_requests_in_flight);
      if (!got.ok()) return std::move(got).status();
      fetched = std::move(*got);
      stats_.num_prefetched_baskets += tasks.size();
      stats_.num_prefetch_requests += CoalesceRanges(ranges, options_.coalesce).size();
    }

    std::vector<Status> errors(tasks.size());
    std::atomic<uint64_t> compressed{0}, uncompressed{0};
    auto run = [&](size_t i) {
      errors[i] = UnpackOne(tasks[i], fetched, source, &compressed, &uncompressed);
    };
    if (pool_ && tasks.size() > 1) pool_->ParallelFor(tasks.size(), run);
    else for (size_t i = 0; i < tasks.size(); ++i) run(i);
    for (size_t i = 0; i < tasks.size(); ++i) {
      if (!errors[i].ok()) {
        const rf::ColumnDesc& desc = schema.columns[tasks[i].column_id];
        const rf::FieldDesc& f = schema.fields[desc.field_id];
        return std::move(errors[i]).AddContext(
            "field '" + f.name + "', column " + std::to_string(desc.id) + " (" +
            rf::ColumnTypeName(desc.type_raw) + "), page at " +
            FormatRange(tasks[i].page->locator.offset, tasks[i].page->locator.size));
      }
    }
    stats_.num_baskets += tasks.size();
    stats_.num_basket_bytes += compressed.load();
    stats_.num_uncompressed_bytes += uncompressed.load();
    return Status::OK();
  }

  Status UnpackOne(const PageTask& t, const std::vector<Bytes>& fetched,
                   const byte_source::ByteSource& source, std::atomic<uint64_t>* compressed,
                   std::atomic<uint64_t>* uncompressed) {
    const rf::ColumnDesc& desc = s_.schema.columns[t.column_id];
    tr::DecodedColumn& d = decoded_[t.column_id];
    const rf::PageDesc& p = *t.page;
    const uint64_t n = p.num_elements;
    const int w = tr::NativeWidth(desc.type);
    if (t.element_offset > d.count || n > d.count - t.element_offset) {
      return Status::Corruption("its pages hold more elements than the cluster's entries need (" +
                                std::to_string(d.count) + ")");
    }
    const uint64_t length = tr::StoredPageBytes(desc.type, desc.bits_on_storage, n);
    if (p.locator.size == 0 && n > 0) return Status::Corruption("an empty page of " + std::to_string(n) + " elements");
    if (p.locator.size > length + length / 8 + 4096 + 9 * (length / (16u << 20) + 1) && p.locator.size != length) {
      // Compressed pages are never much larger than their contents.
      return Status::Corruption("a page of " + std::to_string(p.locator.size) + " bytes for " +
                                std::to_string(length) + " bytes of elements");
    }
    Bytes local;
    ByteView raw;
    const uint64_t stored = rf::PageStoredBytes(p);
    if (t.fetched != SIZE_MAX) {
      raw = fetched[t.fetched];
    } else {
      if (p.locator.offset > source.size() || stored > source.size() - p.locator.offset) {
        return Status::Corruption("the page lies past the end of the file (" + std::to_string(source.size()) + " bytes)");
      }
      local = Bytes(stored);
      RETURN_IF_ERROR(source.ReadAt(p.locator.offset, local));
      raw = local;
    }
    const bool index = tr::IsIndexColumn(desc.type);
    std::byte* dest = index ? d.data.data() + 4 * (t.element_offset + 1)
                            : d.data.data() + t.element_offset * static_cast<uint64_t>(w);
    compressed->fetch_add(p.locator.size, std::memory_order_relaxed);
    uncompressed->fetch_add(length, std::memory_order_relaxed);
    if (StoredAsNative(desc.type)) {
      return rf::UnpackPage(p, raw, std::span<std::byte>(dest, length));
    }
    thread_local Bytes scratch;
    if (scratch.size() < length) scratch = Bytes(length);
    std::span<std::byte> page(scratch.data(), length);
    RETURN_IF_ERROR(rf::UnpackPage(p, raw, page));
    if (!index) {
      return tr::DecodePage(desc.type, desc.bits_on_storage, desc.min_value, desc.max_value, page,
                            n, dest);
    }
    // Index columns: decoded to 64 bits (cache-warm, page by page), kept as the uint32 slots
    // Arrow offsets need; a cluster whose items outgrow them is refused.
    thread_local PodVector<uint64_t> wide;
    if (wide.size() < n) wide = PodVector<uint64_t>(n);
    RETURN_IF_ERROR(tr::DecodePage(desc.type, desc.bits_on_storage, desc.min_value,
                                   desc.max_value, page, n,
                                   reinterpret_cast<std::byte*>(wide.data())));
    auto* slots = reinterpret_cast<uint32_t*>(dest);
    uint64_t any = 0;
    for (uint64_t i = 0; i < n; ++i) {
      any |= wide[i];
      slots[i] = static_cast<uint32_t>(wide[i]);
    }
    if (any > static_cast<uint64_t>(INT32_MAX)) {
      uint64_t most = 0;
      for (uint64_t i = 0; i < n; ++i) most = std::max(most, wide[i]);
      if (most > static_cast<uint64_t>(INT32_MAX)) {
        return Status::Unsupported("an index value of " + std::to_string(most) +
                                   ": a cluster with more than 2^31 items in one collection "
                                   "does not fit Arrow's 32-bit list offsets");
      }
    }
    return Status::OK();
  }

  std::shared_ptr<const RNTupleReader> reader_;
  ScanOptions options_;
  std::vector<size_t> selected_;
  RNTuplePlans plans_;  ///< parallel to selected_
  uint64_t next_entry_;
  uint64_t stop_;
  const rf::RNTuple& s_;
  std::vector<to_arrow::Field> fields_;
  std::unique_ptr<ThreadPool> pool_;
  size_t cluster_ = SIZE_MAX;
  std::vector<tr::DecodedColumn> decoded_;
  std::vector<std::shared_ptr<to_arrow::ArrayData>> assembled_;  ///< the cluster's arrays
  uint64_t assembled_first_ = 0;  ///< the cluster-relative entry assembled_ starts at
  double bytes_per_entry_ = 0;
  ScanStats stats_;
};

}  // namespace

Result<std::unique_ptr<BatchStream>> RNTupleReader::Scan(const ScanOptions& options) const {
  const State& s = *state_;
  ASSIGN_OR_RETURN(std::vector<size_t> selected, Select(s, options.columns));
  ASSIGN_OR_RETURN(RNTuplePlans plans, SelectPlans(s, options.columns, options.fields, selected));
  const auto total = static_cast<int64_t>(s.ntuple->num_entries);
  int64_t start = options.entry_start, stop = options.entry_stop < 0 ? total : options.entry_stop;
  // As for TTrees: a range past the end is empty, a reversed one is an error.
  if (start < 0 || (options.entry_stop >= 0 && start > options.entry_stop)) {
    return Status::InvalidArgument("entry range [" + std::to_string(options.entry_start) + ", " +
                                   std::to_string(options.entry_stop) + ") is not a range of " +
                                   s.Where() + "'s " + std::to_string(total) + " entries");
  }
  if (options.num_threads < 0 || options.num_threads > kMaxThreads) {
    return Status::InvalidArgument("num_threads " + std::to_string(options.num_threads) +
                                   ": use 0 (one per core) to " + std::to_string(kMaxThreads));
  }
  stop = std::min(stop, total);
  start = std::min(start, stop);
  return std::unique_ptr<BatchStream>(new RNTupleBatchStream(
      shared_from_this(), options, std::move(selected), std::move(plans),
      static_cast<uint64_t>(start),
      static_cast<uint64_t>(stop)));
}

void BatchStream::Export(std::unique_ptr<BatchStream> stream, ArrowArrayStream* out) {
  std::vector<to_arrow::Field> fields = stream->schema();
  std::shared_ptr<BatchStream> shared(std::move(stream));
  to_arrow::ExportBatchStream(std::move(fields), [shared] { return shared->Next(); }, out);
}

}  // namespace arrowroot::scan
