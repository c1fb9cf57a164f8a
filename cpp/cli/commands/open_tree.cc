#include "commands/open_tree.h"

#include <algorithm>
#include <sstream>

namespace arrowroot::cli {

Result<OpenedTree> OpenTree(const std::string& file, const std::string& tree,
                            const StorageOptions& storage) {
  auto f = File::Open(file, storage);
  if (!f.ok()) return f.status();
  auto t = (*f)->OpenTree(tree);
  if (!t.ok()) return t.status();
  return OpenedTree{std::move(*f), std::move(*t)};
}

ScanOptions ScanOptionsFor(const Tree& tree, const CatOptions& options) {
  ScanOptions so;
  // A -b value that names a branch exactly is taken whole (names may contain commas).
  for (const std::string& b : options.branches) {
    bool exact = std::any_of(tree.columns().begin(), tree.columns().end(),
                             [&](const Column& c) { return c.name == b; });
    if (exact) {
      so.columns.push_back(b);
      continue;
    }
    std::stringstream ss(b);
    std::string part;
    while (std::getline(ss, part, ',')) {
      if (!part.empty()) so.columns.push_back(part);
    }
  }
  so.entry_start = options.start;
  so.entry_stop = options.stop;
  so.batch_size = options.batch_size;
  so.num_threads = options.threads;
  return so;
}

}  // namespace arrowroot::cli
