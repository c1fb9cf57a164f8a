#include "arrowroot/scan/tree_reader.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "arrowroot/root_format/basket.h"
#include "arrowroot/to_arrow/decode.h"

namespace arrowroot::scan {

using root_format::Basket;
using root_format::Branch;
using to_arrow::ArrayBuilder;
using to_arrow::ColumnPlan;

namespace {

/// Where one basket of a branch lives and which entries it holds.
struct BasketRef {
  int64_t entry_start = 0;
  int64_t entry_stop = 0;
  uint64_t seek = 0;  ///< on disk (0 ⇒ embedded)
  uint32_t bytes = 0;
  std::shared_ptr<const root_format::EmbeddedBasket> embedded;
  size_t index = 0;  ///< the basket's number in the branch, for messages
};

/// The baskets of a branch, in entry order (TBranch::GetBasketAndFirst and GetBasket,
/// tree/tree/src/TBranch.cxx; uproot behaviors/TBranch.py entry_offsets, embedded_baskets).
/// Basket i < fWriteBasket holds entries [fBasketEntry[i], fBasketEntry[i+1]); basket
/// fWriteBasket, the one being filled when the tree was written, holds the rest up to fEntries.
/// Each is read from fBaskets[i] when it was still in memory then (streamed in the TTree
/// record: CMS NanoAOD written in one go, trees of files ROOT never closed properly, whose
/// fBasketSeek and fBasketBytes are 0), else from its key at fBasketSeek[i]. A written basket
/// some writers leave in its slot with its header only (no buffer; uproot-issue413.root) is
/// read from its key.
Result<std::vector<BasketRef>> ListBaskets(const Branch& b, uint64_t file_size) {
  std::vector<BasketRef> out;
  const size_t nw = static_cast<size_t>(b.write_basket);
  if (b.basket_entry.size() < nw || b.basket_bytes.size() < nw || b.basket_seek.size() < nw) {
    return Status::Corruption("basket arrays shorter than fWriteBasket = " + std::to_string(nw));
  }
  std::map<int32_t, std::shared_ptr<const root_format::EmbeddedBasket>> in_record;
  std::vector<std::shared_ptr<const root_format::EmbeddedBasket>> unplaced;
  for (const auto& e : b.embedded_baskets) {
    if (e->slot >= 0 && static_cast<size_t>(e->slot) < nw) {
      const size_t slot = static_cast<size_t>(e->slot);
      const bool on_disk = b.basket_seek[slot] > 0 && b.basket_bytes[slot] > 0;
      if ((e->has_buffer || !on_disk) && !in_record.count(e->slot)) in_record[e->slot] = e;
    } else {
      unplaced.push_back(e);  // the basket being filled (slot fWriteBasket), in slot order
    }
  }
  for (size_t i = 0; i < nw; ++i) {
    BasketRef r;
    r.index = i;
    r.entry_start = b.basket_entry[i];
    // ROOT reads a branch whose fBasketEntry has no entry past its last written basket
    // (uproot's "rare case"): that basket then ends at fEntries.
    r.entry_stop = i + 1 < b.basket_entry.size() ? b.basket_entry[i + 1] : b.entries;
    if (r.entry_start < 0 || r.entry_stop < r.entry_start) {
      return Status::Corruption("basket " + std::to_string(i) + " for entries [" +
                                std::to_string(r.entry_start) + ", " +
                                std::to_string(r.entry_stop) + ") is inconsistent");
    }
    if (auto it = in_record.find(static_cast<int32_t>(i)); it != in_record.end()) {
      r.embedded = it->second;
      if (r.embedded->nev_buf != r.entry_stop - r.entry_start) {
        return Status::Corruption("basket " + std::to_string(i) + " (embedded in the TTree record) "
                                  "holds " + std::to_string(r.embedded->nev_buf) +
                                  " entries; fBasketEntry says [" +
                                  std::to_string(r.entry_start) + ", " +
                                  std::to_string(r.entry_stop) + ")");
      }
      out.push_back(r);
      continue;
    }
    r.seek = static_cast<uint64_t>(b.basket_seek[i]);
    if (b.basket_bytes[i] < 0 || b.basket_seek[i] < 0 ||
        r.seek + static_cast<uint64_t>(b.basket_bytes[i]) > file_size) {
      return Status::Corruption("basket " + std::to_string(i) + " at " +
                                FormatRange(r.seek, static_cast<uint64_t>(b.basket_bytes[i])) +
                                " for entries [" + std::to_string(r.entry_start) + ", " +
                                std::to_string(r.entry_stop) + ") is outside the file (" +
                                std::to_string(file_size) + " bytes) or inconsistent");
    }
    r.bytes = static_cast<uint32_t>(b.basket_bytes[i]);
    if ((r.bytes == 0 || r.seek == 0) && r.entry_stop > r.entry_start) {
      return Status::Corruption("basket " + std::to_string(i) + " for " +
                                std::to_string(r.entry_stop - r.entry_start) +
                                " entries was never written (fBasketSeek " +
                                std::to_string(r.seek) + ", fBasketBytes " +
                                std::to_string(r.bytes) + ") and is not in the TTree record");
    }
    out.push_back(r);
  }
  int64_t next = nw < b.basket_entry.size() ? b.basket_entry[nw]
                                             : (out.empty() ? 0 : out.back().entry_stop);
  if (nw == 0) next = 0;
  for (size_t k = 0; k < unplaced.size(); ++k) {
    BasketRef r;
    r.index = nw + k;
    r.embedded = unplaced[k];
    if (next < 0 || next > std::numeric_limits<int64_t>::max() - r.embedded->nev_buf) {
      return Status::Corruption("embedded basket " + std::to_string(k) + " starts at entry " +
                                std::to_string(next));
    }
    r.entry_start = next;
    r.entry_stop = next + r.embedded->nev_buf;
    next = r.entry_stop;
    out.push_back(r);
  }
  return out;
}

/// How many entries a branch holds: [0, fEntries), or further if its baskets say so. ROOT
/// reads nothing for a later entry (TBranch::GetBasketAndFirst returns 0 bytes for an entry
/// at or past fEntryNumber) and uproot returns fEntries values; a branch never filled
/// (members of an object not written, uproot-issue327.root DstTree) holds none.
int64_t EntriesHeld(const Branch& b, const std::vector<BasketRef>& baskets) {
  int64_t n = std::max<int64_t>(b.entries, 0);
  for (const auto& r : baskets) n = std::max(n, r.entry_stop);
  return n;
}

std::string BasketWhere(const BasketRef& r) {
  if (r.embedded) {
    return "basket " + std::to_string(r.index) + " (embedded in the TTree record), entries [" +
           std::to_string(r.entry_start) + ", " + std::to_string(r.entry_stop) + ")";
  }
  return "basket " + std::to_string(r.index) + " at " + FormatRange(r.seek, r.bytes) +
         ", entries [" + std::to_string(r.entry_start) + ", " + std::to_string(r.entry_stop) + ")";
}

}  // namespace

/// The counters one basket load adds to its column's pending stats.
void AddLoadStats(ScanStats* into, const ScanStats& load) {
  into->num_baskets += load.num_baskets;
  into->num_basket_bytes += load.num_basket_bytes;
  into->num_uncompressed_bytes += load.num_uncompressed_bytes;
  into->num_prefetched_baskets += load.num_prefetched_baskets;
}

/// A basket being loaded ahead by a pool task (local sources). Whoever claims it first loads
/// it: the task, or the decode that needs it before the task has started (so a decode never
/// waits for a task that no thread is free to run).
struct BatchReader::AsyncLoad {
  std::atomic<bool> claimed{false};
  std::promise<void> done;
  std::shared_future<void> finished = done.get_future().share();
  std::optional<Result<std::shared_ptr<const Basket>>> result;
  ScanStats stats;
};

/// Load `load` (basket `index` of `col`) on this thread if nobody has claimed it yet; false if
/// it was claimed already (by another thread, or by a reader closing).
bool BatchReader::RunLoad(const ColumnState& col, size_t index, AsyncLoad& load) {
  if (load.claimed.exchange(true)) return false;
  load.result = LoadBasket(col, index, &load.stats);
  load.done.set_value();
  return true;
}

struct BatchReader::ColumnState {
  ColumnPlan plan;
  std::vector<BasketRef> baskets;
  std::unique_ptr<ArrayBuilder> builder;
  size_t cached_index = SIZE_MAX;
  std::shared_ptr<const Basket> cached;
  ColumnState* counter = nullptr;  ///< for jagged baskets without entry offsets
  /// Counters of this column since the last fold into the reader's ScanStats (columns are
  /// read on several threads; each touches only its own state).
  ScanStats pending_stats;
  /// Baskets loaded ahead by PreloadBaskets, by index; GetBasket takes them.
  std::map<size_t, std::shared_ptr<const Basket>> ready;
  /// Baskets being loaded ahead by pool tasks (SubmitLoads), by index; GetBasket takes them.
  std::map<size_t, std::shared_ptr<AsyncLoad>> inflight;
};

BatchReader::~BatchReader() {
  if (pending_.valid()) pending_.wait();  // the fetch thread uses our source; let it finish
  // Tasks still loading ahead use this reader: claim those not started (they then do nothing)
  // and wait for those running.
  for (auto& col : columns_) {
    for (auto& [index, load] : col->inflight) {
      if (load->claimed.exchange(true)) load->finished.wait();
    }
  }
}

Result<ColumnPlan> TreeReader::Plan(const Branch& b) const {
  const root_format::RootFile* file = file_.get();
  to_arrow::StreamerLookup lookup = [file](const std::string& cls) {
    return file->FindStreamerInfo(cls);
  };
  return to_arrow::PlanColumn(b, lookup);
}

Result<std::shared_ptr<TreeReader>> TreeReader::Open(std::shared_ptr<root_format::RootFile> file,
                                                     const std::string& tree_path) {
  std::shared_ptr<TreeReader> r(new TreeReader());
  r->file_ = std::move(file);
  r->path_ = tree_path;
  auto tree = r->file_->ReadTree(tree_path);
  if (!tree.ok()) return std::move(tree).status().AddContext("file '" + r->file_->name() + "'");
  r->tree_ = std::move(*tree);
  const std::vector<const Branch*>& all = r->tree_->all_branches;
  std::unordered_map<const Branch*, size_t> index;
  for (size_t i = 0; i < all.size(); ++i) index.emplace(all[i], i);
  // Rows: fEntries, as ROOT's TTree::GetEntries() and uproot count them; but a fEntries
  // beyond what every branch holds contradicts the baskets (a damaged record): then the most
  // any branch holds, rather than rows of nulls that no branch has values for.
  r->num_entries_ = r->tree_->entries;
  int64_t most_held = 0;
  const uint64_t file_size = r->file_->source()->size();
  for (const Branch* b : all) {
    if (!b->branches.empty()) continue;
    auto baskets = ListBaskets(*b, file_size);
    if (baskets.ok()) most_held = std::max(most_held, EntriesHeld(*b, *baskets));
  }
  if (most_held > 0 && most_held < r->num_entries_) r->num_entries_ = most_held;
  r->columns_.resize(all.size());
  r->plans_.resize(all.size());
  r->members_.resize(all.size());
  const root_format::RootFile* root_file = r->file_.get();
  to_arrow::StreamerLookup lookup = [root_file](const std::string& cls) {
    return root_file->FindStreamerInfo(cls);
  };
  // Depth first puts sub-branches after their parent: plan from the end, so that a group
  // knows its members' types.
  for (size_t k = all.size(); k-- > 0;) {
    const Branch* b = all[k];
    ColumnInfo& info = r->columns_[k];
    info.name = b->path;
    r->by_name_.emplace(b->path, k);
    if (to_arrow::IsGroupBranch(*b, lookup)) {
      info.is_group = true;
      info.root_type = to_arrow::DeclaredTypeName(*b, lookup);
      std::vector<to_arrow::Field> fields;
      for (const Branch* sub : b->branches) {
        auto it = index.find(sub);
        // Only the sub-branches walked under this parent (IndexBranches walks a branch once).
        if (it == index.end() || it->second <= k || sub->parent != b) continue;
        const ColumnInfo& member = r->columns_[it->second];
        r->members_[k].push_back(it->second);
        if (!member.status.ok() && info.status.ok()) {
          info.status = Status::Unsupported("sub-branch '" + member.name + "' of group '" +
                                            b->path + "' cannot be read: " +
                                            member.status.message());
        }
        fields.push_back({sub->name, member.type, member.nullable});
      }
      if (info.root_type.empty()) info.root_type = "(group of " + std::to_string(fields.size()) + ")";
      if (info.status.ok()) info.type = to_arrow::MakeStruct(std::move(fields));
      continue;
    }
    auto plan = r->Plan(*b);
    if (plan.ok()) {
      info.root_type = plan->root_type;
      info.type = plan->type;
      // Nulls: a pointer, or entries of the tree the branch does not hold (ReadColumn).
      info.nullable = (plan->mode == ColumnPlan::Mode::kPerEntry && plan->node.nullable()) ||
                      b->entries < r->num_entries_;
      r->plans_[k] = std::move(*plan);
    } else {
      info.status = plan.status();
      info.root_type = to_arrow::DeclaredTypeName(*b, lookup);
      if (info.root_type.empty()) {
        info.root_type = b->element_class_name.empty()
                             ? (b->leaves.empty() ? b->class_name : b->leaves[0]->class_name)
                             : b->element_class_name;
      }
    }
  }
  return r;
}

void TreeReader::CollectPlans(size_t i, std::vector<const ColumnPlan*>* out) const {
  if (columns_[i].is_group) {
    for (size_t m : members_[i]) CollectPlans(m, out);
    return;
  }
  if (plans_[i].branch) out->push_back(&plans_[i]);
}

Result<std::vector<int64_t>> TreeReader::CommonEntryOffsets(
    const std::vector<std::string>& columns) const {
  std::set<int64_t> common;
  bool first = true;
  // Named columns as Scan resolves them (short names too; an unknown name is NotFound, not
  // silently left out).
  std::vector<size_t> indices;
  if (columns.empty()) {
    for (size_t i = 0; i < columns_.size(); ++i) indices.push_back(i);
  } else {
    ASSIGN_OR_RETURN(indices, Resolve(columns));
  }
  std::vector<const ColumnPlan*> plans;
  for (size_t i : indices) CollectPlans(i, &plans);
  for (const ColumnPlan* plan : plans) {
    ASSIGN_OR_RETURN(auto baskets, ListBaskets(*plan->branch, file_->source()->size()));
    std::set<int64_t> mine = {0, num_entries_};
    for (const auto& r : baskets) mine.insert(std::min(r.entry_stop, num_entries_));
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
  if (first) common = {0, num_entries_};
  return std::vector<int64_t>(common.begin(), common.end());
}

Result<std::vector<size_t>> TreeReader::Resolve(const std::vector<std::string>& names) const {
  const std::string where = "tree '" + path_ + "' in '" + file_->name() + "'";
  std::vector<size_t> selected;
  if (names.empty()) {
    // Every readable branch; a group's sub-branches are read, not the group itself (as
    // uproot's arrays() does when all of a group's members are selected).
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (columns_[i].status.ok() && !columns_[i].is_group) selected.push_back(i);
    }
  } else {
    for (const std::string& name : names) {
      size_t found = SIZE_MAX;
      if (auto it = by_name_.find(name); it != by_name_.end()) {
        found = it->second;
      } else {
        // A unique short name ("Muon.pt") also works; an ambiguous one is refused.
        auto b = tree_->LookupBranch(name);
        if (!b.ok() && b.status().code() == StatusCode::kInvalidArgument) {
          return std::move(b).status().AddContext(where);
        }
        if (b.ok()) {
          if (auto it2 = by_name_.find((*b)->path); it2 != by_name_.end()) found = it2->second;
        }
      }
      if (found == SIZE_MAX) {
        std::string some;
        for (size_t i = 0; i < columns_.size() && i < 8; ++i) some += (i ? ", " : "") + columns_[i].name;
        return Status::NotFound("no branch '" + name + "'; the tree has " +
                                std::to_string(columns_.size()) + " branches (" + some +
                                (columns_.size() > 8 ? ", ..." : "") +
                                "); `arrowroot schema` lists them")
            .AddContext(where);
      }
      if (!columns_[found].status.ok()) {
        return Status(columns_[found].status).AddContext(where);
      }
      selected.push_back(found);
    }
  }
  return selected;
}

Result<double> TreeReader::BytesPerEntry(const std::vector<std::string>& columns) const {
  ASSIGN_OR_RETURN(std::vector<size_t> selected, Resolve(columns));
  if (num_entries_ <= 0) return 0.0;
  // fTotBytes counts every basket written as a key, uncompressed (key headers included), which
  // is close to what the decoded Arrow columns need. Baskets still embedded in the TTree record
  // when it was written are not in it (a small tree can have fTotBytes = 0), so add their data.
  double total = 0;
  std::vector<const ColumnPlan*> plans;
  for (size_t i : selected) CollectPlans(i, &plans);
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
  return total / static_cast<double>(num_entries_);
}

Result<std::unique_ptr<BatchReader>> TreeReader::Scan(const ScanOptions& options) const {
  std::unique_ptr<BatchReader> br(new BatchReader());
  br->reader_ = shared_from_this();
  br->options_ = options;
  const std::string where = "tree '" + path_ + "' in '" + file_->name() + "'";
  int64_t stop = options.entry_stop < 0 ? num_entries_ : std::min(options.entry_stop, num_entries_);
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
  br->next_ = std::min(options.entry_start, stop);
  br->stop_ = stop;
  br->planned_until_ = br->next_;
  br->prefetch_ = options.prefetch == ScanOptions::Prefetch::kAlways ||
                  (options.prefetch == ScanOptions::Prefetch::kAuto && file_->source()->is_remote());

  ASSIGN_OR_RETURN(std::vector<size_t> selected, Resolve(options.columns));
  uint64_t file_size = file_->source()->size();
  auto make_state = [&](const ColumnPlan& plan) -> Result<std::unique_ptr<BatchReader::ColumnState>> {
    auto st = std::make_unique<BatchReader::ColumnState>();
    st->plan = plan;
    auto baskets = ListBaskets(*plan.branch, file_size);
    if (!baskets.ok()) {
      return std::move(baskets).status().AddContext("branch '" + plan.name + "'").AddContext(where);
    }
    st->baskets = std::move(*baskets);
    st->builder = std::make_unique<ArrayBuilder>(plan.type);
    return st;
  };
  // One state per branch, shared by the outputs that need it (a group and its member, say).
  std::unordered_map<const Branch*, BatchReader::ColumnState*> state_of;
  std::function<Result<BatchReader::Output>(size_t)> output = [&](size_t i) -> Result<BatchReader::Output> {
    BatchReader::Output out;
    out.type = columns_[i].type;
    if (columns_[i].is_group) {
      for (size_t m : members_[i]) {
        ASSIGN_OR_RETURN(BatchReader::Output member, output(m));
        out.members.push_back(std::move(member));
      }
      return out;
    }
    auto& state = state_of[plans_[i].branch];
    if (!state) {
      ASSIGN_OR_RETURN(auto st, make_state(plans_[i]));
      state = st.get();
      br->columns_.push_back(std::move(st));
    }
    out.state = state;
    return out;
  };
  for (size_t i : selected) {
    ASSIGN_OR_RETURN(BatchReader::Output out, output(i));
    br->fields_.push_back({columns_[i].name, columns_[i].type, columns_[i].nullable});
    br->outputs_.push_back(std::move(out));
  }
  // Rows: the tree's entries (ROOT's TTree::GetEntries(), uproot's tree.arrays()). A branch
  // that holds fewer (never filled: uproot-issue327.root DstTree) gives nulls for the entries
  // it does not hold, for which ROOT reads nothing (ReadColumn); one filled on its own past
  // the tree's fEntries (LHCb's Refs trees: fEntries 0, branches of 2) is read to fEntries.
  // Counter branches for jagged columns, read only if a basket lacks its offset table.
  for (auto& col : br->columns_) {
    const Branch* cb = col->plan.count_branch;
    if (col->plan.mode != ColumnPlan::Mode::kJagged || !cb) continue;
    for (auto& c : br->counters_) {
      if (c->plan.branch == cb) col->counter = c.get();
    }
    if (col->counter) continue;
    auto plan = Plan(*cb);
    if (!plan.ok() || plan->mode != ColumnPlan::Mode::kFixed ||
        plan->node.kind != to_arrow::Node::Kind::kPrim) {
      continue;  // only needed for offset-less baskets; reported then
    }
    ASSIGN_OR_RETURN(auto st, make_state(*plan));
    col->counter = st.get();
    br->counters_.push_back(std::move(st));
  }
  // Parallel groups: columns sharing a counter state stay together.
  std::vector<BatchReader::ColumnState*> group_counter;
  for (auto& col : br->columns_) {
    size_t g = br->groups_.size();
    for (size_t k = 0; col->counter && k < group_counter.size(); ++k) {
      if (group_counter[k] == col->counter) g = k;
    }
    if (g == br->groups_.size()) {
      br->groups_.emplace_back();
      group_counter.push_back(col->counter);
    }
    br->groups_[g].push_back(col.get());
  }
  // Threads even for one column group: its baskets still decompress in parallel.
  const int threads = ResolveThreadCount(options.num_threads);
  if (threads > 1 && !br->columns_.empty()) br->pool_ = std::make_unique<ThreadPool>(threads);
  return br;
}

void BatchReader::FoldStats() {
  auto fold = [&](ColumnState& c) {
    stats_.num_baskets += c.pending_stats.num_baskets;
    stats_.num_basket_bytes += c.pending_stats.num_basket_bytes;
    stats_.num_uncompressed_bytes += c.pending_stats.num_uncompressed_bytes;
    stats_.num_prefetched_baskets += c.pending_stats.num_prefetched_baskets;
    c.pending_stats = ScanStats{};
  };
  for (auto& c : columns_) fold(*c);
  for (auto& c : counters_) fold(*c);
}

Result<std::shared_ptr<const Basket>> BatchReader::LoadBasket(const ColumnState& col, size_t index,
                                                              ScanStats* stats) {
  const BasketRef& r = col.baskets[index];
  std::shared_ptr<Basket> basket;
  if (r.embedded) {
    ASSIGN_OR_RETURN(Basket b, root_format::ViewEmbeddedBasket(r.embedded));
    basket = std::make_shared<Basket>(std::move(b));
  } else {
    Bytes raw;
    bool found = false;
    if (prefetch_) {
      std::lock_guard<std::mutex> lock(prefetch_mu_);
      auto it = prefetched_.find(r.seek);
      if (it != prefetched_.end() && it->second.size() == r.bytes) {
        raw = std::move(it->second);
        prefetched_bytes_ -= raw.size();
        prefetched_.erase(it);
        found = true;
      }
    }
    if (found) {
      ++stats->num_prefetched_baskets;
    } else {
      const auto& source = reader_->file_->source();
      ASSIGN_OR_RETURN(raw, source->Read({r.seek, r.bytes}));
    }
    stats->num_basket_bytes += raw.size();
    ASSIGN_OR_RETURN(Basket b,
                     root_format::DecodeBasketKey(std::move(raw), r.seek, col.plan.branch->name));
    basket = std::make_shared<Basket>(std::move(b));
  }
  ++stats->num_baskets;
  stats->num_uncompressed_bytes += basket->data.size();
  if (basket->num_entries != r.entry_stop - r.entry_start) {
    return Status::Corruption("basket holds " + std::to_string(basket->num_entries) +
                              " entries, the branch says " +
                              std::to_string(r.entry_stop - r.entry_start));
  }
  return std::shared_ptr<const Basket>(std::move(basket));
}

Result<std::shared_ptr<const Basket>> BatchReader::GetBasket(ColumnState& col, size_t index) {
  if (col.cached_index == index) return col.cached;
  std::shared_ptr<const Basket> basket;
  if (auto it = col.ready.find(index); it != col.ready.end()) {
    basket = std::move(it->second);  // loaded ahead, in parallel (PreloadBaskets)
    col.ready.erase(it);
  } else if (auto fl = col.inflight.find(index); fl != col.inflight.end()) {
    std::shared_ptr<AsyncLoad> load = std::move(fl->second);
    col.inflight.erase(fl);
    // Not started yet: load it here rather than wait for a free thread. Being loaded by a
    // task: meanwhile load this column's next baskets here rather than idle (one column then
    // decompresses on every thread, and decodes on this one).
    RunLoad(col, index, *load);
    while (load->finished.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      bool helped = false;
      for (auto& [i, other] : col.inflight) {
        if ((helped = RunLoad(col, i, *other))) break;
      }
      if (!helped) break;
    }
    load->finished.wait();
    AddLoadStats(&col.pending_stats, load->stats);
    if (!load->result->ok()) return load->result->status();
    basket = std::move(**load->result);
  } else {
    ASSIGN_OR_RETURN(basket, LoadBasket(col, index, &col.pending_stats));
  }
  col.cached_index = index;
  col.cached = basket;
  return basket;
}

void BatchReader::SubmitLoads(int64_t start, int64_t stop) {
  // Per column, the baskets of [start, stop) and `lookahead` more, each loaded by a pool task
  // as soon as a thread is free; the decode takes them (GetBasket) in order.
  const size_t lookahead = static_cast<size_t>(pool_->num_threads());
  for (auto& col : columns_) {
    size_t taken = 0;
    for (size_t i = col->cached_index == SIZE_MAX ? 0 : col->cached_index; i < col->baskets.size(); ++i) {
      const BasketRef& r = col->baskets[i];
      if (r.entry_stop <= start || r.entry_start >= stop_) continue;
      if (r.entry_start >= stop && taken >= lookahead) break;
      if (r.entry_start >= stop) ++taken;
      if (r.embedded || i == col->cached_index || col->ready.count(i) || col->inflight.count(i)) continue;
      auto load = std::make_shared<AsyncLoad>();
      col->inflight.emplace(i, load);
      const ColumnState* c = col.get();
      // Does nothing if the decode took it over meanwhile, or the reader is closing.
      pool_->Submit([this, c, i, load] { RunLoad(*c, i, *load); });
    }
  }
}

void BatchReader::PreloadBaskets(int64_t start, int64_t stop) {
  // The unit of parallel work is one basket: read + decompress. Columns of one collection
  // share a counter and so decode on one thread, but their baskets (and the several baskets
  // of one column in a chunk) still decompress in parallel here. A failure is left for
  // GetBasket to meet again, with the branch and basket in its message.
  struct Job {
    ColumnState* col;
    size_t index;
    std::shared_ptr<const Basket> basket;
    ScanStats stats;
  };
  std::vector<Job> jobs;
  const size_t lookahead = static_cast<size_t>(pool_->num_threads());
  for (auto& col : columns_) {
    // The baskets of [start, stop), and at least `lookahead` baskets from `start` on (within
    // the scan), so that one column with big baskets still keeps every thread busy; memory
    // stays at a few baskets per column.
    size_t taken = 0;
    for (size_t i = 0; i < col->baskets.size(); ++i) {
      const BasketRef& r = col->baskets[i];
      if (r.entry_stop <= start || r.entry_start >= stop_) continue;
      if (r.entry_start >= stop && taken >= lookahead) break;
      ++taken;
      if (r.embedded || i == col->cached_index || col->ready.count(i)) continue;
      jobs.push_back({col.get(), i, nullptr, {}});
    }
  }
  if (jobs.size() < 2) return;
  pool_->ParallelFor(jobs.size(), [&](size_t k) {
    Job& j = jobs[k];
    auto loaded = LoadBasket(*j.col, j.index, &j.stats);
    if (loaded.ok()) j.basket = std::move(*loaded);
  });
  for (Job& j : jobs) {
    if (!j.basket) continue;
    j.col->ready.emplace(j.index, std::move(j.basket));
    AddLoadStats(&j.col->pending_stats, j.stats);
  }
}

Result<std::vector<int64_t>> BatchReader::CounterValues(ColumnState& col, int64_t start,
                                                        int64_t stop) {
  ArrayBuilder b(col.plan.type);
  RETURN_IF_ERROR(ReadColumn(col, start, stop, b));
  ASSIGN_OR_RETURN(auto data, b.Finish());
  std::vector<int64_t> out;
  to_arrow::AppendIntegers(*data, &out);
  return out;
}

Status BatchReader::ReadColumn(ColumnState& col, int64_t start, int64_t stop, ArrayBuilder& out) {
  // Baskets are sorted by entry; find the first that ends after `start`.
  auto it = std::upper_bound(col.baskets.begin(), col.baskets.end(), start,
                             [](int64_t e, const BasketRef& r) { return e < r.entry_stop; });
  int64_t pos = start;
  for (; it != col.baskets.end() && pos < stop; ++it) {
    const BasketRef& r = *it;
    if (r.entry_stop <= r.entry_start) continue;  // empty basket
    if (r.entry_start > pos) break;
    size_t index = static_cast<size_t>(it - col.baskets.begin());
    auto basket = GetBasket(col, index);
    if (!basket.ok()) {
      return std::move(basket).status().AddContext(BasketWhere(r)).AddContext(
          "branch '" + col.plan.name + "'");
    }
    int64_t first = pos - r.entry_start;
    int64_t last = std::min(stop, r.entry_stop) - r.entry_start;
    std::vector<int64_t> counts;
    if (to_arrow::NeedsCounts(col.plan, **basket)) {
      if (!col.counter) {
        return Status::Unsupported("basket has no entry-offset table and the counter branch "
                                   "cannot be read").AddContext(BasketWhere(r)).AddContext(
                                       "branch '" + col.plan.name + "'");
      }
      auto c = CounterValues(*col.counter, r.entry_start, r.entry_stop);
      if (!c.ok()) {
        return std::move(c).status().AddContext("reading counter branch '" +
                                                col.counter->plan.name + "' for " +
                                                BasketWhere(r)).AddContext("branch '" +
                                                                           col.plan.name + "'");
      }
      counts = std::move(*c);
    }
    Status st = to_arrow::DecodeBasket(col.plan, **basket, first, last, counts, out);
    if (!st.ok()) {
      return std::move(st).AddContext(BasketWhere(r)).AddContext("branch '" + col.plan.name + "'");
    }
    pos = r.entry_start + last;
  }
  if (pos < stop) {
    const int64_t held = EntriesHeld(*col.plan.branch, col.baskets);
    if (pos >= held && col.plan.branch->entries < reader_->num_entries_) {
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

BatchReader::Window BatchReader::PlanWindow() {
  struct Candidate {
    int64_t entry_start;
    uint64_t seek;
    uint32_t bytes;
  };
  const int64_t from = std::max(planned_until_, next_);
  const byte_source::ByteSource& source = *reader_->file_->source();
  std::vector<Candidate> candidates;
  for (const auto& col : columns_) {
    for (size_t i = 0; i < col->baskets.size(); ++i) {
      const BasketRef& r = col->baskets[i];
      if (r.embedded || r.bytes == 0 || r.entry_stop <= from || r.entry_start >= stop_) continue;
      if (i == col->cached_index || prefetched_.count(r.seek)) continue;
      if (source.HasInMemory(r.seek, r.bytes)) continue;  // read at open (head/tail)
      if (pending_.valid() &&
          std::find(pending_window_.seeks.begin(), pending_window_.seeks.end(), r.seek) !=
              pending_window_.seeks.end()) {
        continue;
      }
      candidates.push_back({r.entry_start, r.seek, r.bytes});
    }
  }
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return a.entry_start != b.entry_start ? a.entry_start < b.entry_start : a.seek < b.seek;
  });
  Window w;
  uint64_t budget = options_.max_prefetch_bytes > prefetched_bytes_
                        ? options_.max_prefetch_bytes - prefetched_bytes_
                        : 0;
  uint64_t total = 0;
  planned_until_ = stop_;
  for (const Candidate& c : candidates) {
    if (!w.ranges.empty() && total + c.bytes > budget) {
      planned_until_ = c.entry_start;  // everything starting before this is in the window
      break;
    }
    if (std::find(w.seeks.begin(), w.seeks.end(), c.seek) != w.seeks.end()) continue;
    total += c.bytes;
    w.seeks.push_back(c.seek);
    w.ranges.push_back({c.seek, c.bytes});
  }
  if (planned_until_ < from) planned_until_ = from;
  return w;
}

void BatchReader::AddFetched(const Window& window, std::vector<Bytes> data) {
  std::lock_guard<std::mutex> lock(prefetch_mu_);
  for (size_t i = 0; i < window.seeks.size() && i < data.size(); ++i) {
    prefetched_bytes_ += data[i].size();
    prefetched_.emplace(window.seeks[i], std::move(data[i]));
  }
}

void BatchReader::CollectPending() {
  if (!pending_.valid()) return;
  auto fetched = pending_.get();
  // A failed prefetch is only advice: the baskets are then read one by one, and that read
  // reports the error with the branch and basket it concerns (after the source's retries).
  if (fetched.ok()) AddFetched(pending_window_, std::move(*fetched));
  pending_window_ = Window{};
}

void BatchReader::Prefetch(int64_t stop) {
  CollectPending();
  while (planned_until_ < stop) {
    const int64_t before = planned_until_;
    Window w = PlanWindow();
    if (w.ranges.empty()) break;
    stats_.num_prefetch_requests += CoalesceRanges(w.ranges, options_.coalesce).size();
    auto fetched = FetchRanges(*reader_->file_->source(), w.ranges, options_.coalesce,
                               options_.max_requests_in_flight);
    if (!fetched.ok()) break;  // see CollectPending
    AddFetched(w, std::move(*fetched));
    if (planned_until_ <= before || prefetched_bytes_ >= options_.max_prefetch_bytes) break;
  }
}

Result<std::optional<to_arrow::RecordBatch>> BatchReader::Next() {
  if (next_ >= stop_) return std::optional<to_arrow::RecordBatch>();
  const std::string where = "tree '" + reader_->path_ + "' in '" + reader_->file_->name() + "'";
  int64_t start = next_;
  int64_t stop = std::min(stop_, start + options_.batch_size);
  if (prefetch_) Prefetch(stop);
  // Bound memory: read in chunks and stop once the batch is big enough.
  to_arrow::RecordBatch batch;
  batch.fields = fields_;
  int64_t pos = start;
  // Chunks of entries: the byte cap is checked between them, and with threads each chunk is
  // one parallel step over the column groups (bigger chunks, fewer synchronisations).
  const int64_t chunk = std::max<int64_t>(
      1, std::min<int64_t>(options_.batch_size,
                           pool_ ? std::clamp<int64_t>(options_.batch_size / 4, 4096, 65536) : 4096));
  while (pos < stop) {
    int64_t end = std::min(stop, pos + chunk);
    // Column groups are independent (a group shares a counter branch's state), so they are
    // read, decompressed and decoded in parallel.
    std::vector<Status> status(groups_.size());
    auto read_group = [&](size_t g) {
      for (ColumnState* col : groups_[g]) {
        Status st = ReadColumn(*col, pos, end, *col->builder);
        if (!st.ok()) {
          status[g] = std::move(st);
          return;
        }
      }
    };
    if (pool_ && !prefetch_) {
      // Local source: baskets load ahead as pool tasks, not held at the barrier of each step,
      // so one column decodes on one thread while the others decompress its next baskets.
      SubmitLoads(pos, end);
      pool_->ParallelFor(groups_.size(), read_group);
    } else if (pool_) {
      // Remote source: the loads take the prefetched windows, planned batch by batch.
      PreloadBaskets(pos, end);
      pool_->ParallelFor(groups_.size(), read_group);
    } else {
      for (size_t g = 0; g < groups_.size(); ++g) read_group(g);
    }
    FoldStats();
    for (auto& st : status) {
      if (!st.ok()) return std::move(st).AddContext(where);
    }
    uint64_t bytes = 0;
    for (auto& col : columns_) bytes += col->builder->num_bytes();
    const bool first_chunk = pos == start;
    pos = end;
    if (options_.max_batch_bytes && bytes >= options_.max_batch_bytes) break;
    if (first_chunk && pos < stop && bytes > 0) {
      // Size the builders for the whole batch from what the first chunk took (capped by the
      // byte limit), so they do not grow and copy chunk after chunk.
      double factor = static_cast<double>(stop - start) / static_cast<double>(pos - start);
      if (options_.max_batch_bytes) {
        factor = std::min(factor, static_cast<double>(options_.max_batch_bytes) /
                                      static_cast<double>(bytes));
      }
      factor *= 1.05;
      for (auto& col : columns_) col->builder->ReserveScaled(factor);
    }
  }
  std::unordered_map<const ColumnState*, std::shared_ptr<to_arrow::ArrayData>> built;
  for (auto& col : columns_) {
    ASSIGN_OR_RETURN(auto data, col->builder->Finish());
    built.emplace(col.get(), std::move(data));
  }
  batch.num_rows = pos - start;
  for (const Output& out : outputs_) batch.columns.push_back(Assemble(out, built, batch.num_rows));
  stats_.num_entries += static_cast<uint64_t>(batch.num_rows);
  next_ = pos;
  if (prefetch_ && !pending_.valid() && next_ < stop_ && planned_until_ < stop_ &&
      prefetched_bytes_ < options_.max_prefetch_bytes / 2) {
    // Fetch the next window while the caller works on this batch.
    Window w = PlanWindow();
    if (!w.ranges.empty()) {
      std::shared_ptr<byte_source::ByteSource> source = reader_->file_->source();
      CoalesceOptions co = options_.coalesce;
      int in_flight = options_.max_requests_in_flight;
      stats_.num_prefetch_requests += CoalesceRanges(w.ranges, co).size();
      pending_window_ = w;
      pending_ = std::async(std::launch::async, [source, ranges = w.ranges, co, in_flight] {
        return FetchRanges(*source, ranges, co, in_flight);
      });
    }
  }
  return std::optional<to_arrow::RecordBatch>(std::move(batch));
}

std::shared_ptr<to_arrow::ArrayData> BatchReader::Assemble(
    const Output& out,
    const std::unordered_map<const ColumnState*, std::shared_ptr<to_arrow::ArrayData>>& built,
    int64_t num_rows) const {
  if (out.state) return built.at(out.state);
  auto group = std::make_shared<to_arrow::ArrayData>();  // a struct: no buffers of its own
  group->type = out.type;
  group->length = num_rows;
  for (const Output& m : out.members) group->children.push_back(Assemble(m, built, num_rows));
  return group;
}

// ---- ArrowArrayStream ----

void BatchReader::ExportStream(std::unique_ptr<BatchReader> reader, ArrowArrayStream* out) {
  std::vector<to_arrow::Field> fields = reader->schema();
  std::shared_ptr<BatchReader> shared(std::move(reader));
  to_arrow::ExportBatchStream(std::move(fields), [shared] { return shared->Next(); }, out);
}

}  // namespace arrowroot::scan
