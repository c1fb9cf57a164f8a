// `arrowroot schema FILE:TREE`
#include <ostream>

#include "aligned_table.h"
#include "commands.h"
#include "commands/open_tree.h"

namespace arrowroot::cli {

Status RunSchema(const std::string& file, const std::string& tree, std::ostream& out,
                 const StorageOptions& storage) {
  auto opened = OpenTree(file, tree, storage);
  if (!opened.ok()) return opened.status();
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"BRANCH", "ROOT TYPE", "ARROW TYPE"});
  for (const Column& c : opened->tree->columns()) {
    std::string arrow = c.status.ok() ? c.arrow_type : "unsupported: " + c.status.message();
    rows.push_back({c.name, c.cpp_type, arrow});
  }
  PrintAligned(rows, out);
  return Status::OK();
}

}  // namespace arrowroot::cli
