// What ls, schema, cat and bench share: opening a file or a tree with the storage options, and
// turning cat / bench options into a scan.
#pragma once

#include <memory>
#include <string>

#include "arrowroot/arrowroot.h"
#include "commands.h"

namespace arrowroot::cli {

/// A tree and the file it is in (whose name and I/O counters the commands print).
struct OpenedTree {
  std::shared_ptr<File> file;
  std::shared_ptr<Tree> tree;
};

Result<OpenedTree> OpenTree(const std::string& file, const std::string& tree,
                            const StorageOptions& storage);
/// The scan cat and bench ask for: -b values (a value that names a branch exactly is taken
/// whole, others are split at commas), the entry range, batch size and threads.
ScanOptions ScanOptionsFor(const Tree& tree, const CatOptions& options);

}  // namespace arrowroot::cli
