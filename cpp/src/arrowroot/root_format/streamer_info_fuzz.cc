// libFuzzer target: the streamer-info TList parser (ParseStreamerInfoList).
// Input (fuzz/fuzz_support.h): u16 fKeylen, then the uncompressed TList payload.
#include "arrowroot/root_format/streamed_objects.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace arrowroot;
  fuzz::Input in(data, size);
  const int32_t keylen = static_cast<int16_t>(in.U16());
  ByteView rest = in.Rest();
  const Bytes payload(rest.begin(), rest.end());
  auto infos = root_format::ParseStreamerInfoList(payload, keylen);
  if (infos.ok()) {
    size_t n = 0;
    for (const auto& i : *infos) {
      for (const auto& e : i.elements) n += e.name.size() + e.type_name.size();
    }
    (void)n;
  }
  return 0;
}
