// Nested field selection (ScanOptions::fields) through the public API only: the pruned
// columns hold the same values as the same fields of a whole read, entry by entry, and the
// scan reads fewer baskets (TTree) or pages (RNTuple).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "arrowroot/arrowroot.h"

namespace {

using arrowroot::ScanOptions;
using arrowroot::StatusCode;
using Path = std::vector<std::string>;

const std::string kData = ARROWROOT_TESTDATA_DIR;
constexpr char kTrkAna[] = "uproot-issue-1221.root";
constexpr char kRecords[] = "rntuple/rntuple_records_zstd.root";

struct Opened {
  std::shared_ptr<arrowroot::File> file;
  std::shared_ptr<arrowroot::Tree> tree;
};

Opened Open(const std::string& file, const std::string& tree) {
  Opened o;
  auto f = arrowroot::File::Open(kData + "/" + file);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  if (!f.ok()) return o;
  o.file = *f;
  auto t = o.file->OpenTree(tree);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  if (t.ok()) o.tree = *t;
  return o;
}

bool Bit(const void* buffer, int64_t i) {
  return (static_cast<const uint8_t*>(buffer)[i >> 3] >> (i & 7)) & 1;
}

template <typename T>
std::string Num(const void* buffer, int64_t i) {
  return std::to_string(static_cast<const T*>(buffer)[i]);
}

/// Value `i` of `a` (a logical index: a's own offset is added here) as text; with `path`, only
/// what lies along it (structs: the named child; lists: each item).
std::string Render(const ArrowSchema& s, const ArrowArray& a, int64_t i, const Path& path,
                   size_t from) {
  const int64_t j = a.offset + i;
  const std::string f = s.format;
  if (f != "n" && f.rfind("+ud", 0) != 0 && a.null_count != 0 && a.buffers[0] && !Bit(a.buffers[0], j)) {
    return "null";
  }
  if (f == "+s") {
    std::string out = "{";
    for (int64_t k = 0; k < s.n_children; ++k) {
      if (from < path.size() && path[from] != s.children[k]->name) continue;
      out += std::string(s.children[k]->name) + ":" +
             Render(*s.children[k], *a.children[k], j, path, from + 1) + ",";
    }
    return out + "}";
  }
  if (f == "+l" || f == "+m" || f.rfind("+w:", 0) == 0) {
    int64_t b, e;
    if (f[1] == 'w') {
      const int64_t n = std::stoll(f.substr(3));
      b = j * n;
      e = b + n;
    } else {
      b = static_cast<const int32_t*>(a.buffers[1])[j];
      e = static_cast<const int32_t*>(a.buffers[1])[j + 1];
    }
    std::string out = "[";
    // A map's entries struct is named by "key"/"value"; a list is transparent to the path.
    for (int64_t k = b; k < e; ++k) out += Render(*s.children[0], *a.children[0], k, path, from) + ",";
    return out + "]";
  }
  if (f == "u") {
    const auto* o = static_cast<const int32_t*>(a.buffers[1]);
    return "'" + std::string(static_cast<const char*>(a.buffers[2]) + o[j], o[j + 1] - o[j]) + "'";
  }
  if (f == "b") return Bit(a.buffers[1], j) ? "true" : "false";
  if (f == "c") return Num<int8_t>(a.buffers[1], j);
  if (f == "C") return Num<uint8_t>(a.buffers[1], j);
  if (f == "s") return Num<int16_t>(a.buffers[1], j);
  if (f == "S") return Num<uint16_t>(a.buffers[1], j);
  if (f == "i") return Num<int32_t>(a.buffers[1], j);
  if (f == "I") return Num<uint32_t>(a.buffers[1], j);
  if (f == "l") return Num<int64_t>(a.buffers[1], j);
  if (f == "L") return Num<uint64_t>(a.buffers[1], j);
  if (f == "f") return Num<float>(a.buffers[1], j);
  if (f == "g") return Num<double>(a.buffers[1], j);
  return "?" + f;
}

/// Every entry of `columns` (with `fields`), each column of each entry rendered along `along`
/// (one path per column, relative to it).
struct Read {
  std::vector<std::vector<std::string>> rows;  ///< per entry, per column
  arrowroot::ScanStats stats;
  uint64_t bytes_requested = 0;
};

Read ReadAll(const std::string& file, const std::string& tree, const ScanOptions& options,
             const std::vector<Path>& along) {
  Read out;
  Opened o = Open(file, tree);
  if (!o.tree) return out;
  auto scanner = o.tree->NewScanner(options);
  EXPECT_TRUE(scanner.ok()) << scanner.status().ToString();
  if (!scanner.ok()) return out;
  ArrowSchema schema;
  (*scanner)->Schema(&schema);
  while (true) {
    ArrowArray batch;
    auto st = (*scanner)->Next(&batch);
    EXPECT_TRUE(st.ok()) << st.ToString();
    if (!st.ok() || batch.release == nullptr) break;
    for (int64_t r = 0; r < batch.length; ++r) {
      std::vector<std::string> row;
      for (int64_t c = 0; c < batch.n_children; ++c) {
        row.push_back(Render(*schema.children[c], *batch.children[c], r, along[c], 0));
      }
      out.rows.push_back(std::move(row));
    }
    batch.release(&batch);
  }
  schema.release(&schema);
  out.stats = (*scanner)->stats();
  out.bytes_requested = o.file->io_stats().num_bytes_requested;
  return out;
}

/// The Arrow type of a schema as text ("struct<a: i, b: list<f>>"), to check pruned schemas.
std::string TypeText(const ArrowSchema& s) {
  std::string f = s.format;
  if (f == "+s" || f == "+l" || f == "+m" || f.rfind("+w", 0) == 0) {
    std::string out = (f == "+s" ? "struct" : f == "+l" ? "list" : f == "+m" ? "map" : "fixed") + std::string("<");
    for (int64_t k = 0; k < s.n_children; ++k) {
      if (k) out += ", ";
      if (f == "+s") out += std::string(s.children[k]->name) + ": ";
      out += TypeText(*s.children[k]);
    }
    return out + ">";
  }
  return f;
}

/// Pruned read vs whole read: for each kept path, the same values entry by entry.
void ExpectSameAlongPaths(const std::string& file, const std::string& tree,
                          const std::vector<std::string>& columns, const std::vector<Path>& fields,
                          Read* pruned_out = nullptr, Read* whole_out = nullptr) {
  ScanOptions whole;
  whole.columns = columns;
  whole.batch_size = 7;  // batches that start mid-cluster: slices with offsets
  ScanOptions pruned = whole;
  pruned.fields = fields;
  for (const Path& p : fields) {
    std::vector<Path> along(columns.size());  // whole for the other columns
    for (size_t c = 0; c < columns.size(); ++c) {
      if (columns[c] == p[0]) along[c] = Path(p.begin() + 1, p.end());
    }
    Read w = ReadAll(file, tree, whole, along);
    Read r = ReadAll(file, tree, pruned, along);
    ASSERT_EQ(w.rows.size(), r.rows.size());
    ASSERT_FALSE(w.rows.empty());
    for (size_t c = 0; c < columns.size(); ++c) {
      if (columns[c] != p[0]) continue;  // the other columns are pruned by their own paths
      for (size_t e = 0; e < w.rows.size(); ++e) {
        ASSERT_EQ(w.rows[e][c], r.rows[e][c]) << "entry " << e << " along " << p[0] << "/" << p.back();
      }
    }
    if (pruned_out) *pruned_out = r;
    if (whole_out) *whole_out = w;
  }
}

std::string PrunedType(const arrowroot::Tree& tree, const ScanOptions& options, int64_t column = 0) {
  ArrowSchema schema;
  auto st = tree.Schema(options, &schema);
  EXPECT_TRUE(st.ok()) << st.ToString();
  if (!st.ok()) return "";
  std::string out = TypeText(*schema.children[column]);
  schema.release(&schema);
  return out;
}

// ---- TTree: a group reads only the kept sub-branches ----

TEST(NestedFields, TTreeGroupKeepsTheNamedSubBranchesInTheGroupsOrder) {
  Opened o = Open(kTrkAna, "TrkAna/trkana");
  ASSERT_NE(o.tree, nullptr);
  ScanOptions opt;
  opt.columns = {"evtinfo.", "hcnt."};
  opt.fields = {{"evtinfo.", "evtinfo.pbtime"}, {"evtinfo.", "evtinfo.run"}};
  EXPECT_EQ(PrunedType(*o.tree, opt, 0), "struct<evtinfo.run: i, evtinfo.pbtime: f>");
  // A column no path names is whole.
  EXPECT_EQ(PrunedType(*o.tree, opt, 1),
            "struct<hcnt.nsd: i, hcnt.nesel: i, hcnt.nrsel: i, hcnt.ntsel: i, hcnt.nbkg: i>");
}

TEST(NestedFields, TTreeGroupValuesEqualTheWholeReadsAndFewerBasketsAreRead) {
  Read pruned, whole;
  ExpectSameAlongPaths(kTrkAna, "TrkAna/trkana", {"evtinfo.", "dem"},
                       {{"evtinfo.", "evtinfo.run"}, {"dem", "dem.chisq"}}, &pruned, &whole);
  // Two of the groups' 34 sub-branches: strictly fewer baskets and bytes.
  EXPECT_GT(pruned.stats.num_baskets, 0u);
  EXPECT_LT(pruned.stats.num_baskets, whole.stats.num_baskets);
  EXPECT_LT(pruned.stats.num_basket_bytes, whole.stats.num_basket_bytes);
  EXPECT_LT(pruned.bytes_requested, whole.bytes_requested);
  EXPECT_EQ(pruned.stats.num_entries, whole.stats.num_entries);
}

TEST(NestedFields, TTreeNestedGroupsArePrunedRecursively) {
  // evt (class Event, fully split): a group holding a group (evt/P3); 100 entries.
  constexpr char kFile[] = "uproot-small-evnt-tree-fullsplit.root";
  Opened o = Open(kFile, "tree");
  ASSERT_NE(o.tree, nullptr);
  ScanOptions opt;
  opt.columns = {"evt"};
  opt.fields = {{"evt", "StlVecF64"}, {"evt", "P3", "P3.Py"}, {"evt", "F64"}};
  EXPECT_EQ(PrunedType(*o.tree, opt), "struct<F64: g, P3: struct<P3.Py: g>, StlVecF64: list<g>>");
  Read pruned, whole;
  ExpectSameAlongPaths(kFile, "tree", {"evt"}, opt.fields, &pruned, &whole);
  EXPECT_EQ(pruned.rows.size(), 100u);
  EXPECT_GT(pruned.stats.num_baskets, 0u);
  EXPECT_LT(pruned.stats.num_baskets, whole.stats.num_baskets);
  EXPECT_LT(pruned.stats.num_basket_bytes, whole.stats.num_basket_bytes);
}

TEST(NestedFields, TTreeLeafListBranchIsProjectedAfterReading) {
  // de (a leaf list "status/I:alg/I:...") is one branch: read whole, then cut to the fields.
  ExpectSameAlongPaths("uproot-issue-513.root", "TrkAnaNeg/trkana", {"de", "evtinfo."},
                       {{"de", "chisq"}, {"de", "nhits"}, {"evtinfo.", "runid"}});
}

TEST(NestedFields, TTreeObjectBranchIsProjectedAfterReading) {
  // demfit (vector<vector<TrkFitInfo>>) is one branch: read whole, then cut to the fields.
  Opened o = Open(kTrkAna, "TrkAna/trkana");
  ASSERT_NE(o.tree, nullptr);
  ScanOptions opt;
  opt.columns = {"demfit"};
  opt.fields = {{"demfit", "time"}, {"demfit", "mom", "fCoordinates", "fZ"}};
  EXPECT_EQ(PrunedType(*o.tree, opt),
            "list<list<struct<mom: struct<fCoordinates: struct<fZ: f>>, time: g>>>");
  ExpectSameAlongPaths(kTrkAna, "TrkAna/trkana", {"demfit"}, opt.fields);
}

TEST(NestedFields, TTreeSizesCountOnlyTheKeptSubBranches) {
  Opened o = Open(kTrkAna, "TrkAna/trkana");
  ASSERT_NE(o.tree, nullptr);
  ScanOptions whole;
  whole.columns = {"dem"};
  ScanOptions pruned = whole;
  pruned.fields = {{"dem", "dem.chisq"}};
  auto w = o.tree->BytesPerEntry(whole);
  auto p = o.tree->BytesPerEntry(pruned);
  ASSERT_TRUE(w.ok() && p.ok());
  EXPECT_GT(*p, 0);
  EXPECT_LT(*p, *w);
  auto legacy = o.tree->BytesPerEntry(std::vector<std::string>{"dem"});
  ASSERT_TRUE(legacy.ok());
  EXPECT_DOUBLE_EQ(*legacy, *w);
  auto offsets = o.tree->CommonEntryOffsets(pruned);
  ASSERT_TRUE(offsets.ok()) << offsets.status().ToString();
  EXPECT_EQ(offsets->front(), 0);
  EXPECT_EQ(offsets->back(), o.tree->num_entries());
}

// ---- RNTuple: a record loads only the kept subfields' pages ----

TEST(NestedFields, RNTupleRecordsListsAndOptionalsArePruned) {
  Opened o = Open(kRecords, "ntpl");
  ASSERT_NE(o.tree, nullptr);
  ScanOptions opt;
  opt.columns = {"track", "tracks", "uptr_point"};
  opt.fields = {{"track", "origin", "y"}, {"track", "pt"},  {"tracks", "pt"},
                {"tracks", "hits", "x"},  {"uptr_point", "y"}};
  EXPECT_EQ(PrunedType(*o.tree, opt, 0), "struct<pt: g, origin: struct<y: f>>");
  EXPECT_EQ(PrunedType(*o.tree, opt, 1), "list<struct<pt: g, hits: list<struct<x: f>>>>");
  EXPECT_EQ(PrunedType(*o.tree, opt, 2), "struct<y: f>");
  // A path ending at a struct keeps it whole; a longer one then narrows nothing.
  opt.fields = {{"track", "origin"}, {"track", "origin", "x"}};
  EXPECT_EQ(PrunedType(*o.tree, opt, 0), "struct<origin: struct<x: f, y: f>>");
  opt.fields = {{"track"}, {"track", "pt"}};
  EXPECT_EQ(PrunedType(*o.tree, opt, 0).substr(0, 30), "struct<base_id: i, base_weight");
}

TEST(NestedFields, RNTupleValuesEqualTheWholeReadsAndFewerPagesAreRead) {
  Read pruned, whole;
  ExpectSameAlongPaths(kRecords, "ntpl", {"track", "tracks", "uptr_point"},
                       {{"track", "origin", "y"}, {"tracks", "hits", "x"}, {"tracks", "label"},
                        {"tracks", "flags"}, {"uptr_point", "x"}},
                       &pruned, &whole);
  EXPECT_GT(pruned.stats.num_baskets, 0u);  // pages
  EXPECT_LT(pruned.stats.num_baskets, whole.stats.num_baskets);
  EXPECT_LT(pruned.stats.num_basket_bytes, whole.stats.num_basket_bytes);
  EXPECT_LT(pruned.bytes_requested, whole.bytes_requested);
}

TEST(NestedFields, RNTupleSizesCountOnlyTheKeptSubfields) {
  Opened o = Open(kRecords, "ntpl");
  ASSERT_NE(o.tree, nullptr);
  ScanOptions whole;
  whole.columns = {"tracks"};
  ScanOptions pruned = whole;
  pruned.fields = {{"tracks", "pt"}};
  auto w = o.tree->BytesPerEntry(whole);
  auto p = o.tree->BytesPerEntry(pruned);
  ASSERT_TRUE(w.ok() && p.ok());
  EXPECT_GT(*p, 0);
  EXPECT_LT(*p, *w);
  auto a = o.tree->CommonEntryOffsets(pruned);
  auto b = o.tree->CommonEntryOffsets(std::vector<std::string>{"tracks"});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
}

// ---- errors ----

TEST(NestedFields, AnUnknownFieldIsNotFoundListingTheFields) {
  Opened o = Open(kRecords, "ntpl");
  ASSERT_NE(o.tree, nullptr);
  ScanOptions opt;
  opt.columns = {"tracks"};
  opt.fields = {{"tracks", "origin", "z"}};
  ArrowSchema schema;
  auto st = o.tree->Schema(opt, &schema);
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_NE(st.message().find("no field 'z' in column 'tracks', at 'tracks/origin'; its fields: x, y"),
            std::string::npos) << st.ToString();
  auto scan = o.tree->NewScanner(opt);
  EXPECT_EQ(scan.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(o.tree->BytesPerEntry(opt).status().code(), StatusCode::kNotFound);

  Opened t = Open(kTrkAna, "TrkAna/trkana");
  ASSERT_NE(t.tree, nullptr);
  opt.columns = {"evtinfo."};
  opt.fields = {{"evtinfo.", "run"}};  // the sub-branch is "evtinfo.run"
  st = t.tree->Schema(opt, &schema);
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_NE(st.message().find("no field 'run' in column 'evtinfo.'; its fields: evtinfo.event, "
                              "evtinfo.run"), std::string::npos) << st.ToString();
  opt.columns = {"demfit"};
  opt.fields = {{"demfit", "mom", "x"}};
  EXPECT_EQ(t.tree->Schema(opt, &schema).code(), StatusCode::kNotFound);
  EXPECT_EQ(t.tree->CommonEntryOffsets(opt).status().code(), StatusCode::kNotFound);
}

TEST(NestedFields, APathHeadMustBeAScannedColumn) {
  Opened o = Open(kRecords, "ntpl");
  ASSERT_NE(o.tree, nullptr);
  ScanOptions opt;
  opt.columns = {"track"};
  opt.fields = {{"tracks", "pt"}};  // a column, but not one of the scan's
  ArrowSchema schema;
  auto st = o.tree->Schema(opt, &schema);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("field path 'tracks/pt' starts with 'tracks', which is not among "
                              "the scan's columns (track)"), std::string::npos) << st.ToString();
  opt.columns = {};  // every column: paths still need theirs named
  EXPECT_EQ(o.tree->Schema(opt, &schema).code(), StatusCode::kInvalidArgument);
  opt.columns = {"track"};
  opt.fields = {{}};
  EXPECT_EQ(o.tree->Schema(opt, &schema).code(), StatusCode::kInvalidArgument);

  Opened t = Open(kTrkAna, "TrkAna/trkana");
  ASSERT_NE(t.tree, nullptr);
  opt.columns = {"evtinfo."};
  opt.fields = {{"nosuch", "x"}};
  EXPECT_EQ(t.tree->NewScanner(opt).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(t.tree->BytesPerEntry(opt).status().code(), StatusCode::kInvalidArgument);
}

TEST(NestedFields, APathIntoANonStructIsInvalid) {
  Opened o = Open(kRecords, "ntpl");
  ASSERT_NE(o.tree, nullptr);
  ScanOptions opt;
  ArrowSchema schema;
  const std::vector<std::pair<std::string, Path>> cases = {
      {"track", {"track", "pt", "x"}},                         // a number
      {"track", {"track", "label", "x"}},                      // a string
      {"tracks", {"tracks", "flags", "x"}},                    // fixed-size list of numbers
      {"variant_i32_fragile", {"variant_i32_fragile", "_1"}},  // a union
      {"points_x", {"points_x", "x"}},                         // list of numbers
  };
  for (const auto& [column, path] : cases) {
    opt.columns = {column};
    opt.fields = {path};
    auto st = o.tree->Schema(opt, &schema);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << path.back() << ": " << st.ToString();
    EXPECT_NE(st.message().find("not a struct"), std::string::npos) << st.ToString();
  }
  Opened t = Open(kTrkAna, "TrkAna/trkana");
  ASSERT_NE(t.tree, nullptr);
  opt.columns = {"evtinfo."};
  opt.fields = {{"evtinfo.", "evtinfo.run", "x"}};
  auto st = t.tree->Schema(opt, &schema);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
  EXPECT_NE(st.message().find("column 'evtinfo.', at 'evtinfo./evtinfo.run', which is int32, not a struct"),
            std::string::npos) << st.ToString();
}

TEST(NestedFields, AMapIsAddressedByKeyAndValue) {
  Opened o = Open("rntuple/rntuple_collections_zstd.root", "ntpl");
  ASSERT_NE(o.tree, nullptr);
  ScanOptions opt;
  opt.columns = {"map_str_f32"};
  opt.fields = {{"map_str_f32", "value"}};  // an entry keeps both
  EXPECT_EQ(PrunedType(*o.tree, opt), "map<struct<key: u, value: f>>");
  ArrowSchema schema;
  opt.fields = {{"map_str_f32", "x"}};
  EXPECT_EQ(o.tree->Schema(opt, &schema).code(), StatusCode::kNotFound);
  opt.fields = {{"map_str_f32", "value", "x"}};
  EXPECT_EQ(o.tree->Schema(opt, &schema).code(), StatusCode::kInvalidArgument);
  ExpectSameAlongPaths("rntuple/rntuple_collections_zstd.root", "ntpl", {"map_str_f32"},
                       {{"map_str_f32", "value"}});
}

}  // namespace
