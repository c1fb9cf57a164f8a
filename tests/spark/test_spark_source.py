"""The Spark data source format("root") on local[2] (pyspark from PyPI, Java 17): values, sums
and histograms equal uproot/numpy on the same files; pruning reads only the selected branches;
big files split at cluster boundaries; bad input fails the job with arrowroot's message.

Every data test runs twice, in one session: `root` is arrowroot's JVM connector (the jar on
spark.jars, as arrowroot.spark.session() puts it; the Python source when this arrowroot has no
jar, which test_format_root_is_the_jvm_connector reports as a skip), and `root_python` is the
Python data source, the fallback.
"""

from __future__ import annotations

import json
import os
import re
import sys
import shutil
from pathlib import Path

import numpy as np
import pytest
import uproot

pyspark = pytest.importorskip("pyspark")  # in tests/requirements.txt: never skipped in CI

from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402

import arrowroot  # noqa: E402
import arrowroot.spark  # noqa: E402

TESTDATA = Path(__file__).resolve().parents[2] / "testdata"
HZZ = str(TESTDATA / "uproot-HZZ.root")
ZMUMU = str(TESTDATA / "uproot-Zmumu.root")
FORITER = str(TESTDATA / "uproot-foriter.root")


def _jar() -> str | None:
    try:
        return arrowroot.spark.jar_path()
    except FileNotFoundError:
        return None


@pytest.fixture(scope="module")
def spark():
    # Spark starts its Python workers with $PYSPARK_PYTHON (else `python3` from PATH): make it
    # this interpreter, which has arrowroot installed.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master("local[2]")
        .appName("arrowroot-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.arrowroot.s3.region", "test-region")
        .config("spark.arrowroot.s3.secret", "conf-secret-must-not-show")
    )
    if _jar():
        # The JVM connector. (It reaches the driver's classpath when this session starts the
        # JVM, or when an earlier session of this process had it on spark.jars too.)
        builder = builder.config("spark.jars", _jar())
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    arrowroot.spark.register(session)  # root_python always; root too when there is no connector
    yield session
    session.stop()
    # Builder settings become JVM-wide defaults for later sessions in this process: drop ours.
    for key in ("spark.arrowroot.s3.region", "spark.arrowroot.s3.secret"):
        session._jvm.System.clearProperty(key)


@pytest.fixture(scope="module", params=["root", "root_python"])
def fmt(request):
    """The format of the data tests: arrowroot's JVM connector, then the Python source."""
    return request.param


def _jvm_reads(spark, fmt) -> bool:
    return fmt == "root" and arrowroot.spark.which_source(spark) == "jvm"


def _read(spark, fmt, path, tree="events", **options):
    reader = spark.read.format(fmt).option("tree", tree)
    for k, v in options.items():
        reader = reader.option(k, v)
    return reader.load(path)


def test_counts_sums_and_jagged_sizes_equal_uproot(spark, fmt):
    df = _read(spark, fmt, HZZ)
    up = uproot.open(HZZ)["events"].arrays(["NMuon", "Muon_Px", "MET_px", "Jet_E"], library="np")
    row = df.select(
        F.count("*").alias("n"),
        F.sum("NMuon").alias("nmuon"),
        F.sum(F.size("Muon_Px")).alias("muons"),
        F.sum("MET_px").alias("met"),
        F.sum(F.aggregate("Jet_E", F.lit(0.0), lambda a, b: a + b)).alias("jet_e"),
    ).collect()[0]
    assert row.n == 2421
    assert row.nmuon == int(up["NMuon"].sum()) == row.muons
    assert row.met == pytest.approx(float(up["MET_px"].astype(np.float64).sum()), rel=1e-12)
    jet_e = sum(float(np.sum(e.astype(np.float64))) for e in up["Jet_E"])
    assert row.jet_e == pytest.approx(jet_e, rel=1e-9)


def test_schema_maps_root_types_to_spark_types(spark, fmt):
    df = _read(spark, fmt, HZZ, columns="NMuon,Muon_Px,triggerIsoMu24")
    assert df.columns == ["NMuon", "Muon_Px", "triggerIsoMu24"]
    types = {f.name: f.dataType.simpleString() for f in df.schema.fields}
    assert types == {"NMuon": "int", "Muon_Px": "array<float>", "triggerIsoMu24": "boolean"}
    leaf = _read(spark, fmt, str(TESTDATA / "uproot-leaflist.root"), tree="tree")
    assert leaf.schema["leaflist"].dataType.simpleString() == "struct<x:double,y:int,z:tinyint>"
    stl = _read(spark, fmt, str(TESTDATA / "uproot-stl_containers.root"), tree="tree",
                columns="string,vector_int32,map_int32_int16")
    assert [f.dataType.simpleString() for f in stl.schema.fields] == [
        "string", "array<int>", "map<int,smallint>"]
    got = stl.orderBy(F.size("vector_int32")).collect()
    want = uproot.open(TESTDATA / "uproot-stl_containers.root")["tree"].arrays(
        ["string", "vector_int32"], library="np")
    assert [r.string for r in got] == list(want["string"])
    assert [list(r.vector_int32) for r in got] == [list(v) for v in want["vector_int32"]]


def test_unsigned_and_dotted_names_stay_usable(spark, fmt):
    df = _read(spark, fmt, str(TESTDATA / "uproot-mc10events.root"), tree="Events",
               columns="Info/runNum,Muon/Muon.pt")
    assert df.schema["Info/runNum"].dataType.simpleString() == "bigint"  # UInt_t widened
    up = uproot.open(TESTDATA / "uproot-mc10events.root")["Events"]
    runs = df.select(F.col("`Info/runNum`")).collect()
    assert [r[0] for r in runs] == [int(x) for x in up["Info/runNum"].array(library="np")]
    n_pt = df.select(F.sum(F.size(F.col("`Muon/Muon.pt`")))).collect()[0][0]
    assert n_pt == sum(len(x) for x in up["Muon/Muon.pt"].array(library="ak").tolist())


def test_histogram_from_spark_equals_numpy(spark, fmt):
    df = _read(spark, fmt, ZMUMU)
    mass = F.sqrt((F.col("E1") + F.col("E2")) ** 2 - (F.col("px1") + F.col("px2")) ** 2
                  - (F.col("py1") + F.col("py2")) ** 2 - (F.col("pz1") + F.col("pz2")) ** 2)
    hist = (df.where(F.col("Q1") * F.col("Q2") < 0).select(mass.alias("m"))
            .where((F.col("m") >= 60) & (F.col("m") < 120))
            .groupBy(F.floor((F.col("m") - 60) / 2).cast("int").alias("bin")).count()
            .collect())
    got = np.zeros(30, dtype=np.int64)
    for r in hist:
        got[r["bin"]] = r["count"]
    a = uproot.open(ZMUMU)["events"].arrays(library="np")
    sel = a["Q1"] * a["Q2"] < 0
    m = np.sqrt((a["E1"] + a["E2"]) ** 2 - (a["px1"] + a["px2"]) ** 2
                - (a["py1"] + a["py2"]) ** 2 - (a["pz1"] + a["pz2"]) ** 2)[sel]
    want, _ = np.histogram(m, bins=30, range=(60, 120))
    assert got.sum() > 1000
    np.testing.assert_array_equal(got, want)


def test_many_files_by_glob_and_list_equal_the_sum(spark, fmt, tmp_path):
    for i in range(3):
        shutil.copy(ZMUMU, tmp_path / f"z{i}.root")
    df = _read(spark, fmt, f"{tmp_path}/z*.root")
    assert df.count() == 3 * 2304
    listed = _read(spark, fmt, [ZMUMU, str(TESTDATA / "uproot-Zmumu-lzma.root")])
    assert listed.count() == 2 * 2304
    assert listed.select(F.sum("px1")).collect()[0][0] == pytest.approx(
        2 * float(uproot.open(ZMUMU)["events"]["px1"].array(library="np").sum()), rel=1e-12)


def test_a_multi_cluster_file_is_split_into_partitions(spark, fmt):
    # foriter: 46 entries in 8 clusters of 6 (the last 4).
    whole = _read(spark, fmt, FORITER, tree="foriter")
    split = _read(spark, fmt, FORITER, tree="foriter", partition_bytes="30 B")
    assert whole.rdd.getNumPartitions() == 1
    assert split.rdd.getNumPartitions() == 8
    assert sorted(r.data for r in split.collect()) == sorted(r.data for r in whole.collect())
    assert [r.data for r in split.collect()] == list(
        uproot.open(FORITER)["foriter"]["data"].array(library="np"))


def test_an_rntuple_is_read_and_split_at_its_cluster_boundaries(spark, fmt):
    # rntuple_large_zstd: 200000 entries in 20 clusters of 10000, 27 decoded bytes per entry.
    path = str(TESTDATA / "rntuple" / "rntuple_large_zstd.root")
    df = _read(spark, fmt, path, tree="ntpl", partition_bytes="1 MB")
    assert df.rdd.getNumPartitions() > 1
    up = uproot.open(path)["ntpl"].arrays(["event", "x", "v"], library="np")
    row = df.select(F.count("*").alias("n"), F.sum("event").alias("event"),
                    F.sum("x").alias("x"), F.sum(F.size("v")).alias("v")).collect()[0]
    assert row.n == len(up["event"]) == 200000
    assert row.event == int(up["event"].sum())
    assert row.x == pytest.approx(float(up["x"].astype(np.float64).sum()), rel=1e-9)
    assert row.v == sum(len(v) for v in up["v"])
    # Partitions start at cluster boundaries: each holds whole clusters of 10000 entries.
    sizes = df.rdd.glom().map(len).collect()
    assert len(sizes) > 1 and sum(sizes) == 200000
    assert all(s % 10000 == 0 for s in sizes), sizes
    # A file uproot 5.7 wrote with its default writer (`f["Events"] = {...}` is an RNTuple).
    written = str(TESTDATA / "rntuple" / "rntuple_uproot_writer.root")
    up_tree = uproot.open(written)
    name = next(k.split(";")[0] for k, c in up_tree.classnames().items() if c == "ROOT::RNTuple")
    up_all = up_tree[name].arrays(library="ak")
    df2 = _read(spark, fmt, written, tree=name)
    assert df2.count() == len(up_all)
    first = up_all.fields[0]
    assert sorted(df2.columns) == sorted(up_all.fields)
    assert [r[0] for r in df2.select(first).limit(5).collect()] == up_all[first][:5].to_list()


def test_rntuple_optionals_are_nullable_and_variants_left_out_or_refused(spark, fmt):
    # rntuple_records_zstd: std::optional / std::unique_ptr fields hold nulls; std::variant
    # fields (Arrow dense unions) have no Spark type.
    path = str(TESTDATA / "rntuple" / "rntuple_records_zstd.root")
    df = _read(spark, fmt, path, tree="ntpl")  # (the schema warns of what it left out)
    assert "variant_i32_f32_str" not in df.columns and "uptr_f32" in df.columns
    assert df.schema["uptr_f32"].nullable and not df.schema["atomic_i32"].nullable
    up = uproot.open(path)["ntpl"].arrays(["uptr_f32"], library="ak")["uptr_f32"].to_list()
    # uproot gives a unique_ptr as a list of 0 or 1 values.
    expected_nulls = sum(1 for v in up if v in (None, []))
    assert expected_nulls > 0
    assert df.filter(F.col("uptr_f32").isNull()).count() == expected_nulls
    with pytest.raises(Exception) as info:
        _read(spark, fmt, path, tree="ntpl", columns="uptr_f32,variant_i32_f32_str").count()
    if _jvm_reads(spark, fmt):  # the engine's own check, in the JVM connector
        msg = arrowroot.spark.error_message(info.value) or str(info.value)[:2000]
        assert msg.startswith("arrowroot.UnsupportedError:"), msg
        assert "column 'variant_i32_f32_str'" in msg and "Spark has no union type" in msg, msg
    else:
        assert re.search("variant_i32_f32_str.*cannot be a Spark column", str(info.value))


def test_small_files_are_grouped_into_one_partition(spark, fmt, tmp_path):
    for i in range(4):
        shutil.copy(FORITER, tmp_path / f"f{i}.root")
    df = _read(spark, fmt, f"{tmp_path}/f*.root", tree="foriter")
    assert df.rdd.getNumPartitions() == 1
    assert df.count() == 4 * 46


def _generate(path: Path) -> None:
    rng = np.random.default_rng(7)
    with uproot.recreate(path, compression=None) as f:
        f.mktree("Events", {"a": "float64", "b": "float64", "c": "float64", "n": "int32"})
        for _ in range(5):
            f["Events"].extend({"a": rng.normal(size=20_000), "b": rng.normal(size=20_000),
                                "c": rng.normal(size=20_000), "n": rng.integers(0, 9, 20_000, dtype=np.int32)})


def _stats(directory: Path) -> list[dict]:
    return [json.loads(line) for p in sorted(directory.glob("*.jsonl")) for line in p.read_text().splitlines()]


def test_pruning_reads_only_the_selected_branches(spark, fmt, tmp_path):
    path = tmp_path / "big.root"
    _generate(path)
    one, all_ = tmp_path / "one", tmp_path / "all"
    # Aggregates of the columns, so that every source reads them (a bare count() may read none).
    n_one, sum_n = _read(spark, fmt, str(path), tree="Events", columns="n",
                         io_stats_dir=str(one)).agg(F.count("*"), F.sum("n")).first()
    schema_pruned = (spark.read.format(fmt).schema("a double").option("tree", "Events")
                     .option("io_stats_dir", str(tmp_path / "schema")).load(str(path)))
    assert schema_pruned.columns == ["a"]
    assert schema_pruned.agg(F.count("*"), F.sum("a")).first()[0] == 100_000
    full = _read(spark, fmt, str(path), tree="Events", io_stats_dir=str(all_))
    n_all, *sums = full.agg(F.count("*"), *[F.sum(c) for c in ("a", "b", "c", "n")]).first()
    assert n_one == n_all == 100_000
    assert sum_n == sums[3] == int(uproot.open(path)["Events"]["n"].array(library="np").sum())
    read_one = sum(s["num_bytes_requested"] for s in _stats(one))
    read_schema = sum(s["num_bytes_requested"] for s in _stats(tmp_path / "schema"))
    read_all = sum(s["num_bytes_requested"] for s in _stats(all_))
    size = path.stat().st_size
    # n is 4 bytes per entry, a/b/c 8 each: pruned reads are a fraction of the file.
    assert read_all > 0.9 * size
    assert read_one < 0.2 * size
    assert read_schema < 0.4 * size


def test_different_branches_across_files_are_an_error_naming_both(spark, fmt):
    with pytest.raises(Exception) as info:
        _read(spark, fmt, [ZMUMU, HZZ]).count()
    msg = arrowroot.spark.error_message(info.value) or str(info.value)
    assert "uproot-Zmumu.root" in msg and "uproot-HZZ.root" in msg


def test_a_corrupt_basket_fails_the_job_with_arrowroots_message(spark, fmt, tmp_path):
    branch = uproot.open(ZMUMU)["events"]["E1"]
    seek = int(branch.member("fBasketSeek")[0])
    data = bytearray(Path(ZMUMU).read_bytes())
    data[seek + 90 : seek + 90 + 64] = b"\xa5" * 64
    bad = tmp_path / "damaged.root"
    bad.write_bytes(bytes(data))
    df = _read(spark, fmt, str(bad), columns="E1")
    with pytest.raises(Exception) as info:
        df.agg(F.sum("E1")).collect()
    msg = arrowroot.spark.error_message(info.value)
    assert msg is not None, str(info.value)[:2000]
    assert msg.startswith("arrowroot.CorruptionError:")
    assert "damaged.root" in msg and "E1" in msg


def test_a_truncated_file_fails_at_planning_with_arrowroots_message(spark, fmt, tmp_path):
    bad = tmp_path / "truncated.root"
    bad.write_bytes(Path(ZMUMU).read_bytes()[:50_000])
    with pytest.raises(Exception) as info:
        _read(spark, fmt, str(bad)).count()
    msg = arrowroot.spark.error_message(info.value)
    assert msg is not None and "truncated.root" in msg, str(info.value)[:2000]


def test_missing_tree_and_missing_file_are_clear(spark, fmt):
    with pytest.raises(Exception) as info:
        _read(spark, fmt, HZZ, tree="Events").count()
    msg = arrowroot.spark.error_message(info.value)
    assert msg is not None and "'Events'" in msg and "'events'" in msg
    with pytest.raises(Exception) as info:
        _read(spark, fmt, str(TESTDATA / "nope-*.root")).count()
    assert "no file matches" in (arrowroot.spark.error_message(info.value) or "")


def test_configured_secrets_stay_out_of_the_plan(spark, fmt):
    df = _read(spark, fmt, HZZ, columns="NMuon")
    plan = df._jdf.queryExecution().toString()
    assert "conf-secret-must-not-show" not in plan
    conf_text = str(spark.sparkContext.getConf().getAll())
    assert "conf-secret-must-not-show" in conf_text  # the driver has it; the plan does not
    assert df.count() == 2421


def test_format_root_is_the_jvm_connector(spark):
    """With the jar on spark.jars, format("root") is the JVM connector (a columnar scan), and
    format("root_python") the Python data source: the data tests above ran both."""
    try:
        arrowroot.spark.jar_path()
    except FileNotFoundError as e:
        pytest.skip(f"format('root') is the Python source here: {e}")
    assert arrowroot.spark.which_source(spark) == "jvm", arrowroot.spark.fallback_reason(spark)
    assert arrowroot.spark.fallback_reason(spark) is None
    jvm = _read(spark, "root", HZZ, columns="NMuon,Muon_Px")
    python = _read(spark, "root_python", HZZ, columns="NMuon,Muon_Px")
    jvm_plan = jvm._jdf.queryExecution().executedPlan().toString()
    python_plan = python._jdf.queryExecution().executedPlan().toString()
    assert "RootScan" in jvm_plan and "ColumnarToRow" in jvm_plan, jvm_plan
    assert "RootScan" not in python_plan and "ColumnarToRow" not in python_plan, python_plan
    assert jvm.schema == python.schema
    assert sorted(jvm.collect()) == sorted(python.collect())
