// Help text: `arrowroot --help` and `arrowroot CMD --help`.
#pragma once

#include <string>

namespace arrowroot::cli {

/// `arrowroot --help`: every command's synopsis and the options for remote files.
extern const char* const kUsage;

/// `arrowroot CMD --help`: the command's synopsis, each option with its default, and examples;
/// empty for a command that has no help (an unknown one, or doctor).
std::string CommandHelp(const std::string& cmd);

}  // namespace arrowroot::cli
