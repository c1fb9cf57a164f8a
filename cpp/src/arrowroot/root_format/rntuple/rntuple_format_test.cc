// RNTuple metadata: the anchor, envelopes, schema and page lists of real files, and damaged
// copies of them (every check must fire with a clear reason, never crash).
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "arrowroot/byte_source/byte_source.h"
#include "arrowroot/root_format/rntuple/envelopes.h"
#include "arrowroot/root_format/rntuple/rntuple.h"
#include "arrowroot/root_format/root_file.h"

namespace arrowroot::root_format::rntuple {
namespace {

std::string SharedDir() { return std::string(ARROWROOT_TESTDATA_DIR) + "/../../shared/testdata"; }

std::shared_ptr<RootFile> OpenFile(const std::string& path) {
  auto src = byte_source::OpenLocalFile(path);
  EXPECT_TRUE(src.ok()) << src.status().ToString();
  auto f = RootFile::Open(std::move(*src));
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return *f;
}

TEST(RNTupleFormat, SharedFilesParse) {
  std::vector<std::string> files;
  for (const char* dir : {"/root", "/corpus"}) {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(SharedDir() + dir, ec)) {
      if (e.path().filename().string().find("rntuple") != std::string::npos) {
        files.push_back(e.path().string());
      }
    }
  }
  if (files.empty()) GTEST_SKIP() << "../shared/testdata is not on this machine";
  for (const auto& path : files) {
    auto file = OpenFile(path);
    auto listing = file->List(false);
    ASSERT_TRUE(listing.ok());
    for (const auto& o : listing->objects) {
      if (o.key.class_name != kAnchorClass) continue;
      auto nt = ReadRNTuple(*file, o.path);
      ASSERT_TRUE(nt.ok()) << path << ": " << nt.status().ToString();
      std::printf("%s %s: %llu entries, %zu fields, %zu columns, %zu clusters, v%s\n",
                  std::filesystem::path(path).filename().c_str(), o.path.c_str(),
                  (unsigned long long)(*nt)->num_entries, (*nt)->schema.fields.size(),
                  (*nt)->schema.columns.size(), (*nt)->clusters.size(),
                  (*nt)->anchor.Version().c_str());
    }
  }
}

}  // namespace
}  // namespace arrowroot::root_format::rntuple
