#include "transfer/copy.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace arrowroot::transfer {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class LocalCopy : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("arrowroot-copy-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_ / "src/sub");
    fs::copy_file(fs::path(ARROWROOT_TESTDATA_DIR) / "uproot-HZZ.root", dir_ / "src/HZZ.root");
    fs::copy_file(fs::path(ARROWROOT_TESTDATA_DIR) / "uproot-Zmumu.root", dir_ / "src/sub/Zmumu.root");
    // Larger than two 5 MiB parts, not a multiple of the part size.
    std::ofstream big(dir_ / "src/sub/big.bin", std::ios::binary);
    for (int i = 0; i < (11 << 20) + 12345; ++i) big.put(static_cast<char>((i * 2654435761u) >> 24));
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST(ParseSize, UnitsAndErrors) {
  EXPECT_EQ(*ParseSize("8MiB"), uint64_t{8} << 20);
  EXPECT_EQ(*ParseSize("64M"), uint64_t{64} << 20);
  EXPECT_EQ(*ParseSize("1gb"), uint64_t{1} << 30);
  EXPECT_EQ(*ParseSize("5242880"), 5242880u);
  EXPECT_FALSE(ParseSize("").ok());
  EXPECT_FALSE(ParseSize("MiB").ok());
  EXPECT_FALSE(ParseSize("8 parsecs").ok());
  EXPECT_FALSE(ParseSize("999999999999GiB").ok());  // would overflow
  EXPECT_EQ(*ParseVerify("root"), Verify::kRoot);
  EXPECT_FALSE(ParseVerify("md5").ok());
}

TEST_F(LocalCopy, RecursiveCopyIsByteEqualAndVerifiesAsRoot) {
  CopyOptions o;
  o.recursive = true;
  o.part_size = 5 << 20;
  o.jobs = 3;
  o.verify = Verify::kChecksum;
  auto s = Copy({(dir_ / "src").string()}, (dir_ / "dst").string(), o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->files, 3);
  EXPECT_EQ(s->copied, 3);
  EXPECT_TRUE(s->ok());
  for (const char* rel : {"HZZ.root", "sub/Zmumu.root", "sub/big.bin"}) {
    EXPECT_EQ(Slurp(dir_ / "dst" / rel), Slurp(dir_ / "src" / rel)) << rel;
  }
  // No temporary file is left beside the copies.
  for (auto& e : fs::recursive_directory_iterator(dir_ / "dst")) {
    EXPECT_EQ(e.path().filename().string().find(".arrowroot-tmp"), std::string::npos);
  }
  // Resume skips everything; --include narrows; --verify root reads every basket.
  o.resume = true;
  o.include = "*.root";
  o.verify = Verify::kRoot;
  auto again = Copy({(dir_ / "src").string()}, (dir_ / "dst").string(), o);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->files, 2);
  EXPECT_EQ(again->skipped, 2);
  EXPECT_EQ(again->copied, 0);
}

TEST_F(LocalCopy, ResumeRecopiesAChangedTarget) {
  CopyOptions o;
  o.part_size = 5 << 20;
  const auto src = (dir_ / "src/sub/big.bin").string(), dst = (dir_ / "big.bin").string();
  ASSERT_TRUE(Copy({src}, dst, o).ok());
  {
    std::fstream f(dst, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(6 << 20);
    f.put('X');
  }
  o.resume = true;
  auto s = Copy({src}, dst, o);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->copied, 1);
  EXPECT_EQ(Slurp(dst), Slurp(src));
}

TEST_F(LocalCopy, VerifyRootFailsForANonRootFile) {
  CopyOptions o;
  o.verify = Verify::kRoot;
  auto s = Copy({(dir_ / "src/sub/big.bin").string()}, (dir_ / "x.root").string(), o);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->failed, 1);
  EXPECT_FALSE(s->ok());
  EXPECT_NE(s->results[0].error.find("verify root"), std::string::npos) << s->results[0].error;
}

TEST_F(LocalCopy, DryRunCopiesNothingAndBadArgumentsAreErrors) {
  CopyOptions o;
  o.dry_run = true;
  o.recursive = true;
  auto s = Copy({(dir_ / "src").string()}, (dir_ / "dst/").string(), o);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->files, 3);
  EXPECT_EQ(s->results[0].state, "planned");
  EXPECT_FALSE(fs::exists(dir_ / "dst"));

  CopyOptions plain;
  auto dir_without_r = Copy({(dir_ / "src").string()}, (dir_ / "d").string(), plain);
  EXPECT_EQ(dir_without_r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(dir_without_r.status().message().find("--recursive"), std::string::npos);
  plain.part_size = 1 << 20;
  EXPECT_EQ(Copy({(dir_ / "src/HZZ.root").string()}, (dir_ / "d").string(), plain).status().code(),
            StatusCode::kInvalidArgument);
  CopyOptions o2;
  EXPECT_EQ(Copy({(dir_ / "src/HZZ.root").string()}, "ftp://x/y", o2).status().code(),
            StatusCode::kUnsupported);
  auto missing = Copy({(dir_ / "nope.root").string()}, (dir_ / "d").string(), o2);
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->failed, 1);
}

}  // namespace
}  // namespace arrowroot::transfer
