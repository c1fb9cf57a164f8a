// libFuzzer target: ROOT compressed payloads (ZL, XZ, L4 + XXH64, ZS, CS blocks).
// Input (fuzz/fuzz_support.h): u8 mode, u32 claimed uncompressed size, then the payload.
//   mode & 3 == 0: root_format::DecompressPayload (header walk, then decode) with the claim;
//   mode & 3 == 1: DecompressRootBlocks into a buffer of the claimed size: ≤ 64 MiB when
//                  mode & 0x80, else ≤ 1 MiB (big buffers are slow under ASan);
//   mode & 3 == 2: ParseBlockHeader of every 9-byte step;
//   mode & 3 == 3: round trip: compress the payload with codec (mode >> 2) % 4 and a low
//                  level, decompress, compare (an oracle for both directions).
#include <cstring>

#include "arrowroot/compression/decompress.h"
#include "arrowroot/root_format/root_file.h"
#include "fuzz/fuzz_support.h"

namespace {

using namespace arrowroot;

constexpr uint32_t kMaxClaim = 64u << 20;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  const uint8_t mode = in.U8();
  const uint32_t claim = in.U32();
  const Bytes payload = [&] {
    ByteView rest = in.Rest();
    return Bytes(rest.begin(), rest.end());
  }();
  switch (mode & 3) {
    case 0: {
      auto out = root_format::DecompressPayload(payload, claim);
      if (out.ok() && out->size() != claim) __builtin_trap();
      break;
    }
    case 1: {
      Bytes out((mode & 0x80) ? std::min(claim, kMaxClaim) : claim % (1u << 20));
      compression::DecompressCounters counters;
      Status st = compression::DecompressRootBlocks(payload, out, counters);
      if (st.ok() && counters.num_uncompressed_bytes != out.size()) __builtin_trap();
      break;
    }
    case 2: {
      for (size_t pos = 0; pos + compression::kBlockHeaderSize <= payload.size(); pos += 9) {
        auto h = compression::ParseBlockHeader(ByteView(payload).subspan(pos));
        if (h.ok() && (h->compressed_size > compression::kMaxBlockSize ||
                       h->uncompressed_size > compression::kMaxBlockSize)) {
          __builtin_trap();
        }
      }
      break;
    }
    case 3: {
      if (payload.size() > (64u << 10)) break;  // keep the compressors fast
      static constexpr compression::Codec kCodecs[] = {
          compression::Codec::kZlib, compression::Codec::kLzma, compression::Codec::kLz4,
          compression::Codec::kZstd};
      static constexpr int kLevels[] = {1, 0, 1, 1};
      const size_t ci = (mode >> 2) % 4;
      auto packed = compression::CompressRootBlocks(kCodecs[ci], kLevels[ci] + (mode >> 4) % 3,
                                                    payload);
      if (!packed.ok()) break;  // e.g. incompressible: ROOT stores such objects raw
      Bytes back(payload.size());
      Status st = compression::DecompressRootBlocks(*packed, back);
      if (!st.ok()) __builtin_trap();
      if (!payload.empty() && std::memcmp(back.data(), payload.data(), payload.size()) != 0) {
        __builtin_trap();
      }
      break;
    }
  }
  return 0;
}
