// The public API (cpp/include/arrowroot/arrowroot.h) over the engine: byte_source opens,
// root_format lists, scan reads, to_arrow exports. Holds no logic of its own beyond
// translating options and results between the public types and the engine's.
#include "arrowroot/arrowroot.h"

#include <optional>

#include "arrowroot/api/storage_options.h"
#include "arrowroot/byte_source/open.h"
#include "arrowroot/common/status.h"
#include "arrowroot/root_format/root_file.h"
#include "arrowroot/root_format/rntuple/rntuple.h"
#include "arrowroot/scan/rntuple_reader.h"
#include "arrowroot/scan/thread_pool.h"
#include "arrowroot/scan/tree_reader.h"
#include "arrowroot/to_arrow/arrow_array.h"

namespace arrowroot {

struct File::Rep {
  std::shared_ptr<root_format::RootFile> file;
  api::IoTuning tuning;
};

struct Scanner::Rep {
  std::unique_ptr<scan::BatchStream> reader;
};

/// A TTree (reader) or an RNTuple (ntuple): the same reading API over either.
struct Tree::Rep {
  std::shared_ptr<scan::TreeReader> reader;
  std::shared_ptr<scan::RNTupleReader> ntuple;
  api::IoTuning tuning;
  std::vector<Column> columns;
};

Result<std::vector<std::string>> Glob(const std::string& pattern, const StorageOptions& options) {
  ASSIGN_OR_RETURN(api::ParsedStorageOptions parsed, api::ParseStorageOptions(options));
  return byte_source::Glob(pattern, parsed.source);
}

// ---- File ----

File::File(std::shared_ptr<Rep> rep) : rep_(std::move(rep)) {}
File::~File() = default;

Result<std::shared_ptr<File>> File::Open(const std::string& path_or_url,
                                         const StorageOptions& options) {
  ASSIGN_OR_RETURN(api::ParsedStorageOptions parsed, api::ParseStorageOptions(options));
  ASSIGN_OR_RETURN(auto source, byte_source::OpenSource(path_or_url, parsed.source));
  ASSIGN_OR_RETURN(auto file, root_format::RootFile::Open(std::move(source)));
  auto rep = std::make_shared<Rep>(Rep{std::move(file), parsed.tuning});
  return std::shared_ptr<File>(new File(std::move(rep)));
}

const std::string& File::name() const { return rep_->file->name(); }

Result<std::vector<ObjectInfo>> File::List(bool all_cycles, std::vector<std::string>* bad) const {
  ASSIGN_OR_RETURN(root_format::ObjectListing listing, rep_->file->List(all_cycles));
  std::vector<ObjectInfo> out;
  out.reserve(listing.objects.size());
  for (const auto& o : listing.objects) {
    out.push_back(ObjectInfo{o.path, o.key.cycle, o.key.class_name, o.key.title});
  }
  if (bad != nullptr) {
    for (const auto& b : listing.bad_keys) bad->push_back(b.Describe());
  }
  return out;
}

Result<std::shared_ptr<Tree>> File::OpenTree(const std::string& path) const {
  auto rep = std::make_shared<Tree::Rep>();
  // A key that cannot be found or read goes the TTree way, whose errors name file and path.
  auto key = rep_->file->FindKey(path);
  if (key.ok() && key->class_name == root_format::rntuple::kAnchorClass) {
    ASSIGN_OR_RETURN(rep->ntuple, scan::RNTupleReader::Open(rep_->file, path));
  } else {
    ASSIGN_OR_RETURN(rep->reader, scan::TreeReader::Open(rep_->file, path));
  }
  rep->tuning = rep_->tuning;
  const auto& infos = rep->ntuple ? rep->ntuple->columns() : rep->reader->columns();
  rep->columns.reserve(infos.size());
  for (const scan::ColumnInfo& c : infos) {
    Column& col = rep->columns.emplace_back();
    col.name = c.name;
    col.cpp_type = c.root_type;
    if (c.status.ok() && c.type) col.arrow_type = c.type->ToString();
    col.status = c.status;
    col.is_group = c.is_group;
    col.nullable = c.nullable;
  }
  return std::shared_ptr<Tree>(new Tree(std::move(rep)));
}

IoStats File::io_stats() const {
  const byte_source::SourceStats& s = rep_->file->source()->stats();
  IoStats out;
  out.num_requests = s.num_requests.load();
  out.num_bytes_requested = s.num_bytes_read.load();
  out.num_bytes_received = s.num_bytes_received.load();
  out.num_retries = s.num_retries.load();
  out.num_full_downloads = s.num_full_downloads.load();
  out.io_wall_seconds = static_cast<double>(s.io_wall_ns.load()) / 1e9;
  return out;
}

// ---- File: for the Python extension (issue 17: python/ext on the public API) ----

int32_t File::root_version() const { return rep_->file->header().version; }

Result<ObjectInfo> File::Find(const std::string& path) const {
  ASSIGN_OR_RETURN(root_format::KeyHeader key, rep_->file->FindKey(path));
  // The path as asked, without its ";cycle" and leading slashes (FindKey accepted both).
  std::string plain = path.substr(0, path.rfind(';'));
  plain.erase(0, plain.find_first_not_of('/'));
  return ObjectInfo{std::move(plain), key.cycle, key.class_name, key.title};
}

Result<std::vector<BadKeyInfo>> File::BadKeys() const {
  ASSIGN_OR_RETURN(root_format::ObjectListing listing, rep_->file->List(/*all_cycles=*/true));
  std::vector<BadKeyInfo> out;
  out.reserve(listing.bad_keys.size());
  for (const auto& b : listing.bad_keys) out.push_back(BadKeyInfo{b.path, b.cycle, b.Describe()});
  return out;
}

// ---- end of the Python extension's File block ----

// ---- Tree ----

namespace {
Result<std::unique_ptr<scan::BatchStream>> StartScan(const Tree::Rep& rep,
                                                     const scan::ScanOptions& options) {
  if (rep.ntuple) return rep.ntuple->Scan(options);
  ASSIGN_OR_RETURN(auto reader, rep.reader->Scan(options));
  return std::unique_ptr<scan::BatchStream>(std::move(reader));
}
}  // namespace

Tree::Tree(std::shared_ptr<Rep> rep) : rep_(std::move(rep)) {}
Tree::~Tree() = default;

const std::string& Tree::path() const {
  return rep_->ntuple ? rep_->ntuple->path() : rep_->reader->path();
}
const std::string& Tree::title() const {
  return rep_->ntuple ? rep_->ntuple->description() : rep_->reader->tree().title;
}
int64_t Tree::num_entries() const {
  return rep_->ntuple ? rep_->ntuple->num_entries() : rep_->reader->num_entries();
}
bool Tree::is_rntuple() const { return rep_->ntuple != nullptr; }
const std::vector<Column>& Tree::columns() const { return rep_->columns; }

Status Tree::Schema(const std::vector<std::string>& columns, ArrowSchema* out) const {
  scan::ScanOptions options;
  options.columns = columns;
  options.entry_stop = 0;  // plans the columns, reads nothing
  ASSIGN_OR_RETURN(auto reader, StartScan(*rep_, options));
  to_arrow::ExportSchema(reader->schema(), out);
  return Status::OK();
}

Status Tree::Schema(const ScanOptions& options, ArrowSchema* out) const {
  scan::ScanOptions so;
  so.columns = options.columns;
  so.fields = options.fields;
  so.entry_stop = 0;  // plans the columns, reads nothing
  ASSIGN_OR_RETURN(auto reader, StartScan(*rep_, so));
  to_arrow::ExportSchema(reader->schema(), out);
  return Status::OK();
}

Result<std::vector<int64_t>> Tree::CommonEntryOffsets(
    const std::vector<std::string>& columns) const {
  if (rep_->ntuple) return rep_->ntuple->CommonEntryOffsets(columns);
  return rep_->reader->CommonEntryOffsets(columns);
}

Result<std::vector<int64_t>> Tree::CommonEntryOffsets(const ScanOptions& options) const {
  if (rep_->ntuple) return rep_->ntuple->CommonEntryOffsets(options.columns, options.fields);
  return rep_->reader->CommonEntryOffsets(options.columns, options.fields);
}

Result<double> Tree::BytesPerEntry(const std::vector<std::string>& columns) const {
  if (rep_->ntuple) return rep_->ntuple->BytesPerEntry(columns);
  return rep_->reader->BytesPerEntry(columns);
}

Result<double> Tree::BytesPerEntry(const ScanOptions& options) const {
  if (rep_->ntuple) return rep_->ntuple->BytesPerEntry(options.columns, options.fields);
  return rep_->reader->BytesPerEntry(options.columns, options.fields);
}

Result<std::unique_ptr<Scanner>> Tree::NewScanner(const ScanOptions& options) const {
  scan::ScanOptions so;
  so.columns = options.columns;
  so.fields = options.fields;
  so.entry_start = options.entry_start;
  so.entry_stop = options.entry_stop;
  so.batch_size = options.batch_size;
  so.max_batch_bytes = options.max_batch_bytes;
  so.num_threads = options.num_threads;
  so.coalesce = rep_->tuning.coalesce;
  so.max_requests_in_flight = rep_->tuning.max_requests_in_flight;
  so.max_prefetch_bytes = rep_->tuning.max_prefetch_bytes;
  ASSIGN_OR_RETURN(auto reader, StartScan(*rep_, so));
  auto rep = std::make_unique<Scanner::Rep>();
  rep->reader = std::move(reader);
  return std::unique_ptr<Scanner>(new Scanner(std::move(rep)));
}

Status Tree::Scan(const ScanOptions& options, ArrowArrayStream* out) const {
  ASSIGN_OR_RETURN(auto scanner, NewScanner(options));
  Scanner::ExportStream(std::move(scanner), out);
  return Status::OK();
}

// ---- Scanner ----

Scanner::Scanner(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
Scanner::~Scanner() = default;

void Scanner::Schema(ArrowSchema* out) const { to_arrow::ExportSchema(rep_->reader->schema(), out); }

Status Scanner::Next(ArrowArray* out) {
  ASSIGN_OR_RETURN(std::optional<to_arrow::RecordBatch> batch, rep_->reader->Next());
  if (!batch) {
    out->release = nullptr;
    return Status::OK();
  }
  to_arrow::ExportBatch(*batch, out);
  return Status::OK();
}

ScanStats Scanner::stats() const {
  const scan::ScanStats& s = rep_->reader->stats();
  ScanStats out;
  out.num_baskets = s.num_baskets;
  out.num_basket_bytes = s.num_basket_bytes;
  out.num_uncompressed_bytes = s.num_uncompressed_bytes;
  out.num_entries = s.num_entries;
  out.num_prefetched_baskets = s.num_prefetched_baskets;
  out.num_prefetch_requests = s.num_prefetch_requests;
  return out;
}

void Scanner::ExportStream(std::unique_ptr<Scanner> scanner, ArrowArrayStream* out) {
  scan::BatchStream::Export(std::move(scanner->rep_->reader), out);
}

// ---- What the CLI needs besides the above (listing details, thread count) ----

Result<TreeSummary> File::SummarizeTree(const std::string& path) const {
  auto key = rep_->file->FindKey(path);
  if (key.ok() && key->class_name == root_format::rntuple::kAnchorClass) {
    ASSIGN_OR_RETURN(auto nt, root_format::rntuple::ReadRNTupleSummary(*rep_->file, path));
    TreeSummary out;
    out.title = nt->schema.description;
    out.num_entries = static_cast<int64_t>(nt->num_entries);
    out.num_branches = static_cast<int64_t>(nt->top_fields.size());
    out.is_rntuple = true;
    return out;
  }
  ASSIGN_OR_RETURN(auto tree, rep_->file->ReadTree(path));
  TreeSummary out;
  out.title = tree->title;
  out.num_entries = tree->entries;
  out.num_branches = static_cast<int64_t>(tree->all_branches.size());
  return out;
}

int ScanThreadCount(int num_threads) { return scan::ResolveThreadCount(num_threads); }

// ---- end of the CLI's block ----

}  // namespace arrowroot
