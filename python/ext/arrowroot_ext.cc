// arrowroot._core: the private extension module behind the `arrowroot` Python package.
//
// Thin by design: it turns Status into Python exceptions, releases the GIL around every read and
// decode, and hands Arrow data over through the Arrow PyCapsule protocol (capsules named
// "arrow_schema", "arrow_array", "arrow_array_stream" holding the C Data Interface structs), so
// pyarrow, polars, duckdb and awkward adopt our buffers without copying and without us linking
// to any of them. The public API (argument handling, library conversions) is python/arrowroot.
//
// Built on the public C++ API (arrowroot/arrowroot.h) only, as any front end: File, Tree,
// Scanner, StorageOptions, data as C Data Interface structs. errors.h turns Status into
// exceptions; arrow_c_data.h shares exported structs between capsules.
//
// Threading: the GIL is released while the engine reads, so different Python threads can read
// different trees (or files) at once. A Scanner is one cursor; a mutex serializes callers that
// share one.
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/unique_ptr.h>
#include <nanobind/stl/vector.h>
#include <nanobind/stl/pair.h>

#include <charconv>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "arrow_c_data.h"
#include "errors.h"
#include "arrowroot/arrowroot.h"
// The one exception to "the public API only": arrowroot.copy() is the transfer application's
// (cpp/transfer), as `arrowroot cp` is.
#include "transfer/copy.h"
#include "transfer/source_options.h"

namespace nb = nanobind;

namespace arrowroot::python {
namespace {

// ---- capsules -----------------------------------------------------------------------------------

void DeleteSchemaCapsule(PyObject* capsule) {
  auto* s = static_cast<ArrowSchema*>(PyCapsule_GetPointer(capsule, "arrow_schema"));
  if (!s) return;
  if (s->release) s->release(s);
  delete s;
}

void DeleteArrayCapsule(PyObject* capsule) {
  auto* a = static_cast<ArrowArray*>(PyCapsule_GetPointer(capsule, "arrow_array"));
  if (!a) return;
  if (a->release) a->release(a);
  delete a;
}

void DeleteStreamCapsule(PyObject* capsule) {
  auto* s = static_cast<ArrowArrayStream*>(PyCapsule_GetPointer(capsule, "arrow_array_stream"));
  if (!s) return;
  if (s->release) s->release(s);
  delete s;
}

nb::object WrapCapsule(void* ptr, const char* name, PyCapsule_Destructor destructor) {
  PyObject* cap = PyCapsule_New(ptr, name, destructor);
  if (!cap) throw nb::python_error();
  return nb::steal(cap);
}

nb::object SchemaCapsule(const SharedSchema& schema) {
  auto s = std::make_unique<ArrowSchema>();
  ShareSchema(schema, s.get());
  return WrapCapsule(s.release(), "arrow_schema", DeleteSchemaCapsule);
}

nb::object StreamCapsule(std::unique_ptr<ArrowArrayStream> s) {
  return WrapCapsule(s.release(), "arrow_array_stream", DeleteStreamCapsule);
}

// ---- handles ------------------------------------------------------------------------------------

/// One record batch: implements __arrow_c_array__ / __arrow_c_schema__ (as often as asked: each
/// capsule is a view of the same buffers).
struct Batch {
  SharedSchema schema;
  SharedArray array;

  int64_t num_rows() const { return array->c.length; }
  nb::object schema_capsule() const { return SchemaCapsule(schema); }
  nb::tuple array_capsules(nb::handle /*requested_schema*/) const {
    auto a = std::make_unique<ArrowArray>();
    ShareArray(array, a.get());
    nb::object capsule = WrapCapsule(a.release(), "arrow_array", DeleteArrayCapsule);
    return nb::make_tuple(SchemaCapsule(schema), capsule);
  }
};

/// Batches read ahead of time: implements __arrow_c_stream__ (once; the stream takes them).
struct BatchList {
  SharedSchema schema;
  std::vector<SharedArray> batches;
  bool consumed = false;

  int64_t num_rows() const {
    int64_t n = 0;
    for (const auto& b : batches) n += b->c.length;
    return n;
  }
  nb::object schema_capsule() const { return SchemaCapsule(schema); }
  nb::object stream_capsule(nb::handle /*requested_schema*/) {
    if (consumed) {
      Throw(Status::InvalidArgument("these batches were already handed to an Arrow consumer; "
                                    "read the tree again"));
    }
    consumed = true;
    auto s = std::make_unique<ArrowArrayStream>();
    ExportArrayList(schema, std::move(batches), s.get());
    batches.clear();
    return StreamCapsule(std::move(s));
  }
};

/// A lazy, one-pass reader of record batches (the public arrowroot::Scanner).
class Scanner {
 public:
  explicit Scanner(std::unique_ptr<::arrowroot::Scanner> scanner)
      : schema_(std::make_shared<Owned<ArrowSchema>>()), scanner_(std::move(scanner)) {
    scanner_->Schema(&schema_->c);
  }

  nb::object schema_capsule() const { return SchemaCapsule(schema_); }

  /// The next batch, or None at the end. Reads with the GIL released.
  std::optional<Batch> next() {
    SharedArray batch = Unwrap(WithoutGil([&] { return NextLocked(); }));
    if (!batch) return std::nullopt;
    return Batch{schema_, std::move(batch)};
  }

  /// Every remaining batch, read with the GIL released; Ctrl-C is honoured between batches.
  BatchList read_all() {
    BatchList out;
    out.schema = schema_;
    while (true) {
      SharedArray batch = Unwrap(WithoutGil([&] { return NextLocked(); }));
      if (!batch) break;
      out.batches.push_back(std::move(batch));
      if (PyErr_CheckSignals() != 0) throw nb::python_error();
    }
    return out;
  }

  nb::object stream_capsule(nb::handle /*requested_schema*/) {
    std::unique_ptr<::arrowroot::Scanner> scanner;
    {
      std::lock_guard<std::mutex> lock(mu_);
      scanner = std::move(scanner_);
    }
    if (!scanner) {
      Throw(Status::InvalidArgument("this scanner was already consumed; start a new one"));
    }
    auto s = std::make_unique<ArrowArrayStream>();
    ::arrowroot::Scanner::ExportStream(std::move(scanner), s.get());
    return StreamCapsule(std::move(s));
  }

  nb::dict stats() {
    nb::dict d;
    std::lock_guard<std::mutex> lock(mu_);
    if (scanner_) {
      const ScanStats s = scanner_->stats();
      d["num_baskets"] = s.num_baskets;
      d["num_basket_bytes"] = s.num_basket_bytes;
      d["num_uncompressed_bytes"] = s.num_uncompressed_bytes;
      d["num_entries"] = s.num_entries;
      d["num_prefetched_baskets"] = s.num_prefetched_baskets;
      d["num_prefetch_requests"] = s.num_prefetch_requests;
    }
    return d;
  }

 private:
  /// The next batch; nullptr at the end.
  Result<SharedArray> NextLocked() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!scanner_) {
      return Status::InvalidArgument(
          "this scanner was handed to an Arrow consumer (__arrow_c_stream__); start a new one");
    }
    auto batch = std::make_shared<Owned<ArrowArray>>();
    Status st = scanner_->Next(&batch->c);
    if (!st.ok()) return st;
    if (!batch->c.release) return SharedArray();
    return batch;
  }

  SharedSchema schema_;  // kept: the schema is still asked for once the scan was handed over
  std::mutex mu_;
  std::unique_ptr<::arrowroot::Scanner> scanner_;
};

/// A double as text that reads back as the same double.
std::string NumberText(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;  // 64 chars always hold a double
  return std::string(buf, end);
}

/// storage_options (a dict, keys as s3fs/fsspec spell them where they exist) → the public
/// API's key/value text, converting each value by the kind the public table gives its key: a
/// bool option takes a Python bool, an integer one an int, a number an int or float, text
/// anything (str()). The public table then checks keys and values: an unknown key is an error
/// naming the known ones, so a typo never silently does nothing.
StorageOptions ToStorageOptions(const nb::dict& options) {
  StorageOptions out;
  for (auto [k, v] : options) {
    std::string key = nb::cast<std::string>(k);
    std::string value;
    switch (StorageOptionKindOf(key)) {
      case StorageOptionKind::kBool: value = nb::cast<bool>(v) ? "true" : "false"; break;
      case StorageOptionKind::kInteger: value = std::to_string(nb::cast<int64_t>(v)); break;
      case StorageOptionKind::kNumber: value = NumberText(nb::cast<double>(v)); break;
      case StorageOptionKind::kText: value = nb::cast<std::string>(nb::str(v)); break;
      case StorageOptionKind::kUnknown:
        // The public table rejects it; the keys after it are not looked at, so that error
        // comes before any of theirs.
        out.emplace_back(std::move(key), std::string());
        return out;
    }
    out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

nb::dict IoStatsDict(const IoStats& s) {
  nb::dict d;
  d["num_requests"] = s.num_requests;
  d["num_bytes_requested"] = s.num_bytes_requested;
  d["num_bytes_received"] = s.num_bytes_received;
  d["num_retries"] = s.num_retries;
  d["num_full_downloads"] = s.num_full_downloads;
  d["io_wall_seconds"] = s.io_wall_seconds;
  return d;
}

class Tree {
 public:
  Tree(std::shared_ptr<::arrowroot::File> file, std::shared_ptr<::arrowroot::Tree> tree)
      : file_(std::move(file)), tree_(std::move(tree)) {}

  int64_t num_entries() const { return tree_->num_entries(); }
  std::string path() const { return tree_->path(); }
  std::string title() const { return tree_->title(); }
  bool is_rntuple() const { return tree_->is_rntuple(); }
  std::string file_name() const { return file_->name(); }

  /// (name, C++ type, Arrow type or None, why unsupported or None, is a group) per branch.
  std::vector<std::tuple<std::string, std::string, std::optional<std::string>,
                         std::optional<std::string>, bool>>
  columns() const {
    std::vector<std::tuple<std::string, std::string, std::optional<std::string>,
                           std::optional<std::string>, bool>>
        out;
    for (const Column& c : tree_->columns()) {
      std::optional<std::string> type, why;
      if (!c.arrow_type.empty()) {
        type = c.arrow_type;
      } else {
        why = c.status.ToString();
      }
      out.emplace_back(c.name, c.cpp_type, type, why, c.is_group);
    }
    return out;
  }

  /// Schema capsule of the given columns (all readable ones when empty).
  nb::object schema_capsule(const std::vector<std::string>& names) const {
    auto s = std::make_unique<ArrowSchema>();
    Status st = tree_->Schema(names, s.get());
    if (!st.ok()) Throw(std::move(st));
    return WrapCapsule(s.release(), "arrow_schema", DeleteSchemaCapsule);
  }

  std::vector<int64_t> common_entry_offsets(const std::vector<std::string>& names) const {
    return Unwrap(WithoutGil([&] { return tree_->CommonEntryOffsets(names); }));
  }

  double bytes_per_entry(const std::vector<std::string>& names) const {
    return Unwrap(tree_->BytesPerEntry(names));
  }

  std::unique_ptr<Scanner> scan(const std::vector<std::string>& names, int64_t entry_start, int64_t entry_stop,
               int64_t batch_size, uint64_t max_batch_bytes, int num_threads) const {
    ScanOptions options;
    options.columns = names;
    options.entry_start = entry_start;
    options.entry_stop = entry_stop;
    options.batch_size = batch_size;
    options.max_batch_bytes = max_batch_bytes;
    options.num_threads = num_threads;
    auto scanner = Unwrap(WithoutGil([&] { return tree_->NewScanner(options); }));
    return std::make_unique<Scanner>(std::move(scanner));
  }

  nb::dict io_stats() const { return IoStatsDict(file_->io_stats()); }

 private:
  std::shared_ptr<::arrowroot::File> file_;
  std::shared_ptr<::arrowroot::Tree> tree_;
};

class File {
 public:
  static File Open(const std::string& path, const nb::dict& storage_options) {
    const StorageOptions options = ToStorageOptions(storage_options);
    return File(Unwrap(WithoutGil([&] { return ::arrowroot::File::Open(path, options); })));
  }

  nb::dict io_stats() const { return IoStatsDict(file_->io_stats()); }

  std::string name() const { return file_->name(); }
  int32_t root_version() const { return file_->root_version(); }

  /// (path, class name, cycle) of every object, every cycle, depth first.
  std::vector<std::tuple<std::string, std::string, int>> objects() const {
    auto listing = Unwrap(WithoutGil([&] { return file_->List(/*all_cycles=*/true); }));
    std::vector<std::tuple<std::string, std::string, int>> out;
    for (const ObjectInfo& o : listing) out.emplace_back(o.path, o.class_name, o.cycle);
    return out;
  }

  /// (path, cycle, why) of every key the directories list that cannot be used.
  std::vector<std::tuple<std::string, int, std::string>> bad_keys() const {
    auto bad = Unwrap(WithoutGil([&] { return file_->BadKeys(); }));
    std::vector<std::tuple<std::string, int, std::string>> out;
    for (const BadKeyInfo& b : bad) out.emplace_back(b.path, b.cycle, b.description);
    return out;
  }

  /// (class name, cycle) of one object; NotFound names what the directory does hold.
  std::tuple<std::string, int> find(const std::string& path) const {
    auto object = Unwrap(WithoutGil([&] { return file_->Find(path); }));
    return {object.class_name, object.cycle};
  }

  Tree tree(const std::string& path) const {
    return Tree(file_, Unwrap(WithoutGil([&] { return file_->OpenTree(path); })));
  }

 private:
  explicit File(std::shared_ptr<::arrowroot::File> f) : file_(std::move(f)) {}
  std::shared_ptr<::arrowroot::File> file_;
};

}  // namespace
}  // namespace arrowroot::python

NB_MODULE(_core, m) {
  using namespace arrowroot::python;
  m.doc() = "Private extension module of the arrowroot package; use `arrowroot` instead.";

  nb::register_exception_translator(TranslateStatus);
  m.def("_register_errors", &RegisterErrors, nb::arg("classes"),
        "Install the exception class for each error code (called by arrowroot._errors).");

  m.def(
      "glob",
      [](const std::string& pattern, const nb::dict& storage_options) {
        const arrowroot::StorageOptions options = ToStorageOptions(storage_options);
        return Unwrap(WithoutGil([&] { return arrowroot::Glob(pattern, options); }));
      },
      nb::arg("pattern"), nb::arg("storage_options"),
      "Paths or URLs matching a glob (local, or s3:// via ListObjectsV2), sorted.");

  m.def(
      "copy",
      [](const std::vector<std::string>& sources, const std::string& target, bool recursive,
         const std::string& include, int jobs, uint64_t part_size, const std::string& verify,
         bool resume, bool dry_run, bool progress, const nb::dict& storage_options) {
        arrowroot::transfer::CopyOptions o;
        o.source =
            Unwrap(arrowroot::transfer::SourceOptionsFrom(ToStorageOptions(storage_options)));
        o.recursive = recursive;
        o.include = include;
        o.jobs = jobs;
        o.part_size = part_size;
        o.verify = Unwrap(arrowroot::transfer::ParseVerify(verify));
        o.resume = resume;
        o.dry_run = dry_run;
        if (progress) {
          // Plain lines on stderr from the engine's progress thread (no Python objects there).
          o.progress_interval_ms = 2000;
          o.on_progress = [](const arrowroot::transfer::Progress& p) {
            std::fprintf(stderr, "arrowroot.copy: %lld/%lld files, %.1f/%.1f MB, %.1f MB/s\n",
                         static_cast<long long>(p.files_done), static_cast<long long>(p.files_total),
                         p.bytes_done / 1e6, p.bytes_total / 1e6,
                         p.seconds > 0 ? p.bytes_done / p.seconds / 1e6 : 0.0);
          };
        }
        auto s = Unwrap(WithoutGil([&] { return arrowroot::transfer::Copy(sources, target, o); }));
        nb::dict d;
        d["files"] = s.files;
        d["copied"] = s.copied;
        d["skipped"] = s.skipped;
        d["failed"] = s.failed;
        d["bytes"] = s.bytes;
        d["bytes_copied"] = s.bytes_copied;
        d["seconds"] = s.seconds;
        d["mb_per_s"] = s.mb_per_s;
        d["retries"] = s.retries;
        nb::list results;
        for (const auto& f : s.results) {
          nb::dict r;
          r["source"] = f.source;
          r["target"] = f.target;
          r["bytes"] = f.bytes;
          r["state"] = f.state;
          r["error"] = f.error;
          results.append(r);
        }
        d["results"] = results;
        return d;
      },
      nb::arg("sources"), nb::arg("target"), nb::arg("recursive"), nb::arg("include"),
      nb::arg("jobs"), nb::arg("part_size"), nb::arg("verify"), nb::arg("resume"),
      nb::arg("dry_run"), nb::arg("progress"), nb::arg("storage_options"),
      "Copy files to S3 or local disk (the engine of `arrowroot cp`); returns the summary.");

  nb::class_<Batch>(m, "Batch", "One decoded record batch (Arrow PyCapsule protocol).")
      .def_prop_ro("num_rows", &Batch::num_rows)
      .def("__arrow_c_schema__", &Batch::schema_capsule)
      .def("__arrow_c_array__", &Batch::array_capsules, nb::arg("requested_schema") = nb::none());

  nb::class_<BatchList>(m, "BatchList", "Decoded record batches, handed over as one Arrow stream.")
      .def_prop_ro("num_rows", &BatchList::num_rows)
      .def("__len__", [](const BatchList& b) { return b.batches.size(); })
      .def("__arrow_c_schema__", &BatchList::schema_capsule)
      .def("__arrow_c_stream__", &BatchList::stream_capsule,
           nb::arg("requested_schema") = nb::none());

  nb::class_<Scanner>(m, "Scanner", "A one-pass reader of record batches.")
      .def("next", &Scanner::next, "The next batch, or None at the end (GIL released).")
      .def("read_all", &Scanner::read_all, "Every remaining batch (GIL released).")
      .def("stats", &Scanner::stats, "Counters: baskets, bytes, entries read so far.")
      .def("__arrow_c_schema__", &Scanner::schema_capsule)
      .def("__arrow_c_stream__", &Scanner::stream_capsule,
           nb::arg("requested_schema") = nb::none());

  nb::class_<Tree>(m, "Tree", "A TTree or an RNTuple opened for reading.")
      .def_prop_ro("num_entries", &Tree::num_entries)
      .def_prop_ro("is_rntuple", &Tree::is_rntuple)
      .def_prop_ro("path", &Tree::path)
      .def_prop_ro("title", &Tree::title)
      .def_prop_ro("file_name", &Tree::file_name)
      .def("columns", &Tree::columns)
      .def("schema_capsule", &Tree::schema_capsule, nb::arg("columns"))
      .def("common_entry_offsets", &Tree::common_entry_offsets, nb::arg("columns"))
      .def("bytes_per_entry", &Tree::bytes_per_entry, nb::arg("columns"))
      .def("io_stats", &Tree::io_stats, "Counters of the file's byte source.")
      .def("scan", &Tree::scan, nb::arg("columns"), nb::arg("entry_start"), nb::arg("entry_stop"),
           nb::arg("batch_size"), nb::arg("max_batch_bytes"), nb::arg("num_threads") = 0);

  nb::class_<File>(m, "File", "A ROOT file opened for reading.")
      .def_static("open", &File::Open, nb::arg("path"), nb::arg("storage_options"))
      .def("io_stats", &File::io_stats, "Counters of the file's byte source.")
      .def_prop_ro("name", &File::name)
      .def_prop_ro("root_version", &File::root_version)
      .def("objects", &File::objects)
      .def("bad_keys", &File::bad_keys)
      .def("find", &File::find, nb::arg("path"))
      .def("tree", &File::tree, nb::arg("path"));
}
