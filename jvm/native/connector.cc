#include "connector.h"

#include <algorithm>
#include <utility>

#include "spark_layout.h"

namespace arrowroot::jni {
namespace {

bool IsTreeClass(const std::string& class_name) {
  // What the Python package reads as a tree (python/arrowroot/_api.py TREE_CLASSES).
  return class_name == "TTree" || class_name == "TNtuple" || class_name == "TNtupleD" ||
         class_name == "ROOT::RNTuple";
}

struct SchemaHolder {
  ArrowSchema schema{};
  ~SchemaHolder() {
    if (schema.release) schema.release(&schema);
  }
};

}  // namespace

Result<std::string> ResolveTree(const File& file, const std::string& tree) {
  if (!tree.empty()) return tree;
  auto objects = file.List();
  if (!objects.ok()) return objects.status();
  std::vector<std::string> trees;
  for (const ObjectInfo& o : *objects) {
    if (IsTreeClass(o.class_name)) trees.push_back(o.path);
  }
  if (trees.size() == 1) return trees[0];
  std::string names;
  for (const std::string& t : trees) names += (names.empty() ? "" : ", ") + t;
  return Status::InvalidArgument("'" + file.name() + "' holds " + std::to_string(trees.size()) +
                                 " trees (" + (names.empty() ? "none" : names) +
                                 "); name one with option('tree', ...)");
}

Result<FileDescription> Describe(const std::string& path, const std::string& tree,
                                 const std::vector<std::string>& columns,
                                 const std::vector<std::vector<std::string>>& fields,
                                 const StorageOptions& storage, ArrowSchema* schema) {
  auto file = File::Open(path, storage);
  if (!file.ok()) return file.status();
  auto name = ResolveTree(**file, tree);
  if (!name.ok()) return name.status();
  auto t = (*file)->OpenTree(*name);
  if (!t.ok()) return t.status();

  FileDescription d;
  d.tree = *name;
  d.num_entries = (*t)->num_entries();
  ScanOptions read;
  read.columns = columns;
  read.fields = fields;
  SchemaHolder engine;
  Status st = (*t)->Schema(read, &engine.schema);
  if (!st.ok()) return st;
  if (columns.empty()) {
    // Every column: those Spark cannot hold (unions) are left out rather than failing the read.
    std::vector<std::string> unsupported = SparkUnsupportedColumns(engine.schema);
    if (!unsupported.empty()) {
      std::vector<std::string> keep;
      for (int64_t i = 0; i < engine.schema.n_children; ++i) {
        std::string n = engine.schema.children[i]->name ? engine.schema.children[i]->name : "";
        if (std::find(unsupported.begin(), unsupported.end(), n) == unsupported.end()) {
          keep.push_back(n);
        } else {
          d.left_out.push_back(n + " (" + engine.schema.children[i]->format +
                               "): Spark has no union type");
        }
      }
      engine.schema.release(&engine.schema);
      engine.schema = ArrowSchema{};
      read.columns = keep;
      st = (*t)->Schema(read, &engine.schema);
      if (!st.ok()) return st;
      d.columns = std::move(keep);
    }
  } else {
    d.columns = columns;
  }
  auto clusters = (*t)->CommonEntryOffsets(read);
  if (!clusters.ok()) return clusters.status();
  d.clusters = std::move(*clusters);
  auto bpe = (*t)->BytesPerEntry(read);
  if (!bpe.ok()) return bpe.status();
  d.bytes_per_entry = *bpe;
  st = SparkSchema(engine.schema, schema);
  if (!st.ok()) return st;
  return d;
}

Result<std::unique_ptr<SparkScan>> SparkScan::Open(const std::string& path,
                                                   const std::string& tree,
                                                   const ScanOptions& options,
                                                   const StorageOptions& storage) {
  std::unique_ptr<SparkScan> scan(new SparkScan());
  auto file = File::Open(path, storage);
  if (!file.ok()) return file.status();
  scan->file_ = std::move(*file);
  auto name = ResolveTree(*scan->file_, tree);
  if (!name.ok()) return name.status();
  auto t = scan->file_->OpenTree(*name);
  if (!t.ok()) return t.status();
  auto scanner = (*t)->NewScanner(options);
  if (!scanner.ok()) return scanner.status();
  scan->scanner_ = std::move(*scanner);
  scan->tree_ = *name;
  scan->entry_start_ = options.entry_start;
  scan->scanner_->Schema(&scan->engine_schema_);
  // Fail here, before any batch, when a column has no Spark layout.
  ArrowSchema probe{};
  Status st = SparkSchema(scan->engine_schema_, &probe);
  if (!st.ok()) return st;
  probe.release(&probe);
  return scan;
}

Status SparkScan::Schema(ArrowSchema* out) const { return SparkSchema(engine_schema_, out); }

Result<bool> SparkScan::Next(ArrowArray* out) {
  ArrowArray batch{};
  Status st = scanner_->Next(&batch);
  if (!st.ok()) return st;
  if (batch.release == nullptr) return false;
  const int64_t length = batch.length;
  st = SparkBatch(engine_schema_, &batch, out);
  if (!st.ok()) {
    const int64_t first = entry_start_ + entries_read_;
    return st.AddContext("'" + file_->name() + "' tree '" + tree_ + "', entries [" +
                         std::to_string(first) + ", " + std::to_string(first + length) + ")");
  }
  entries_read_ += length;
  return true;
}

SparkScan::~SparkScan() {
  scanner_.reset();
  if (engine_schema_.release) engine_schema_.release(&engine_schema_);
}

}  // namespace arrowroot::jni
