#include "commands/open_tree.h"

#include <algorithm>
#include <sstream>

namespace arrowroot::cli {

Result<std::shared_ptr<root_format::RootFile>> OpenFile(const std::string& path,
                                                         const byte_source::SourceOptions& so) {
  ASSIGN_OR_RETURN(auto source, byte_source::OpenSource(path, so));
  return root_format::RootFile::Open(std::move(source));
}

Result<std::shared_ptr<scan::TreeReader>> OpenTree(const std::string& file, const std::string& tree,
                                                   const byte_source::SourceOptions& so) {
  ASSIGN_OR_RETURN(auto f, OpenFile(file, so));
  return scan::TreeReader::Open(std::move(f), tree);
}

scan::ScanOptions ScanOptionsFor(const scan::TreeReader& reader, const CatOptions& options) {
  scan::ScanOptions so;
  // A -b value that names a branch exactly is taken whole (names may contain commas).
  for (const std::string& b : options.branches) {
    bool exact = std::any_of(reader.columns().begin(), reader.columns().end(),
                             [&](const scan::ColumnInfo& c) { return c.name == b; });
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
