#include "arrowroot/common/text.h"

#include <gtest/gtest.h>

#include <utility>

namespace arrowroot {
namespace {

using Case = std::pair<std::string_view, std::string_view>;

TEST(Text, AsciiLowerTouchesOnlyAsciiLetters) {
  for (const auto& [in, out] : {Case{"Content-Range", "content-range"}, Case{"\xC4X9", "\xC4x9"}}) {
    EXPECT_EQ(AsciiLower(in), out) << in;
  }
}

TEST(Text, TrimWhitespaceBothEnds) {
  for (const auto& [in, out] :
       {Case{" \t value \r\n", "value"}, Case{"a b", "a b"}, Case{" \r\n", ""}, Case{"", ""}}) {
    EXPECT_EQ(TrimWhitespace(in), out) << in;
  }
}

TEST(Text, HexDigitsBothWays) {
  const std::pair<char, int> digits[] = {{'7', 7}, {'b', 11}, {'F', 15}, {'g', -1}};
  for (const auto& [c, v] : digits) EXPECT_EQ(HexDigitValue(c), v) << c;
  EXPECT_EQ(HexEncode(std::string_view("\x01\xab\xff", 3)), "01abff");
}

}  // namespace
}  // namespace arrowroot
