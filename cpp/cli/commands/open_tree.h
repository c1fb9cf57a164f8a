// What ls, schema, cat and bench share: opening a file or a tree with the remote options, and
// turning cat / bench options into a scan.
#pragma once

#include <memory>
#include <string>

#include "arrowroot/byte_source/open.h"
#include "arrowroot/common/status.h"
#include "arrowroot/root_format/root_file.h"
#include "arrowroot/scan/tree_reader.h"
#include "commands.h"

namespace arrowroot::cli {

Result<std::shared_ptr<root_format::RootFile>> OpenFile(const std::string& path,
                                                         const byte_source::SourceOptions& so);
Result<std::shared_ptr<scan::TreeReader>> OpenTree(const std::string& file, const std::string& tree,
                                                   const byte_source::SourceOptions& so);
/// The scan cat and bench ask for: -b values (a value that names a branch exactly is taken
/// whole, others are split at commas), the entry range, batch size and threads.
scan::ScanOptions ScanOptionsFor(const scan::TreeReader& reader, const CatOptions& options);

}  // namespace arrowroot::cli
