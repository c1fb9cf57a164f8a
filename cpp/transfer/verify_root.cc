// `arrowroot cp --verify root`: the copy read back as a ROOT file. Baskets are walked with the
// format layer's shared listing (root_format/basket_list.h), so a copy passes only if the scan
// could find every basket too (same bounds checks: inside the file, consistent entry ranges).
// An RNTuple is read with the format layer's ReadRNTuple (anchor, envelope checksums, page
// lists), then every page of every cluster is read, its checksum checked and decompressed.
#include "transfer/verify_root.h"

#include "arrowroot/compression/decompress.h"
#include "arrowroot/root_format/basket.h"
#include "arrowroot/root_format/basket_list.h"
#include "arrowroot/root_format/rntuple/rntuple.h"
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

namespace nt = root_format::rntuple;

/// The bytes the compressed blocks of `data` say they decode to (ROOT's 9-byte block headers,
/// compression/decompress.h), so a damaged page cannot make us allocate what it claims.
Result<uint64_t> ClaimedUnpackedBytes(ByteView data) {
  uint64_t total = 0;
  for (uint64_t at = 0; at < data.size();) {
    if (data.size() - at < compression::kBlockHeaderSize) {
      return Status::Corruption("page ends inside a compressed block's header");
    }
    ASSIGN_OR_RETURN(auto h, compression::ParseBlockHeader(data.subspan(at)));
    total += h.uncompressed_size;
    at += compression::kBlockHeaderSize + h.compressed_size;
  }
  return total;
}

/// Read one page of `column`, check its checksum and decompress it.
Status VerifyPage(const root_format::RootFile& file, const nt::ColumnDesc& column,
                  const nt::PageDesc& page, Bytes& scratch) {
  const uint64_t stored = nt::PageStoredBytes(page);
  const uint64_t file_size = file.source()->size();
  if (page.locator.offset > file_size || stored > file_size - page.locator.offset) {
    return Status::Corruption("the page lies past the end of the file (" +
                              std::to_string(file_size) + " bytes)");
  }
  ASSIGN_OR_RETURN(Bytes raw, file.source()->Read(ByteRange{page.locator.offset, stored}));
  const uint64_t length = nt::PageUnpackedBytes(column, page.num_elements);
  if (page.locator.size != length) {  // compressed: its blocks must add up to `length`
    const ByteView data = ByteView(raw).first(page.locator.size);
    ASSIGN_OR_RETURN(uint64_t claimed, ClaimedUnpackedBytes(data));
    if (claimed != length) {
      return Status::Corruption("its compressed blocks decode to " + std::to_string(claimed) +
                                " bytes, its " + std::to_string(page.num_elements) +
                                " elements need " + std::to_string(length));
    }
  }
  if (scratch.size() < length) scratch = Bytes(length);
  return nt::UnpackPage(page, raw, std::span<std::byte>(scratch.data(), length));
}

/// Read the RNTuple at `path` (ReadRNTuple checks the anchor and envelope checksums) and every
/// page of every cluster.
Status VerifyRNTuple(const root_format::RootFile& file, const std::string& path) {
  auto ntuple = nt::ReadRNTuple(file, path);
  // ReadRNTuple's errors name the RNTuple, its file and the envelope.
  if (!ntuple.ok()) return std::move(ntuple).status().AddContext("verify root");
  const nt::Schema& schema = (*ntuple)->schema;
  const auto& clusters = (*ntuple)->clusters;
  Bytes scratch;
  for (size_t ci = 0; ci < clusters.size(); ++ci) {
    const nt::ClusterDesc& cluster = clusters[ci];
    for (size_t col = 0; col < cluster.columns.size() && col < schema.columns.size(); ++col) {
      const nt::ColumnDesc& column = schema.columns[col];
      const auto& pages = cluster.columns[col].pages;
      for (size_t pi = 0; pi < pages.size(); ++pi) {
        Status st = VerifyPage(file, column, pages[pi], scratch);
        if (st.ok()) continue;
        const std::string field = column.field_id < schema.fields.size()
                                      ? schema.fields[column.field_id].name : "?";
        return std::move(st).AddContext(
            "verify root: RNTuple '" + path + "', cluster " + std::to_string(ci) + " (entries " +
            std::to_string(cluster.first_entry) + "-" +
            std::to_string(cluster.first_entry + cluster.num_entries) + "), column " +
            std::to_string(column.id) + " (" + nt::ColumnTypeName(column.type_raw) +
            " of field '" + field + "'), page " + std::to_string(pi) + " at " +
            FormatRange(pages[pi].locator.offset, nt::PageStoredBytes(pages[pi])));
      }
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
    if (cls == nt::kAnchorClass) {
      RETURN_IF_ERROR(VerifyRNTuple(**file, obj.path));
      continue;
    }
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
