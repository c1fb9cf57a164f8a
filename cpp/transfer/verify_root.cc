// `arrowroot cp --verify root`: the copy read back as a ROOT file. Baskets are walked with the
// format layer's shared listing (root_format/basket_list.h), so a copy passes only if the scan
// could find every basket too (same bounds checks: inside the file, consistent entry ranges).
#include "transfer/verify_root.h"

#include "arrowroot/root_format/basket.h"
#include "arrowroot/root_format/basket_list.h"
#include "arrowroot/root_format/root_file.h"

namespace arrowroot::transfer::internal {

namespace bs = byte_source;

namespace {

/// Read and decode every basket of `b`, a branch of the tree at `tree_path`.
Status VerifyBranch(const root_format::RootFile& file, const std::string& tree_path,
                    const root_format::Branch& b) {
  auto baskets = root_format::ListBaskets(b, file.source()->size());
  if (!baskets.ok()) {
    return std::move(baskets).status().AddContext("verify root: branch " + tree_path + "/" + b.path);
  }
  for (const root_format::BasketSlot& slot : *baskets) {
    if (slot.embedded) {
      auto basket = root_format::ViewEmbeddedBasket(slot.embedded);
      if (!basket.ok()) return std::move(basket).status().AddContext("verify root: " + b.path);
      continue;
    }
    // Every slot below fWriteBasket is read, even one that claims no bytes (the scan skips
    // those when they hold no entries): a written basket must decode as a key.
    auto raw = file.source()->Read(ByteRange{slot.seek, slot.bytes});
    if (!raw.ok()) return std::move(raw).status().AddContext("verify root: basket of " + b.path);
    auto basket = root_format::DecodeBasketKey(std::move(*raw), slot.seek, b.name);
    if (!basket.ok()) {
      return std::move(basket).status().AddContext("verify root: basket " +
                                                   std::to_string(slot.index) + " of " +
                                                   tree_path + "/" + b.path);
    }
  }
  return Status::OK();
}

}  // namespace

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
      RETURN_IF_ERROR(VerifyBranch(**file, obj.path, *b));
    }
  }
  return Status::OK();
}

}  // namespace arrowroot::transfer::internal
