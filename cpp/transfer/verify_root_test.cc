// `--verify root` on RNTuples: every file of testdata/rntuple passes; a damaged page or header
// envelope fails, naming the RNTuple, cluster, column and page byte range.
#include "transfer/verify_root.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "arrowroot/root_format/rntuple/rntuple.h"
#include "arrowroot/root_format/root_file.h"

namespace arrowroot::transfer::internal {
namespace {

namespace fs = std::filesystem;
namespace nt = root_format::rntuple;

const fs::path kDir = fs::path(ARROWROOT_TESTDATA_DIR) / "rntuple";

std::shared_ptr<const nt::RNTuple> Read(const fs::path& path, const std::string& name) {
  auto src = byte_source::OpenLocalFile(path.string());
  EXPECT_TRUE(src.ok()) << src.status().ToString();
  auto file = root_format::RootFile::Open(std::move(*src));
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  auto ntuple = nt::ReadRNTuple(**file, name);
  EXPECT_TRUE(ntuple.ok()) << ntuple.status().ToString();
  return *ntuple;
}

/// A copy of testdata/rntuple/`name` with the byte at `offset` flipped.
fs::path DamagedCopy(const std::string& name, uint64_t offset) {
  const fs::path out = fs::temp_directory_path() /
                       ("arrowroot-verify-root-test-" + std::to_string(::getpid()) + "-" + name);
  fs::copy_file(kDir / name, out, fs::copy_options::overwrite_existing);
  std::fstream f(out, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  const char c = static_cast<char>(f.get());
  f.seekp(static_cast<std::streamoff>(offset));
  f.put(static_cast<char>(c ^ 0x5A));
  return out;
}

TEST(VerifyRootRNTuple, EveryTestFilePasses) {
  int files = 0;
  for (const auto& e : fs::directory_iterator(kDir)) {
    if (e.path().extension() != ".root") continue;
    ++files;
    Status st = VerifyRoot(e.path().string(), e.path().filename().string(), {});
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  EXPECT_GE(files, 10);
}

TEST(VerifyRootRNTuple, ADamagedPageFailsNamingIt) {
  const std::string name = "rntuple_large_zstd.root";
  auto ntuple = Read(kDir / name, "ntpl");
  ASSERT_GT(ntuple->clusters.size(), 1u);
  // The first page of the second cluster's first column that has pages.
  const nt::ClusterDesc& cluster = ntuple->clusters[1];
  size_t col = 0;
  while (col < cluster.columns.size() && cluster.columns[col].pages.empty()) ++col;
  ASSERT_LT(col, cluster.columns.size());
  const nt::PageDesc& page = cluster.columns[col].pages[0];
  ASSERT_GT(page.locator.size, 2u);
  const fs::path bad = DamagedCopy(name, page.locator.offset + page.locator.size / 2);
  Status st = VerifyRoot(bad.string(), "dst/" + name, {});
  fs::remove(bad);
  ASSERT_FALSE(st.ok());
  const std::string msg = st.ToString();
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << msg;
  EXPECT_NE(msg.find("verify root: RNTuple 'ntpl', cluster 1 "), std::string::npos) << msg;
  EXPECT_NE(msg.find("column " + std::to_string(col) + " ("), std::string::npos) << msg;
  EXPECT_NE(msg.find("page 0 at " + FormatRange(page.locator.offset, nt::PageStoredBytes(page))),
            std::string::npos) << msg;
  if (page.has_checksum) {
    EXPECT_NE(msg.find("page checksum mismatch"), std::string::npos) << msg;
  }
}

TEST(VerifyRootRNTuple, ADamagedHeaderEnvelopeFailsItsChecksum) {
  const std::string name = "rntuple_fundamentals_none.root";
  auto ntuple = Read(kDir / name, "ntpl");
  const nt::Anchor& a = ntuple->anchor;
  const fs::path bad = DamagedCopy(name, a.seek_header + a.nbytes_header / 2);
  Status st = VerifyRoot(bad.string(), "dst/" + name, {});
  fs::remove(bad);
  ASSERT_FALSE(st.ok());
  const std::string msg = st.ToString();
  EXPECT_NE(msg.find("verify root: RNTuple 'ntpl' in '"), std::string::npos) << msg;
  EXPECT_NE(msg.find("checksum"), std::string::npos) << msg;
}

}  // namespace
}  // namespace arrowroot::transfer::internal
