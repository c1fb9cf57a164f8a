#include "arrowroot/common/status.h"

#include <gtest/gtest.h>

#include "arrowroot/common/bytes.h"

namespace arrowroot {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Status::InvalidArgument("odd: " + std::to_string(x));
  return x / 2;
}

Status Quarter(int x, int* out) {
  ASSIGN_OR_RETURN(int h, Half(x));
  RETURN_IF_ERROR_CTX(Half(h), "second halving");
  *out = h / 2;
  return Status::OK();
}

TEST(Status, ContextIsPrintedOutermostFirst) {
  Status s = Status::Corruption("bad magic");
  s.AddContext("key 'events'").AddContext("file 'a.root'");
  EXPECT_EQ(s.ToString(), "file 'a.root': key 'events': corruption: bad magic");
}

TEST(Status, OkIgnoresContext) {
  Status s;
  s.AddContext("x");
  EXPECT_TRUE(s.ok());
  EXPECT_TRUE(s.context().empty());
}

TEST(Result, MacrosPropagateErrorsWithContext) {
  int out = 0;
  EXPECT_TRUE(Quarter(8, &out).ok());
  EXPECT_EQ(out, 2);
  Status s = Quarter(6, &out);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.ToString(), "second halving: invalid argument: odd: 3");
  EXPECT_EQ(Quarter(3, &out).ToString(), "invalid argument: odd: 3");
}

TEST(Bytes, FormatRangeIsHexOffsetAndDecimalLength) {
  EXPECT_EQ(FormatRange(0x1f00, 4210), "[0x1f00,+4210)");
}

TEST(Bytes, LoadsAreBigEndian) {
  const std::byte b[8] = {std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4},
                          std::byte{5}, std::byte{6}, std::byte{7}, std::byte{8}};
  EXPECT_EQ(LoadBE16(b), 0x0102);
  EXPECT_EQ(LoadBE32(b), 0x01020304u);
  EXPECT_EQ(LoadBE64(b), 0x0102030405060708ull);
}

}  // namespace
}  // namespace arrowroot
