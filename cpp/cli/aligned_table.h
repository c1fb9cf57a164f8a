// Text tables for ls, schema and `cat --format table`.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace arrowroot::cli {

/// Print `rows` as columns padded to the widest cell plus two spaces; no trailing spaces.
void PrintAligned(const std::vector<std::vector<std::string>>& rows, std::ostream& out);

}  // namespace arrowroot::cli
