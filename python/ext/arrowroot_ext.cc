// arrowroot._core: the private extension module behind the `arrowroot` Python package.
//
// Thin by design: it turns Status into Python exceptions, releases the GIL around every read and
// decode, and hands Arrow data over through the Arrow PyCapsule protocol (capsules named
// "arrow_schema", "arrow_array", "arrow_array_stream" holding the C Data Interface structs), so
// pyarrow, polars, duckdb and awkward adopt our buffers without copying and without us linking
// to any of them. The public API (argument handling, library conversions) is python/arrowroot.
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

#include <array>
#include <cmath>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "arrowroot/byte_source/open.h"
#include "arrowroot/root_format/root_file.h"
#include "arrowroot/scan/tree_reader.h"
#include "arrowroot/to_arrow/arrow_array.h"
#include "transfer/copy.h"

namespace nb = nanobind;

namespace arrowroot::python {
namespace {

// ---- errors -------------------------------------------------------------------------------------

/// A non-OK Status on its way to Python; the translator below turns it into our exception classes.
struct StatusError : std::exception {
  explicit StatusError(Status s) : status(std::move(s)), text(status.ToString()) {}
  const char* what() const noexcept override { return text.c_str(); }
  Status status;
  std::string text;
};

/// Python exception class per StatusCode, registered by arrowroot/_errors.py at import time.
/// Strong references kept for the life of the process (exception classes are never unloaded).
std::array<PyObject*, 8> g_error_classes{};

[[noreturn]] void Throw(Status status) { throw StatusError(std::move(status)); }

/// Run `f` with the GIL released (engine work only: no Python objects inside).
template <typename F>
auto WithoutGil(F&& f) {
  nb::gil_scoped_release release;
  return f();
}

template <typename T>
T Unwrap(Result<T> r) {
  if (!r.ok()) Throw(std::move(r).status());
  return std::move(*r);
}

const char* CodeKey(StatusCode code) {
  switch (code) {
    case StatusCode::kIOError: return "io_error";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kCorruption: return "corruption";
    case StatusCode::kUnsupported: return "unsupported";
    case StatusCode::kInvalidArgument: return "invalid_argument";
    case StatusCode::kCancelled: return "cancelled";
    default: return "error";
  }
}

void TranslateStatus(const std::exception_ptr& p, void*) {
  try {
    std::rethrow_exception(p);
  } catch (const StatusError& e) {
    const size_t index = static_cast<size_t>(e.status.code());
    PyObject* cls = index < g_error_classes.size() ? g_error_classes[index] : nullptr;
    if (!cls) cls = g_error_classes[0] ? g_error_classes[0] : PyExc_RuntimeError;
    PyObject* exc = PyObject_CallFunction(cls, "s", e.text.c_str());
    if (!exc) return;  // the constructor raised; that error stands
    PyObject* code = PyUnicode_FromString(CodeKey(e.status.code()));
    if (code) {
      PyObject_SetAttrString(exc, "code", code);
      Py_DECREF(code);
    }
    PyObject_SetAttrString(exc, "retryable", e.status.retryable() ? Py_True : Py_False);
    PyErr_SetObject(cls, exc);
    Py_DECREF(exc);
  }
}

void RegisterErrors(nb::dict classes) {
  const std::pair<const char*, StatusCode> names[] = {
      {"error", StatusCode::kOk},  // slot 0: the base class, for anything unmapped
      {"io_error", StatusCode::kIOError},
      {"not_found", StatusCode::kNotFound},
      {"corruption", StatusCode::kCorruption},
      {"unsupported", StatusCode::kUnsupported},
      {"invalid_argument", StatusCode::kInvalidArgument},
      {"cancelled", StatusCode::kCancelled},
  };
  for (const auto& [key, code] : names) {
    if (!classes.contains(key)) continue;
    nb::object cls = classes[key];
    PyObject*& slot = g_error_classes[static_cast<size_t>(code)];
    Py_XDECREF(slot);
    slot = cls.release().ptr();
  }
}

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

nb::object SchemaCapsule(const std::vector<to_arrow::Field>& fields) {
  auto s = std::make_unique<ArrowSchema>();
  to_arrow::ExportSchema(fields, s.get());
  return WrapCapsule(s.release(), "arrow_schema", DeleteSchemaCapsule);
}

nb::object StreamCapsule(std::unique_ptr<ArrowArrayStream> s) {
  return WrapCapsule(s.release(), "arrow_array_stream", DeleteStreamCapsule);
}

// ---- handles ------------------------------------------------------------------------------------

/// One record batch: implements __arrow_c_array__ / __arrow_c_schema__.
struct Batch {
  to_arrow::RecordBatch batch;

  int64_t num_rows() const { return batch.num_rows; }
  nb::object schema_capsule() const { return SchemaCapsule(batch.fields); }
  nb::tuple array_capsules(nb::handle /*requested_schema*/) const {
    auto a = std::make_unique<ArrowArray>();
    to_arrow::ExportBatch(batch, a.get());
    nb::object array = WrapCapsule(a.release(), "arrow_array", DeleteArrayCapsule);
    return nb::make_tuple(SchemaCapsule(batch.fields), array);
  }
};

/// Batches read ahead of time: implements __arrow_c_stream__ (once; the stream takes them).
struct BatchList {
  std::vector<to_arrow::Field> fields;
  std::vector<to_arrow::RecordBatch> batches;
  bool consumed = false;

  int64_t num_rows() const {
    int64_t n = 0;
    for (const auto& b : batches) n += b.num_rows;
    return n;
  }
  nb::object schema_capsule() const { return SchemaCapsule(fields); }
  nb::object stream_capsule(nb::handle /*requested_schema*/) {
    if (consumed) {
      Throw(Status::InvalidArgument("these batches were already handed to an Arrow consumer; "
                                    "read the tree again"));
    }
    consumed = true;
    auto s = std::make_unique<ArrowArrayStream>();
    to_arrow::ExportBatchStream(fields, std::move(batches), s.get());
    batches.clear();
    return StreamCapsule(std::move(s));
  }
};

/// A lazy, one-pass reader of record batches (scan::BatchReader).
class Scanner {
 public:
  explicit Scanner(std::unique_ptr<scan::BatchReader> reader)
      : fields_(reader->schema()), reader_(std::move(reader)) {}

  nb::object schema_capsule() const { return SchemaCapsule(fields_); }

  /// The next batch, or None at the end. Reads with the GIL released.
  std::optional<Batch> next() {
    auto batch = Unwrap(WithoutGil([&] { return NextLocked(); }));
    if (!batch) return std::nullopt;
    return Batch{std::move(*batch)};
  }

  /// Every remaining batch, read with the GIL released; Ctrl-C is honoured between batches.
  BatchList read_all() {
    BatchList out;
    out.fields = fields_;
    while (true) {
      auto batch = Unwrap(WithoutGil([&] { return NextLocked(); }));
      if (!batch) break;
      out.batches.push_back(std::move(*batch));
      if (PyErr_CheckSignals() != 0) throw nb::python_error();
    }
    return out;
  }

  nb::object stream_capsule(nb::handle /*requested_schema*/) {
    std::unique_ptr<scan::BatchReader> reader;
    {
      std::lock_guard<std::mutex> lock(mu_);
      reader = std::move(reader_);
    }
    if (!reader) {
      Throw(Status::InvalidArgument("this scanner was already consumed; start a new one"));
    }
    auto s = std::make_unique<ArrowArrayStream>();
    scan::BatchReader::ExportStream(std::move(reader), s.get());
    return StreamCapsule(std::move(s));
  }

  nb::dict stats() {
    nb::dict d;
    std::lock_guard<std::mutex> lock(mu_);
    if (reader_) {
      const auto& s = reader_->stats();
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
  Result<std::optional<to_arrow::RecordBatch>> NextLocked() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!reader_) {
      return Status::InvalidArgument(
          "this scanner was handed to an Arrow consumer (__arrow_c_stream__); start a new one");
    }
    return reader_->Next();
  }

  std::vector<to_arrow::Field> fields_;
  std::mutex mu_;
  std::unique_ptr<scan::BatchReader> reader_;
};

/// Scan settings that come with the file's storage options (remote reads).
struct IoTuning {
  scan::CoalesceOptions coalesce;
  int max_requests_in_flight = 32;
  uint64_t max_prefetch_bytes = 128ull << 20;
};

/// storage_options (a dict, keys as s3fs/fsspec spell them where they exist) → source options.
/// Unknown keys are an error naming the known ones, so a typo never silently does nothing.
std::pair<byte_source::SourceOptions, IoTuning> ParseStorageOptions(const nb::dict& options) {
  byte_source::SourceOptions o;
  IoTuning t;
  auto as_str = [](nb::handle v) { return nb::cast<std::string>(nb::str(v)); };
  auto as_bool = [](nb::handle v) { return nb::cast<bool>(v); };
  auto as_int = [](nb::handle v) { return nb::cast<int64_t>(v); };
  for (auto [k, v] : options) {
    const std::string key = nb::cast<std::string>(k);
    if (key == "endpoint_url") o.s3.endpoint_url = as_str(v);
    else if (key == "region" || key == "region_name") o.s3.region = as_str(v);
    else if (key == "key" || key == "access_key_id" || key == "aws_access_key_id") o.s3.access_key_id = as_str(v);
    else if (key == "secret" || key == "secret_access_key" || key == "aws_secret_access_key") o.s3.secret_access_key = as_str(v);
    else if (key == "token" || key == "session_token" || key == "aws_session_token") o.s3.session_token = as_str(v);
    else if (key == "profile") o.s3.profile = as_str(v);
    else if (key == "anon" || key == "anonymous") o.s3.anonymous = as_bool(v);
    else if (key == "addressing") {
      const std::string a = as_str(v);
      if (a == "path") o.s3.addressing = byte_source::S3Options::Addressing::kPath;
      else if (a == "virtual") o.s3.addressing = byte_source::S3Options::Addressing::kVirtualHost;
      else if (a == "auto") o.s3.addressing = byte_source::S3Options::Addressing::kAuto;
      else Throw(Status::InvalidArgument("storage_options['addressing'] is 'path', 'virtual' or 'auto', not '" + a + "'"));
    }
    else if (key == "ca_bundle") o.http.ca_bundle = as_str(v);
    else if (key == "verify") o.http.verify_tls = as_bool(v);
    else if (key == "connect_timeout") o.http.connect_timeout_ms = static_cast<int64_t>(nb::cast<double>(v) * 1000);
    else if (key == "read_timeout") o.http.low_speed_timeout_s = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(nb::cast<double>(v))));
    else if (key == "retries") o.http.retry.max_attempts = static_cast<int>(std::max<int64_t>(1, as_int(v) + 1));
    else if (key == "max_retry_time") o.http.retry.max_total_ms = static_cast<int64_t>(nb::cast<double>(v) * 1000);
    else if (key == "max_gap_bytes") t.coalesce.max_gap_bytes = static_cast<uint64_t>(as_int(v));
    else if (key == "max_request_bytes") t.coalesce.max_request_bytes = static_cast<uint64_t>(as_int(v));
    else if (key == "max_waste_ratio") t.coalesce.max_waste_ratio = nb::cast<double>(v);
    else if (key == "max_requests_in_flight") t.max_requests_in_flight = static_cast<int>(as_int(v));
    else if (key == "max_prefetch_bytes") t.max_prefetch_bytes = static_cast<uint64_t>(as_int(v));
    else {
      Throw(Status::InvalidArgument(
          "unknown storage option '" + key + "'; known: endpoint_url, region, key, secret, token, "
          "profile, anon, addressing, ca_bundle, verify, connect_timeout, read_timeout, retries, "
          "max_retry_time, "
          "max_gap_bytes, max_waste_ratio, max_request_bytes, max_requests_in_flight, "
          "max_prefetch_bytes"));
    }
  }
  return {o, t};
}

nb::dict SourceStatsDict(const byte_source::SourceStats& s) {
  nb::dict d;
  d["num_requests"] = s.num_requests.load();
  d["num_bytes_requested"] = s.num_bytes_read.load();
  d["num_bytes_received"] = s.num_bytes_received.load();
  d["num_retries"] = s.num_retries.load();
  d["num_full_downloads"] = s.num_full_downloads.load();
  d["io_wall_seconds"] = static_cast<double>(s.io_wall_ns.load()) / 1e9;
  return d;
}

class Tree {
 public:
  Tree(std::shared_ptr<scan::TreeReader> reader, IoTuning tuning)
      : reader_(std::move(reader)), tuning_(tuning) {}

  int64_t num_entries() const { return reader_->num_entries(); }
  std::string path() const { return reader_->path(); }
  std::string title() const { return reader_->tree().title; }
  std::string file_name() const { return reader_->file().name(); }

  /// (name, C++ type, Arrow type or None, why unsupported or None, is a group) per branch.
  std::vector<std::tuple<std::string, std::string, std::optional<std::string>,
                         std::optional<std::string>, bool>>
  columns() const {
    std::vector<std::tuple<std::string, std::string, std::optional<std::string>,
                           std::optional<std::string>, bool>>
        out;
    for (const auto& c : reader_->columns()) {
      std::optional<std::string> type, why;
      if (c.status.ok() && c.type) {
        type = c.type->ToString();
      } else {
        why = c.status.ToString();
      }
      out.emplace_back(c.name, c.root_type, type, why, c.is_group);
    }
    return out;
  }

  /// Schema capsule of the given columns (all readable ones when empty).
  nb::object schema_capsule(const std::vector<std::string>& names) const {
    scan::ScanOptions options;
    options.columns = names;
    options.entry_start = 0;
    options.entry_stop = 0;  // opens nothing but the column plans
    auto reader = Unwrap(reader_->Scan(options));
    return SchemaCapsule(reader->schema());
  }

  std::vector<int64_t> common_entry_offsets(const std::vector<std::string>& names) const {
    return Unwrap(WithoutGil([&] { return reader_->CommonEntryOffsets(names); }));
  }

  double bytes_per_entry(const std::vector<std::string>& names) const {
    return Unwrap(reader_->BytesPerEntry(names));
  }

  std::unique_ptr<Scanner> scan(const std::vector<std::string>& names, int64_t entry_start, int64_t entry_stop,
               int64_t batch_size, uint64_t max_batch_bytes, int num_threads) const {
    scan::ScanOptions options;
    options.columns = names;
    options.entry_start = entry_start;
    options.entry_stop = entry_stop;
    options.batch_size = batch_size;
    options.max_batch_bytes = max_batch_bytes;
    options.coalesce = tuning_.coalesce;
    options.max_requests_in_flight = tuning_.max_requests_in_flight;
    options.max_prefetch_bytes = tuning_.max_prefetch_bytes;
    options.num_threads = num_threads;
    auto reader = Unwrap(WithoutGil([&] { return reader_->Scan(options); }));
    return std::make_unique<Scanner>(std::move(reader));
  }

 nb::dict io_stats() const { return SourceStatsDict(reader_->file().source()->stats()); }

 private:
  std::shared_ptr<scan::TreeReader> reader_;
  IoTuning tuning_;
};

class File {
 public:
  static File Open(const std::string& path, const nb::dict& storage_options) {
    auto [options, tuning] = ParseStorageOptions(storage_options);
    return File(Unwrap(WithoutGil([&]() -> Result<std::shared_ptr<root_format::RootFile>> {
                  ASSIGN_OR_RETURN(auto source, byte_source::OpenSource(path, options));
                  return root_format::RootFile::Open(std::move(source));
                })),
                tuning);
  }

  nb::dict io_stats() const { return SourceStatsDict(file_->source()->stats()); }

  std::string name() const { return file_->name(); }
  int32_t root_version() const { return file_->header().version; }

  /// (path, class name, cycle) of every object, every cycle, depth first.
  std::vector<std::tuple<std::string, std::string, int>> objects() const {
    auto listing = Unwrap(WithoutGil([&] { return file_->List(/*all_cycles=*/true); }));
    std::vector<std::tuple<std::string, std::string, int>> out;
    for (const auto& o : listing.objects) {
      out.emplace_back(o.path, o.key.class_name, o.key.cycle);
    }
    return out;
  }

  /// (path, cycle, why) of every key the directories list that cannot be used.
  std::vector<std::tuple<std::string, int, std::string>> bad_keys() const {
    auto listing = Unwrap(WithoutGil([&] { return file_->List(/*all_cycles=*/true); }));
    std::vector<std::tuple<std::string, int, std::string>> out;
    for (const auto& b : listing.bad_keys) out.emplace_back(b.path, b.cycle, b.Describe());
    return out;
  }

  /// (class name, cycle) of one object; NotFound names what the directory does hold.
  std::tuple<std::string, int> find(const std::string& path) const {
    auto key = Unwrap(WithoutGil([&] { return file_->FindKey(path); }));
    return {key.class_name, key.cycle};
  }

  Tree tree(const std::string& path) const {
    return Tree(Unwrap(WithoutGil([&] { return scan::TreeReader::Open(file_, path); })), tuning_);
  }

 private:
  File(std::shared_ptr<root_format::RootFile> f, IoTuning tuning) : file_(std::move(f)), tuning_(tuning) {}
  std::shared_ptr<root_format::RootFile> file_;
  IoTuning tuning_;
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
        auto [options, tuning] = ParseStorageOptions(storage_options);
        (void)tuning;
        return Unwrap(WithoutGil([&] { return arrowroot::byte_source::Glob(pattern, options); }));
      },
      nb::arg("pattern"), nb::arg("storage_options"),
      "Paths or URLs matching a glob (local, or s3:// via ListObjectsV2), sorted.");

  m.def(
      "copy",
      [](const std::vector<std::string>& sources, const std::string& target, bool recursive,
         const std::string& include, int jobs, uint64_t part_size, const std::string& verify,
         bool resume, bool dry_run, bool progress, const nb::dict& storage_options) {
        auto [source, tuning] = ParseStorageOptions(storage_options);
        (void)tuning;
        arrowroot::transfer::CopyOptions o;
        o.source = source;
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

  nb::class_<Tree>(m, "Tree", "A TTree opened for reading.")
      .def_prop_ro("num_entries", &Tree::num_entries)
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
