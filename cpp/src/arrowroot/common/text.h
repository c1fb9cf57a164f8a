// ASCII text helpers shared by the layers that parse text protocols and files (HTTP headers,
// INI files, XML and JSON answers, hex digests). Locale-independent on purpose: header names and
// keys are ASCII, and the Python extension runs under whatever locale the user has set.
#pragma once

#include <string>
#include <string_view>

namespace arrowroot {

/// `s` with A-Z turned into a-z; other bytes unchanged.
inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

/// `s` without leading and trailing spaces, tabs, CRs and LFs.
inline std::string TrimWhitespace(std::string_view s) {
  constexpr std::string_view kWhitespace = " \t\r\n";
  const size_t first = s.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return {};
  const size_t last = s.find_last_not_of(kWhitespace);
  return std::string(s.substr(first, last + 1 - first));
}

/// The value of a hex digit (either case), or -1.
inline int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Lower-case hex of raw bytes: two digits a byte ("\x01\xab" → "01ab").
inline std::string HexEncode(std::string_view raw) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * raw.size());
  for (char c : raw) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(kDigits[u >> 4]);
    out.push_back(kDigits[u & 0xf]);
  }
  return out;
}

}  // namespace arrowroot
