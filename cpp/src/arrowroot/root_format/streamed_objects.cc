// Object layouts follow ROOT's streamers (tree/tree/src/TTree.cxx, TBranch.cxx,
// TBranchElement.cxx, TLeaf.cxx, TBasket.cxx; io/io/src/TBufferFile.cxx ReadObjectAny) as
// documented by uproot5 src/uproot/models/{TTree,TBranch,TLeaf,TBasket,TObjArray}.py and
// src/uproot/deserialization.py; see docs/format/README.md.
#include "arrowroot/root_format/streamed_objects.h"

#include <unordered_map>

#include "arrowroot/root_format/cursor.h"

namespace arrowroot::root_format {
namespace {

/// One object read through ReadObjectAny; at most one of the pointers is set.
struct AnyObject {
  std::string class_name;
  Branch* branch = nullptr;
  Leaf* leaf = nullptr;
  std::shared_ptr<EmbeddedBasket> basket;
  /// TObjArray / TList contents; shared, so that a reference to a collection read earlier
  /// costs no copy (a corrupt record of many references must not multiply memory).
  std::shared_ptr<const std::vector<AnyObject>> array;
  std::shared_ptr<StreamerInfo> info;
  std::shared_ptr<StreamerElement> element;
  bool is_null() const { return class_name.empty(); }
};

class ObjectReader {
 public:
  ObjectReader(Cursor& c, Tree* tree) : c_(c), tree_(tree) {}

  /// TBufferFile::ReadObjectAny: a pointer to an object, with class and object references.
  AnyObject ReadObjectAny() {
    AnyObject out;
    // Objects nest through here only (collections, branches, streamer elements): a corrupt
    // record of nested collections must not overflow the stack. Real files nest a few levels.
    if (depth_ >= kMaxDepth) {
      c_.Fail(Status::Corruption("objects nested deeper than " + std::to_string(kMaxDepth) +
                                 " at offset " + std::to_string(c_.pos())));
      return out;
    }
    struct DepthGuard {
      int& d;
      explicit DepthGuard(int& depth) : d(depth) { ++d; }
      ~DepthGuard() { --d; }
    } guard(depth_);
    int64_t beg = c_.displacement();
    size_t beg_pos = c_.pos();
    uint32_t bcnt = c_.U32();
    uint32_t tag;
    bool has_count = (bcnt & kByteCountMask) && bcnt != kNewClassTag;
    int64_t start = 0;
    if (!has_count) {
      tag = bcnt;
      bcnt = 0;
    } else {
      bcnt &= ~kByteCountMask;
      start = c_.displacement();
      tag = c_.U32();
    }
    if (!c_.ok()) return out;
    size_t end_pos = beg_pos + 4 + bcnt;
    if (has_count && end_pos > c_.size()) {
      c_.Fail(Status::Corruption("object reference at offset " + std::to_string(beg_pos) +
                                 " claims " + std::to_string(bcnt) + " bytes past the record end"));
      return out;
    }

    if (!(tag & kClassMask)) {
      // A reference to an object read earlier (or null).
      if (tag == 0) return out;
      auto it = objects_.find(tag);
      if (it != objects_.end()) return it->second;
      if (has_count) c_.Seek(end_pos);
      return out;
    }

    std::string class_name;
    if (tag == kNewClassTag) {
      class_name = c_.CString();
      if (!c_.ok()) return out;
      classes_[has_count ? static_cast<uint32_t>(start + kMapOffset) : NextTag()] = class_name;
    } else {
      uint32_t ref = tag & ~kClassMask;
      auto it = classes_.find(ref);
      if (it == classes_.end()) {
        c_.Fail(Status::Corruption("invalid class reference " + std::to_string(ref) +
                                   " at offset " + std::to_string(beg_pos)));
        return out;
      }
      class_name = it->second;
    }
    out = ReadClass(class_name);
    if (!c_.ok()) return out;
    objects_[has_count ? static_cast<uint32_t>(beg + kMapOffset) : NextTag()] = out;
    if (has_count) c_.Seek(end_pos);
    return out;
  }

  AnyObject ReadClass(const std::string& name) {
    AnyObject o;
    o.class_name = name;
    if (name == "TObjArray" || name == "TList" || name == "THashList") {
      auto items = std::make_shared<std::vector<AnyObject>>();
      ReadCollection(name, items.get());
      o.array = std::move(items);
    } else if (name == "TBranch" || name == "TBranchElement" || name == "TBranchObject" ||
               name == "TBranchSTL") {
      o.branch = ReadBranch(name);
    } else if (name.rfind("TLeaf", 0) == 0) {
      o.leaf = ReadLeaf(name);
    } else if (name == "TBasket") {
      o.basket = ReadEmbeddedBasket();
    } else if (name == "TStreamerInfo") {
      o.info = ReadStreamerInfo();
    } else if (name.rfind("TStreamer", 0) == 0) {
      o.element = ReadStreamerElement(name);
    } else {
      // Anything else (TBranchRef, rules lists, user info): skip by its byte count.
      VersionHeader h = c_.ReadVersion();
      if (!h.has_byte_count) {
        c_.Fail(Status::Unsupported("object of class " + name +
                                    " has no byte count and cannot be skipped"));
      }
      c_.SkipToEnd(h);
    }
    return o;
  }

  void ReadTNamed(std::string* name, std::string* title) {
    VersionHeader h = c_.ReadVersion();
    c_.SkipTObject();
    *name = c_.TString();
    *title = c_.TString();
    c_.SkipToEnd(h);
  }

  void SkipVersioned() {
    VersionHeader h = c_.ReadVersion();
    if (!h.has_byte_count) {
      c_.Fail(Status::Corruption("expected a byte count at offset " + std::to_string(c_.pos())));
    }
    c_.SkipToEnd(h);
  }

  /// TObjArray (TObject, fName, nobjects, fLowerBound, objects) or TList (TObject, fName,
  /// nobjects, then per object: pointer + option string).
  void ReadCollection(const std::string& cls, std::vector<AnyObject>* out) {
    VersionHeader h = c_.ReadVersion();
    if (cls == "TObjArray") {
      if (h.version > 2) c_.SkipTObject();
      if (h.version > 1) c_.TString();
      int32_t n = c_.I32();
      c_.I32();  // fLowerBound
      if (n < 0 || static_cast<size_t>(n) > c_.remaining()) {
        c_.Fail(Status::Corruption("TObjArray claims " + std::to_string(n) + " objects"));
        return;
      }
      for (int32_t i = 0; i < n && c_.ok(); ++i) out->push_back(ReadObjectAny());
    } else {
      if (h.version > 3) {
        c_.SkipTObject();
        c_.TString();
      }
      int32_t n = c_.I32();
      if (n < 0 || static_cast<size_t>(n) > c_.remaining()) {
        c_.Fail(Status::Corruption(cls + " claims " + std::to_string(n) + " objects"));
        return;
      }
      for (int32_t i = 0; i < n && c_.ok(); ++i) {
        out->push_back(ReadObjectAny());
        uint8_t optlen = c_.U8();
        c_.Skip(optlen);
      }
    }
    c_.SkipToEnd(h);
  }

  void ReadObjArrayInline(std::vector<AnyObject>* out) { ReadCollection("TObjArray", out); }

  template <typename T>
  std::vector<T> ReadArrayAfterSpeedbump(int32_t n, T (Cursor::*load)()) {
    std::vector<T> v;
    c_.Skip(1);  // "speedbump" byte before fast arrays
    if (n < 0 || static_cast<size_t>(n) * sizeof(T) > c_.remaining()) {
      c_.Fail(Status::Corruption("array of " + std::to_string(n) + " elements does not fit"));
      return v;
    }
    v.resize(static_cast<size_t>(n));
    for (auto& x : v) x = (c_.*load)();
    return v;
  }

  Branch* ReadBranch(const std::string& cls) {
    auto owned = std::make_unique<Branch>();
    Branch* b = owned.get();
    tree_->owned_branches.push_back(std::move(owned));
    b->class_name = cls;
    if (cls == "TBranch") {
      ReadTBranchBody(b);
    } else if (cls == "TBranchElement" || cls == "TBranchSTL") {
      VersionHeader h = c_.ReadVersion();
      if (cls == "TBranchSTL") {
        c_.Fail(Status::Unsupported("TBranchSTL is not supported"));
        return b;
      }
      if (h.version < 8 || h.version > 10) {
        c_.Fail(Status::Unsupported("TBranchElement version " + std::to_string(h.version) +
                                    " (supported: 8-10)"));
        return b;
      }
      ReadTBranchBody(b);
      b->element_class_name = c_.TString();
      b->parent_name = c_.TString();
      b->clones_name = c_.TString();
      b->checksum = c_.U32();
      b->class_version = h.version >= 10 ? c_.I16() : c_.I32();
      b->id = c_.I32();
      b->type = c_.I32();
      b->streamer_type = c_.I32();
      b->maximum = c_.I32();
      AnyObject bc = ReadObjectAny();
      b->branch_count = bc.branch;
      AnyObject bc2 = ReadObjectAny();
      b->branch_count2 = bc2.branch;
      c_.SkipToEnd(h);
    } else {  // TBranchObject
      VersionHeader h = c_.ReadVersion();
      ReadTBranchBody(b);
      b->element_class_name = c_.TString();
      c_.SkipToEnd(h);
    }
    return b;
  }

  void ReadTBranchBody(Branch* b) {
    VersionHeader h = c_.ReadVersion();
    if (h.version < 10 || h.version > 13) {
      c_.Fail(Status::Unsupported("TBranch version " + std::to_string(h.version) +
                                  " (supported: 10-13)"));
      return;
    }
    ReadTNamed(&b->name, &b->title);
    SkipVersioned();  // TAttFill
    c_.SetWhat("TBranch");
    b->compress = c_.I32();
    b->basket_size = c_.I32();
    b->entry_offset_len = c_.I32();
    b->write_basket = c_.I32();
    b->entry_number = c_.I64();
    if (h.version >= 13) SkipVersioned();  // fIOFeatures (ROOT::TIOFeatures)
    b->offset = c_.I32();
    b->max_baskets = c_.I32();
    b->split_level = c_.I32();
    b->entries = c_.I64();
    if (h.version >= 11) b->first_entry = c_.I64();
    b->tot_bytes = c_.I64();
    b->zip_bytes = c_.I64();
    std::vector<AnyObject> subs, leaves, baskets;
    ReadObjArrayInline(&subs);
    ReadObjArrayInline(&leaves);
    ReadObjArrayInline(&baskets);
    if (!c_.ok()) return;
    if (b->max_baskets < 0 || b->write_basket < 0 || b->write_basket > b->max_baskets) {
      c_.Fail(Status::Corruption("branch '" + b->name + "': fWriteBasket " +
                                 std::to_string(b->write_basket) + " / fMaxBaskets " +
                                 std::to_string(b->max_baskets) + " are inconsistent"));
      return;
    }
    c_.SetWhat("TBranch basket arrays");
    b->basket_bytes = ReadArrayAfterSpeedbump<int32_t>(b->max_baskets, &Cursor::I32);
    b->basket_entry = ReadArrayAfterSpeedbump<int64_t>(b->max_baskets, &Cursor::I64);
    b->basket_seek = ReadArrayAfterSpeedbump<int64_t>(b->max_baskets, &Cursor::I64);
    c_.SkipToEnd(h);  // fFileName
    for (auto& s : subs) {
      if (s.branch) b->branches.push_back(s.branch);
    }
    for (auto& l : leaves) {
      if (l.leaf) {
        b->leaves.push_back(l.leaf);
        if (!l.leaf->branch) l.leaf->branch = b;
      }
    }
    for (auto& k : baskets) {
      if (k.basket) b->embedded_baskets.push_back(k.basket);
    }
  }

  Leaf* ReadLeaf(const std::string& cls) {
    auto owned = std::make_unique<Leaf>();
    Leaf* l = owned.get();
    tree_->owned_leaves.push_back(std::move(owned));
    l->class_name = cls;
    VersionHeader outer = c_.ReadVersion();  // TLeafX
    VersionHeader h = c_.ReadVersion();      // TLeaf
    ReadTNamed(&l->name, &l->title);
    c_.SetWhat("TLeaf");
    l->len = c_.I32();
    l->len_type = c_.I32();
    l->offset = c_.I32();
    l->is_range = c_.Bool();
    l->is_unsigned = c_.Bool();
    AnyObject count = ReadObjectAny();
    l->leaf_count = count.leaf;
    c_.SkipToEnd(h);
    if (cls == "TLeafElement") {
      l->element_id = c_.I32();
      l->element_type = c_.I32();
    }
    c_.SkipToEnd(outer);  // fMinimum/fMaximum etc.
    return l;
  }

  /// A TBasket streamed inside TBranch::fBaskets: key fields, TBasket fields, a flag, then
  /// (depending on the flag) the entry-offset array and the buffer (TBasket::Streamer,
  /// tree/tree/src/TBasket.cxx; uproot models/TBasket.py for the embedded case).
  std::shared_ptr<EmbeddedBasket> ReadEmbeddedBasket() {
    auto k = std::make_shared<EmbeddedBasket>();
    size_t start = c_.pos();
    c_.SetWhat("embedded TBasket");
    int32_t nbytes = c_.I32();
    (void)nbytes;
    int16_t key_version = c_.I16();
    (void)key_version;
    c_.I32();  // fObjlen
    c_.U32();  // fDatime
    k->keylen = c_.I16();
    c_.I16();  // fCycle
    if (!c_.ok()) return k;
    if (k->keylen < 19) {
      c_.Fail(Status::Corruption("embedded TBasket with fKeylen " + std::to_string(k->keylen)));
      return k;
    }
    // The basket fields are the last 18 bytes of the key header, followed by a flag byte.
    c_.Seek(start + static_cast<size_t>(k->keylen) - 19);
    c_.U16();  // fVersion
    c_.I32();  // fBufferSize
    int32_t nev_buf_size = c_.I32();
    (void)nev_buf_size;
    k->nev_buf = c_.I32();
    k->last = c_.I32();
    uint8_t flag = c_.U8();
    if (!c_.ok()) return k;
    if (k->nev_buf < 0 || k->last < k->keylen) {
      c_.Fail(Status::Corruption("embedded TBasket: fNevBuf " + std::to_string(k->nev_buf) +
                                 ", fLast " + std::to_string(k->last)));
      return k;
    }
    if (flag == 0) return k;
    if (flag % 10 != 2) {
      int32_t n = c_.I32();
      if (n < 0 || static_cast<size_t>(n) * 4 > c_.remaining()) {
        c_.Fail(Status::Corruption("embedded TBasket: entry-offset count " + std::to_string(n)));
        return k;
      }
      k->entry_offsets.resize(static_cast<size_t>(n));
      for (auto& o : k->entry_offsets) o = c_.I32() - k->keylen;
      if (flag > 40) {  // displacement array (kDisplacementMask): read and ignore
        int32_t nd = c_.I32();
        if (nd < 0 || static_cast<size_t>(nd) * 4 > c_.remaining()) {
          c_.Fail(Status::Corruption("embedded TBasket: displacement count"));
          return k;
        }
        c_.Skip(static_cast<size_t>(nd) * 4);
      }
    }
    if (flag == 1 || flag > 10) {
      // The buffer: fLast bytes, the first fKeylen of which repeat the key.
      c_.Skip(static_cast<size_t>(k->keylen));
      ByteView data = c_.Bytes(static_cast<size_t>(k->last - k->keylen));
      k->data.assign(data.begin(), data.end());
    }
    return k;
  }

  std::shared_ptr<StreamerInfo> ReadStreamerInfo() {
    auto info = std::make_shared<StreamerInfo>();
    VersionHeader h = c_.ReadVersion();
    std::string title;
    ReadTNamed(&info->class_name, &title);
    info->checksum = c_.U32();
    info->class_version = c_.I32();
    AnyObject elements = ReadObjectAny();
    if (elements.array) {
      // References can hand one element list to many infos; each element read takes bytes
      // of the record, so more copies than the record's size means a corrupt record.
      copied_elements_ += elements.array->size();
      if (copied_elements_ > c_.size()) {
        c_.Fail(Status::Corruption("streamer infos reference more elements (" +
                                   std::to_string(copied_elements_) + ") than a " +
                                   std::to_string(c_.size()) + "-byte record holds"));
        return info;
      }
      for (const auto& e : *elements.array) {
        if (e.element) info->elements.push_back(*e.element);
      }
    }
    c_.SkipToEnd(h);
    return info;
  }

  std::shared_ptr<StreamerElement> ReadStreamerElement(const std::string& cls) {
    auto e = std::make_shared<StreamerElement>();
    e->element_class = cls;
    VersionHeader outer = c_.ReadVersion();
    // TStreamerSTLstring derives from TStreamerSTL: one more header level.
    VersionHeader stl_level;
    if (cls == "TStreamerSTLstring") stl_level = c_.ReadVersion();
    VersionHeader h = c_.ReadVersion();  // TStreamerElement
    ReadTNamed(&e->name, &e->title);
    e->type = c_.I32();
    e->size = c_.I32();
    e->array_length = c_.I32();
    e->array_dim = c_.I32();
    if (h.version == 1) {
      int32_t n = c_.I32();
      for (int32_t i = 0; i < n && c_.ok(); ++i) {
        int32_t v = c_.I32();
        if (i < 5) e->max_index[i] = v;
      }
    } else {
      for (int& m : e->max_index) m = c_.I32();
    }
    e->type_name = c_.TString();
    c_.SkipToEnd(h);
    if (cls == "TStreamerBase") {
      if (outer.version > 2) e->base_version = c_.I32();
    } else if (cls == "TStreamerBasicPointer" || cls == "TStreamerLoop") {
      c_.I32();  // fCountVersion
      e->count_name = c_.TString();
    } else if (cls == "TStreamerSTL" || cls == "TStreamerSTLstring") {
      e->stl_type = c_.I32();
      e->ctype = c_.I32();
      c_.SkipToEnd(stl_level);
    }
    c_.SkipToEnd(outer);
    return e;
  }

 private:
  uint32_t NextTag() { return static_cast<uint32_t>(objects_.size() + classes_.size() + 1); }

  static constexpr int kMaxDepth = 100;
  Cursor& c_;
  Tree* tree_;
  int depth_ = 0;
  size_t copied_elements_ = 0;
  std::unordered_map<uint32_t, std::string> classes_;
  std::unordered_map<uint32_t, AnyObject> objects_;
};

}  // namespace

Result<std::unique_ptr<Tree>> ParseTree(ByteView payload, int32_t keylen) {
  auto tree = std::make_unique<Tree>();
  Cursor c(payload, keylen);
  ObjectReader r(c, tree.get());
  VersionHeader h = c.ReadVersion();
  tree->class_version = h.version;
  if (!c.ok()) return c.status();
  if (h.version < 16 || h.version > 20) {
    return Status::Unsupported("TTree class version " + std::to_string(h.version) +
                               " (supported: 16-20, ROOT 5.22 to 6.3x)");
  }
  r.ReadTNamed(&tree->name, &tree->title);
  r.SkipVersioned();  // TAttLine
  r.SkipVersioned();  // TAttFill
  r.SkipVersioned();  // TAttMarker
  c.SetWhat("TTree");
  int v = h.version;
  tree->entries = c.I64();
  tree->tot_bytes = c.I64();
  tree->zip_bytes = c.I64();
  c.I64();              // fSavedBytes
  if (v >= 18) c.I64();  // fFlushedBytes
  c.F64();              // fWeight
  c.I32();              // fTimerInterval
  c.I32();              // fScanField
  c.I32();              // fUpdate
  if (v >= 17) c.I32();  // fDefaultEntryOffsetLen
  int32_t n_cluster_range = 0;
  if (v >= 19) n_cluster_range = c.I32();
  c.I64();  // fMaxEntries
  c.I64();  // fMaxEntryLoop
  c.I64();  // fMaxVirtualSize
  c.I64();  // fAutoSave
  if (v >= 18) tree->auto_flush = c.I64();
  c.I64();  // fEstimate
  if (v >= 19) {
    tree->cluster_range_end = r.ReadArrayAfterSpeedbump<int64_t>(n_cluster_range, &Cursor::I64);
    tree->cluster_size = r.ReadArrayAfterSpeedbump<int64_t>(n_cluster_range, &Cursor::I64);
  }
  if (v >= 20) r.SkipVersioned();  // fIOFeatures
  std::vector<AnyObject> branches;
  r.ReadObjArrayInline(&branches);
  if (!c.ok()) return c.status();
  if (tree->entries < 0) {
    return Status::Corruption("TTree '" + tree->name + "' has negative fEntries");
  }
  for (auto& b : branches) {
    if (b.branch) tree->branches.push_back(b.branch);
  }
  IndexBranches(tree.get());
  return tree;
}

Result<std::vector<StreamerInfo>> ParseStreamerInfoList(ByteView payload, int32_t keylen) {
  Tree scratch;
  Cursor c(payload, keylen);
  ObjectReader r(c, &scratch);
  std::vector<AnyObject> items;
  r.ReadCollection("TList", &items);
  if (!c.ok()) return c.status();
  std::vector<StreamerInfo> out;
  for (auto& it : items) {
    if (it.info) out.push_back(std::move(*it.info));
  }
  return out;
}

}  // namespace arrowroot::root_format
