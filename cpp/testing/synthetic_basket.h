// Synthetic basket data for benchmarks: 32 KiB of big-endian float32 shaped like a physics
// branch (e.g. muon pT, an exponential tail above 20 GeV), deterministic across runs.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace arrowroot::testing {

/// How the float32 values are quantized before encoding.
enum class Quantization {
  kNone,             ///< full precision (compresses ~1.1x, like real pT baskets)
  kTwoDecimals,      ///< rounded to 0.01, like a quantity stored at detector resolution
  kTenBitMantissa,   ///< low 13 mantissa bits cleared, as NanoAOD stores many floats
};

inline std::vector<std::byte> MakeFloat32Basket(Quantization q, size_t num_values = 32 * 1024 / 4) {
  std::vector<std::byte> b(num_values * 4);
  uint64_t x = 0x9E3779B97F4A7C15ull;  // xorshift64 state
  for (size_t i = 0; i < num_values; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    double u = static_cast<double>((x >> 11) & ((1ull << 53) - 1)) / 9007199254740992.0;
    double d = 20.0 - 15.0 * std::log(1.0 - u);
    if (q == Quantization::kTwoDecimals) d = std::round(d * 100.0) / 100.0;
    float v = static_cast<float>(d);
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    if (q == Quantization::kTenBitMantissa) bits &= ~((1u << 13) - 1);
    for (int k = 0; k < 4; ++k) b[4 * i + k] = static_cast<std::byte>(bits >> (24 - 8 * k));
  }
  return b;
}

}  // namespace arrowroot::testing
