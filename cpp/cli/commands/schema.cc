// `arrowroot schema FILE:TREE`
#include <ostream>

#include "aligned_table.h"
#include "commands.h"
#include "commands/open_tree.h"

namespace arrowroot::cli {

Status RunSchema(const std::string& file, const std::string& tree, std::ostream& out,
                 const byte_source::SourceOptions& source) {
  ASSIGN_OR_RETURN(auto reader, OpenTree(file, tree, source));
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"BRANCH", "ROOT TYPE", "ARROW TYPE"});
  for (const auto& c : reader->columns()) {
    std::string arrow = c.status.ok() ? c.type->ToString() : "unsupported: " + c.status.message();
    rows.push_back({c.name, c.root_type, arrow});
  }
  PrintAligned(rows, out);
  return Status::OK();
}

}  // namespace arrowroot::cli
