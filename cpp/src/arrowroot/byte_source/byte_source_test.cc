#include "arrowroot/byte_source/byte_source.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace arrowroot::byte_source {
namespace {

Bytes Iota(size_t n) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = std::byte(i & 0xff);
  return b;
}

TEST(MemorySource, ReadsExactRangesAndCounts) {
  auto src = MakeMemorySource(Iota(100), "mem");
  auto r = src->Read({10, 5});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0], std::byte{10});
  EXPECT_EQ((*r)[4], std::byte{14});
  EXPECT_EQ(src->stats().num_requests.load(), 1u);
  EXPECT_EQ(src->stats().num_bytes_read.load(), 5u);
}

TEST(MemorySource, RangePastEndIsAnErrorNamingRangeAndSize) {
  auto src = MakeMemorySource(Iota(100), "mem");
  auto r = src->Read({98, 5});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIOError);
  EXPECT_NE(r.status().message().find("[0x62,+5)"), std::string::npos);
  EXPECT_NE(r.status().message().find("100 bytes"), std::string::npos);
  // Overflowing offsets must not wrap around.
  EXPECT_FALSE(src->Read({~0ull, 2}).ok());
}

TEST(LocalFile, ReadsWhatWasWritten) {
  std::string path = ::testing::TempDir() + "/arrowroot_bs_test.bin";
  {
    std::ofstream f(path, std::ios::binary);
    Bytes b = Iota(4096);
    f.write(reinterpret_cast<const char*>(b.data()), b.size());
  }
  auto src = OpenLocalFile(path);
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  EXPECT_EQ((*src)->size(), 4096u);
  auto r = (*src)->Read({4000, 96});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0], std::byte(4000 & 0xff));
  EXPECT_FALSE((*src)->Read({4000, 97}).ok());
  std::remove(path.c_str());
}

TEST(LocalFile, MissingFileIsNotFound) {
  auto src = OpenLocalFile("/nonexistent/dir/x.root");
  ASSERT_FALSE(src.ok());
  EXPECT_EQ(src.status().code(), StatusCode::kNotFound);
  EXPECT_NE(src.status().message().find("/nonexistent/dir/x.root"), std::string::npos);
}

}  // namespace
}  // namespace arrowroot::byte_source
