#include "args.h"

#include <algorithm>
#include <charconv>
#include <ostream>

namespace arrowroot::cli {

int UsageError(std::ostream& err, const std::string& what) {
  // One line, as every error; `arrowroot --help` prints the usage.
  err << "arrowroot: error: " << what << " (see `arrowroot --help`)\n";
  return 1;
}

Result<int64_t> ParseInt(const std::string& flag, const std::string& v) {
  int64_t x = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), x);
  if (r.ec != std::errc() || r.ptr != v.data() + v.size()) {
    return Status::InvalidArgument(flag + " needs an integer, got '" + v + "'");
  }
  return x;
}

bool SplitFileObject(const std::string& arg, std::string* file, std::string* object) {
  // In a URL only a colon in the path separates the tree (not "://" nor "host:port").
  size_t scheme = arg.find("://");
  size_t search_from = 0;
  if (scheme != std::string::npos) {
    search_from = arg.find('/', scheme + 3);
    if (search_from == std::string::npos) return false;
  }
  size_t colon = arg.rfind(':');
  if (colon == std::string::npos || colon < search_from) return false;
  *file = arg.substr(0, colon);
  *object = arg.substr(colon + 1);
  return !file->empty() && !object->empty();
}

Result<std::vector<std::string>> ParseSourceOptions(const std::vector<std::string>& args,
                                                    StorageOptions* storage) {
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (i > 0 && (a == "--endpoint-url" || a == "--region" || a == "--profile")) {
      if (i + 1 >= args.size()) return Status::InvalidArgument(a + " needs a value");
      const std::string& v = args[++i];
      storage->emplace_back(a == "--endpoint-url" ? "endpoint_url" : a.substr(2), v);
    } else if (i > 0 && a == "--read-timeout") {
      // A transfer that stalls this long (no byte for SECONDS) is abandoned and retried.
      if (i + 1 >= args.size()) return Status::InvalidArgument(a + " needs a value");
      auto n = ParseInt(a, args[++i]);
      if (!n.ok()) return n.status();
      if (*n < 1 || *n > 86'400) return Status::InvalidArgument(a + " must be 1 to 86400 (seconds)");
      storage->emplace_back("read_timeout", std::to_string(*n));
    } else if (i > 0 && a == "--no-sign-request") {
      storage->emplace_back("anon", "true");
    } else {
      rest.push_back(a);
    }
  }
  return rest;
}

Result<ReadArgs> ParseReadArgs(const std::vector<std::string>& args,
                               const StorageOptions& storage) {
  const std::string& cmd = args[0];
  std::string target;
  CatOptions opt;
  opt.storage = storage;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string* v) -> bool {
      if (i + 1 >= args.size()) return false;
      *v = args[++i];
      return true;
    };
    std::string v;
    const bool reads = cmd == "cat" || cmd == "bench";
    if (reads && (a == "-b" || a == "--branches" || a.rfind("--branches=", 0) == 0)) {
      if (a.size() > 10) v = a.substr(11);
      else if (!value(&v)) return Status::InvalidArgument(a + " needs a value");
      // An empty selection would silently mean "every branch".
      if (v.find_first_not_of(',') == std::string::npos) {
        return Status::InvalidArgument(a.substr(0, std::min<size_t>(a.size(), 10)) +
                                       " needs a branch name, got '" + v + "'");
      }
      opt.branches.push_back(v);
    } else if (reads && (a == "--threads" || a == "--repeat")) {
      if (!value(&v)) return Status::InvalidArgument(a + " needs a value");
      auto n = ParseInt(a, v);
      if (!n.ok()) return n.status();
      if (*n < 0 || *n > 1024 || (a == "--repeat" && *n == 0)) {
        return Status::InvalidArgument(a + " must be " + (a == "--repeat" ? "1" : "0") + " to 1024");
      }
      (a == "--threads" ? opt.threads : opt.repeat) = static_cast<int>(*n);
    } else if (cmd == "bench" && a == "--json") {
      opt.json = true;
    } else if (reads && (a == "--start" || a == "--stop" || a == "--batch-size")) {
      if (!value(&v)) return Status::InvalidArgument(a + " needs a value");
      auto n = ParseInt(a, v);
      if (!n.ok()) return n.status();
      if (*n < 0 || (a == "--batch-size" && *n == 0)) return Status::InvalidArgument(a + " must be positive");
      (a == "--start" ? opt.start : a == "--stop" ? opt.stop : opt.batch_size) = *n;
    } else if (cmd == "cat" && (a == "--format" || a == "-f")) {
      if (!value(&v)) return Status::InvalidArgument(a + " needs a value");
      if (v == "jsonl") opt.format = CatFormat::kJsonl;
      else if (v == "csv") opt.format = CatFormat::kCsv;
      else if (v == "table") opt.format = CatFormat::kTable;
      else return Status::InvalidArgument("unknown format '" + v + "' (use jsonl, csv or table)");
    } else if (cmd == "cat" && a == "--stats") {
      opt.stats = true;
    } else if (!a.empty() && a[0] == '-') {
      return Status::InvalidArgument("unknown option '" + a + "' for " + cmd);
    } else if (target.empty()) {
      target = a;
    } else {
      return Status::InvalidArgument("unexpected argument '" + a + "'");
    }
  }
  if (target.empty()) return Status::InvalidArgument(cmd + " needs FILE:TREE");
  std::string file, tree;
  if (!SplitFileObject(target, &file, &tree)) {
    return Status::InvalidArgument("'" + target + "' has no ':TREE' part; write FILE:TREE (see `arrowroot ls " +
                                   target + "`)");
  }
  if (opt.stop >= 0 && opt.stop < opt.start) {
    return Status::InvalidArgument("--stop " + std::to_string(opt.stop) + " is before --start " +
                                   std::to_string(opt.start));
  }
  return ReadArgs{std::move(file), std::move(tree), std::move(opt)};
}

}  // namespace arrowroot::cli
