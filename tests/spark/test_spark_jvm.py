"""The JVM connector (org.arrowroot.spark.RootDataSource, issue 19) on its own: from SQL
(`spark-sql`), Scala (`spark-shell`) and a `spark-submit --jars` job, i.e. without arrowroot's
Python package in the loop; a long loop of scans with the driver JVM's resident memory measured
(the engine's buffers go back when Spark is done with a batch); errors and secrets as Spark shows
them; values of nested, optional, fixed-size, map and unsigned columns equal uproot's.

The jar: $ARROWROOT_SPARK_JAR, else arrowroot.spark.jar_path() (the installed package's), else
<repo>/build/jvm/arrowroot-spark.jar (scripts/build); without one the module is skipped, saying so.
The launchers are the pinned pyspark wheel's (pyspark/bin); Java 17 as scripts/spark-env picks it.
One local[2] session for the in-process tests; the three launchers run side by side (each starts
its own JVM, ~20 s on 2 cores) in the background, with the leak loop (a JVM of its own too),
while the in-process tests run. Over ~500 lines: one module so that the JVMs start once and
overlap (the brief's time budget: ~3 minutes on 2 cores).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import uproot

pyspark = pytest.importorskip("pyspark")  # in tests/requirements.txt: never skipped in CI

from pyspark.sql import SparkSession  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
TESTDATA = REPO / "testdata"
HZZ = str(TESTDATA / "uproot-HZZ.root")
RNT = TESTDATA / "rntuple"
LARGE = str(RNT / "rntuple_large_zstd.root")
RECORDS = str(RNT / "rntuple_records_zstd.root")
COLLECTIONS = str(RNT / "rntuple_collections_zstd.root")
FUNDAMENTALS = str(RNT / "rntuple_fundamentals_zstd.root")
SPARK_BIN = Path(pyspark.__file__).resolve().parent / "bin"
LAUNCH_TIMEOUT = 300
# A storage secret given as a read option: registered with the session-wide secrets scan
# (tests/conftest.py), which then fails the run if any output, log or traceback holds it.
OPTION_SECRET = "jvm-option-secret-must-not-show"
OPTION_KEY = "JVMOPTIONKEYID0042"


def _java_home() -> str | None:
    """JAVA_HOME as scripts/spark-env sets it: kept if it has a java, else Debian's JDK 17."""
    home = os.environ.get("JAVA_HOME")
    if home and os.access(Path(home, "bin", "java"), os.X_OK):
        return home
    for jdk in ("/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/java-17-openjdk-arm64",
                "/usr/lib/jvm/java-17-openjdk"):
        if os.access(Path(jdk, "bin", "java"), os.X_OK):
            return jdk
    return None


def _find_jar() -> tuple[str | None, str]:
    """The connector's jar and, when there is none, why."""
    env = os.environ.get("ARROWROOT_SPARK_JAR")
    if env:
        return (env, "") if Path(env).is_file() else (None, f"ARROWROOT_SPARK_JAR={env} is no file")
    try:
        import arrowroot.spark as ars
        jar_path = getattr(ars, "jar_path", None)
        found = jar_path() if jar_path else None
        if found and Path(found).is_file():
            return str(found), ""
    except Exception:  # noqa: BLE001 - no package, or a package without a jar: next candidate
        pass
    built = REPO / "build" / "jvm" / "arrowroot-spark.jar"
    if built.is_file():
        return str(built), ""
    return None, (f"no arrowroot-spark.jar: set ARROWROOT_SPARK_JAR, install the package with "
                  f"its jar, or build it (scripts/build makes {built})")


JAR, _NO_JAR = _find_jar()
JAVA_HOME = _java_home()
pytestmark = [
    pytest.mark.skipif(JAR is None, reason=_NO_JAR),
    pytest.mark.skipif(JAVA_HOME is None, reason="no Java 17 (JAVA_HOME, /usr/lib/jvm/java-17-*)"),
]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["JAVA_HOME"] = JAVA_HOME or ""
    env.setdefault("PYSPARK_PYTHON", sys.executable)
    env.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    env.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    return env


# ---- the launchers: spark-sql, spark-shell, spark-submit ----------------------------------------

SQL_SCRIPT = """
CREATE TEMPORARY VIEW ev USING root OPTIONS (path '{hzz}', tree 'events');
SELECT 'ARROWROOT_SQL_VIEW', sum(NMuon), count(*), sum(size(Muon_Px)), count_if(NMuon >= 2) FROM ev;
"""

SCALA_SCRIPT = """
import org.apache.spark.sql.functions._
val marker = "ARROWROOT_" + "SCALA"
val df = spark.read.format("root").option("tree", "events").load("{hzz}")
val r = df.agg(sum("NMuon"), count(lit(1)), sum(size(col("Muon_Px")))).head()
val px = df.select("Muon_Px").as[Seq[Float]].collect().map(_.map(_.toDouble).sum).sum
val scan = df.select("NMuon").queryExecution.executedPlan.toString.contains("RootScan")
println(s"$marker-RESULT ${{r.getLong(0)}} ${{r.getLong(1)}} ${{r.getLong(2)}} $px")
val types = Seq("Muon_Px", "NMuon").map(df.schema(_).dataType.simpleString).mkString(" ")
println(s"$marker-TYPES $types $scan")
def arrowrootKind(e: Throwable): String = {{
  var c = e
  while (c != null && !c.isInstanceOf[org.arrowroot.spark.ArrowrootException]) c = c.getCause
  if (c == null) "not-arrowroot:" + e.getClass.getName
  else c.asInstanceOf[org.arrowroot.spark.ArrowrootException].kind()
}}
val kind = try {{
  spark.read.format("root").option("tree", "events").load("{missing}").count(); "no-error"
}} catch {{ case e: Throwable => arrowrootKind(e) }}
println(s"$marker-ERROR $kind")
sys.exit(0)
"""

SUBMIT_APP = """
import json, sys
from pyspark.sql import SparkSession, functions as F
out, path = sys.argv[1], sys.argv[2]
spark = SparkSession.builder.appName("arrowroot-spark-submit-test").getOrCreate()
df = spark.read.format("root").option("tree", "events").load(path)
agg = df.agg(F.sum("NMuon"), F.count("*"), F.sum(F.size("Jet_Px")), F.sum("MET_px"))
row = agg.collect()[0]
result = {"nmuon": row[0], "count": row[1], "jets": row[2], "met_px": row[3],
          "plan": agg._jdf.queryExecution().executedPlan().toString(),
          "arrowroot_imported": any(m.split(".")[0] == "arrowroot" for m in sys.modules)}
with open(out, "w") as f:
    json.dump(result, f)
spark.stop()
"""


class _Launch:
    """One launcher run in the background; wait() gives (returncode, stdout, stderr)."""

    def __init__(self, name: str, args: list[str], cwd: Path):
        self.name = name
        self.out = cwd / f"{name}.out"
        self.err = cwd / f"{name}.err"
        with open(self.out, "wb") as o, open(self.err, "wb") as e:
            self.proc = subprocess.Popen([str(SPARK_BIN / name), *args], cwd=cwd, env=_env(),
                                         stdin=subprocess.DEVNULL, stdout=o, stderr=e)
        self._result: tuple[int, str, str] | None = None

    def wait(self, secrets_scan) -> tuple[int, str, str]:
        if self._result is None:
            try:
                rc = self.proc.wait(timeout=LAUNCH_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                rc = -9
            out = self.out.read_text(errors="replace")
            err = self.err.read_text(errors="replace")
            secrets_scan.add("subprocess", out)
            secrets_scan.add("subprocess", err)
            self._result = (rc, out, err)
        return self._result


def _tail(text: str, n: int = 3000) -> str:
    return text[-n:]


@pytest.fixture(scope="module")
def launches(tmp_path_factory):
    """spark-sql, spark-shell and spark-submit started together (local mode, no Hive metastore,
    no UI); each test waits for its own."""
    d = tmp_path_factory.mktemp("launchers")
    common = ["--master", "local[2]", "--conf", "spark.ui.enabled=false",
              "--conf", f"spark.sql.warehouse.dir={d / 'warehouse'}"]
    (d / "query.sql").write_text(SQL_SCRIPT.format(hzz=HZZ))
    (d / "script.scala").write_text(SCALA_SCRIPT.format(hzz=HZZ, missing=d / "missing.root"))
    (d / "app.py").write_text(SUBMIT_APP)
    runs = {
        "spark-sql": _Launch("spark-sql", [
            *common, "--jars", JAR, "--conf", "spark.sql.catalogImplementation=in-memory",
            "-f", str(d / "query.sql")], d),
        "spark-shell": _Launch("spark-shell", [
            *common, "--jars", JAR, "-i", str(d / "script.scala")], d),
        "spark-submit": _Launch("spark-submit", [
            *common, "--jars", JAR, str(d / "app.py"), str(d / "result.json"), HZZ], d),
    }
    yield d, runs
    for run in runs.values():
        if run.proc.poll() is None:
            run.proc.kill()
            run.proc.wait()


@pytest.fixture(scope="module")
def hzz_truth():
    t = uproot.open(HZZ)["events"]
    a = t.arrays(["NMuon", "Muon_Px", "Jet_Px", "MET_px"], library="np")
    return {
        "count": int(t.num_entries),
        "nmuon": int(a["NMuon"].sum()),
        "muons": int(sum(len(x) for x in a["Muon_Px"])),
        "two_muons": int((a["NMuon"] >= 2).sum()),
        "jets": int(sum(len(x) for x in a["Jet_Px"])),
        "met_px": float(a["MET_px"].astype(np.float64).sum()),
        "muon_px": float(sum(float(np.sum(x.astype(np.float64))) for x in a["Muon_Px"])),
    }


# ---- the leak loop: its own JVM, with a fixed, pre-touched heap and native memory tracking ------

LEAK_SCANS = 200
LEAK_WARMUP = 30
# Bytes one scan of rntuple_large_zstd.root (200 000 entries; v: vector<float> of 300 000 values
# in all; x: float) hands to Spark for `sum(size(v)), sum(x)`: v's offsets and values and x.
LARGE_SCAN_BYTES = 200_001 * 4 + 300_000 * 4 + 200_000 * 4
# The JVM's own memory (heap, metaspace, code, thread stacks, GC) is what NMT counts as
# committed; what RSS holds beyond it is native memory nobody in the JVM accounts for: the
# engine's. It must stay flat: the bound is 1/8 of what the measured part of the loop would
# leak if every scan of the large file kept its batches (85 scans x 2.8 MB = 238 MB).
NATIVE_GROWTH_BOUND_MB = 85 * LARGE_SCAN_BYTES / 8 / 2**20
# RSS as a whole also carries the JVM's own growth (measured on this loop, and the same with
# Parquet in the place of ROOT: 50-80 MB over 170 queries, nearly all of it in NMT's committed
# memory: thread stacks, JIT code, metaspace). Bound: the measured part's full leak of the large
# file's batches (238 MB), which would come on top of that growth.
RSS_GROWTH_BOUND_MB = 85 * LARGE_SCAN_BYTES / 2**20

LEAK_SCRIPT = r"""
import json, os, re, subprocess, sys
from pyspark.sql import SparkSession
jar, out, hzz, large, scans, warmup = sys.argv[1:7]
scans, warmup = int(scans), int(warmup)
spark = (SparkSession.builder.master("local[2]").appName("arrowroot-leak-loop")
         .config("spark.jars", jar).config("spark.ui.enabled", "false")
         .config("spark.driver.memory", "512m")
         .config("spark.driver.extraJavaOptions",
                 "-Xms512m -XX:+AlwaysPreTouch -XX:NativeMemoryTracking=summary")
         .getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
pid = spark._jvm.java.lang.ProcessHandle.current().pid()
allocator = spark._jvm.org.apache.spark.sql.util.ArrowUtils.rootAllocator()
jcmd = os.path.join(os.environ["JAVA_HOME"], "bin", "jcmd")

def measure():
    with open(f"/proc/{pid}/status") as f:
        rss = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:")) / 1024
    nmt = None
    try:
        text = subprocess.run([jcmd, str(pid), "VM.native_memory", "summary"],
                              capture_output=True, text=True, timeout=60).stdout
        m = re.search(r"Total: reserved=\d+KB, committed=(\d+)KB", text)
        nmt = int(m.group(1)) / 1024 if m else None
    except (OSError, subprocess.SubprocessError):
        pass
    return {"rss_mb": rss, "nmt_committed_mb": nmt,
            "arrow_allocated": allocator.getAllocatedMemory()}

reads = [(hzz, "events", ["sum(size(Muon_Px))"]), (large, "ntpl", ["sum(size(v))", "sum(x)"])]
results = {hzz: [], large: []}
samples = {"start": measure()}
for i in range(scans):
    path, tree, exprs = reads[i % 2]
    row = spark.read.format("root").option("tree", tree).load(path).selectExpr(*exprs).collect()[0]
    results[path].append(list(row))
    if i + 1 == warmup:
        samples["warm"] = measure()
samples["end"] = measure()
with open(out, "w") as f:
    json.dump({"samples": samples, "results": results}, f)
spark.stop()
"""


@pytest.fixture(scope="module")
def leak_loop(tmp_path_factory):
    """The scan loop, started in the background with the launchers."""
    d = tmp_path_factory.mktemp("leak")
    (d / "leak.py").write_text(LEAK_SCRIPT)
    env = _env()
    env.pop("PYTHONPATH", None)  # pyspark only: the loop does not import arrowroot
    with open(d / "leak.out", "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, str(d / "leak.py"), JAR, str(d / "leak.json"), HZZ, LARGE,
             str(LEAK_SCANS), str(LEAK_WARMUP)],
            cwd=d, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    yield d, proc
    if proc.poll() is None:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module", autouse=True)
def _start_background(request):
    """Start the launchers and the leak loop, when selected tests use them, before the
    in-process tests: they overlap."""
    used = {name for item in request.session.items for name in getattr(item, "fixturenames", ())}
    for name in ("launches", "leak_loop"):
        if name in used:
            request.getfixturevalue(name)


# ---- the in-process session -----------------------------------------------------------------


@pytest.fixture(scope="module")
def spark(tmp_path_factory, secrets_scan):
    from pyspark import SparkContext

    secrets_scan.add_secret("the JVM test's option secret", OPTION_SECRET)
    os.environ["JAVA_HOME"] = JAVA_HOME or ""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    jvm_running = SparkContext._gateway is not None
    session = (
        SparkSession.builder.master("local[2]")
        .appName("arrowroot-jvm-tests")
        .config("spark.jars", JAR)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.catalogImplementation", "in-memory")
        .config("spark.sql.warehouse.dir", str(tmp_path_factory.mktemp("warehouse")))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    if jvm_running:
        # spark.jars reaches the driver's class path only when the JVM starts; an earlier
        # module's session started this one: ADD JAR puts the source where Spark looks.
        session.sql(f"ADD JAR '{JAR}'")
    yield session
    session.stop()
    # Builder settings become JVM-wide defaults for later sessions in this process: drop ours.
    for key in ("spark.jars", "spark.sql.catalogImplementation", "spark.sql.warehouse.dir",
                "spark.sql.shuffle.partitions"):
        session._jvm.System.clearProperty(key)


def _read(spark, path, tree="events", **options):
    reader = spark.read.format("root").option("tree", tree)
    for k, v in options.items():
        reader = reader.option(k, v)
    return reader.load(path)


def _jvm_alive(spark):
    assert spark.range(5).selectExpr("sum(id)").collect()[0][0] == 10


def _arrowroot_line(text: str) -> str:
    """The first `arrowroot.<Class>: ...` line of a Spark error (driver or task side)."""
    m = re.search(r"arrowroot\.[A-Za-z]*Error: [^\n]*", text)
    assert m, text[:3000]
    return m.group(0)


def _fails(fn) -> str:
    with pytest.raises(Exception) as info:
        fn()
    text = str(info.value)
    # The JVM source's exception, not the Python source's (no Python worker in the loop).
    assert "org.arrowroot.spark.ArrowrootException" in text, text[:3000]
    return text


def test_errors_name_the_file_tree_branch_and_column(spark, tmp_path):
    missing = tmp_path / "missing.root"
    line = _arrowroot_line(_fails(lambda: _read(spark, str(missing)).count()))
    assert line.startswith("arrowroot.NotFoundError: ") and str(missing) in line

    line = _arrowroot_line(_fails(lambda: _read(spark, HZZ, tree="nope").count()))
    assert line.startswith("arrowroot.NotFoundError: ") and HZZ in line and "'nope'" in line

    line = _arrowroot_line(_fails(lambda: _read(spark, HZZ, columns="NMuon,NoSuchBranch").count()))
    assert line.startswith("arrowroot.NotFoundError: ") and HZZ in line
    assert "'NoSuchBranch'" in line

    truncated = tmp_path / "truncated.root"
    data = Path(HZZ).read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    line = _arrowroot_line(_fails(
        lambda: _read(spark, str(truncated)).selectExpr("sum(size(Muon_Px))").collect()))
    assert line.startswith("arrowroot.CorruptionError: ") and str(truncated) in line

    # Read in a task: the value does not fit Spark's long (no unsigned type in Spark).
    line = _arrowroot_line(_fails(
        lambda: _read(spark, FUNDAMENTALS, tree="ntpl", columns="u64").collect()))
    assert line.startswith("arrowroot.InvalidArgumentError: ") and FUNDAMENTALS in line
    assert "'u64'" in line and "18446744073709551615" in line
    _jvm_alive(spark)  # an error is an exception, never a crash of the JVM


def test_option_secrets_stay_out_of_plans_explain_and_errors(spark, capsys):
    storage = {"key": OPTION_KEY, "secret": OPTION_SECRET, "endpoint_url": "http://127.0.0.1:9"}
    url = "s3://arrowroot-unreachable-bucket/dir/run1.root"
    text = _fails(lambda: _read(spark, url, **storage).count())
    line = _arrowroot_line(text)
    assert line.startswith("arrowroot.ArrowrootIOError: ") and "127.0.0.1:9" in line, line
    assert OPTION_SECRET not in text and OPTION_KEY not in text

    # A read that works (local file, storage options given anyway): its plans and explain().
    df = _read(spark, HZZ, **storage).selectExpr("sum(NMuon)")
    qe = df._jdf.queryExecution()
    modes = spark._jvm.org.apache.spark.sql.execution.ExplainMode
    texts = [qe.toString()] + [qe.explainString(modes.fromString(m))
                               for m in ("simple", "extended", "formatted", "cost")]
    df.explain(True)
    df.explain("formatted")
    texts.append(capsys.readouterr().out)
    assert "RootScan[" in texts[0] and "secret=***" in texts[0], texts[0]
    for t in texts:
        assert OPTION_SECRET not in t and OPTION_KEY not in t
    assert df.collect()[0][0] == 3825

    # The SQL way: options in CREATE TEMPORARY VIEW; the query's plan (the Spark UI's).
    spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW secret_view USING root OPTIONS (path '{HZZ}', "
              f"tree 'events', key '{OPTION_KEY}', secret '{OPTION_SECRET}')")
    q = spark.sql("SELECT sum(NMuon) FROM secret_view")
    plan = q._jdf.queryExecution().toString()
    assert "RootScan[" in plan and OPTION_SECRET not in plan and OPTION_KEY not in plan
    assert q.collect()[0][0] == 3825


# ---- values and types against uproot --------------------------------------------------------


def _same(a, b) -> bool:
    """Equal values, NaN equal to NaN, dicts by key, tuples as lists."""
    if isinstance(a, float) and isinstance(b, float) and a != a:
        return b != b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def _plain(value):
    """Spark's collected value as plain Python (Rows as dicts)."""
    if hasattr(value, "asDict"):
        return {k: _plain(v) for k, v in value.asDict().items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _compare(df, up, column, convert=lambda v: v):
    got = [_plain(r[0]) for r in df.select(f"`{column}`").collect()]
    want = [convert(v) for v in up[column].to_list()]
    assert len(got) == len(want), column
    bad = [i for i, (g, w) in enumerate(zip(got, want)) if not _same(g, w)]
    assert not bad, f"{column}: entry {bad[0]}: spark {got[bad[0]]!r} != uproot {want[bad[0]]!r}"


def _unique_ptr(v):
    return v[0] if v else None  # uproot reads unique_ptr as a list of 0 or 1 items


def _tuple(v):
    return {f"_{i}": x for i, x in enumerate(v)}


def _compare_all(df, up, columns):
    for column in columns:
        if column.startswith("uptr_"):
            convert = _unique_ptr
        elif "map" in column:
            convert = dict  # uproot: a list of (key, value) pairs
        elif column.startswith(("pair_", "tuple_")):
            convert = _tuple
        else:
            convert = None
        _compare(df, up, column, convert or (lambda v: v))


def test_records_lists_of_structs_and_optionals_equal_uproot(spark):
    columns = ["tracks", "points", "opt_f64", "opt_str", "opt_vec_i32", "uptr_f32", "atomic_i32",
               "enum_color", "vec_enum_color", "n_tracks", "n_points32", "track_pt_alias",
               "points_x"]
    df = _read(spark, RECORDS, tree="ntpl")
    types = {f.name: f.dataType.simpleString() for f in df.schema.fields}
    assert types["tracks"] == ("array<struct<base_id:int,base_weight:float,pt:double,origin:"
                               "struct<x:float,y:float>,hits:array<struct<x:float,y:float>>,"
                               "label:string,flags:array<smallint>>>")  # fixed-size: an array
    assert types["opt_f64"] == "double" and df.schema["opt_f64"].nullable
    assert types["n_points32"] == "bigint"  # RNTupleCardinality<uint32>: widened
    up = uproot.open(RECORDS)["ntpl"].arrays(columns)
    _compare_all(df, up, columns)
    # Optionals hold nulls (not 0 or ""): as many as uproot's Nones.
    nulls = sum(v is None for v in up["opt_f64"].to_list())
    assert nulls > 0 and df.where("opt_f64 IS NULL").count() == nulls


def test_collections_maps_fixed_size_arrays_and_sets_equal_uproot(spark):
    columns = ["array_f32_3", "array_str_2", "map_str_f32", "umap_str_f64", "vec_vec_i32",
               "set_i64", "vec_str", "str"]
    df = _read(spark, COLLECTIONS, tree="ntpl", columns=",".join(columns))
    types = {f.name: f.dataType.simpleString() for f in df.schema.fields}
    assert types["array_f32_3"] == "array<float>"
    assert types["map_str_f32"] == "map<string,float>"
    _compare_all(df, uproot.open(COLLECTIONS)["ntpl"].arrays(columns), columns)


def test_unsigned_widened_and_fundamentals_equal_uproot(spark):
    columns = ["b", "i8", "u8", "i16", "u16", "i32", "u32", "i64", "f32", "f64"]
    df = _read(spark, FUNDAMENTALS, tree="ntpl", columns=",".join(columns))
    assert [f.dataType.simpleString() for f in df.schema.fields] == [
        "boolean", "tinyint", "smallint", "smallint", "int", "int", "bigint", "bigint", "float",
        "double"]
    up = uproot.open(FUNDAMENTALS)["ntpl"].arrays(columns)
    for column in columns:
        _compare(df, up, column)
    assert max(r[0] for r in df.select("u32").collect()) == 2**32 - 1


def test_hzz_columns_equal_uproot(spark):
    columns = ["NMuon", "Muon_Px", "Muon_Charge", "MET_px", "Jet_E", "triggerIsoMu24",
               "EventWeight"]
    df = _read(spark, HZZ, columns=",".join(columns))
    up = uproot.open(HZZ)["events"].arrays(columns, library="ak")
    for column in columns:
        _compare(df, up, column)


# ---- JVM-specific behaviour: pruning in the plan, partitions, batch sizes, given schema --------


def test_partitions_batches_and_given_schema_keep_values(spark):
    want = [300_000, 49_950_000.0]  # uproot: checked in test_leak_loop too
    one = _read(spark, LARGE, tree="ntpl").selectExpr("sum(size(v))", "sum(x)")
    assert [float(x) for x in one.collect()[0]] == want
    # 20 clusters of 10 000 entries; small partitions split at cluster boundaries.
    split = _read(spark, LARGE, tree="ntpl", partition_bytes="100 kB", step_size="1000")
    assert split.rdd.getNumPartitions() > 1
    got = split.selectExpr("sum(size(v))", "sum(x)", "count(*)", "sum(event)").collect()[0]
    assert [float(x) for x in got[:2]] == want and got[2] == 200_000
    events = uproot.open(LARGE)["ntpl"].arrays(["event"], library="np")["event"]
    assert got[3] == int(events.astype(np.int64).sum())
    # Rows come back in entry order across partitions and batches.
    ordered = [r[0] for r in split.select("event").collect()]
    assert ordered == [int(e) for e in events]
    # Only the columns Spark asks for reach the scan.
    plan = split.select("x")._jdf.queryExecution().executedPlan().toString()
    assert "columns=[x]" in plan, plan
    # A schema given by the reader picks the columns, as option("columns") does.
    given = spark.read.format("root").schema("NMuon int, MET_px float").option(
        "tree", "events").load(HZZ)
    assert given.columns == ["NMuon", "MET_px"]
    assert given.selectExpr("sum(NMuon)").collect()[0][0] == 3825


def test_leak_loop_native_memory_stays_flat(leak_loop, hzz_truth, secrets_scan):
    d, proc = leak_loop
    rc = proc.wait(timeout=LAUNCH_TIMEOUT)
    log = (d / "leak.out").read_text(errors="replace")
    secrets_scan.add("subprocess", log)
    assert rc == 0, _tail(log)
    report = json.loads((d / "leak.json").read_text())
    results, samples = report["results"], report["samples"]
    # Every scan read the same values (a reused or freed buffer would show here first).
    assert results[HZZ] == [[hzz_truth["muons"]]] * (LEAK_SCANS // 2)
    v = uproot.open(LARGE)["ntpl"].arrays(["v", "x"], library="np")
    want = [sum(len(x) for x in v["v"]), float(v["x"].astype(np.float64).sum())]
    assert results[LARGE] == [want] * (LEAK_SCANS // 2)
    warm, end = samples["warm"], samples["end"]
    print(f"leak loop: RSS start {samples['start']['rss_mb']:.0f} MB, after {LEAK_WARMUP} scans "
          f"{warm['rss_mb']:.0f} MB, after {LEAK_SCANS} {end['rss_mb']:.0f} MB; NMT committed "
          f"{warm['nmt_committed_mb']} -> {end['nmt_committed_mb']} MB")
    # Arrow's allocator: nothing outstanding once Spark is done with the batches.
    assert warm["arrow_allocated"] == 0 and end["arrow_allocated"] == 0
    assert end["rss_mb"] - warm["rss_mb"] < RSS_GROWTH_BOUND_MB, samples
    if warm["nmt_committed_mb"] is not None and end["nmt_committed_mb"] is not None:
        native_warm = warm["rss_mb"] - warm["nmt_committed_mb"]
        native_end = end["rss_mb"] - end["nmt_committed_mb"]
        assert native_end - native_warm < NATIVE_GROWTH_BOUND_MB, samples


# ---- the launchers' results (they ran while the tests above did) ------------------------------


def test_spark_sql_temporary_view_using_root(launches, hzz_truth, secrets_scan):
    _, runs = launches
    rc, out, err = runs["spark-sql"].wait(secrets_scan)
    assert rc == 0, _tail(err)
    m = re.search(r"^ARROWROOT_SQL_VIEW\t(\d+)\t(\d+)\t(\d+)\t(\d+)$", out, re.MULTILINE)
    assert m, _tail(out + err)
    assert [int(g) for g in m.groups()] == [
        hzz_truth["nmuon"], hzz_truth["count"], hzz_truth["muons"], hzz_truth["two_muons"]]


def test_spark_shell_scala_reads_root(launches, hzz_truth, secrets_scan):
    _, runs = launches
    rc, out, err = runs["spark-shell"].wait(secrets_scan)
    assert rc == 0, _tail(err)
    m = re.search(r"^ARROWROOT_SCALA-RESULT (\d+) (\d+) (\d+) (\S+)$", out, re.MULTILINE)
    assert m, _tail(out + err)
    assert [int(g) for g in m.groups()[:3]] == [
        hzz_truth["nmuon"], hzz_truth["count"], hzz_truth["muons"]]
    assert float(m.group(4)) == pytest.approx(hzz_truth["muon_px"], rel=1e-9, abs=1e-6)
    # Types as Scala sees them, and the scan is the JVM source's (no Python anywhere).
    assert re.search(r"^ARROWROOT_SCALA-TYPES array<float> int true$", out, re.MULTILINE), out
    # A missing file reaches Scala code as org.arrowroot.spark.ArrowrootException.
    assert re.search(r"^ARROWROOT_SCALA-ERROR NotFoundError$", out, re.MULTILINE), _tail(out)


def test_spark_submit_jars_python_app(launches, hzz_truth, secrets_scan):
    d, runs = launches
    rc, out, err = runs["spark-submit"].wait(secrets_scan)
    assert rc == 0, _tail(err)
    result = json.loads((d / "result.json").read_text())
    assert result["count"] == hzz_truth["count"]
    assert result["nmuon"] == hzz_truth["nmuon"]
    assert result["jets"] == hzz_truth["jets"]
    assert result["met_px"] == pytest.approx(hzz_truth["met_px"], rel=1e-12)
    # Found through spark.jars alone: the JVM source's scan, and arrowroot never imported.
    assert "RootScan" in result["plan"], result["plan"]
    assert result["arrowroot_imported"] is False


# ---- RNTuple records as columns of their own; CREATE TABLE in the session catalog ------------


def test_rntuple_top_level_records_equal_uproot(spark):
    """Records that are columns themselves (not inside a list): a class with a base, a
    unique_ptr<record> (null or a struct), std::pair and std::tuple; also a selected field."""
    df = _read(spark, RECORDS, tree="ntpl", columns="track,uptr_point")
    assert df.schema["track"].dataType.simpleString() == (
        "struct<base_id:int,base_weight:float,pt:double,origin:struct<x:float,y:float>,"
        "hits:array<struct<x:float,y:float>>,label:string,flags:array<smallint>>")
    assert df.schema["uptr_point"].nullable
    up = uproot.open(RECORDS)["ntpl"].arrays(["track", "uptr_point"])
    _compare_all(df, up, ["track", "uptr_point"])
    pts = [r[0] for r in df.select("track.pt").collect()]
    assert pts == [t["pt"] for t in up["track"].to_list()]
    columns = ["pair_i32_str", "tuple_u8_f64_vec"]
    df = _read(spark, COLLECTIONS, tree="ntpl", columns=",".join(columns))
    assert df.schema["tuple_u8_f64_vec"].dataType.simpleString() == (
        "struct<_0:smallint,_1:double,_2:array<int>>")
    _compare_all(df, uproot.open(COLLECTIONS)["ntpl"].arrays(columns), columns)


def test_create_table_using_root_in_the_session_catalog(spark, hzz_truth):
    """CREATE TABLE ... USING root (session catalog, in-memory, no Hive). Spark 4 supports it
    for a DSv2 TableProvider (V2SessionCatalog.createTable0 infers the schema, loadTable calls
    getTable) and hands the source the table's properties, not the bare options: `provider`,
    `owner`, `location`, the OPTIONS as `option.<key>`, and `path` from the location as a URI
    (`file:/abs/path`)."""
    spark.sql("DROP TABLE IF EXISTS root_hzz")
    spark.sql(f"CREATE TABLE root_hzz USING root OPTIONS (path '{HZZ}', tree 'events')")
    try:
        row = spark.sql("SELECT sum(NMuon), count(*) FROM root_hzz").collect()[0]
        assert [row[0], row[1]] == [hzz_truth["nmuon"], hzz_truth["count"]]
        assert spark.table("root_hzz").schema["Muon_Px"].dataType.simpleString() == "array<float>"
    finally:
        spark.sql("DROP TABLE IF EXISTS root_hzz")


def test_hadoop_style_file_uri_is_a_local_path(spark):
    """`file:/abs/path` (one slash) is how Spark and Hadoop write local paths (a catalog table's
    location, input_file_name()); it names the same file as `file:///abs/path` and `/abs/path`."""
    for path in (f"file://{HZZ}", f"file:{HZZ}"):
        assert _read(spark, path).selectExpr("sum(NMuon)").collect()[0][0] == 3825, path


def _bytes_requested(directory: Path) -> int:
    return sum(json.loads(line)["num_bytes_requested"]
               for f in directory.glob("*.jsonl") for line in f.read_text().splitlines())


def test_nested_fields_a_query_uses_are_all_that_is_read(spark, tmp_path):
    """Spark's nested schema pruning reaches the engine: a query that uses some fields of a
    record (also as the items of a list, or optional) reads only those fields' pages, and the
    values equal the same fields of a whole read; a TTree branch group likewise."""
    pruned = (_read(spark, RECORDS, tree="ntpl", io_stats_dir=str(tmp_path / "pruned"))
              .selectExpr("track.pt AS pt", "tracks.pt AS tracks_pt", "uptr_point.x AS x"))
    plan = pruned._jdf.queryExecution().executedPlan().toString()
    assert "fields=[track/pt, tracks/pt, uptr_point/x]" in plan, plan
    got = [tuple(r) for r in pruned.collect()]
    whole = (_read(spark, RECORDS, tree="ntpl", io_stats_dir=str(tmp_path / "whole"))
             .select("track", "tracks", "uptr_point").collect())
    want = [(r.track.pt, [t.pt for t in r.tracks], r.uptr_point.x if r.uptr_point else None)
            for r in whole]
    assert got == want
    assert len(got) == 170
    assert _bytes_requested(tmp_path / "pruned") < _bytes_requested(tmp_path / "whole")

    group = _read(spark, str(TESTDATA / "uproot-issue-1221.root"), tree="TrkAna/trkana",
                  columns="evtinfo.").selectExpr("`evtinfo.`.`evtinfo.run` AS run")
    assert "fields=[evtinfo./evtinfo.run]" in group._jdf.queryExecution().executedPlan().toString()
    with uproot.open(str(TESTDATA / "uproot-issue-1221.root")) as f:
        runs = f["TrkAna/trkana"]["evtinfo./evtinfo.run"].array(library="np").tolist()
    assert [r.run for r in group.collect()] == runs
