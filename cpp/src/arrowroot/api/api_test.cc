// The public API as a front end uses it: only arrowroot/arrowroot.h, data through the Arrow
// C Stream Interface.
#include "arrowroot/arrowroot.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace {

const std::string kData = ARROWROOT_TESTDATA_DIR;

std::shared_ptr<arrowroot::Tree> OpenTree(const std::string& file, const std::string& tree) {
  auto f = arrowroot::File::Open(kData + "/" + file);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  if (!f.ok()) return nullptr;
  auto t = (*f)->OpenTree(tree);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? *t : nullptr;
}

TEST(PublicApi, ListsTheObjectsOfAFile) {
  auto f = arrowroot::File::Open(kData + "/uproot-nesteddirs.root");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ((*f)->name(), kData + "/uproot-nesteddirs.root");
  std::vector<std::string> bad;
  auto objects = (*f)->List(false, &bad);
  ASSERT_TRUE(objects.ok());
  bool found_nested_tree = false;
  for (const auto& o : *objects) {
    if (o.path == "one/two/tree" && o.class_name == "TTree") found_nested_tree = true;
  }
  EXPECT_TRUE(found_nested_tree);
  EXPECT_TRUE(bad.empty());
}

TEST(PublicApi, DescribesATreesColumns) {
  auto tree = OpenTree("uproot-Zmumu.root", "events");
  ASSERT_NE(tree, nullptr);
  EXPECT_EQ(tree->path(), "events");
  EXPECT_EQ(tree->num_entries(), 2304);
  ASSERT_FALSE(tree->columns().empty());
  const arrowroot::Column* e1 = nullptr;
  for (const auto& c : tree->columns()) {
    if (c.name == "E1") e1 = &c;
  }
  ASSERT_NE(e1, nullptr);
  EXPECT_EQ(e1->cpp_type, "Double_t");
  EXPECT_EQ(e1->arrow_type, "float64");
  EXPECT_TRUE(e1->status.ok());
}

TEST(PublicApi, ScansThroughTheArrowCStream) {
  auto tree = OpenTree("uproot-Zmumu.root", "events");
  ASSERT_NE(tree, nullptr);
  arrowroot::ScanOptions opt;
  opt.columns = {"Run", "E1"};
  opt.entry_start = 10;
  opt.entry_stop = 1010;
  opt.batch_size = 300;
  ArrowArrayStream stream;
  ASSERT_TRUE(tree->Scan(opt, &stream).ok());
  ArrowSchema schema;
  ASSERT_EQ(stream.get_schema(&stream, &schema), 0);
  EXPECT_STREQ(schema.format, "+s");
  ASSERT_EQ(schema.n_children, 2);
  EXPECT_STREQ(schema.children[0]->name, "Run");
  EXPECT_STREQ(schema.children[0]->format, "i");
  EXPECT_STREQ(schema.children[1]->format, "g");
  schema.release(&schema);
  int64_t rows = 0, batches = 0;
  double first_e1 = 0;
  while (true) {
    ArrowArray batch;
    ASSERT_EQ(stream.get_next(&stream, &batch), 0);
    if (batch.release == nullptr) break;
    ASSERT_EQ(batch.n_children, 2);
    if (batches == 0) {
      const ArrowArray* e1 = batch.children[1];
      first_e1 = static_cast<const double*>(e1->buffers[1])[e1->offset];
    }
    rows += batch.length;
    ++batches;
    batch.release(&batch);
  }
  stream.release(&stream);
  EXPECT_EQ(rows, 1000);
  EXPECT_EQ(batches, 4);  // 300 + 300 + 300 + 100
  // uproot: events["E1"].array()[10] of uproot-Zmumu.root
  EXPECT_NEAR(first_e1, 88.078330193, 1e-9);
}

TEST(PublicApi, ScansBatchByBatchWithCounters) {
  auto tree = OpenTree("uproot-HZZ.root", "events");
  ASSERT_NE(tree, nullptr);
  arrowroot::ScanOptions opt;
  opt.columns = {"Muon_Px"};
  opt.batch_size = 1000;
  auto scanner = tree->NewScanner(opt);
  ASSERT_TRUE(scanner.ok()) << scanner.status().ToString();
  ArrowSchema schema;
  (*scanner)->Schema(&schema);
  EXPECT_STREQ(schema.children[0]->format, "+l");
  schema.release(&schema);
  int64_t rows = 0;
  while (true) {
    ArrowArray batch;
    ASSERT_TRUE((*scanner)->Next(&batch).ok());
    if (batch.release == nullptr) break;
    rows += batch.length;
    batch.release(&batch);
  }
  EXPECT_EQ(rows, tree->num_entries());
  const arrowroot::ScanStats stats = (*scanner)->stats();
  EXPECT_EQ(stats.num_entries, static_cast<uint64_t>(rows));
  EXPECT_GT(stats.num_baskets, 0u);
  EXPECT_GE(stats.num_uncompressed_bytes, stats.num_basket_bytes / 2);
}

TEST(PublicApi, SchemaMatchesTheScan) {
  auto tree = OpenTree("uproot-HZZ.root", "events");
  ASSERT_NE(tree, nullptr);
  ArrowSchema schema;
  ASSERT_TRUE(tree->Schema({"Muon_Px", "NMuon"}, &schema).ok());
  ASSERT_EQ(schema.n_children, 2);
  EXPECT_STREQ(schema.children[0]->format, "+l");  // a jagged branch: list<float>
  EXPECT_STREQ(schema.children[0]->children[0]->format, "f");
  EXPECT_STREQ(schema.children[1]->format, "i");
  schema.release(&schema);
}

TEST(PublicApi, ErrorsNameWhatIsWrong) {
  auto missing = arrowroot::File::Open(kData + "/no-such-file.root");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), arrowroot::StatusCode::kNotFound);
  EXPECT_NE(missing.status().ToString().find("no-such-file.root"), std::string::npos);

  auto tree = OpenTree("uproot-Zmumu.root", "events");
  ASSERT_NE(tree, nullptr);
  arrowroot::ScanOptions opt;
  opt.columns = {"no_such_branch"};
  ArrowArrayStream stream;
  stream.release = nullptr;
  arrowroot::Status st = tree->Scan(opt, &stream);
  EXPECT_EQ(st.code(), arrowroot::StatusCode::kNotFound);
  EXPECT_NE(st.ToString().find("no_such_branch"), std::string::npos);
  EXPECT_EQ(stream.release, nullptr);  // not written on failure

  auto f = arrowroot::File::Open(kData + "/uproot-Zmumu.root");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ((*f)->OpenTree("nope").status().code(), arrowroot::StatusCode::kNotFound);
}

TEST(PublicApi, StorageOptionsAreCheckedByName) {
  auto typo = arrowroot::File::Open(kData + "/uproot-Zmumu.root", {{"endpoint", "x"}});
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.status().code(), arrowroot::StatusCode::kInvalidArgument);
  EXPECT_NE(typo.status().message().find("unknown storage option 'endpoint'"), std::string::npos);

  auto wrong_kind = arrowroot::File::Open(kData + "/uproot-Zmumu.root", {{"verify", "maybe"}});
  ASSERT_FALSE(wrong_kind.ok());
  EXPECT_NE(wrong_kind.status().message().find("'verify' takes true or false"), std::string::npos);
  EXPECT_EQ(wrong_kind.status().message().find("maybe"), std::string::npos);  // values may be secrets

  auto ok = arrowroot::File::Open(kData + "/uproot-Zmumu.root",
                                  {{"verify", "False"}, {"retries", "2"}, {"read_timeout", "1.5"}});
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();

  EXPECT_EQ(arrowroot::StorageOptionKindOf("secret"), arrowroot::StorageOptionKind::kText);
  EXPECT_EQ(arrowroot::StorageOptionKindOf("anon"), arrowroot::StorageOptionKind::kBool);
  EXPECT_EQ(arrowroot::StorageOptionKindOf("retries"), arrowroot::StorageOptionKind::kInteger);
  EXPECT_EQ(arrowroot::StorageOptionKindOf("max_waste_ratio"), arrowroot::StorageOptionKind::kNumber);
  EXPECT_EQ(arrowroot::StorageOptionKindOf("nope"), arrowroot::StorageOptionKind::kUnknown);
}

TEST(PublicApi, GlobExpandsLocalPatterns) {
  auto paths = arrowroot::Glob(kData + "/uproot-Zmumu*.root");
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  ASSERT_EQ(paths->size(), 3u);
  EXPECT_EQ((*paths)[0], kData + "/uproot-Zmumu-lzma.root");
  EXPECT_EQ(arrowroot::Glob(kData + "/none-*.root").status().code(),
            arrowroot::StatusCode::kNotFound);
}

// ---- What the CLI needs besides the above (listing details, thread count) ----

TEST(PublicApi, SummarizesATreeFromItsRecord) {
  auto f = arrowroot::File::Open(kData + "/uproot-nesteddirs.root");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  auto summary = (*f)->SummarizeTree("one/two/tree");
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->num_entries, 100);
  EXPECT_EQ(summary->num_branches, 20);
  auto with_cycle = (*f)->SummarizeTree("one/tree;1");
  ASSERT_TRUE(with_cycle.ok()) << with_cycle.status().ToString();
  EXPECT_EQ(with_cycle->num_entries, 4);
  EXPECT_EQ(with_cycle->num_branches, 3);
  EXPECT_EQ((*f)->SummarizeTree("one/nope").status().code(), arrowroot::StatusCode::kNotFound);

  auto zmumu = arrowroot::File::Open(kData + "/uproot-Zmumu.root");
  ASSERT_TRUE(zmumu.ok());
  auto events = (*zmumu)->SummarizeTree("events");
  ASSERT_TRUE(events.ok());
  auto tree = (*zmumu)->OpenTree("events");
  ASSERT_TRUE(tree.ok());
  EXPECT_EQ(events->title, (*tree)->title());
  EXPECT_EQ(events->num_entries, 2304);
}

TEST(PublicApi, ScanThreadCountResolvesZeroToTheCores) {
  EXPECT_EQ(arrowroot::ScanThreadCount(1), 1);
  EXPECT_EQ(arrowroot::ScanThreadCount(3), 3);
  EXPECT_GE(arrowroot::ScanThreadCount(0), 1);
  EXPECT_LE(arrowroot::ScanThreadCount(0), 16);
}

// ---- end of the CLI's block ----

// ---- File::root_version, Find, BadKeys (the Python extension's listing) ----

TEST(PublicApi, FindsAnObjectByPathAndCycle) {
  auto f = arrowroot::File::Open(kData + "/uproot-issue31.root");  // T;2 and T;1
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_GT((*f)->root_version(), 50000);
  auto highest = (*f)->Find("T");
  ASSERT_TRUE(highest.ok()) << highest.status().ToString();
  EXPECT_EQ(highest->path, "T");
  EXPECT_EQ(highest->cycle, 2);
  EXPECT_EQ(highest->class_name, "TTree");
  auto first = (*f)->Find("/T;1");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->path, "T");
  EXPECT_EQ(first->cycle, 1);
  auto missing = (*f)->Find("nope");
  EXPECT_EQ(missing.status().code(), arrowroot::StatusCode::kNotFound);
  EXPECT_NE(missing.status().ToString().find("'T'"), std::string::npos);  // names what exists
  EXPECT_EQ((*f)->Find("T;x").status().code(), arrowroot::StatusCode::kInvalidArgument);
  auto bad = (*f)->BadKeys();
  ASSERT_TRUE(bad.ok());
  EXPECT_TRUE(bad->empty());
}

TEST(PublicApi, ListsKeysThatCannotBeUsedApart) {
  // uproot-issue-250.root with the keys list's header of histogram Egap claiming 256 MiB.
  std::ifstream in(kData + "/uproot-issue-250.root", std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The last "TH1D Egap" is the keys list's (the first, the object's own key header).
  const size_t name = data.rfind(std::string("\x04" "TH1D" "\x04" "Egap"));
  ASSERT_NE(name, std::string::npos);
  const size_t header = name - 26;  // fNbytes..fSeekPdir with 32-bit seeks
  ASSERT_EQ(data.substr(header + 4, 2), std::string("\x00\x02", 2));  // key version 2: small seeks
  const char big[4] = {0x10, 0, 0, 0};
  data.replace(header, 4, big, 4);
  const std::string path = ::testing::TempDir() + "/api-bad-key.root";
  std::ofstream(path, std::ios::binary) << data;

  auto f = arrowroot::File::Open(path);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  auto bad = (*f)->BadKeys();
  ASSERT_TRUE(bad.ok()) << bad.status().ToString();
  ASSERT_EQ(bad->size(), 1u);
  EXPECT_EQ((*bad)[0].path, "Egap");
  EXPECT_EQ((*bad)[0].cycle, 1);
  EXPECT_NE((*bad)[0].description.find("TH1D 'Egap;1' at [0x8ca7,+268435456)"), std::string::npos);
  std::vector<std::string> lines;
  ASSERT_TRUE((*f)->List(true, &lines).ok());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], (*bad)[0].description);
  auto egap = (*f)->Find("Egap");
  EXPECT_EQ(egap.status().code(), arrowroot::StatusCode::kCorruption);
  EXPECT_TRUE((*f)->Find("B4").ok());
  std::filesystem::remove(path);
}

// ---- end of the Python extension's listing tests ----

}  // namespace
