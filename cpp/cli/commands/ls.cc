// `arrowroot ls FILE`
#include <ostream>

#include "aligned_table.h"
#include "commands.h"

namespace arrowroot::cli {

Status RunLs(const std::string& file, std::ostream& out, std::ostream& err,
             const StorageOptions& storage) {
  auto f = File::Open(file, storage);
  if (!f.ok()) return f.status();
  std::vector<std::string> bad_keys;
  auto objects = (*f)->List(/*all_cycles=*/false, &bad_keys);
  if (!objects.ok()) return objects.status();
  // A key that cannot be used, or a tree whose record cannot be read, is one warning line:
  // the other objects are listed (and stay readable) all the same.
  for (const std::string& bad : bad_keys) {
    err << "warning: file '" << (*f)->name() << "': " << bad << "\n";
  }
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"PATH", "CLASS", "ENTRIES", "BRANCHES"});
  for (const ObjectInfo& o : *objects) {
    std::vector<std::string> row = {o.path, o.class_name, "", ""};
    const std::string& c = o.class_name;
    if (c == "TTree" || c == "TNtuple" || c == "TNtupleD" || c == "ROOT::RNTuple") {
      auto tree = (*f)->SummarizeTree(o.path + ";" + std::to_string(o.cycle));
      if (tree.ok()) {
        row[2] = std::to_string(tree->num_entries);
        row[3] = std::to_string(tree->num_branches);
      } else {
        // The error names the tree, its class and byte range.
        err << "warning: file '" << (*f)->name() << "': " << tree.status().ToString() << "\n";
      }
    }
    rows.push_back(std::move(row));
  }
  PrintAligned(rows, out);
  return Status::OK();
}

}  // namespace arrowroot::cli
