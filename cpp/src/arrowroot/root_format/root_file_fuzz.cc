// libFuzzer target: a whole ROOT file in memory → RootFile::Open (header, top directory, keys,
// streamer infos), ListObjects (subdirectories), FindKey, ReadPayload and ReadTree of every
// object, and a walk over each tree's branch and leaf metadata.
#include "arrowroot/byte_source/byte_source.h"
#include "arrowroot/root_format/root_file.h"
#include "fuzz/fuzz_support.h"

namespace {

using namespace arrowroot;
using namespace arrowroot::root_format;

bool IsTreeClass(const std::string& c) { return c == "TTree" || c == "TNtuple" || c == "TNtupleD"; }

void WalkTree(const RootFile& file, const Tree& tree) {
  size_t n = 0;
  for (const Branch* b : tree.all_branches) {
    if (tree.FindBranch(b->path) == nullptr) __builtin_trap();  // every branch is findable
    n += b->name.size() + b->basket_seek.size() + b->embedded_baskets.size();
    for (const Leaf* l : b->leaves) {
      n += l->name.size() + static_cast<size_t>(l->len > 0);
      if (l->leaf_count) n += l->leaf_count->name.size();
    }
    for (const Branch* c : b->branches) n += c->name.size();
    if (b->branch_count) n += b->branch_count->name.size();
    if (!b->element_class_name.empty()) n += file.FindStreamerInfo(b->element_class_name) != nullptr;
  }
  (void)n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto src = byte_source::MakeMemorySource(fuzz::Copy(data, size), "fuzz.root");
  auto file = RootFile::Open(src);
  if (!file.ok()) return 0;
  const RootFile& f = **file;
  (void)f.header().RootVersionString();
  (void)f.FindKey("no such object");
  (void)f.FindKey("x;notacycle");
  auto objects = f.ListObjects();
  if (!objects.ok()) return 0;
  size_t count = 0;
  for (const auto& o : *objects) {
    if (++count > 256) break;
    auto key = f.FindKey(o.path + ";" + std::to_string(o.key.cycle));
    if (!key.ok()) continue;
    if (IsTreeClass(o.key.class_name)) {
      auto tree = f.ReadTree(o.path);
      if (tree.ok()) WalkTree(f, **tree);
    } else if (o.key.class_name != "TDirectory" && o.key.class_name != "TDirectoryFile") {
      (void)f.ReadPayload(*key);
    }
  }
  return 0;
}
