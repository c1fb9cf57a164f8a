#include "arrowroot/common/text.h"

#include <gtest/gtest.h>

namespace arrowroot {
namespace {

TEST(Text, AsciiLowerTouchesOnlyAsciiLetters) {
  EXPECT_EQ(AsciiLower("Content-Range"), "content-range");
  EXPECT_EQ(AsciiLower("\xC4X9"), "\xC4x9");
}

TEST(Text, TrimWhitespaceBothEnds) {
  EXPECT_EQ(TrimWhitespace(" \t value \r\n"), "value");
  EXPECT_EQ(TrimWhitespace("a b"), "a b");
  EXPECT_EQ(TrimWhitespace(" \r\n"), "");
  EXPECT_EQ(TrimWhitespace(""), "");
}

TEST(Text, HexDigitsBothWays) {
  EXPECT_EQ(HexDigitValue('7'), 7);
  EXPECT_EQ(HexDigitValue('b'), 11);
  EXPECT_EQ(HexDigitValue('F'), 15);
  EXPECT_EQ(HexDigitValue('g'), -1);
  EXPECT_EQ(HexEncode(std::string_view("\x01\xab\xff", 3)), "01abff");
}

}  // namespace
}  // namespace arrowroot
