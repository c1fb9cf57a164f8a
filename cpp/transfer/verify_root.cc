// `arrowroot cp --verify root`: the copy read back as a ROOT file. This file holds the whole
// basket walk (and the transfer's only use of root_format), so it can be replaced as one piece
// by a shared basket listing from the format layer.
#include "transfer/verify_root.h"

#include "arrowroot/root_format/basket.h"
#include "arrowroot/root_format/root_file.h"

namespace arrowroot::transfer::internal {

namespace bs = byte_source;

Status VerifyRoot(const std::string& path, const std::string& where,
                  const bs::SourceOptions& options) {
  bs::SourceOptions so = options;
  ASSIGN_OR_RETURN(auto source, bs::OpenSource(path, so));
  auto file = root_format::RootFile::Open(std::move(source));
  if (!file.ok()) return std::move(file).status().AddContext("verify root: " + where);
  ASSIGN_OR_RETURN(auto objects, (*file)->ListObjects());
  for (const auto& obj : objects) {
    const std::string& cls = obj.key.class_name;
    if (cls == "TDirectory" || cls == "TDirectoryFile") continue;
    auto payload = (*file)->ReadPayload(obj.key);
    if (!payload.ok()) return std::move(payload).status().AddContext("verify root: key " + obj.path);
    if (cls != "TTree" && cls != "TNtuple" && cls != "TNtupleD") continue;
    auto tree = (*file)->ReadTree(obj.path);
    if (!tree.ok()) return std::move(tree).status().AddContext("verify root: tree " + obj.path);
    for (const root_format::Branch* b : (*tree)->all_branches) {
      for (int32_t i = 0; i < b->write_basket && i < static_cast<int32_t>(b->basket_seek.size()); ++i) {
        const auto seek = static_cast<uint64_t>(b->basket_seek[i]);
        const auto n = static_cast<uint64_t>(b->basket_bytes[i]);
        auto raw = (*file)->source()->Read(ByteRange{seek, n});
        if (!raw.ok()) return std::move(raw).status().AddContext("verify root: basket of " + b->path);
        auto basket = root_format::DecodeBasketKey(std::move(*raw), seek, b->name);
        if (!basket.ok()) {
          return std::move(basket).status().AddContext("verify root: basket " + std::to_string(i) +
                                                       " of " + obj.path + "/" + b->path);
        }
      }
      for (const auto& e : b->embedded_baskets) {
        if (!e) continue;
        auto basket = root_format::ViewEmbeddedBasket(e);
        if (!basket.ok()) return std::move(basket).status().AddContext("verify root: " + b->path);
      }
    }
  }
  return Status::OK();
}

}  // namespace arrowroot::transfer::internal
