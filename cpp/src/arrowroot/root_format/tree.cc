// Tree-level indexes over the branches ParseTree read: paths, parents, lookups by name.
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include "arrowroot/root_format/model.h"

namespace arrowroot::root_format {

void IndexBranches(Tree* tree) {
  tree->all_branches.clear();
  // A branch is walked once: object references can list one branch under several parents
  // (only in a corrupt record), which would duplicate columns and make the walk exponential.
  std::unordered_set<const Branch*> seen;
  std::function<void(const std::vector<const Branch*>&, const Branch*, const std::string&)> walk =
      [&](const std::vector<const Branch*>& siblings, const Branch* parent,
          const std::string& prefix) {
        std::unordered_map<std::string, int> repeats;  // siblings of each name so far
        for (const Branch* b : siblings) {
          if (!seen.insert(b).second) continue;
          auto* mb = const_cast<Branch*>(b);
          const int n = ++repeats[b->name];
          const std::string segment = n == 1 ? b->name : b->name + ";" + std::to_string(n);
          mb->parent = parent;
          mb->path = prefix.empty() ? segment : prefix + "/" + segment;
          tree->all_branches.push_back(b);
          walk(b->branches, b, mb->path);
        }
      };
  walk(tree->branches, nullptr, "");
}

Result<const Branch*> Tree::LookupBranch(const std::string& name_or_path) const {
  std::vector<const Branch*> by_name;
  for (const Branch* b : all_branches) {
    if (b->path == name_or_path) return b;
    if (b->name == name_or_path) by_name.push_back(b);
  }
  if (by_name.size() == 1) return by_name[0];
  if (by_name.empty()) return Status::NotFound("no branch '" + name_or_path + "'");
  std::string paths;
  for (const Branch* b : by_name) paths += (paths.empty() ? "'" : ", '") + b->path + "'";
  return Status::InvalidArgument("branch name '" + name_or_path + "' is ambiguous: " +
                                 std::to_string(by_name.size()) + " branches have it (" +
                                 paths + "); ask for one by its full path");
}

const Branch* Tree::FindBranch(const std::string& name_or_path) const {
  auto found = LookupBranch(name_or_path);
  return found.ok() ? *found : nullptr;
}

}  // namespace arrowroot::root_format
