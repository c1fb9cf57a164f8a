// Writers of scripts/gen-rntuple-testdata (loaded after gen-rntuple-testdata.cxx). Each Write*
// function writes one RNTuple named "ntpl" with deterministic values; what each file covers is
// in testdata/rntuple/README.md. Compression settings are ROOT's algorithm * 100 + level
// (core/zip/inc/Compression.h: zlib 1, lzma 2, lz4 4, zstd 5); with compression 0, ROOT picks
// the unsplit column encodings (RFieldBase::GetColumnRepresentations: the first, split,
// representation is for compressed data).

namespace gen {

using ROOT::ENTupleColumnType;

inline ROOT::RNTupleWriteOptions Options(std::uint32_t compression, std::size_t max_page_bytes) {
  ROOT::RNTupleWriteOptions o;
  o.SetCompression(compression);
  o.SetInitialUnzippedPageSize(64);
  o.SetMaxUnzippedPageSize(max_page_bytes);
  return o;
}

template <typename T>
T IntValue(std::uint64_t i) {
  switch (i % 41) {
    case 0: return std::numeric_limits<T>::min();
    case 1: return std::numeric_limits<T>::max();
    case 2: return T(0);
    default: return T(std::uint64_t(i) * 2654435761u + i * i);  // wraps: all bit patterns
  }
}

template <typename T>
T RealValue(std::uint64_t i, bool specials) {
  if (specials) {
    switch (i % 43) {
      case 0: return std::numeric_limits<T>::quiet_NaN();
      case 1: return std::numeric_limits<T>::infinity();
      case 2: return -std::numeric_limits<T>::infinity();
      case 3: return T(-0.0);
      case 4: return std::numeric_limits<T>::denorm_min();
      case 5: return std::numeric_limits<T>::max();
      case 6: return std::numeric_limits<T>::lowest();
      default: break;
    }
  }
  return T(std::sin(double(i)) * 9.5);  // within [-10, 10] for the quantized fields
}

template <typename FieldT>
FieldT *Add(ROOT::RNTupleModel &model, std::unique_ptr<FieldT> field) {
  FieldT *raw = field.get();
  model.AddField(std::move(field));
  return raw;
}

inline void AddTyped(ROOT::RNTupleModel &model, const std::string &name, const std::string &type) {
  model.AddField(ROOT::RFieldBase::Create(name, type).Unwrap());
}

// Every fundamental type, Double32_t, and the float encodings: Real16, Real32Trunc,
// Real32Quant, and integers/reals/doubles forced to the plain and to the split representation.
inline void WriteFundamentals(const char *path, std::uint32_t compression, std::uint64_t n) {
  auto owned_model = ROOT::RNTupleModel::Create();
  auto &model = *owned_model;
  for (auto [name, type] : std::vector<std::pair<std::string, std::string>>{
           {"b", "bool"}, {"c", "char"}, {"i8", "std::int8_t"}, {"u8", "std::uint8_t"},
           {"i16", "std::int16_t"}, {"u16", "std::uint16_t"}, {"i32", "std::int32_t"},
           {"u32", "std::uint32_t"}, {"i64", "std::int64_t"}, {"u64", "std::uint64_t"},
           {"f32", "float"}, {"f64", "double"}, {"byte", "std::byte"}, {"d32", "Double32_t"}})
    AddTyped(model, name, type);
  Add(model, std::make_unique<ROOT::RField<float>>("f_half"))->SetHalfPrecision();
  Add(model, std::make_unique<ROOT::RField<double>>("d_half"))->SetHalfPrecision();
  Add(model, std::make_unique<ROOT::RField<float>>("f_trunc12"))->SetTruncated(12);
  Add(model, std::make_unique<ROOT::RField<double>>("d_trunc20"))->SetTruncated(20);
  Add(model, std::make_unique<ROOT::RField<float>>("f_quant16"))->SetQuantized(16, {-10.f, 10.f});
  Add(model, std::make_unique<ROOT::RField<double>>("d_quant7"))->SetQuantized(7, {-10., 10.});
  Add(model, std::make_unique<ROOT::RField<double>>("d_quant32"))->SetQuantized(32, {-10., 10.});
  Add(model, std::make_unique<ROOT::RField<std::int32_t>>("i32_plain"))
      ->SetColumnRepresentatives({{ENTupleColumnType::kInt32}});
  Add(model, std::make_unique<ROOT::RField<std::int32_t>>("i32_split"))
      ->SetColumnRepresentatives({{ENTupleColumnType::kSplitInt32}});
  Add(model, std::make_unique<ROOT::RField<std::uint16_t>>("u16_split"))
      ->SetColumnRepresentatives({{ENTupleColumnType::kSplitUInt16}});
  Add(model, std::make_unique<ROOT::RField<std::int64_t>>("i64_split"))
      ->SetColumnRepresentatives({{ENTupleColumnType::kSplitInt64}});
  Add(model, std::make_unique<ROOT::RField<double>>("f64_plain"))
      ->SetColumnRepresentatives({{ENTupleColumnType::kReal64}});
  Add(model, std::make_unique<ROOT::RField<double>>("f64_split"))
      ->SetColumnRepresentatives({{ENTupleColumnType::kSplitReal64}});
  Add(model, std::make_unique<ROOT::RField<double>>("f64_as_real32"))
      ->SetColumnRepresentatives({{ENTupleColumnType::kSplitReal32}});
  Add(model, std::make_unique<ROOT::RField<float>>("f32_plain"))
      ->SetColumnRepresentatives({{ENTupleColumnType::kReal32}});
  Add(model, std::make_unique<ROOT::RField<std::uint64_t>>("u64_plain"))
      ->SetColumnRepresentatives({{ENTupleColumnType::kUInt64}});
  Add(model, std::make_unique<ROOT::RField<std::uint32_t>>("u32_split"))
      ->SetColumnRepresentatives({{ENTupleColumnType::kSplitUInt32}});
  Add(model, std::make_unique<ROOT::RField<std::int16_t>>("i16_plain"))
      ->SetColumnRepresentatives({{ENTupleColumnType::kInt16}});

  auto writer = ROOT::RNTupleWriter::Recreate(std::move(owned_model), "ntpl", path, Options(compression, 256));
  auto &e = writer->GetModel().GetDefaultEntry();
  for (std::uint64_t i = 0; i < n; ++i) {
    *e.GetPtr<bool>("b") = (i % 3) == 1;
    *e.GetPtr<char>("c") = char(IntValue<signed char>(i));
    *e.GetPtr<std::int8_t>("i8") = IntValue<std::int8_t>(i);
    *e.GetPtr<std::uint8_t>("u8") = IntValue<std::uint8_t>(i);
    *e.GetPtr<std::int16_t>("i16") = IntValue<std::int16_t>(i);
    *e.GetPtr<std::uint16_t>("u16") = IntValue<std::uint16_t>(i);
    *e.GetPtr<std::int32_t>("i32") = IntValue<std::int32_t>(i);
    *e.GetPtr<std::uint32_t>("u32") = IntValue<std::uint32_t>(i);
    *e.GetPtr<std::int64_t>("i64") = IntValue<std::int64_t>(i);
    *e.GetPtr<std::uint64_t>("u64") = IntValue<std::uint64_t>(i);
    *e.GetPtr<float>("f32") = RealValue<float>(i, true);
    *e.GetPtr<double>("f64") = RealValue<double>(i, true);
    *e.GetPtr<std::byte>("byte") = std::byte(IntValue<std::uint8_t>(i + 7));
    *e.GetPtr<double>("d32") = RealValue<double>(i + 1, true);
    *e.GetPtr<float>("f_half") = RealValue<float>(i + 2, true);
    *e.GetPtr<double>("d_half") = RealValue<double>(i + 3, false) * 1000;
    *e.GetPtr<float>("f_trunc12") = RealValue<float>(i + 4, true);
    *e.GetPtr<double>("d_trunc20") = RealValue<double>(i + 5, true);
    *e.GetPtr<float>("f_quant16") = RealValue<float>(i, false);
    *e.GetPtr<double>("d_quant7") = RealValue<double>(i + 1, false);
    *e.GetPtr<double>("d_quant32") = i % 10 == 0 ? -10. : i % 10 == 1 ? 10. : RealValue<double>(i, false);
    *e.GetPtr<std::int32_t>("i32_plain") = IntValue<std::int32_t>(i + 1);
    *e.GetPtr<std::int32_t>("i32_split") = IntValue<std::int32_t>(i + 2);
    *e.GetPtr<std::uint16_t>("u16_split") = IntValue<std::uint16_t>(i + 3);
    *e.GetPtr<std::int64_t>("i64_split") = IntValue<std::int64_t>(i + 4);
    *e.GetPtr<double>("f64_plain") = RealValue<double>(i + 6, true);
    *e.GetPtr<double>("f64_split") = RealValue<double>(i + 7, true);
    *e.GetPtr<double>("f64_as_real32") = RealValue<double>(i + 8, true);
    *e.GetPtr<float>("f32_plain") = RealValue<float>(i + 9, true);
    *e.GetPtr<std::uint64_t>("u64_plain") = IntValue<std::uint64_t>(i + 10);
    *e.GetPtr<std::uint32_t>("u32_split") = IntValue<std::uint32_t>(i + 11);
    *e.GetPtr<std::int16_t>("i16_plain") = IntValue<std::int16_t>(i + 12);
    writer->Fill();
    // Clusters of 60 entries, a cluster group every 3 clusters.
    if (i % 60 == 59) writer->CommitCluster(/*commitClusterGroup=*/(i / 60) % 3 == 2);
  }
}


// Strings and every collection: nested vectors, RVec, std::array, sets, maps, pair, tuple,
// bitsets (N = 13 and N = 70), vector<bool>, and offset columns forced to (Split)Index32 and
// (Split)Index64.
inline void WriteCollections(const char *path, std::uint32_t compression, std::uint64_t n) {
  auto owned_model = ROOT::RNTupleModel::Create();
  auto &model = *owned_model;
  auto str = model.MakeField<std::string>("str");
  auto vf = model.MakeField<std::vector<float>>("vec_f32");
  auto vvi = model.MakeField<std::vector<std::vector<std::int32_t>>>("vec_vec_i32");
  auto vs = model.MakeField<std::vector<std::string>>("vec_str");
  auto vb = model.MakeField<std::vector<bool>>("vec_bool");
  auto rv = model.MakeField<ROOT::RVec<double>>("rvec_f64");
  auto rvv = model.MakeField<ROOT::RVec<std::vector<std::int16_t>>>("rvec_vec_i16");
  auto arr = model.MakeField<std::array<float, 3>>("array_f32_3");
  auto arrs = model.MakeField<std::array<std::string, 2>>("array_str_2");
  auto st = model.MakeField<std::set<std::int64_t>>("set_i64");
  auto ust = model.MakeField<std::unordered_set<std::string>>("uset_str");
  auto mst = model.MakeField<std::multiset<std::int32_t>>("multiset_i32");
  auto mp = model.MakeField<std::map<std::string, float>>("map_str_f32");
  // Maps of other key/value types crash ROOT 6.40 in the interpreter (RMapField's constructor:
  // TClass::Size() of a null pair class, for unordered_map<int32_t, *>; TGenCollectionProxy
  // "Fatal: 0 violated" on Fill for map<int32_t, double|string|vector<double>>,
  // unordered_map<string, string|vector<double>>): these two have dictionaries that work.
  auto ump = model.MakeField<std::unordered_map<std::string, double>>("umap_str_f64");
  auto pr = model.MakeField<std::pair<std::int32_t, std::string>>("pair_i32_str");
  auto tp = model.MakeField<std::tuple<std::uint8_t, double, std::vector<std::int32_t>>>("tuple_u8_f64_vec");
  auto bs13 = model.MakeField<std::bitset<13>>("bitset_13");
  auto bs70 = model.MakeField<std::bitset<70>>("bitset_70");
  auto add_vec = [&](const char *name, ENTupleColumnType t) {
    Add(model, std::make_unique<ROOT::RField<std::vector<std::int32_t>>>(name))
        ->SetColumnRepresentatives({{t}});
  };
  add_vec("vec_index32", ENTupleColumnType::kIndex32);
  add_vec("vec_index64", ENTupleColumnType::kIndex64);
  add_vec("vec_split_index32", ENTupleColumnType::kSplitIndex32);
  add_vec("vec_split_index64", ENTupleColumnType::kSplitIndex64);
  Add(model, std::make_unique<ROOT::RField<std::string>>("str_index32"))
      ->SetColumnRepresentatives({{ENTupleColumnType::kIndex32, ENTupleColumnType::kChar}});

  auto writer = ROOT::RNTupleWriter::Recreate(std::move(owned_model), "ntpl", path, Options(compression, 512));
  auto &e = writer->GetModel().GetDefaultEntry();
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::size_t k = i % 5;  // 0 .. 4 items; 0 = empty
    *str = std::string(i % 7, char('a' + i % 26)) + (i % 11 == 0 ? "\xc3\xa9\"\\\n" : "");
    vf->assign(k, 0.f);
    for (std::size_t j = 0; j < k; ++j) (*vf)[j] = RealValue<float>(i * 5 + j, true);
    vvi->assign(k, {});
    for (std::size_t j = 0; j < k; ++j)
      for (std::size_t m = 0; m < (i + j) % 4; ++m) (*vvi)[j].push_back(IntValue<std::int32_t>(i + j + m));
    vs->assign(k, "");
    for (std::size_t j = 0; j < k; ++j) (*vs)[j] = std::to_string(i * 10 + j) + std::string(j, 'x');
    vb->assign((i + 3) % 9, false);
    for (std::size_t j = 0; j < vb->size(); ++j) (*vb)[j] = (i + j) % 3 == 0;
    rv->resize((i + 1) % 4);
    for (std::size_t j = 0; j < rv->size(); ++j) (*rv)[j] = RealValue<double>(i + j, false);
    rvv->resize(i % 3);
    for (std::size_t j = 0; j < rvv->size(); ++j) (*rvv)[j].assign(j + i % 2, std::int16_t(i - j));
    *arr = {float(i), -float(i) / 4, RealValue<float>(i, true)};
    *arrs = {std::to_string(i), std::string(i % 3, 'z')};
    st->clear();
    for (std::size_t j = 0; j < k; ++j) st->insert(IntValue<std::int64_t>(i + 3 * j));
    ust->clear();
    for (std::size_t j = 0; j < i % 3; ++j) ust->insert("u" + std::to_string(j * i));
    mst->clear();
    for (std::size_t j = 0; j < k; ++j) mst->insert(std::int32_t(j % 2));
    mp->clear();
    for (std::size_t j = 0; j < k; ++j) (*mp)["key" + std::to_string((i + j) % 7)] = float(i) + 0.5f * j;
    ump->clear();
    for (std::size_t j = 0; j < i % 3; ++j) (*ump)["k" + std::to_string(i * 3 + j)] = 1.5 * i + j;
    *pr = {IntValue<std::int32_t>(i), "p" + std::to_string(i)};
    *tp = {std::uint8_t(i), 0.25 * i, std::vector<std::int32_t>(i % 3, std::int32_t(i))};
    *bs13 = std::bitset<13>(i * 37);
    bs70->reset();
    for (std::size_t j = 0; j < 70; ++j) bs70->set(j, (i * 7 + j * j) % 5 == 0);
    for (const char *name : {"vec_index32", "vec_index64", "vec_split_index32", "vec_split_index64"})
      e.GetPtr<std::vector<std::int32_t>>(name)->assign((i + std::strlen(name)) % 6, std::int32_t(i));
    *e.GetPtr<std::string>("str_index32") = std::string(i % 4, 'q');
    writer->Fill();
    if (i % 50 == 49) writer->CommitCluster((i / 50) % 2 == 1);
  }
}

// Records (user classes with a base class, nested, in vectors), optional, unique_ptr, variant
// (including the valueless state), atomic, an enum class, a projected field and cardinality
// fields (projections of a collection's size).
inline void WriteRecords(const char *path, std::uint32_t compression, std::uint64_t n) {
  auto owned_model = ROOT::RNTupleModel::Create();
  auto &model = *owned_model;
  auto trk = model.MakeField<GenTrack>("track");
  auto trks = model.MakeField<std::vector<GenTrack>>("tracks");
  auto pts = model.MakeField<std::vector<GenPoint>>("points");
  auto opt_d = model.MakeField<std::optional<double>>("opt_f64");
  auto opt_s = model.MakeField<std::optional<std::string>>("opt_str");
  auto opt_v = model.MakeField<std::optional<std::vector<std::int32_t>>>("opt_vec_i32");
  auto up_f = model.MakeField<std::unique_ptr<float>>("uptr_f32");
  auto up_p = model.MakeField<std::unique_ptr<GenPoint>>("uptr_point");
  auto var = model.MakeField<std::variant<std::int32_t, float, std::string>>("variant_i32_f32_str");
  // libstdc++ never lets variant<int32_t, float, std::string> become valueless (every
  // alternative is "never valueless"); a class with a throwing, non-trivial construction can.
  auto fvar = model.MakeField<std::variant<std::int32_t, GenFragile>>("variant_i32_fragile");
  auto vvar = model.MakeField<std::vector<std::variant<std::int32_t, double>>>("vec_variant_i32_f64");
  auto at = model.MakeField<std::atomic<std::int32_t>>("atomic_i32");
  auto col = model.MakeField<GenColor>("enum_color");
  auto vcol = model.MakeField<std::vector<GenColor>>("vec_enum_color");
  model.AddProjectedField(std::make_unique<ROOT::RField<ROOT::RNTupleCardinality<std::uint64_t>>>("n_tracks"),
                          [](const std::string &) { return std::string("tracks"); }).ThrowOnError();
  model.AddProjectedField(std::make_unique<ROOT::RField<ROOT::RNTupleCardinality<std::uint32_t>>>("n_points32"),
                          [](const std::string &) { return std::string("points"); }).ThrowOnError();
  model.AddProjectedField(std::make_unique<ROOT::RField<double>>("track_pt_alias"),
                          [](const std::string &) { return std::string("track.pt"); }).ThrowOnError();
  model.AddProjectedField(std::make_unique<ROOT::RField<std::vector<float>>>("points_x"),
                          [](const std::string &name) {
                            return name == "points_x" ? std::string("points") : std::string("points._0.x");
                          }).ThrowOnError();

  auto writer = ROOT::RNTupleWriter::Recreate(std::move(owned_model), "ntpl", path, Options(compression, 512));
  for (std::uint64_t i = 0; i < n; ++i) {
    auto fill_track = [i](GenTrack &t, std::uint64_t j) {
      t.base_id = std::int32_t(i * 10 + j);
      t.base_weight = 0.5f * (i + j);
      t.pt = RealValue<double>(i + j, false);
      t.origin = {float(i), float(j)};
      t.hits.assign((i + j) % 3, GenPoint{float(j), -float(i)});
      t.label = "t" + std::to_string(i) + "_" + std::to_string(j);
      t.flags = {std::int16_t(i), std::int16_t(-std::int16_t(j))};
    };
    fill_track(*trk, 0);
    trks->resize(i % 4);
    for (std::size_t j = 0; j < trks->size(); ++j) fill_track((*trks)[j], j + 1);
    pts->assign(i % 5, GenPoint{float(i) * 0.5f, -1.f});
    if (i % 3) *opt_d = 0.25 * i; else opt_d->reset();
    if (i % 4 == 1) opt_s->reset(); else *opt_s = std::string(i % 4, 's');
    if (i % 2) *opt_v = std::vector<std::int32_t>(i % 3, std::int32_t(i)); else opt_v->reset();
    if (i % 3 == 2) up_f->reset(); else *up_f = std::make_unique<float>(float(i) / 8);
    if (i % 2) up_p->reset(); else *up_p = std::make_unique<GenPoint>(GenPoint{float(i), 2.f});
    switch (i % 4) {
      case 0: *var = std::int32_t(i); break;
      case 1: *var = float(i) + 0.5f; break;
      case 2: *var = std::string("v") + std::to_string(i); break;
      default: *var = std::string();
    }
    if (i % 3 == 0) *fvar = std::int32_t(i);
    else if (i % 3 == 1) *fvar = GenFragile(float(i));
    else try { fvar->emplace<1>(std::int64_t(-1)); } catch (const std::exception &) {}  // valueless
    vvar->clear();
    for (std::size_t j = 0; j < i % 3; ++j) {
      if (j % 2) vvar->emplace_back(double(j) / 4); else vvar->emplace_back(std::int32_t(j + i));
    }
    at->store(std::int32_t(i) * -3);
    *col = i % 3 == 0 ? GenColor::kRed : i % 3 == 1 ? GenColor::kGreen : GenColor::kBlue;
    vcol->assign(i % 3, GenColor::kBlue);
    writer->Fill();
    if (i % 40 == 39) writer->CommitCluster(i % 80 == 79);
  }
}

// Schema extension: fields added by the model updater after the first entries (once in the
// middle of a cluster, once at a cluster boundary): ROOT reads the entries before as the
// default value (0, empty, default-constructed record, empty optional).
inline void WriteSchemaExtension(const char *path, std::uint32_t compression, std::uint64_t n) {
  auto owned_model = ROOT::RNTupleModel::Create();
  auto id = owned_model->MakeField<std::int32_t>("id");
  auto x = owned_model->MakeField<float>("x");
  auto writer = ROOT::RNTupleWriter::Recreate(std::move(owned_model), "ntpl", path, Options(compression, 256));
  std::shared_ptr<float> late_f;
  std::shared_ptr<std::vector<std::int32_t>> late_v;
  std::shared_ptr<std::string> late_s;
  std::shared_ptr<GenPoint> late_rec;
  std::shared_ptr<std::optional<std::int32_t>> late_opt;
  std::shared_ptr<std::int64_t> later_i64;
  std::shared_ptr<std::vector<std::string>> later_vs;
  for (std::uint64_t i = 0; i < n; ++i) {
    if (i == 130) {  // clusters are 100 entries: mid-cluster
      auto updater = writer->CreateModelUpdater();
      updater->BeginUpdate();
      late_f = updater->MakeField<float>("late_f32");
      late_v = updater->MakeField<std::vector<std::int32_t>>("late_vec_i32");
      late_s = updater->MakeField<std::string>("late_str");
      late_rec = updater->MakeField<GenPoint>("late_point");
      late_opt = updater->MakeField<std::optional<std::int32_t>>("late_opt_i32");
      updater->CommitUpdate();
    }
    if (i == 300) {  // right after a committed cluster
      auto updater = writer->CreateModelUpdater();
      updater->BeginUpdate();
      later_i64 = updater->MakeField<std::int64_t>("later_i64");
      later_vs = updater->MakeField<std::vector<std::string>>("later_vec_str");
      updater->CommitUpdate();
    }
    *id = std::int32_t(i);
    *x = float(i) * 0.5f;
    if (late_f) {
      *late_f = float(i) + 0.25f;
      late_v->assign(i % 4, std::int32_t(i));
      *late_s = "s" + std::to_string(i);
      *late_rec = {float(i), -float(i)};
      if (i % 2) *late_opt = std::int32_t(i); else late_opt->reset();
    }
    if (later_i64) {
      *later_i64 = -std::int64_t(i) * 1000000007LL;
      later_vs->assign(i % 3, std::to_string(i));
    }
    writer->Fill();
    if (i % 100 == 99) writer->CommitCluster(i % 200 == 199);
  }
}

// Many entries in few columns (200 000 by default), 10 000 per cluster, 4 clusters per group.
inline void WriteLarge(const char *path, std::uint32_t compression, std::uint64_t n) {
  auto owned_model = ROOT::RNTupleModel::Create();
  auto ev = owned_model->MakeField<std::uint64_t>("event");
  auto x = owned_model->MakeField<float>("x");
  auto flag = owned_model->MakeField<bool>("flag");
  auto v = owned_model->MakeField<std::vector<float>>("v");
  ROOT::RNTupleWriteOptions o;
  o.SetCompression(compression);
  auto writer = ROOT::RNTupleWriter::Recreate(std::move(owned_model), "ntpl", path, o);
  for (std::uint64_t i = 0; i < n; ++i) {
    *ev = i * 3;
    *x = float(i % 1000) * 0.5f;
    *flag = i % 7 == 0;
    v->assign(i % 4, float(i % 13) * 0.25f);
    writer->Fill();
    if (i % 10000 == 9999) writer->CommitCluster(i % 40000 == 39999);
  }
}

// Count and sums over all entries of WriteLarge's file, as ROOT reads it:
// "n event_sum x_sum flag_count v_items v_sum" (sums in float64, in entry order).
inline std::string LargeSums(const char *path) {
  auto reader = ROOT::RNTupleReader::Open("ntpl", path);
  auto ev = reader->GetView<std::uint64_t>("event");
  auto x = reader->GetView<float>("x");
  auto flag = reader->GetView<bool>("flag");
  auto v = reader->GetView<std::vector<float>>("v");
  std::uint64_t event_sum = 0, flags = 0, items = 0;
  double x_sum = 0, v_sum = 0;
  for (auto i : reader->GetEntryRange()) {
    event_sum += ev(i);
    x_sum += x(i);
    flags += flag(i);
    for (float f : v(i)) { v_sum += f; ++items; }
  }
  char buf[256];
  std::snprintf(buf, sizeof buf, "%llu %llu %.17g %llu %llu %.17g", (unsigned long long)reader->GetNEntries(),
                (unsigned long long)event_sum, x_sum, (unsigned long long)flags,
                (unsigned long long)items, v_sum);
  return buf;
}

}  // namespace gen
