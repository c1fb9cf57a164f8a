// The CLI's commands as functions writing to streams, so output can be tested; one file per
// command in commands/ (ls.cc, schema.cc, cat.cc, bench.cc, cp.cc). cli.h runs them.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "arrowroot/arrowroot.h"

namespace arrowroot::cli {

enum class CatFormat { kJsonl, kCsv, kTable };

struct CatOptions {
  std::vector<std::string> branches;  ///< empty = all readable
  int64_t start = 0;
  int64_t stop = -1;
  CatFormat format = CatFormat::kJsonl;
  int64_t batch_size = 65536;
  bool stats = false;
  StorageOptions storage;  ///< the options for remote files
  int threads = 0;        ///< cat, bench: 0 = one per core
  bool json = false;      ///< bench: one JSON object instead of text
  int repeat = 1;         ///< bench: best of this many runs
};

/// `arrowroot ls FILE`: one row per object (the highest cycle of each name); a key that
/// cannot be used, or a tree record that cannot be read, is a `warning: ...` line on `err`.
Status RunLs(const std::string& file, std::ostream& out, std::ostream& err,
             const StorageOptions& storage = {});
/// `arrowroot schema FILE:TREE`
Status RunSchema(const std::string& file, const std::string& tree, std::ostream& out,
                 const StorageOptions& storage = {});
/// `arrowroot cat FILE:TREE ...`
/// `arrowroot bench FILE:TREE`: read the selection into Arrow, discard it, report throughput.
Status RunBench(const std::string& file, const std::string& tree, const CatOptions& options,
                std::ostream& out);
Status RunCat(const std::string& file, const std::string& tree, const CatOptions& options,
              std::ostream& out, std::ostream& err);

/// `arrowroot cp SRC... DEST ...` (args[0] is "cp"): the copy of transfer/copy.h with a progress
/// bar on a terminal (`tty`), periodic lines otherwise, and a summary. Returns the exit status.
int RunCp(const std::vector<std::string>& args, const StorageOptions& storage,
          std::ostream& out, std::ostream& err, bool tty);

}  // namespace arrowroot::cli
