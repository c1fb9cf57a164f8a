#include "arrowroot/scan/field_paths.h"

namespace arrowroot::scan {

namespace {

std::string Joined(const std::vector<std::string>& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) out += (i ? "/" : "") + path[i];
  return out;
}

}  // namespace

Result<std::vector<to_arrow::FieldSelection>> GroupFieldPaths(
    const std::vector<std::string>& columns, const std::vector<std::vector<std::string>>& fields,
    const std::string& where) {
  std::vector<to_arrow::FieldSelection> out(columns.size());
  std::vector<bool> named(columns.size(), false);
  for (const auto& path : fields) {
    if (path.empty()) {
      return Status::InvalidArgument("an empty field path (a path starts with its column)")
          .AddContext(where);
    }
    bool found = false;
    for (size_t i = 0; i < columns.size(); ++i) {
      if (columns[i] != path[0]) continue;
      found = true;
      named[i] = true;
      out[i].Add(path, 1);
    }
    if (!found) {
      std::string list;
      for (size_t i = 0; i < columns.size() && i < 8; ++i) list += (i ? ", " : "") + columns[i];
      if (columns.size() > 8) list += ", ...";
      return Status::InvalidArgument(
                 "field path '" + Joined(path) + "' starts with '" + path[0] +
                 "', which is not among the scan's columns" +
                 (columns.empty() ? std::string(" (none named: a field path needs its column in "
                                                "`columns`)")
                                  : " (" + list + ")"))
          .AddContext(where);
    }
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    if (!named[i]) out[i].whole = true;
  }
  return out;
}

Result<RNTuplePlans> PruneRNTuplePlans(std::vector<const to_arrow::rntuple::FieldNode*> full,
                                       const std::vector<std::string>& names,
                                       const std::vector<std::vector<std::string>>& fields,
                                       const std::string& where) {
  ASSIGN_OR_RETURN(std::vector<to_arrow::FieldSelection> sels,
                   GroupFieldPaths(names, fields, where));
  RNTuplePlans out;
  out.plans = std::move(full);
  for (size_t k = 0; k < out.plans.size() && k < sels.size(); ++k) {
    if (sels[k].whole) continue;
    auto p = to_arrow::rntuple::PruneField(*out.plans[k], sels[k], names[k]);
    if (!p.ok()) return std::move(p).status().AddContext(where);
    out.pruned.push_back(std::make_unique<to_arrow::rntuple::FieldNode>(std::move(*p)));
    out.plans[k] = out.pruned.back().get();
  }
  return out;
}

}  // namespace arrowroot::scan
