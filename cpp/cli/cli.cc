// `arrowroot CMD ...`: the options for remote files, help, then the command (commands/*.cc).
#include "cli.h"

#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <ostream>

#include "args.h"
#include "commands.h"
#include "help.h"

namespace arrowroot::cli {

namespace {

int Fail(std::ostream& err, const Status& st) {
  std::string msg = st.ToString();
  // One line: names read from a damaged file may hold any byte (\r, \v, \f, ...).
  std::replace_if(msg.begin(), msg.end(), [](char ch) {
    return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f;
  }, ' ');
  err << "arrowroot: error: " << msg << '\n';
  return 1;
}

int RunCommand(const std::vector<std::string>& args, const StorageOptions& storage,
               std::ostream& out, std::ostream& err) {
  auto usage = [&](const std::string& what) { return UsageError(err, what); };
  if (args.empty()) return usage("no command given");
  // `arrowroot CMD --help` (anywhere after CMD) and `arrowroot help CMD`.
  if (args[0] == "help" && args.size() == 2 && args[1] != "doctor") {
    if (CommandHelp(args[1]).empty()) return usage("unknown command '" + args[1] + "'");
    out << CommandHelp(args[1]);
    return 0;
  }
  if (!CommandHelp(args[0]).empty() &&
      std::any_of(args.begin() + 1, args.end(),
                  [](const std::string& a) { return a == "-h" || a == "--help"; })) {
    out << CommandHelp(args[0]);
    return 0;
  }
  if (args[0] == "cp") return RunCp(args, storage, out, err, &err == &std::cerr && ::isatty(2));
  const std::string& cmd = args[0];
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    out << kUsage;
    return 0;
  }
  if (cmd == "ls") {
    if (args.size() != 2) return usage("ls takes one FILE");
    Status st = RunLs(args[1], out, err, storage);
    return st.ok() ? 0 : Fail(err, st);
  }
  if (cmd == "schema" || cmd == "cat" || cmd == "bench") {
    auto parsed = ParseReadArgs(args, storage);
    if (!parsed.ok()) return usage(parsed.status().message());
    const ReadArgs& r = *parsed;
    Status st = cmd == "schema" ? RunSchema(r.file, r.tree, out, storage)
                : cmd == "bench"  ? RunBench(r.file, r.tree, r.options, out)
                                  : RunCat(r.file, r.tree, r.options, out, err);
    return st.ok() ? 0 : Fail(err, st);
  }
  return usage("unknown command '" + cmd + "'");
}

}  // namespace

int Main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  // Options for remote files, accepted anywhere after the command.
  StorageOptions storage;
  auto rest = ParseSourceOptions(args, &storage);
  if (!rest.ok()) return UsageError(err, rest.status().message());
  return RunCommand(*rest, storage, out, err);
}

}  // namespace arrowroot::cli
