// Over ~500 lines on purpose: one short reader per class the TTree record streams (TTree,
// TBranch and its subclasses, the TLeaf family, TBasket, TObjArray, TAttLine/Fill/Marker),
// each with its own version dispatch; they share the record's cursor discipline and are read
// side by side with ROOT's and uproot's models, so they stay in one file.
//
// Object layouts follow ROOT's streamers (tree/tree/src/TTree.cxx, TBranch.cxx,
// TBranchElement.cxx, TLeaf.cxx, TBasket.cxx; io/io/src/TBufferFile.cxx ReadObjectAny) as
// documented by uproot5 src/uproot/models/{TTree,TBranch,TLeaf,TBasket,TObjArray}.py and
// src/uproot/deserialization.py; see docs/format/README.md.
#include "arrowroot/root_format/streamed_objects.h"

#include <limits>
#include <map>
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
  ObjectReader(Cursor& c, Tree* tree, StreamerInfoLookup streamers = {},
               bool prefer_streamers = false)
      : c_(c), tree_(tree), streamers_(std::move(streamers)), prefer_streamers_(prefer_streamers) {}

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
    c_.Skip(kBasicPointerFlagBytes);  // "speedbump" byte before fast arrays
    if (n < 0 || static_cast<size_t>(n) * sizeof(T) > c_.remaining()) {
      c_.Fail(Status::Corruption("array of " + std::to_string(n) + " elements does not fit"));
      return v;
    }
    v.resize(static_cast<size_t>(n));
    for (auto& x : v) x = (c_.*load)();
    return v;
  }

  // ---- TBranch, TBranchElement, TBranchObject, TLeaf*, TTree: by hand for the versions
  // ---- below, by the file's streamer info for the others (members.h).
  //
  // By hand: what uproot hard-codes (models/TTree.py, TBranch.py, TLeaf.py: TTree 16-20,
  // TBranch 10-13, TBranchElement 8-10, TLeaf 2), plus TBranch 6-9 and TLeaf 1, which ROOT
  // itself reads by hand (TBranch::Streamer, TLeaf::Streamer). ROOT reads every other
  // version with ReadClassBuffer, i.e. by the file's streamer info (TTree::Streamer for
  // v > 4, TBranch for v > 9, TLeaf for v > 1), and so does this reader.

  /// The streamer info for a class version read by members, or nullptr to read it by hand.
  /// `by_hand`: this reader knows the version. Fails the cursor (Unsupported) when it knows
  /// neither way.
  const StreamerInfo* MembersInfo(const std::string& cls, int32_t version, bool by_hand,
                                  const char* hand_versions) {
    const StreamerInfo* info =
        (by_hand && !prefer_streamers_) || !streamers_ ? nullptr : streamers_(cls, version);
    if (info == nullptr && !by_hand) {
      c_.Fail(Status::Unsupported(MissingStreamerMessage(cls, version, hand_versions)));
    }
    return info;
  }

  /// An object member read for ReadMembers: collections and other objects inline, pointers
  /// through ReadObjectAny.
  AnyObject ReadObjectMember(const StreamerElement& e, bool is_pointer) {
    if (is_pointer) return ReadObjectAny();
    std::string cls = e.type_name;
    while (!cls.empty() && (cls.back() == '*' || cls.back() == ' ')) cls.pop_back();
    if (cls == "TObjArray" || cls == "TList" || cls == "THashList") return ReadClass(cls);
    // TArrayX has a hand-written streamer without a version header: i32 n, n values
    // (core/cont/src/TArrayD.cxx TArrayD::Streamer; uproot models/TArray.py).
    static const std::map<std::string, size_t> kArrays = {
        {"TArrayC", 1}, {"TArrayS", 2}, {"TArrayI", 4}, {"TArrayL", 8},
        {"TArrayL64", 8}, {"TArrayF", 4}, {"TArrayD", 8}};
    if (auto it = kArrays.find(cls); it != kArrays.end()) {
      int32_t n = c_.I32();
      if (n < 0 || static_cast<size_t>(n) > c_.remaining() / it->second) {
        c_.Fail(Status::Corruption(cls + " " + e.name + " claims " + std::to_string(n) +
                                   " values"));
        return {};
      }
      c_.Skip(static_cast<size_t>(n) * it->second);
      return {};
    }
    VersionHeader h = c_.ReadVersion();
    if (c_.ok() && !h.has_byte_count) {
      c_.Fail(Status::Unsupported("member " + e.name + " of class " + cls +
                                  " has no byte count and cannot be skipped"));
    }
    c_.SkipToEnd(h);
    return {};
  }

  Branch* ReadBranch(const std::string& cls) {
    auto owned = std::make_unique<Branch>();
    Branch* b = owned.get();
    tree_->owned_branches.push_back(std::move(owned));
    b->class_name = cls;
    if (cls == "TBranch") {
      ReadTBranchBody(b);
      return b;
    }
    if (cls == "TBranchSTL") {
      c_.Fail(Status::Unsupported("TBranchSTL is not supported"));
      return b;
    }
    VersionHeader h = c_.ReadVersion();
    if (!c_.ok()) return b;
    const bool element = cls == "TBranchElement";
    const bool by_hand = element ? h.version >= 8 && h.version <= 10 : h.version == 1;
    const StreamerInfo* info =
        MembersInfo(cls, h.version, by_hand, element ? "versions 8-10" : "version 1");
    if (!c_.ok()) return b;
    if (info != nullptr) {
      ReadBranchSubclassMembers(*info, b);
    } else if (element) {
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
    } else {  // TBranchObject v1
      ReadTBranchBody(b);
      b->element_class_name = c_.TString();
    }
    c_.SkipToEnd(h);
    return b;
  }

  /// TBranchElement / TBranchObject by their streamer info; the TBranch base by ReadTBranchBody.
  void ReadBranchSubclassMembers(const StreamerInfo& info, Branch* b);

  void ReadTBranchBody(Branch* b) {
    VersionHeader h = c_.ReadVersion();
    if (!c_.ok()) return;
    const StreamerInfo* info = MembersInfo("TBranch", h.version,
                                           h.version >= 6 && h.version <= 13, "versions 6-13");
    if (!c_.ok()) return;
    if (info != nullptr) {
      ReadTBranchMembers(*info, b);
      c_.SkipToEnd(h);
      return;
    }
    if (h.version < 10) {
      ReadOldTBranchBody(h, b);
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
    if (!CheckBasketCounts(b)) return;
    c_.SetWhat("TBranch basket arrays");
    b->basket_bytes = ReadArrayAfterSpeedbump<int32_t>(b->max_baskets, &Cursor::I32);
    b->basket_entry = ReadArrayAfterSpeedbump<int64_t>(b->max_baskets, &Cursor::I64);
    b->basket_seek = ReadArrayAfterSpeedbump<int64_t>(b->max_baskets, &Cursor::I64);
    c_.SkipToEnd(h);  // fFileName
    AttachBranchObjects(b, subs, leaves, baskets);
  }

  /// TBranch versions 6-9 (ROOT 3/4), as TBranch::Streamer reads them by hand (TBranch.cxx,
  /// "process old versions before automatic schema evolution"): TNamed, [8] TAttFill,
  /// fCompress, fBasketSize, fEntryOffsetLen, fWriteBasket, fEntryNumber (i32), fOffset,
  /// fMaxBaskets, [7] fSplitLevel, fEntries, fTotBytes, fZipBytes (f64), fBranches, fLeaves,
  /// fBaskets, then fBasketBytes, fBasketEntry (i32) and fBasketSeek, each fMaxBaskets long
  /// after a byte; that byte is 2 before 64-bit seeks (files past 2 GB), else they are i32.
  /// fFileName. The file's streamer info for these versions says the same, but not the 2.
  void ReadOldTBranchBody(const VersionHeader& h, Branch* b) {
    ReadTNamed(&b->name, &b->title);
    if (h.version > 7) SkipVersioned();  // TAttFill
    c_.SetWhat("TBranch");
    b->compress = c_.I32();
    b->basket_size = c_.I32();
    b->entry_offset_len = c_.I32();
    b->write_basket = c_.I32();
    b->entry_number = c_.I32();
    b->offset = c_.I32();
    b->max_baskets = c_.I32();
    if (h.version > 6) b->split_level = c_.I32();
    int64_t* counts[] = {&b->entries, &b->tot_bytes, &b->zip_bytes};
    for (int64_t* field : counts) {
      const double d = c_.F64();
      if (c_.ok() && !(d >= 0 && d < 9.2e18)) {
        c_.Fail(Status::Corruption("branch '" + b->name + "': a count of " + std::to_string(d)));
        return;
      }
      *field = static_cast<int64_t>(d);
    }
    std::vector<AnyObject> subs, leaves, baskets;
    ReadObjArrayInline(&subs);
    ReadObjArrayInline(&leaves);
    ReadObjArrayInline(&baskets);
    if (!CheckBasketCounts(b)) return;
    c_.SetWhat("TBranch basket arrays");
    b->basket_bytes = ReadArrayAfterSpeedbump<int32_t>(b->max_baskets, &Cursor::I32);
    std::vector<int32_t> entry = ReadArrayAfterSpeedbump<int32_t>(b->max_baskets, &Cursor::I32);
    b->basket_entry.assign(entry.begin(), entry.end());
    const bool large = c_.ok() && c_.remaining() > 0 && c_.data()[c_.pos()] == std::byte{2};
    if (large) {
      b->basket_seek = ReadArrayAfterSpeedbump<int64_t>(b->max_baskets, &Cursor::I64);
    } else {
      std::vector<int32_t> seek = ReadArrayAfterSpeedbump<int32_t>(b->max_baskets, &Cursor::I32);
      b->basket_seek.assign(seek.begin(), seek.end());
    }
    c_.SkipToEnd(h);  // fFileName
    AttachBranchObjects(b, subs, leaves, baskets);
  }

  /// TBranch by its streamer info: versions this reader does not know (TBranch.cxx
  /// TBranch::Streamer sends every version > 9 to ReadClassBuffer).
  void ReadTBranchMembers(const StreamerInfo& info, Branch* b);

  bool CheckBasketCounts(const Branch* b) {
    if (!c_.ok()) return false;
    if (b->max_baskets < 0 || b->write_basket < 0 || b->write_basket > b->max_baskets) {
      c_.Fail(Status::Corruption("branch '" + b->name + "': fWriteBasket " +
                                 std::to_string(b->write_basket) + " / fMaxBaskets " +
                                 std::to_string(b->max_baskets) + " are inconsistent"));
      return false;
    }
    return true;
  }

  void AttachBranchObjects(Branch* b, const std::vector<AnyObject>& subs,
                           const std::vector<AnyObject>& leaves,
                           const std::vector<AnyObject>& baskets) {
    for (const auto& s : subs) {
      if (s.branch) b->branches.push_back(s.branch);
    }
    for (const auto& l : leaves) {
      if (l.leaf) {
        b->leaves.push_back(l.leaf);
        if (!l.leaf->branch) l.leaf->branch = b;
      }
    }
    // fBaskets keeps a slot per basket number: baskets written to the file are null there,
    // those still in memory when the tree was written are streamed in place (TBranch.cxx,
    // TBranch::Streamer writes fBaskets whole; TBranch::GetBasket looks there first).
    for (size_t slot = 0; slot < baskets.size(); ++slot) {
      if (baskets[slot].basket) {
        baskets[slot].basket->slot = static_cast<int32_t>(slot);
        b->embedded_baskets.push_back(baskets[slot].basket);
      }
    }
  }

  Leaf* ReadLeaf(const std::string& cls) {
    auto owned = std::make_unique<Leaf>();
    Leaf* l = owned.get();
    tree_->owned_leaves.push_back(std::move(owned));
    l->class_name = cls;
    VersionHeader outer = c_.ReadVersion();  // TLeafX
    if (!c_.ok()) return l;
    // Every TLeafX is version 1 except TLeafObject (4) (tree/tree/inc/TLeaf*.h ClassDef).
    // Another version is read by its streamer info if the file has one, else as those are:
    // the TLeaf base first, then members of the subclass (only TLeafElement's are needed).
    const bool by_hand = outer.version == (cls == "TLeafObject" ? 4 : 1);
    const StreamerInfo* info =
        (by_hand && !prefer_streamers_) || !streamers_ ? nullptr : streamers_(cls, outer.version);
    if (info != nullptr) {
      ReadLeafSubclassMembers(*info, l);
    } else {
      ReadTLeafBody(l);
      if (cls == "TLeafElement") {
        l->element_id = c_.I32();
        l->element_type = c_.I32();
      }
    }
    c_.SkipToEnd(outer);  // fMinimum/fMaximum etc.
    return l;
  }

  void ReadLeafSubclassMembers(const StreamerInfo& info, Leaf* l);

  void ReadTLeafBody(Leaf* l) {
    VersionHeader h = c_.ReadVersion();  // TLeaf
    if (!c_.ok()) return;
    // TLeaf.cxx TLeaf::Streamer: version 1 by hand, later ones by ReadClassBuffer; both have
    // the layout below up to version 2.
    const StreamerInfo* info =
        MembersInfo("TLeaf", h.version, h.version >= 1 && h.version <= 2, "versions 1-2");
    if (!c_.ok()) return;
    if (info != nullptr) {
      ReadTLeafMembers(*info, l);
      c_.SkipToEnd(h);
      return;
    }
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
  }

  void ReadTLeafMembers(const StreamerInfo& info, Leaf* l);

  /// TTree (its version header included): by hand for v16–20, else by its streamer info.
  void ReadTreeBody() {
    Tree* tree = tree_;
    VersionHeader h = c_.ReadVersion();
    tree->class_version = h.version;
    if (!c_.ok()) return;
    const StreamerInfo* info = MembersInfo("TTree", h.version, h.version >= 16 && h.version <= 20,
                                           "versions 16-20, ROOT 5.22 to 6.3x,");
    if (!c_.ok()) return;
    std::vector<AnyObject> branches;
    if (info != nullptr) {
      ReadTreeMembers(*info, &branches);
    } else {
      ReadTNamed(&tree->name, &tree->title);
      SkipVersioned();  // TAttLine
      SkipVersioned();  // TAttFill
      SkipVersioned();  // TAttMarker
      c_.SetWhat("TTree");
      int v = h.version;
      tree->entries = c_.I64();
      tree->tot_bytes = c_.I64();
      tree->zip_bytes = c_.I64();
      c_.I64();               // fSavedBytes
      if (v >= 18) c_.I64();  // fFlushedBytes
      c_.F64();               // fWeight
      c_.I32();               // fTimerInterval
      c_.I32();               // fScanField
      c_.I32();               // fUpdate
      if (v >= 17) c_.I32();  // fDefaultEntryOffsetLen
      int32_t n_cluster_range = 0;
      if (v >= 19) n_cluster_range = c_.I32();
      c_.I64();  // fMaxEntries
      c_.I64();  // fMaxEntryLoop
      c_.I64();  // fMaxVirtualSize
      c_.I64();  // fAutoSave
      if (v >= 18) tree->auto_flush = c_.I64();
      c_.I64();  // fEstimate
      if (v >= 19) {
        tree->cluster_range_end = ReadArrayAfterSpeedbump<int64_t>(n_cluster_range, &Cursor::I64);
        tree->cluster_size = ReadArrayAfterSpeedbump<int64_t>(n_cluster_range, &Cursor::I64);
      }
      if (v >= 20) SkipVersioned();  // fIOFeatures
      ReadObjArrayInline(&branches);
    }
    if (!c_.ok()) return;
    for (auto& b : branches) {
      if (b.branch) tree->branches.push_back(b.branch);
    }
    c_.SkipToEnd(h);
  }

  void ReadTreeMembers(const StreamerInfo& info, std::vector<AnyObject>* branches);

  /// A TBasket streamed inside TBranch::fBaskets (tree/tree/src/TBasket.cxx TBasket::Streamer):
  /// the TKey fields, u16 version, fBufferSize, fNevBufSize (negative: a u8 of fIOBits
  /// follows), fNevBuf, fLast, a flag; then by the flag: ≥ 80 subtract 80, the offsets are
  /// generated (none stored); else if nonzero and not 2 mod 10, the entry offsets (only when
  /// fNevBuf > 0: i32 count, count × i32 from the key start; 20 < flag < 40: the top byte is a
  /// displacement, masked off) and for flag > 40 a displacement array (i32 count + values);
  /// flag 1 or > 10: the buffer, fLast bytes (version ≤ 1: i32 count + bytes), whose first
  /// fKeylen bytes repeat the key. uproot models/TBasket.py reads the same.
  std::shared_ptr<EmbeddedBasket> ReadEmbeddedBasket() {
    auto k = std::make_shared<EmbeddedBasket>();
    c_.SetWhat("embedded TBasket");
    c_.I32();  // fNbytes
    const int16_t key_version = c_.I16();
    c_.I32();  // fObjlen
    c_.U32();  // fDatime
    k->keylen = c_.I16();
    c_.I16();  // fCycle
    c_.Skip(key_version > 1000 ? 16 : 8);  // fSeekKey, fSeekPdir
    c_.TString();  // fClassName
    c_.TString();  // fName
    c_.TString();  // fTitle
    VersionHeader v = c_.ReadVersion();
    c_.I32();  // fBufferSize
    const int32_t nev_buf_size = c_.I32();
    if (nev_buf_size < 0) c_.U8();  // fIOBits
    k->nev_buf = c_.I32();
    k->last = c_.I32();
    int flag = c_.U8();
    if (!c_.ok()) return k;
    if (k->keylen < 0 || k->nev_buf < 0 || k->last < k->keylen) {
      c_.Fail(Status::Corruption("embedded TBasket: fKeylen " + std::to_string(k->keylen) +
                                 ", fNevBuf " + std::to_string(k->nev_buf) + ", fLast " +
                                 std::to_string(k->last) + " are inconsistent"));
      return k;
    }
    const bool generate_offsets = flag >= 80;
    if (generate_offsets) flag -= 80;
    auto read_i32_array = [&](std::vector<int32_t>* out, const char* what) {
      int32_t n = c_.I32();
      if (n < 0 || static_cast<size_t>(n) > c_.remaining() / 4) {
        c_.Fail(Status::Corruption(std::string("embedded TBasket: ") + what + " count " +
                                   std::to_string(n) + " does not fit in the " +
                                   std::to_string(c_.remaining()) + " bytes left"));
        return;
      }
      if (out == nullptr) {
        c_.Skip(static_cast<size_t>(n) * 4);
        return;
      }
      out->resize(static_cast<size_t>(n));
      for (auto& o : *out) o = c_.I32();
    };
    if (!generate_offsets && flag != 0 && flag % 10 != 2) {
      if (k->nev_buf > 0) read_i32_array(&k->entry_offsets, "entry-offset");
      const bool displaced = flag > 20 && flag < 40;
      for (auto& o : k->entry_offsets) {
        if (displaced) o &= 0x00FFFFFF;  // ~kDisplacementMask
        // From the key start to the data start; wraps, never overflows: ViewEmbeddedBasket's
        // CheckOffsets rejects a damaged offset.
        o = static_cast<int32_t>(static_cast<uint32_t>(o) - static_cast<uint32_t>(k->keylen));
      }
      if (flag > 40) read_i32_array(nullptr, "displacement");
    }
    if (flag == 1 || flag > 10) {
      k->has_buffer = true;
      size_t n = static_cast<size_t>(k->last);
      if (v.version <= 1) {  // TBuffer::ReadArray: its own count first
        int32_t count = c_.I32();
        if (c_.ok() && count != k->last) {
          c_.Fail(Status::Corruption("embedded TBasket: buffer of " + std::to_string(count) +
                                     " bytes, fLast says " + std::to_string(k->last)));
          return k;
        }
      }
      c_.Skip(static_cast<size_t>(k->keylen));
      ByteView data = c_.Bytes(n - static_cast<size_t>(k->keylen));
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
  StreamerInfoLookup streamers_;
  bool prefer_streamers_ = false;
  int depth_ = 0;
  size_t copied_elements_ = 0;
  std::unordered_map<uint32_t, std::string> classes_;
  std::unordered_map<uint32_t, AnyObject> objects_;
};

/// ReadMembers' view of an ObjectReader: objects through it, kept by member name; the TBranch
/// and TLeaf bases of a subclass read into `branch` / `leaf` by their own (version-dispatching)
/// readers.
class ReaderHooks : public MemberHooks {
 public:
  ReaderHooks(ObjectReader& r, Branch* branch, Leaf* leaf) : r_(r), branch_(branch), leaf_(leaf) {}
  bool ReadBase(Cursor&, const StreamerElement& base) override {
    if (branch_ != nullptr && base.name == "TBranch") {
      r_.ReadTBranchBody(branch_);
      return true;
    }
    if (leaf_ != nullptr && base.name == "TLeaf") {
      r_.ReadTLeafBody(leaf_);
      return true;
    }
    return false;
  }
  void ReadObject(Cursor&, const StreamerElement& e, bool is_pointer) override {
    objects[e.name] = r_.ReadObjectMember(e, is_pointer);
  }
  /// The collection member `name` (fBranches, fLeaves, fBaskets), empty if absent.
  std::vector<AnyObject> Collection(const std::string& name) const {
    auto it = objects.find(name);
    if (it == objects.end() || !it->second.array) return {};
    return *it->second.array;
  }
  const AnyObject* Object(const std::string& name) const {
    auto it = objects.find(name);
    return it == objects.end() ? nullptr : &it->second;
  }

  std::map<std::string, AnyObject> objects;

 private:
  ObjectReader& r_;
  Branch* branch_;
  Leaf* leaf_;
};

/// Copy an integer member into `*field` if the class version has it; false (and the cursor
/// failed) if it has it but the value does not fit.
template <typename T>
bool TakeInt(Cursor& c, const MemberValues& v, const std::string& cls, const std::string& name,
             T* field) {
  if (!v.Has(name)) return true;
  std::optional<int64_t> x = v.Int(name);
  if (!x || *x < std::numeric_limits<T>::min() || *x > std::numeric_limits<T>::max()) {
    c.Fail(Status::Corruption(cls + "::" + name + " is out of range"));
    return false;
  }
  *field = static_cast<T>(*x);
  return true;
}

template <typename T>
bool TakeArray(Cursor& c, const MemberValues& v, const std::string& cls, const std::string& name,
               std::vector<T>* field) {
  auto it = v.int_arrays.find(name);
  if (it == v.int_arrays.end()) return true;
  field->clear();
  field->reserve(it->second.size());
  for (int64_t x : it->second) {
    if (x < std::numeric_limits<T>::min() || x > std::numeric_limits<T>::max()) {
      c.Fail(Status::Corruption(cls + "::" + name + " holds a value out of range"));
      return false;
    }
    field->push_back(static_cast<T>(x));
  }
  return true;
}

std::string StringMember(const MemberValues& v, const std::string& name) {
  auto it = v.strings.find(name);
  return it == v.strings.end() ? std::string() : it->second;
}

void ObjectReader::ReadTBranchMembers(const StreamerInfo& info, Branch* b) {
  ReaderHooks hooks(*this, nullptr, nullptr);
  MemberValues v;
  ReadMembers(c_, info, streamers_, hooks,
              {"fCompress", "fBasketSize", "fEntryOffsetLen", "fWriteBasket", "fEntryNumber",
               "fOffset", "fMaxBaskets", "fSplitLevel", "fEntries", "fFirstEntry", "fTotBytes",
               "fZipBytes", "fBranches", "fLeaves", "fBaskets", "fBasketBytes", "fBasketEntry",
               "fBasketSeek"},
              &v);
  if (!c_.ok()) return;
  b->name = StringMember(v, "fName");
  b->title = StringMember(v, "fTitle");
  const std::string cls = "TBranch '" + b->name + "'";
  if (!v.Has("fEntries") || !v.Has("fMaxBaskets") || !v.Has("fWriteBasket")) {
    c_.Fail(Status::Unsupported("the streamer info of TBranch version " +
                                std::to_string(info.class_version) +
                                " lacks fEntries, fMaxBaskets or fWriteBasket"));
    return;
  }
  if (!TakeInt(c_, v, cls, "fCompress", &b->compress) ||
      !TakeInt(c_, v, cls, "fBasketSize", &b->basket_size) ||
      !TakeInt(c_, v, cls, "fEntryOffsetLen", &b->entry_offset_len) ||
      !TakeInt(c_, v, cls, "fWriteBasket", &b->write_basket) ||
      !TakeInt(c_, v, cls, "fEntryNumber", &b->entry_number) ||
      !TakeInt(c_, v, cls, "fOffset", &b->offset) ||
      !TakeInt(c_, v, cls, "fMaxBaskets", &b->max_baskets) ||
      !TakeInt(c_, v, cls, "fSplitLevel", &b->split_level) ||
      !TakeInt(c_, v, cls, "fEntries", &b->entries) ||
      !TakeInt(c_, v, cls, "fFirstEntry", &b->first_entry) ||
      !TakeInt(c_, v, cls, "fTotBytes", &b->tot_bytes) ||
      !TakeInt(c_, v, cls, "fZipBytes", &b->zip_bytes)) {
    return;
  }
  if (!CheckBasketCounts(b)) return;
  if (!TakeArray(c_, v, cls, "fBasketBytes", &b->basket_bytes) ||
      !TakeArray(c_, v, cls, "fBasketEntry", &b->basket_entry) ||
      !TakeArray(c_, v, cls, "fBasketSeek", &b->basket_seek)) {
    return;
  }
  AttachBranchObjects(b, hooks.Collection("fBranches"), hooks.Collection("fLeaves"),
                      hooks.Collection("fBaskets"));
}

void ObjectReader::ReadBranchSubclassMembers(const StreamerInfo& info, Branch* b) {
  ReaderHooks hooks(*this, b, nullptr);
  MemberValues v;
  ReadMembers(c_, info, streamers_, hooks,
              {"fClassName", "fParentName", "fClonesName", "fCheckSum", "fClassVersion", "fID",
               "fType", "fStreamerType", "fMaximum", "fBranchCount", "fBranchCount2"},
              &v);
  if (!c_.ok()) return;
  const std::string cls = b->class_name + " '" + b->name + "'";
  b->element_class_name = StringMember(v, "fClassName");
  b->parent_name = StringMember(v, "fParentName");
  b->clones_name = StringMember(v, "fClonesName");
  if (!TakeInt(c_, v, cls, "fCheckSum", &b->checksum) ||
      !TakeInt(c_, v, cls, "fClassVersion", &b->class_version) ||
      !TakeInt(c_, v, cls, "fID", &b->id) || !TakeInt(c_, v, cls, "fType", &b->type) ||
      !TakeInt(c_, v, cls, "fStreamerType", &b->streamer_type) ||
      !TakeInt(c_, v, cls, "fMaximum", &b->maximum)) {
    return;
  }
  if (const AnyObject* o = hooks.Object("fBranchCount")) b->branch_count = o->branch;
  if (const AnyObject* o = hooks.Object("fBranchCount2")) b->branch_count2 = o->branch;
}

void ObjectReader::ReadTLeafMembers(const StreamerInfo& info, Leaf* l) {
  ReaderHooks hooks(*this, nullptr, nullptr);
  MemberValues v;
  ReadMembers(c_, info, streamers_, hooks,
              {"fLen", "fLenType", "fOffset", "fIsRange", "fIsUnsigned", "fLeafCount"}, &v);
  if (!c_.ok()) return;
  l->name = StringMember(v, "fName");
  l->title = StringMember(v, "fTitle");
  const std::string cls = "TLeaf '" + l->name + "'";
  int32_t is_range = 0, is_unsigned = 0;
  if (!TakeInt(c_, v, cls, "fLen", &l->len) || !TakeInt(c_, v, cls, "fLenType", &l->len_type) ||
      !TakeInt(c_, v, cls, "fOffset", &l->offset) ||
      !TakeInt(c_, v, cls, "fIsRange", &is_range) ||
      !TakeInt(c_, v, cls, "fIsUnsigned", &is_unsigned)) {
    return;
  }
  l->is_range = is_range != 0;
  l->is_unsigned = is_unsigned != 0;
  if (const AnyObject* o = hooks.Object("fLeafCount")) l->leaf_count = o->leaf;
}

void ObjectReader::ReadLeafSubclassMembers(const StreamerInfo& info, Leaf* l) {
  ReaderHooks hooks(*this, nullptr, l);
  MemberValues v;
  ReadMembers(c_, info, streamers_, hooks, {"fID", "fType"}, &v);
  if (!c_.ok()) return;
  if (l->class_name == "TLeafElement") {
    const std::string cls = "TLeafElement '" + l->name + "'";
    if (!TakeInt(c_, v, cls, "fID", &l->element_id) ||
        !TakeInt(c_, v, cls, "fType", &l->element_type)) {
      return;
    }
  }
}

void ObjectReader::ReadTreeMembers(const StreamerInfo& info, std::vector<AnyObject>* branches) {
  Tree* tree = tree_;
  ReaderHooks hooks(*this, nullptr, nullptr);
  MemberValues v;
  ReadMembers(c_, info, streamers_, hooks,
              {"fEntries", "fTotBytes", "fZipBytes", "fAutoFlush", "fClusterRangeEnd",
               "fClusterSize", "fBranches"},
              &v);
  if (!c_.ok()) return;
  tree->name = StringMember(v, "fName");
  tree->title = StringMember(v, "fTitle");
  const std::string cls = "TTree '" + tree->name + "'";
  if (!v.Has("fEntries") || !hooks.Object("fBranches")) {
    c_.Fail(Status::Unsupported("the streamer info of TTree version " +
                                std::to_string(info.class_version) +
                                " lacks fEntries or fBranches"));
    return;
  }
  if (!TakeInt(c_, v, cls, "fEntries", &tree->entries) ||
      !TakeInt(c_, v, cls, "fTotBytes", &tree->tot_bytes) ||
      !TakeInt(c_, v, cls, "fZipBytes", &tree->zip_bytes) ||
      !TakeInt(c_, v, cls, "fAutoFlush", &tree->auto_flush) ||
      !TakeArray(c_, v, cls, "fClusterRangeEnd", &tree->cluster_range_end) ||
      !TakeArray(c_, v, cls, "fClusterSize", &tree->cluster_size)) {
    return;
  }
  *branches = hooks.Collection("fBranches");
}

}  // namespace

Result<std::unique_ptr<Tree>> ParseTree(ByteView payload, int32_t keylen,
                                        const TreeParseOptions& options) {
  auto tree = std::make_unique<Tree>();
  Cursor c(payload, keylen);
  ObjectReader r(c, tree.get(), options.streamers, options.prefer_streamers);
  if (options.class_name == "TNtuple" || options.class_name == "TNtupleD") {
    // TNtuple = its own header, the TTree, fNvar (tree/tree/src/TNtuple.cxx TNtuple::Streamer
    // → ReadClassBuffer; uproot models/TTree.py Model_TNtuple). fNvar is not needed.
    VersionHeader outer = c.ReadVersion();
    if (c.ok() && !outer.has_byte_count) {
      return Status::Corruption(options.class_name + " record without a byte count");
    }
    r.ReadTreeBody();
    c.SkipToEnd(outer);
  } else {
    r.ReadTreeBody();
  }
  if (!c.ok()) return c.status();
  if (tree->entries < 0) {
    return Status::Corruption("TTree '" + tree->name + "' has negative fEntries");
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
