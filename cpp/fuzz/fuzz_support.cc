#include "fuzz/fuzz_support.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "arrowroot/byte_source/byte_source.h"

namespace arrowroot::fuzz {

void PutU8(std::vector<uint8_t>* out, uint8_t v) { out->push_back(v); }
void PutU16(std::vector<uint8_t>* out, uint16_t v) {
  out->push_back(static_cast<uint8_t>(v >> 8));
  out->push_back(static_cast<uint8_t>(v));
}
void PutU32(std::vector<uint8_t>* out, uint32_t v) {
  PutU16(out, static_cast<uint16_t>(v >> 16));
  PutU16(out, static_cast<uint16_t>(v));
}
void PutBytes(std::vector<uint8_t>* out, ByteView v) {
  const auto* p = reinterpret_cast<const uint8_t*>(v.data());
  out->insert(out->end(), p, p + v.size());
}

std::string TestdataDir() {
  const char* env = std::getenv("ARROWROOT_TESTDATA_DIR");
  return env && *env ? env : ARROWROOT_TESTDATA_DIR;
}

std::vector<std::string> TestFiles() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(TestdataDir(), ec)) {
    if (e.path().extension() == ".root") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

arrowroot::Bytes Copy(const uint8_t* data, size_t size) {
  const auto* p = reinterpret_cast<const std::byte*>(data);
  return arrowroot::Bytes(p, p + size);
}

std::vector<std::string> TreePaths(const root_format::RootFile& file) {
  std::vector<std::string> out;
  auto objects = file.ListObjects();
  if (!objects.ok()) return out;
  for (const auto& o : *objects) {
    const std::string& c = o.key.class_name;
    if (c == "TTree" || c == "TNtuple" || c == "TNtupleD") out.push_back(o.path);
  }
  return out;
}

namespace {

struct PlanStore {
  std::vector<std::shared_ptr<root_format::RootFile>> files;
  std::vector<std::shared_ptr<const root_format::Tree>> trees;
  std::vector<PlanEntry> plans;
};

PlanStore* BuildPlans() {
  auto* store = new PlanStore();
  for (const auto& path : TestFiles()) {
    auto src = byte_source::OpenLocalFile(path);
    if (!src.ok()) continue;
    auto file = root_format::RootFile::Open(*src);
    if (!file.ok()) continue;
    store->files.push_back(*file);
    const root_format::RootFile* f = file->get();
    to_arrow::StreamerLookup lookup = [f](const std::string& c) {
      return f->FindStreamerInfo(c);
    };
    for (const auto& tree_path : TreePaths(**file)) {
      auto tree = (*file)->ReadTree(tree_path);
      if (!tree.ok()) continue;
      store->trees.push_back(*tree);
      for (const root_format::Branch* b : (*tree)->all_branches) {
        if (to_arrow::IsGroupBranch(*b, lookup)) continue;
        auto plan = to_arrow::PlanColumn(*b, lookup);
        if (!plan.ok()) continue;
        store->plans.push_back({path, tree_path, std::move(*plan)});
      }
    }
  }
  return store;
}

}  // namespace

const std::vector<PlanEntry>& DecodePlans() {
  static PlanStore* store = BuildPlans();  // never freed: the plans live as long as the process
  return store->plans;
}

}  // namespace arrowroot::fuzz
