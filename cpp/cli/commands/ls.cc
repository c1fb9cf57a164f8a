// `arrowroot ls FILE`
#include <ostream>

#include "aligned_table.h"
#include "commands.h"
#include "commands/open_tree.h"

namespace arrowroot::cli {

Status RunLs(const std::string& file, std::ostream& out, std::ostream& err,
             const byte_source::SourceOptions& so) {
  ASSIGN_OR_RETURN(auto f, OpenFile(file, so));
  ASSIGN_OR_RETURN(auto listing, f->List(/*all_cycles=*/false));
  // A key that cannot be used, or a tree whose record cannot be read, is one warning line:
  // the other objects are listed (and stay readable) all the same.
  for (const auto& bad : listing.bad_keys) {
    err << "warning: file '" << f->name() << "': " << bad.Describe() << "\n";
  }
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"PATH", "CLASS", "ENTRIES", "BRANCHES"});
  for (const auto& o : listing.objects) {
    std::vector<std::string> row = {o.path, o.key.class_name, "", ""};
    const std::string& c = o.key.class_name;
    if (c == "TTree" || c == "TNtuple" || c == "TNtupleD") {
      auto tree = f->ReadTree(o.path + ";" + std::to_string(o.key.cycle));
      if (tree.ok()) {
        row[2] = std::to_string((*tree)->entries);
        row[3] = std::to_string((*tree)->all_branches.size());
      } else {
        // ReadTree's error names the tree, its class and byte range.
        err << "warning: file '" << f->name() << "': " << tree.status().ToString() << "\n";
      }
    }
    rows.push_back(std::move(row));
  }
  PrintAligned(rows, out);
  return Status::OK();
}

}  // namespace arrowroot::cli
