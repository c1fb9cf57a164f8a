// TreeReader and BatchReader: opening a tree (its columns: column_resolution), setting up a
// scan (one state per branch read, counter branches, parallel groups) and batch assembly
// (reading each column's entries through the basket loader into Arrow builders).
#include "arrowroot/scan/tree_reader.h"

#include <algorithm>
#include <functional>
#include <set>
#include <unordered_map>

#include "arrowroot/root_format/basket.h"
#include "arrowroot/root_format/basket_list.h"
#include "arrowroot/scan/basket_loader.h"
#include "arrowroot/scan/column_resolution.h"
#include "arrowroot/scan/field_paths.h"
#include "arrowroot/to_arrow/decode.h"
#include "arrowroot/to_arrow/field_selection.h"

namespace arrowroot::scan {

using root_format::Basket;
using root_format::BasketSlot;
using root_format::Branch;
using root_format::DescribeBasket;
using to_arrow::ArrayBuilder;
using to_arrow::ColumnPlan;

struct TreeReader::State {
  std::shared_ptr<root_format::RootFile> file;
  std::shared_ptr<const root_format::Tree> tree;
  std::string path;
  ColumnCatalog catalog;

  std::string Where() const { return "tree '" + path + "' in '" + file->name() + "'"; }
};

namespace {

/// One branch read by a scan: its baskets (as the loader keeps them), its plan and builder.
struct ColumnState : BasketColumn {
  ColumnPlan plan;
  std::unique_ptr<ArrayBuilder> builder;
  ColumnState* counter = nullptr;  ///< for jagged baskets without entry offsets
};

/// One output column: a branch read into its state's builder, or a group (a struct of output
/// columns whose arrays are the members' own). With nested field selection, a group holds the
/// kept members only, and a branch's arrays may be projected to `type` (`project`).
struct Output {
  ColumnState* state = nullptr;
  std::vector<Output> members;
  std::shared_ptr<to_arrow::DataType> type;
  bool project = false;
};

using BuiltArrays = std::unordered_map<const ColumnState*, std::shared_ptr<to_arrow::ArrayData>>;

std::shared_ptr<to_arrow::ArrayData> Assemble(const Output& out, const BuiltArrays& built,
                                              int64_t num_rows) {
  if (out.state) {
    const auto& data = built.at(out.state);
    // A projected output has a state of its own (AddOutput), so its array is its alone.
    if (out.project) to_arrow::ProjectArray(*data, out.type);
    return data;
  }
  auto group = std::make_shared<to_arrow::ArrayData>();  // a struct: no buffers of its own
  group->type = out.type;
  group->length = num_rows;
  for (const Output& m : out.members) group->children.push_back(Assemble(m, built, num_rows));
  return group;
}

}  // namespace

struct BatchReader::State {
  std::shared_ptr<const TreeReader> reader;
  std::vector<to_arrow::Field> fields;
  std::vector<Output> outputs;  ///< parallel to fields
  /// One state per branch read, shared by every output that needs it.
  std::vector<std::unique_ptr<ColumnState>> columns;
  std::vector<std::unique_ptr<ColumnState>> counters;  ///< counter branches for offset-less baskets
  std::vector<std::vector<ColumnState*>> groups;  ///< read in parallel, one group per task
  int64_t next = 0;
  int64_t stop = 0;
  ScanOptions options;
  ScanStats stats;
  /// Declared after the columns: destroyed (stopped) before them, as its tasks use them.
  std::unique_ptr<BasketLoader> loader;

  Result<std::unique_ptr<ColumnState>> MakeColumn(const ColumnPlan& plan, const std::string& where);
  Result<Output> AddOutput(const ColumnSelection& sel,
                           std::unordered_map<const Branch*, ColumnState*>& state_of,
                           const std::string& where);
  Status AttachCounters(const std::string& where);
  void GroupColumns();
  Status ReadColumn(ColumnState& col, int64_t start, int64_t stop, ArrayBuilder& out);
  Result<std::vector<int64_t>> CounterValues(ColumnState& col, int64_t start, int64_t stop);
  Status ReadChunk(int64_t pos, int64_t end);
  Result<int64_t> ReadEntries(int64_t start, int64_t stop);
  /// Fold the columns' per-thread counters into stats (on the calling thread).
  void FoldStats();
};

// ---- TreeReader ----

TreeReader::TreeReader() : state_(std::make_unique<State>()) {}
TreeReader::~TreeReader() = default;

const root_format::Tree& TreeReader::tree() const { return *state_->tree; }
const std::string& TreeReader::path() const { return state_->path; }
const root_format::RootFile& TreeReader::file() const { return *state_->file; }
int64_t TreeReader::num_entries() const { return state_->catalog.num_entries; }
const std::vector<ColumnInfo>& TreeReader::columns() const { return state_->catalog.columns; }

Result<std::shared_ptr<TreeReader>> TreeReader::Open(std::shared_ptr<root_format::RootFile> file,
                                                     const std::string& tree_path) {
  std::shared_ptr<TreeReader> r(new TreeReader());
  State& s = *r->state_;
  s.file = std::move(file);
  s.path = tree_path;
  auto tree = s.file->ReadTree(tree_path);
  if (!tree.ok()) return std::move(tree).status().AddContext("file '" + s.file->name() + "'");
  s.tree = std::move(*tree);
  s.catalog = BuildColumnCatalog(*s.file, *s.tree);
  return r;
}

Result<std::vector<int64_t>> TreeReader::CommonEntryOffsets(
    const std::vector<std::string>& columns,
    const std::vector<std::vector<std::string>>& fields) const {
  const State& s = *state_;
  const ColumnCatalog& c = s.catalog;
  const int64_t num_entries = c.num_entries;
  std::set<int64_t> common;
  bool first = true;
  // Named columns as Scan resolves them (short names too; an unknown name is NotFound, not
  // silently left out).
  std::vector<const ColumnPlan*> plans;
  if (columns.empty()) {
    RETURN_IF_ERROR(GroupFieldPaths(columns, fields, s.Where()));
    for (size_t i = 0; i < c.columns.size(); ++i) CollectPlans(c, i, &plans);
  } else {
    ASSIGN_OR_RETURN(auto selected, ResolveSelections(c, *s.tree, columns, fields, s.Where()));
    for (const ColumnSelection& sel : selected) CollectPlans(c, sel, &plans);
  }
  for (const ColumnPlan* plan : plans) {
    ASSIGN_OR_RETURN(auto baskets, root_format::ListBaskets(*plan->branch, s.file->source()->size()));
    std::set<int64_t> mine = {0, num_entries};
    for (const auto& r : baskets) mine.insert(std::min(r.entry_stop, num_entries));
    if (first) {
      common = mine;
      first = false;
    } else {
      std::set<int64_t> both;
      std::set_intersection(common.begin(), common.end(), mine.begin(), mine.end(),
                            std::inserter(both, both.begin()));
      common = std::move(both);
    }
  }
  if (first) common = {0, num_entries};
  return std::vector<int64_t>(common.begin(), common.end());
}

Result<double> TreeReader::BytesPerEntry(
    const std::vector<std::string>& columns,
    const std::vector<std::vector<std::string>>& fields) const {
  const State& s = *state_;
  ASSIGN_OR_RETURN(std::vector<ColumnSelection> selected,
                   ResolveSelections(s.catalog, *s.tree, columns, fields, s.Where()));
  if (s.catalog.num_entries <= 0) return 0.0;
  // fTotBytes counts every basket written as a key, uncompressed (key headers included), which
  // is close to what the decoded Arrow columns need. Baskets still embedded in the TTree record
  // when it was written are not in it (a small tree can have fTotBytes = 0), so add their data.
  double total = 0;
  std::vector<const ColumnPlan*> plans;
  for (const ColumnSelection& sel : selected) CollectPlans(s.catalog, sel, &plans);
  std::set<const Branch*> counted;
  for (const ColumnPlan* plan : plans) {
    for (const Branch* b : {plan->branch, plan->count_branch}) {
      if (!b || !counted.insert(b).second) continue;
      total += static_cast<double>(std::max<int64_t>(b->tot_bytes, 0));
      for (const auto& e : b->embedded_baskets) {
        if (e) total += static_cast<double>(e->data.size());
      }
    }
  }
  return total / static_cast<double>(s.catalog.num_entries);
}

Result<std::unique_ptr<BatchReader>> TreeReader::Scan(const ScanOptions& options) const {
  const State& s = *state_;
  std::unique_ptr<BatchReader> br(new BatchReader());
  BatchReader::State& bs = *br->state_;
  bs.reader = shared_from_this();
  bs.options = options;
  const std::string where = s.Where();
  const int64_t num_entries = s.catalog.num_entries;
  int64_t stop = options.entry_stop < 0 ? num_entries : std::min(options.entry_stop, num_entries);
  if (options.entry_start < 0) {
    return Status::InvalidArgument("entry start " + std::to_string(options.entry_start) +
                                   " is negative").AddContext(where);
  }
  if (options.batch_size <= 0) {
    return Status::InvalidArgument("batch size must be positive").AddContext(where);
  }
  if (options.num_threads < 0 || options.num_threads > kMaxThreads) {
    // A million threads would exhaust the system's (other processes' too).
    return Status::InvalidArgument("num_threads " + std::to_string(options.num_threads) +
                                   " is not 0 (one per core) to " + std::to_string(kMaxThreads))
        .AddContext(where);
  }
  bs.next = std::min(options.entry_start, stop);
  bs.stop = stop;
  const bool prefetch = options.prefetch == ScanOptions::Prefetch::kAlways ||
                        (options.prefetch == ScanOptions::Prefetch::kAuto &&
                         s.file->source()->is_remote());

  ASSIGN_OR_RETURN(std::vector<ColumnSelection> selected,
                   ResolveSelections(s.catalog, *s.tree, options.columns, options.fields, where));
  // One state per branch, shared by the outputs that need it (a group and its member, say).
  std::unordered_map<const Branch*, ColumnState*> state_of;
  for (const ColumnSelection& sel : selected) {
    ASSIGN_OR_RETURN(Output out, bs.AddOutput(sel, state_of, where));
    const ColumnInfo& info = s.catalog.columns[sel.index];
    bs.fields.push_back({info.name, sel.type, info.nullable});
    bs.outputs.push_back(std::move(out));
  }
  // Rows: the tree's entries (ROOT's TTree::GetEntries(), uproot's tree.arrays()). A branch
  // that holds fewer (never filled: uproot-issue327.root DstTree) gives nulls for the entries
  // it does not hold, for which ROOT reads nothing (ReadColumn); one filled on its own past
  // the tree's fEntries (LHCb's Refs trees: fEntries 0, branches of 2) is read to fEntries.
  RETURN_IF_ERROR(bs.AttachCounters(where));
  bs.GroupColumns();
  std::vector<BasketColumn*> loaded;
  for (auto& col : bs.columns) loaded.push_back(col.get());
  bs.loader = std::make_unique<BasketLoader>(s.file->source(), options, prefetch, bs.next, stop,
                                             ResolveThreadCount(options.num_threads),
                                             std::move(loaded));
  return br;
}

// ---- BatchReader: setup ----

BatchReader::BatchReader() : state_(std::make_unique<State>()) {}
BatchReader::~BatchReader() = default;

const std::vector<to_arrow::Field>& BatchReader::schema() const { return state_->fields; }
const ScanStats& BatchReader::stats() const { return state_->stats; }

Result<std::unique_ptr<ColumnState>> BatchReader::State::MakeColumn(const ColumnPlan& plan,
                                                                    const std::string& where) {
  auto st = std::make_unique<ColumnState>();
  st->plan = plan;
  st->branch = plan.branch;
  auto baskets = root_format::ListBaskets(*plan.branch, reader->state_->file->source()->size());
  if (!baskets.ok()) {
    return std::move(baskets).status().AddContext("branch '" + plan.name + "'").AddContext(where);
  }
  st->baskets = std::move(*baskets);
  st->builder = std::make_unique<ArrayBuilder>(plan.type);
  return st;
}

Result<Output> BatchReader::State::AddOutput(
    const ColumnSelection& sel, std::unordered_map<const Branch*, ColumnState*>& state_of,
    const std::string& where) {
  const ColumnCatalog& c = reader->state_->catalog;
  const size_t i = sel.index;
  Output out;
  out.type = sel.type;
  out.project = sel.project;
  if (c.columns[i].is_group) {
    if (sel.whole) {
      for (size_t m : c.members[i]) {
        ASSIGN_OR_RETURN(Output member, AddOutput(WholeColumn(c, m), state_of, where));
        out.members.push_back(std::move(member));
      }
      return out;
    }
    for (const ColumnSelection& m : sel.members) {  // only these sub-branches are read
      ASSIGN_OR_RETURN(Output member, AddOutput(m, state_of, where));
      out.members.push_back(std::move(member));
    }
    return out;
  }
  // A projected output's arrays are cut in place (Assemble): it never shares its state.
  ColumnState* own = nullptr;
  auto& state = sel.project ? own : state_of[c.plans[i].branch];
  if (!state) {
    ASSIGN_OR_RETURN(auto st, MakeColumn(c.plans[i], where));
    state = st.get();
    columns.push_back(std::move(st));
  }
  out.state = state;
  return out;
}

/// Counter branches for jagged columns, read only if a basket lacks its offset table.
Status BatchReader::State::AttachCounters(const std::string& where) {
  for (auto& col : columns) {
    const Branch* cb = col->plan.count_branch;
    if (col->plan.mode != ColumnPlan::Mode::kJagged || !cb) continue;
    for (auto& c : counters) {
      if (c->plan.branch == cb) col->counter = c.get();
    }
    if (col->counter) continue;
    auto plan = PlanBranch(*reader->state_->file, *cb);
    if (!plan.ok() || plan->mode != ColumnPlan::Mode::kFixed ||
        plan->node.kind != to_arrow::Node::Kind::kPrim) {
      continue;  // only needed for offset-less baskets; reported then
    }
    ASSIGN_OR_RETURN(auto st, MakeColumn(*plan, where));
    col->counter = st.get();
    counters.push_back(std::move(st));
  }
  return Status::OK();
}

/// Parallel groups: columns sharing a counter state stay together.
void BatchReader::State::GroupColumns() {
  std::vector<ColumnState*> group_counter;
  for (auto& col : columns) {
    size_t g = groups.size();
    for (size_t k = 0; col->counter && k < group_counter.size(); ++k) {
      if (group_counter[k] == col->counter) g = k;
    }
    if (g == groups.size()) {
      groups.emplace_back();
      group_counter.push_back(col->counter);
    }
    groups[g].push_back(col.get());
  }
}

// ---- BatchReader: batch assembly ----

void BatchReader::State::FoldStats() {
  for (auto& c : columns) FoldPendingStats(*c, &stats);
  for (auto& c : counters) FoldPendingStats(*c, &stats);
}

Result<std::vector<int64_t>> BatchReader::State::CounterValues(ColumnState& col, int64_t start,
                                                               int64_t stop) {
  ArrayBuilder b(col.plan.type);
  RETURN_IF_ERROR(ReadColumn(col, start, stop, b));
  ASSIGN_OR_RETURN(auto data, b.Finish());
  std::vector<int64_t> out;
  to_arrow::AppendIntegers(*data, &out);
  return out;
}

Status BatchReader::State::ReadColumn(ColumnState& col, int64_t start, int64_t stop,
                                      ArrayBuilder& out) {
  // Baskets are sorted by entry; find the first that ends after `start`.
  auto it = std::upper_bound(col.baskets.begin(), col.baskets.end(), start,
                             [](int64_t e, const BasketSlot& r) { return e < r.entry_stop; });
  int64_t pos = start;
  for (; it != col.baskets.end() && pos < stop; ++it) {
    const BasketSlot& r = *it;
    if (r.entry_stop <= r.entry_start) continue;  // empty basket
    if (r.entry_start > pos) break;
    size_t index = static_cast<size_t>(it - col.baskets.begin());
    auto basket = loader->Get(col, index);
    if (!basket.ok()) {
      return std::move(basket).status().AddContext(DescribeBasket(r)).AddContext(
          "branch '" + col.plan.name + "'");
    }
    int64_t first = pos - r.entry_start;
    int64_t last = std::min(stop, r.entry_stop) - r.entry_start;
    std::vector<int64_t> counts;
    if (to_arrow::NeedsCounts(col.plan, **basket)) {
      if (!col.counter) {
        return Status::Unsupported("basket has no entry-offset table and the counter branch "
                                   "cannot be read").AddContext(DescribeBasket(r)).AddContext(
                                       "branch '" + col.plan.name + "'");
      }
      auto c = CounterValues(*col.counter, r.entry_start, r.entry_stop);
      if (!c.ok()) {
        return std::move(c).status().AddContext("reading counter branch '" +
                                                col.counter->plan.name + "' for " +
                                                DescribeBasket(r)).AddContext("branch '" +
                                                                              col.plan.name + "'");
      }
      counts = std::move(*c);
    }
    Status st = to_arrow::DecodeBasket(col.plan, **basket, first, last, counts, out);
    if (!st.ok()) {
      return std::move(st).AddContext(DescribeBasket(r)).AddContext("branch '" + col.plan.name + "'");
    }
    pos = r.entry_start + last;
  }
  if (pos < stop) {
    const int64_t held = root_format::EntriesHeld(*col.plan.branch, col.baskets);
    if (pos >= held && col.plan.branch->entries < reader->num_entries()) {
      // Entries of the tree the branch does not hold: ROOT reads nothing for them
      // (TBranch::GetEntry past fEntryNumber), so they are nulls (the column is nullable).
      for (; pos < stop; ++pos) out.AppendNull();
      return Status::OK();
    }
    return Status::Corruption("no basket holds entries [" + std::to_string(pos) + ", " +
                              std::to_string(stop) + "); the branch has " +
                              std::to_string(col.plan.branch->entries) + " entries")
        .AddContext("branch '" + col.plan.name + "'");
  }
  return Status::OK();
}

/// Entries [pos, end) of every column. Column groups are independent (a group shares a counter
/// branch's state), so they are read, decompressed and decoded in parallel.
Status BatchReader::State::ReadChunk(int64_t pos, int64_t end) {
  std::vector<Status> status(groups.size());
  loader->ReadChunk(pos, end, groups.size(), [&](size_t g) {
    for (ColumnState* col : groups[g]) {
      Status st = ReadColumn(*col, pos, end, *col->builder);
      if (!st.ok()) {
        status[g] = std::move(st);
        return;
      }
    }
  });
  FoldStats();
  for (auto& st : status) {
    if (!st.ok()) return std::move(st);
  }
  return Status::OK();
}

/// Read entries from `start` into the builders, in chunks, up to `stop` or until the batch
/// holds max_batch_bytes; returns where it stopped.
Result<int64_t> BatchReader::State::ReadEntries(int64_t start, int64_t stop) {
  int64_t pos = start;
  // Chunks of entries: the byte cap is checked between them, and with threads each chunk is
  // one parallel step over the column groups (bigger chunks, fewer synchronisations).
  const int64_t chunk = std::max<int64_t>(
      1, std::min<int64_t>(options.batch_size,
                           loader->has_pool() ? std::clamp<int64_t>(options.batch_size / 4, 4096, 65536)
                                              : 4096));
  while (pos < stop) {
    int64_t end = std::min(stop, pos + chunk);
    RETURN_IF_ERROR(ReadChunk(pos, end));
    uint64_t bytes = 0;
    for (auto& col : columns) bytes += col->builder->num_bytes();
    const bool first_chunk = pos == start;
    pos = end;
    if (options.max_batch_bytes && bytes >= options.max_batch_bytes) break;
    if (first_chunk && pos < stop && bytes > 0) {
      // Size the builders for the whole batch from what the first chunk took (capped by the
      // byte limit), so they do not grow and copy chunk after chunk.
      double factor = static_cast<double>(stop - start) / static_cast<double>(pos - start);
      if (options.max_batch_bytes) {
        factor = std::min(factor, static_cast<double>(options.max_batch_bytes) /
                                      static_cast<double>(bytes));
      }
      factor *= 1.05;
      for (auto& col : columns) col->builder->ReserveScaled(factor);
    }
  }
  return pos;
}

Result<std::optional<to_arrow::RecordBatch>> BatchReader::Next() {
  State& s = *state_;
  if (s.next >= s.stop) return std::optional<to_arrow::RecordBatch>();
  const int64_t start = s.next;
  const int64_t stop = std::min(s.stop, start + s.options.batch_size);
  s.loader->PrefetchBatch(s.next, stop, &s.stats);
  // Bound memory: read in chunks and stop once the batch is big enough.
  auto read = s.ReadEntries(start, stop);
  if (!read.ok()) return std::move(read).status().AddContext(s.reader->state_->Where());
  const int64_t pos = *read;
  to_arrow::RecordBatch batch;
  batch.fields = s.fields;
  BuiltArrays built;
  for (auto& col : s.columns) {
    ASSIGN_OR_RETURN(auto data, col->builder->Finish());
    built.emplace(col.get(), std::move(data));
  }
  batch.num_rows = pos - start;
  for (const Output& out : s.outputs) batch.columns.push_back(Assemble(out, built, batch.num_rows));
  s.stats.num_entries += static_cast<uint64_t>(batch.num_rows);
  s.next = pos;
  s.loader->FetchAhead(s.next, &s.stats);
  return std::optional<to_arrow::RecordBatch>(std::move(batch));
}

// ---- ArrowArrayStream ----

void BatchReader::ExportStream(std::unique_ptr<BatchReader> reader, ArrowArrayStream* out) {
  std::vector<to_arrow::Field> fields = reader->schema();
  std::shared_ptr<BatchReader> shared(std::move(reader));
  to_arrow::ExportBatchStream(std::move(fields), [shared] { return shared->Next(); }, out);
}

}  // namespace arrowroot::scan
