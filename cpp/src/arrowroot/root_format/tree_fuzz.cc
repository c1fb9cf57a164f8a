// libFuzzer target: the TTree/TBranch/TLeaf metadata parser (ParseTree, by hand and by the
// streamer infos) together with the streamer-info parser, then column planning
// (to_arrow::PlanColumn) of every data branch against the parsed streamer infos.
// Input (fuzz/fuzz_support.h): u16 fKeylen, u32 n, n bytes of TTree payload, then the
// streamer-info TList payload.
#include <map>

#include "arrowroot/root_format/streamed_objects.h"
#include "arrowroot/to_arrow/column_plan.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace arrowroot;
  fuzz::Input in(data, size);
  const int32_t keylen = static_cast<int16_t>(in.U16());
  const uint32_t n = in.U32();
  ByteView tree_view = in.Bytes(n);
  const Bytes tree_bytes(tree_view.begin(), tree_view.end());
  ByteView rest = in.Rest();
  const Bytes streamer_bytes(rest.begin(), rest.end());

  std::map<std::string, std::map<int32_t, root_format::StreamerInfo>> streamers;
  if (!streamer_bytes.empty()) {
    auto infos = root_format::ParseStreamerInfoList(streamer_bytes, keylen);
    if (infos.ok()) {
      for (auto& i : *infos) streamers[i.class_name].try_emplace(i.class_version, std::move(i));
    }
  }
  root_format::TreeParseOptions options;
  options.streamers = [&](const std::string& c, int32_t v) -> const root_format::StreamerInfo* {
    auto it = streamers.find(c);
    if (it == streamers.end()) return nullptr;
    auto vi = it->second.find(v);
    return vi == it->second.end() ? nullptr : &vi->second;
  };
  // The streamer-info reader (members.cc) on every class version the infos describe.
  options.prefer_streamers = true;
  (void)root_format::ParseTree(tree_bytes, keylen, options);
  options.prefer_streamers = false;
  auto tree = root_format::ParseTree(tree_bytes, keylen, options);
  if (!tree.ok()) return 0;
  to_arrow::StreamerLookup lookup = [&](const std::string& c) -> const root_format::StreamerInfo* {
    auto it = streamers.find(c);
    return it == streamers.end() || it->second.empty() ? nullptr : &it->second.rbegin()->second;
  };
  for (const root_format::Branch* b : (*tree)->all_branches) {
    if ((*tree)->FindBranch(b->path) == nullptr) __builtin_trap();
    if (to_arrow::IsGroupBranch(*b, lookup)) continue;
    auto plan = to_arrow::PlanColumn(*b, lookup);
    if (plan.ok()) {
      if (!plan->type) __builtin_trap();
      (void)plan->type->ToString();
      (void)plan->type->Format();
      (void)to_arrow::FixedWireSize(plan->node);
    }
  }
  return 0;
}
