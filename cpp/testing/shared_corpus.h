// Where a file of the public test-file collection is on the project's machines: beside the
// repository (../shared/testdata/corpus) or, for a clone made elsewhere (CI's), at
// /work/shared/testdata/corpus; ARROWROOT_CORPUS_DIR overrides both (as tests/corpus_oracle.py
// reads it). A user's clone has none: tests that need one skip, saying so.
#pragma once

#include <cstdlib>
#include <fstream>
#include <string>

namespace arrowroot::testing {

/// The path of `name` in the shared corpus, or "" where it is not on this machine.
inline std::string SharedCorpusFile(const std::string& name) {
  std::string dirs[] = {
      std::getenv("ARROWROOT_CORPUS_DIR") ? std::getenv("ARROWROOT_CORPUS_DIR") : "",
      std::string(ARROWROOT_TESTDATA_DIR) + "/../../shared/testdata/corpus",
      "/work/shared/testdata/corpus",
  };
  for (const std::string& dir : dirs) {
    if (!dir.empty() && std::ifstream(dir + "/" + name).good()) return dir + "/" + name;
  }
  return "";
}

}  // namespace arrowroot::testing
