// The CLI as a function of its arguments and two streams, so it can be tested without a process.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace arrowroot::cli {

/// Run the CLI; returns the process exit status. Errors go to `err` as one line
/// "arrowroot: error: ...".
int Main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace arrowroot::cli
