// Argument parsing shared by the commands: integers, FILE:OBJECT, the options for remote files
// (any command), and the options of the commands that read a tree (schema, cat, bench).
// A usage error is an InvalidArgument whose message is what UsageError prints.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "arrowroot/arrowroot.h"
#include "commands.h"

namespace arrowroot::cli {

/// Print a usage error as one line, as every error ("arrowroot: error: WHAT (see `arrowroot
/// --help`)"); returns the exit status, 1.
int UsageError(std::ostream& err, const std::string& what);

/// `v` as the integer value of `flag`.
Result<int64_t> ParseInt(const std::string& flag, const std::string& v);

/// Split "FILE:OBJECT" like uproot: the last ':' that is not part of "scheme://".
bool SplitFileObject(const std::string& arg, std::string* file, std::string* object);

/// Take the options for remote files (--endpoint-url, --region, --profile, --read-timeout,
/// --no-sign-request; accepted anywhere after the command) out of `args` into `storage`, as
/// the storage options they stand for (endpoint_url, region, profile, read_timeout, anon);
/// returns the other arguments.
Result<std::vector<std::string>> ParseSourceOptions(const std::vector<std::string>& args,
                                                    StorageOptions* storage);

/// What `schema`, `cat` or `bench` is asked to read.
struct ReadArgs {
  std::string file;
  std::string tree;
  CatOptions options;
};

/// Parse the arguments of `schema`, `cat` or `bench` (args[0] is the command).
Result<ReadArgs> ParseReadArgs(const std::vector<std::string>& args,
                               const StorageOptions& storage);

}  // namespace arrowroot::cli
