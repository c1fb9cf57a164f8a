// arrowroot: CERN ROOT files (TTrees and RNTuples) read into Apache Arrow — the public C++ API.
//
// This header and the ones it includes (status.h, c_abi.h) are the whole contract the front
// ends build on: the CLI, the Python extension, the examples and the JNI layer of the Spark
// connector. Everything under cpp/src/arrowroot/ is internal and may change.
//
//   auto file = arrowroot::File::Open("s3://bucket/run1.root", {{"endpoint_url", "https://s3.cern.ch"}});
//   auto tree = (*file)->OpenTree("Events");
//   ArrowArrayStream stream;
//   arrowroot::ScanOptions scan;
//   scan.columns = {"Muon_pt", "Muon_eta"};
//   arrowroot::Status st = (*tree)->Scan(scan, &stream);   // record batches through the C stream
//
// Data leaves through the Arrow C Data / C Stream Interface (c_abi.h): any Arrow
// implementation (Arrow C++, pyarrow, arrow-java's arrow-c-data, nanoarrow) adopts the batches
// without copying, and arrowroot links to none of them.
//
// Errors: every call that can fail returns a Status or a Result<T>; nothing throws. The message
// names the file (never its credentials), the object, the branch, the basket and the byte range.
// Codes: NotFound (file, tree, branch), Corruption (the bytes contradict the ROOT format),
// Unsupported (valid ROOT that arrowroot does not decode: the message names the branch and its
// C++ type), InvalidArgument (bad options or ranges), IOError (with retryable()).
//
// Thread safety: a File and a Tree are immutable after they are opened; any number of threads
// may list, read schemas and start scans on them at once. A stream (ArrowArrayStream) is one
// cursor: one consumer thread at a time, as the C Stream Interface specifies. A stream keeps
// its file open: the File and Tree handles may be dropped while it is read.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "arrowroot/c_abi.h"
#include "arrowroot/status.h"

namespace arrowroot {

/// Storage options, as key/value text: the keys the Python package's `storage_options` and the
/// Spark source's options take (s3fs/fsspec spelling where one exists). S3: endpoint_url,
/// region, key, secret, token, profile, anon, addressing (path|virtual|auto); HTTP: ca_bundle,
/// verify, connect_timeout and read_timeout (seconds), retries, max_retry_time (seconds);
/// remote reads: max_gap_bytes, max_waste_ratio, max_request_bytes, max_requests_in_flight,
/// max_prefetch_bytes. Booleans are true/false (also True/False, 1/0). An unknown key or a
/// value of the wrong kind is InvalidArgument naming it, so a typo never silently does nothing.
/// Missing keys take the environment's defaults (AWS_* variables, ~/.aws profiles).
using StorageOptions = std::vector<std::pair<std::string, std::string>>;

/// What a storage option's value must be: the Python and JVM bindings convert their native
/// values by it.
enum class StorageOptionKind { kUnknown, kText, kBool, kInteger, kNumber };

/// The kind of value `key` takes (kUnknown for a key arrowroot does not know).
StorageOptionKind StorageOptionKindOf(const std::string& key);

/// Expand a glob (`*`, `?`, `[...]`) into the matching local paths or s3:// URLs, sorted
/// (S3 through ListObjectsV2). A pattern without wildcards, and http(s) URLs, come back as they
/// are. NotFound when nothing matches.
Result<std::vector<std::string>> Glob(const std::string& pattern,
                                      const StorageOptions& options = {});

/// One object a file's directories list.
struct ObjectInfo {
  std::string path;        ///< "dir/sub/name"
  int16_t cycle = 0;       ///< ROOT's key cycle
  std::string class_name;  ///< "TTree", "TH1F", "ROOT::RNTuple", ...
  std::string title;
};

// ---- listing, for the Python extension (issue 17: python/ext on the public API) ----

/// A key a file's directories list that cannot be used (a damaged key header, a corrupt
/// subdirectory record): ROOT lists such keys and fails when one is read; the rest stays readable.
struct BadKeyInfo {
  std::string path;         ///< "dir/name" ("dir/(key 3 of 9)" when its name could not be read)
  int16_t cycle = 0;
  std::string description;  ///< one line, as List's `bad`: class, 'path;cycle', bytes, why
};

// ---- end of the Python extension's listing block ----

/// Counters of the storage requests one file made (summed over everything read from it).
struct IoStats {
  uint64_t num_requests = 0;        ///< reads asked of the storage (GETs, preads)
  uint64_t num_bytes_requested = 0;
  uint64_t num_bytes_received = 0;  ///< bytes that came over the wire (remote)
  uint64_t num_retries = 0;
  uint64_t num_full_downloads = 0;  ///< servers that ignored Range: the whole object was read
  double io_wall_seconds = 0;       ///< time spent waiting on requests, summed over threads
};

/// One branch of a tree as the schema shows it.
struct Column {
  std::string name;        ///< full path, "evt/P3/P3.Px" (a repeated sibling: "Particle;2")
  std::string cpp_type;    ///< the C++ type ROOT declares
  std::string arrow_type;  ///< "list<float>", ...; empty when the branch cannot be read
  Status status;           ///< OK, or why it cannot be read (Unsupported)
  bool is_group = false;   ///< no data of its own: read as a struct of its sub-branches
  bool nullable = false;   ///< may hold nulls (a pointer to an object)
};

/// What to read from a tree and how.
struct ScanOptions {
  /// Branch names or full paths; empty = every readable column (groups' members, not groups).
  std::vector<std::string> columns;
  /// Nested field selection (Spark's nested schema pruning): each entry a path {column,
  /// field, subfield, ...} whose head is spelled exactly as an entry of `columns` (else
  /// InvalidArgument; so `columns` may not be empty when `fields` is not). A column that
  /// paths name is read as the same type (struct, list<struct>, optional struct,
  /// fixed_size_list<struct>, map whose value is a struct, ...) holding only the named fields,
  /// in the column's own field order; a column no path names is read whole. A path that ends
  /// at a struct (or at the column) keeps it whole. Lists, fixed-size lists and optionals are
  /// transparent: the struct items of list<struct> are named directly ({"tracks", "pt"});
  /// through a map a path names "key" or "value" (an entry keeps both, the other whole).
  /// Field names are the Arrow ones (`arrowroot schema` shows them: a TTree group's are its
  /// sub-branch names, e.g. {"evtinfo.", "evtinfo.run"}).
  /// What is read: a TTree group reads only the kept sub-branches' baskets (recursively); an
  /// RNTuple record (also inside collections and optionals) loads only the kept subfields'
  /// pages; a TTree branch that stores a whole object in one basket (a non-split class,
  /// vector<vector<T>> of classes...) is read whole and its arrays then cut to the fields.
  /// Errors: NotFound for a field the struct lacks (naming the column and listing the
  /// fields it has), InvalidArgument for an empty path or one that continues below a value
  /// that holds no struct (a number, a string, a union).
  std::vector<std::vector<std::string>> fields;
  int64_t entry_start = 0;
  int64_t entry_stop = -1;  ///< -1 = to the end
  /// Entries per batch; a batch also ends once its columns hold max_batch_bytes (0 = no limit).
  int64_t batch_size = 65536;
  uint64_t max_batch_bytes = 256ull << 20;
  /// Threads that read, decompress and decode in parallel (the consumer's included);
  /// 0 = one per core (at most 16), 1 = everything on the consumer's thread.
  int num_threads = 0;
};

/// Counters of one scan.
struct ScanStats {
  uint64_t num_baskets = 0;
  uint64_t num_basket_bytes = 0;        ///< on disk (compressed)
  uint64_t num_uncompressed_bytes = 0;  ///< after decompression
  uint64_t num_entries = 0;
  uint64_t num_prefetched_baskets = 0;  ///< baskets that came from a coalesced prefetch
  uint64_t num_prefetch_requests = 0;   ///< coalesced requests issued
};

/// A scan in progress: record batches in entry order, one at a time. One consumer thread at a
/// time (it is a cursor); the scan's own worker threads are its business. Keeps its file open.
class Scanner {
 public:
  ~Scanner();
  Scanner(const Scanner&) = delete;
  Scanner& operator=(const Scanner&) = delete;

  /// The schema of every batch: a struct of the columns. The caller releases `out`.
  void Schema(ArrowSchema* out) const;
  /// The next batch, a struct array, into `out` (the caller releases it); at the end of the
  /// scan `out->release` is nullptr. An error names file, tree, branch, basket and bytes.
  Status Next(ArrowArray* out);
  /// Counters so far (summed when the scan's threads hand their work over).
  ScanStats stats() const;
  /// Hand the rest of the scan over as an ArrowArrayStream; the stream owns the scanner.
  static void ExportStream(std::unique_ptr<Scanner> scanner, ArrowArrayStream* out);

  struct Rep;  ///< internal

 private:
  friend class Tree;
  explicit Scanner(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

// ---- What the CLI needs besides the above (listing details, thread count) ----

/// What a listing shows of a TTree, read from its record alone (File::SummarizeTree).
struct TreeSummary {
  std::string title;         ///< an RNTuple's description
  int64_t num_entries = 0;   ///< fEntries as the record says it (RNTuple: its footer)
  int64_t num_branches = 0;  ///< every branch, sub-branches included (RNTuple: top-level fields)
  bool is_rntuple = false;
};

/// The threads a scan with ScanOptions::num_threads = `num_threads` uses: the number itself,
/// or for 0 one per core (at most 16, at least 1).
int ScanThreadCount(int num_threads);

// ---- end of the CLI's block ----

class Tree;

/// A ROOT file (TFile) opened for reading from a local path, file://, http(s)://, s3:// or
/// hdfs:// (WebHDFS) URL. Immutable; share it freely (see the thread-safety note above).
class File {
 public:
  /// Open a file: reads its header, streamer infos and top directory (one or two requests on
  /// remote storage). NotFound for a missing file or object, Corruption for a file that is not
  /// ROOT, IOError (retryable or not) for storage failures, InvalidArgument for bad options.
  static Result<std::shared_ptr<File>> Open(const std::string& path_or_url,
                                            const StorageOptions& options = {});
  ~File();
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  /// The name used in messages: the path, or the URL without query string (no secrets).
  const std::string& name() const;

  /// Every object in every directory, depth first: every cycle of a name or the highest only.
  /// Keys the file lists but that cannot be used (a damaged key header) are left out; `bad`,
  /// when given, receives one line per such key saying why.
  Result<std::vector<ObjectInfo>> List(bool all_cycles = false,
                                       std::vector<std::string>* bad = nullptr) const;

  /// The TTree or RNTuple at "dir/name" (";cycle" picks a cycle). NotFound lists the names
  /// that exist; InvalidArgument when the object is neither (saying what it is).
  Result<std::shared_ptr<Tree>> OpenTree(const std::string& path) const;

  IoStats io_stats() const;

  // -- for listings (the CLI's `ls`) --
  /// The TTree or RNTuple at "dir/name" (";cycle" picks a cycle) as a listing shows it, read
  /// from its record alone (an RNTuple: its anchor, header and footer): cheaper than OpenTree, which also resolves every column. NotFound lists
  /// the names that exist; Corruption names the tree, its class and byte range.
  Result<TreeSummary> SummarizeTree(const std::string& path) const;
  // -- end of listings --

  // ---- for the Python extension (issue 17: python/ext on the public API) ----

  /// The ROOT version that wrote the file, as ROOT encodes it (e.g. 61206).
  int32_t root_version() const;

  /// The object at "dir/name" (";cycle" picks a cycle, else the highest): its path (without
  /// the cycle), cycle, class name and title. NotFound lists the names the directory holds, or
  /// says why a key of that name cannot be read (then with that key's own code, e.g.
  /// Corruption); InvalidArgument for a cycle that is not a number.
  Result<ObjectInfo> Find(const std::string& path) const;

  /// Every key the directories list that cannot be used (every cycle), with its path and
  /// cycle apart (List's `bad` gives the description lines only).
  Result<std::vector<BadKeyInfo>> BadKeys() const;

  // ---- end of the Python extension's File block ----

  struct Rep;  ///< internal

 private:
  explicit File(std::shared_ptr<Rep> rep);
  std::shared_ptr<Rep> rep_;
};

/// A TTree (its branches) or an RNTuple (its top-level fields) as Arrow columns: one reading
/// API over both. Immutable; share it freely.
///
/// RNTuple fields map to Arrow as: fundamental types → primitives; std::string → utf8;
/// vector/RVec/set/unordered_set/multiset → list; map/unordered_map/multimap → map;
/// std::array and T[N] → fixed_size_list; std::bitset<N> → fixed_size_list<bool>[N]; records,
/// pair, tuple → struct; optional/unique_ptr → nullable; atomic/enum → the inner type;
/// RNTupleCardinality → uint32/uint64. std::variant and ROOT-streamed fields are Unsupported.
/// Batches never cross an RNTuple's clusters; CommonEntryOffsets gives the cluster bounds.
class Tree {
 public:
  ~Tree();
  Tree(const Tree&) = delete;
  Tree& operator=(const Tree&) = delete;

  const std::string& path() const;  ///< "dir/name" in its file
  const std::string& title() const;  ///< an RNTuple's description
  bool is_rntuple() const;           ///< an RNTuple (else a TTree)
  /// The tree's entries (fEntries, unless no branch holds that many: then the most any holds).
  int64_t num_entries() const;
  /// Every branch, depth first (a parent before its sub-branches).
  const std::vector<Column>& columns() const;

  /// The Arrow schema (a struct of the columns) that Scan with these columns produces.
  /// NotFound for an unknown column, Unsupported for one that cannot be read. `out` is
  /// written only on success and then owned by the caller (call its release).
  Status Schema(const std::vector<std::string>& columns, ArrowSchema* out) const;
  /// The schema Scan with these options (their columns and fields) produces; the rest of the
  /// options are ignored. Errors and `out` as above (and as ScanOptions::fields says).
  Status Schema(const ScanOptions& options, ArrowSchema* out) const;

  /// Entry boundaries shared by the baskets of the given columns (all if empty), e.g.
  /// {0, 200, 400, 501}: ranges split there never read a basket twice (Spark's partitions).
  Result<std::vector<int64_t>> CommonEntryOffsets(const std::vector<std::string>& columns) const;
  /// The same for a scan with these options' columns and fields: only the baskets a scan
  /// with them reads count (an RNTuple's are its cluster bounds either way).
  Result<std::vector<int64_t>> CommonEntryOffsets(const ScanOptions& options) const;

  /// Estimated decoded bytes per entry of the given columns (all readable ones if empty).
  Result<double> BytesPerEntry(const std::vector<std::string>& columns) const;
  /// The same for a scan with these options' columns and fields (only what it reads).
  Result<double> BytesPerEntry(const ScanOptions& options) const;

  /// Start reading and hand the batches over as an ArrowArrayStream. Errors found before the
  /// first batch (unknown or unsupported columns, bad ranges) come back here; errors while
  /// reading come from get_next as EIO/EINVAL/ENOENT… with get_last_error giving arrowroot's
  /// one-line message. `out` is written only on success; the caller releases it.
  Status Scan(const ScanOptions& options, ArrowArrayStream* out) const;

  /// Start reading, batch by batch (Scan's errors, as a Result).
  Result<std::unique_ptr<Scanner>> NewScanner(const ScanOptions& options) const;

  struct Rep;  ///< internal

 private:
  friend class File;
  explicit Tree(std::shared_ptr<Rep> rep);
  std::shared_ptr<Rep> rep_;
};

}  // namespace arrowroot
