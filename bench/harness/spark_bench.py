"""Spark section of the harness: the same queries over the same events from every source.

    <harness python> bench/harness/spark_bench.py --root FILE.root --parquet FILE.parquet \
        [--jar arrowroot-spark.jar] [--queries muons,jets,explode,njets,ht] --repeat N --json OUT.json

Spark ``local[2]`` (both cores), ONE session for everything, with arrowroot's jar on
``spark.jars``. Queries (each collects one row; see QUERIES):

* ``muons``: ``agg(sum(size(Muon_pt)), sum(MET_pt))`` (~14 MB decoded per million events;
  mostly per-query overhead);
* ``jets``: ``agg(sum(size(Jet_pt)), sum(array_max(Jet_pt)), sum(array_max(Jet_eta)),
  sum(array_min(Jet_phi)), sum(array_max(Jet_mass)), sum(MET_pt))`` (5 columns, ~100 MB
  decoded per million events: the readers' throughput shows);
* ``explode``: ``select(explode(Jet_pt) as pt).where(pt > 30).count()`` (one row per jet);
* ``njets``: ``where(size(Jet_pt) >= 2).count()`` plus ``sum(MET_pt)`` of those events;
* ``ht``: ``sum(aggregate(Jet_pt, 0D, (a, x) -> a + x))`` per event (a lambda Spark interprets
  per element: bound by Spark itself, not by the reader).

Sources:

* ``format("root")`` = arrowroot's JVM DataSource V2 (``org.arrowroot.spark.RootDataSource``,
  from the jar), with ``option("columns", ...)``; with its default ``partition_bytes`` and
  again with ``partition_bytes`` set for ~4 partitions (so both cores work on a small file);
* ``format("root_python")`` = arrowroot's Python data source (the fallback), the same two
  configurations; registered here under that name (a subclass of
  ``arrowroot.spark.RootDataSource``) so that it cannot be confused with the JVM one;
* the same events as Parquet (written once by the harness with pyarrow from arrowroot's Arrow
  table), ``spark.read.parquet``: Spark's vectorized reader, column pruning built in;
* ``pyspark-root-datasource`` (uproot + awkward in Python workers), registered here under the
  name ``uproot_root`` (it also calls itself "root"), with ``option("columns", ...)``; with its
  defaults (one partition per million entries) and with ``num_partitions`` = 4;
* a zero-cost reference: the query's columns (from Parquet, one partition per core) cached in memory
  (``df.cache()``, materialized once by ``count()``), then the query timed over the cache:
  what Spark's own compute costs. A query whose readers all sit close to it is Spark-bound.

Also measured: Spark's per-query overhead (the same kind of one-row aggregate over 2 rows).

Every query runs once to warm up (Python workers, JIT), then ``--repeat`` times; the best wall
time is kept. All sources' results must agree (counts exactly, sums to 1e-6). Writes JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Source names: report.py picks the best configuration of each by these prefixes.
JVM = "arrowroot JVM format(root)"
PYTHON = "arrowroot Python format(root_python)"
PARQUET = "Parquet (spark.read.parquet)"
UPROOT = "pyspark-root-datasource"
CACHED = "zero-cost reference: columns cached in memory"


def _q_muons(F, df):
    return df.agg(F.sum(F.size("Muon_pt")).alias("n_muons"), F.sum("MET_pt").alias("met_sum"))


def _q_jets(F, df):
    return df.agg(F.sum(F.size("Jet_pt")).alias("n_jets"), F.sum(F.array_max("Jet_pt")).alias("lead_pt"),
                  F.sum(F.array_max("Jet_eta")).alias("max_eta"), F.sum(F.array_min("Jet_phi")).alias("min_phi"),
                  F.sum(F.array_max("Jet_mass")).alias("max_mass"), F.sum("MET_pt").alias("met_sum"))


def _q_explode(F, df):
    return df.select(F.explode("Jet_pt").alias("pt")).where(F.col("pt") > 30).agg(F.count(F.lit(1)).alias("n"))


def _q_njets(F, df):
    return df.where(F.size("Jet_pt") >= 2).agg(F.count(F.lit(1)).alias("n"), F.sum("MET_pt").alias("met_sum"))


def _q_ht(F, df):
    return df.agg(F.sum(F.aggregate("Jet_pt", F.lit(0.0), lambda a, x: a + x)).alias("ht_sum"))


QUERIES = {
    # name: (columns, query(F, df) -> a one-row DataFrame, description for the report)
    "muons": (["Muon_pt", "MET_pt"], _q_muons, "agg(sum(size(Muon_pt)), sum(MET_pt))"),
    "jets": (["Jet_pt", "Jet_eta", "Jet_phi", "Jet_mass", "MET_pt"], _q_jets,
             "agg(sum(size(Jet_pt)), sum(array_max(Jet_pt)), sum(array_max(Jet_eta)), "
             "sum(array_min(Jet_phi)), sum(array_max(Jet_mass)), sum(MET_pt))"),
    "explode": (["Jet_pt"], _q_explode, "select(explode(Jet_pt) as pt).where(pt > 30).count()"),
    "njets": (["Jet_pt", "MET_pt"], _q_njets, "where(size(Jet_pt) >= 2).agg(count(1), sum(MET_pt))"),
    "ht": (["Jet_pt"], _q_ht, "agg(sum(aggregate(Jet_pt, 0D, (a, x) -> a + x)))"),
}


def _same(a, b) -> bool:
    return len(a) == len(b) and all(
        x == y if isinstance(x, int) else abs(x - y) <= 1e-6 * max(abs(x), abs(y), 1.0)
        for x, y in zip(a, b))


def _sources(spark, args, out, cols, decoded) -> dict:
    """{name: (make DataFrame, cleanup or None)} of the query's sources, in report order."""
    colopt = ",".join(cols)

    def fmt_df(fmt, **opts):
        def make():
            r = spark.read.format(fmt).option("tree", args.tree).option("columns", colopt)
            for k, v in opts.items():
                r = r.option(k, str(v))
            return r.load(args.root)
        return make

    part_bytes = max(1, decoded // args.partitions)
    src: dict = {}
    if out["jvm"].get("ok"):
        src[JVM] = fmt_df("root")
        src[f"{JVM}, partition_bytes for ~{args.partitions}"] = fmt_df("root", partition_bytes=f"{part_bytes} B")
    src[PYTHON] = fmt_df("root_python")
    src[f"{PYTHON}, partition_bytes for ~{args.partitions}"] = fmt_df("root_python", partition_bytes=f"{part_bytes} B")
    src[PARQUET] = lambda: spark.read.parquet(args.parquet)
    if out["pyspark_root_datasource"]:
        src[UPROOT] = fmt_df("uproot_root")
        src[f"{UPROOT}, num_partitions={args.partitions}"] = fmt_df("uproot_root", num_partitions=args.partitions)
    return src


def _measure(spark, F, args, make, query) -> dict:
    def run(df):
        t = time.perf_counter()
        row = query(F, df).collect()[0]
        vals = tuple(int(v) if isinstance(v, int) else float(v) for v in row)
        return time.perf_counter() - t, vals

    rec: dict = {"runs": []}
    df = make()
    rec["partitions"] = df.rdd.getNumPartitions()
    rec["scan"] = _scan_node(df)
    rec["warmup_seconds"], vals = run(df)
    for _ in range(args.repeat):
        sec, vals2 = run(make())
        rec["runs"].append(sec)
        if not _same(vals2, vals):
            rec["unstable"] = f"{vals2} != {vals}"
    rec["best_seconds"] = min(rec["runs"])
    rec["result"] = vals
    return rec


def _scan_node(df) -> str:
    """The scan of df's physical plan, shortened (which reader really ran)."""
    try:
        plan = df._jdf.queryExecution().executedPlan().toString()
    except Exception as e:  # noqa: BLE001
        return f"?: {e}"
    for line in plan.splitlines():
        if "Scan" in line:
            return line.strip(" +-:*")[:160]
    return plan.splitlines()[-1][:160] if plan else ""


def _cached(spark, args, cols):
    """The query's columns from Parquet, one partition per core, cached and materialized."""
    df = spark.read.parquet(args.parquet).select(*cols)
    df = df.repartition(spark.sparkContext.defaultParallelism).cache()
    t = time.perf_counter()
    df.count()
    return df, time.perf_counter() - t


def run_query(spark, F, args, out, qname) -> dict:
    cols, query, desc = QUERIES[qname]
    import arrowroot

    with arrowroot.open(args.root) as f:
        decoded = f[args.tree].arrays(cols).nbytes
    res: dict = {}
    reference = None
    sources = _sources(spark, args, out, cols, decoded)
    sources[CACHED] = None
    for name, make in sources.items():
        cached = None
        try:
            if make is None:
                cached, fill = _cached(spark, args, cols)
                rec = _measure(spark, F, args, lambda: cached, query)
                rec["cache_fill_seconds"] = fill
            else:
                rec = _measure(spark, F, args, make, query)
            if reference is None:
                reference = (name, rec["result"])
            elif not _same(rec["result"], reference[1]):
                rec["mismatch"] = f"result {rec['result']} differs from {reference[0]}'s {reference[1]}"
        except Exception as e:  # noqa: BLE001 - recorded and reported
            rec = {"runs": [], "error": f"{type(e).__name__}: {str(e)[:2000]}",
                   "traceback": traceback.format_exc()[-4000:]}
        finally:
            if cached is not None:
                cached.unpersist(blocking=True)
        res[name] = rec
        print(f"  spark {qname}: {name}: {rec.get('best_seconds', rec.get('error'))}"
              f"{'  !! ' + rec['mismatch'] if 'mismatch' in rec else ''}", file=sys.stderr, flush=True)
    return {"columns": cols, "query": desc, "decoded_bytes": decoded, "sources": res}


def _job_floor(spark, F, n: int) -> float:
    """Best time of a query over almost nothing (2 rows, 2 partitions, one aggregate): Spark's
    per-query overhead (planning, scheduling, a shuffle), below which no source's time can go."""
    best = float("inf")
    for _ in range(n + 1):
        t = time.perf_counter()
        spark.range(0, 2, 1, 2).agg(F.count(F.lit(1))).collect()
        best = min(best, time.perf_counter() - t)
    return best


def find_jar(given: str | None) -> str | None:
    """--jar, else the installed package's jar (arrowroot.spark.jar_path()), else the build tree's."""
    if given:
        return given
    try:
        import arrowroot.spark

        p = arrowroot.spark.jar_path()  # type: ignore[attr-defined]
        if p and os.path.exists(p):
            return str(p)
    except Exception:  # noqa: BLE001 - older packages have no jar_path()
        pass
    p = REPO / "build" / "jvm" / "arrowroot-spark.jar"
    return str(p) if p.exists() else None


def _register_python_sources(spark, out) -> None:
    from arrowroot.spark import RootDataSource

    class RootPython(RootDataSource):
        """arrowroot's Python data source under its own name (the JVM one is "root")."""

        @classmethod
        def name(cls):
            return "root_python"

    spark.dataSource.register(RootPython)
    try:
        from importlib.metadata import version

        from pyspark_root_datasource import UprootDataSource

        class UprootRoot(UprootDataSource):
            """pyspark-root-datasource under a second name (it also calls itself "root")."""

            @classmethod
            def name(cls):
                return "uproot_root"

        spark.dataSource.register(UprootRoot)
        out["pyspark_root_datasource"] = version("pyspark-root-datasource")
    except Exception as e:  # noqa: BLE001
        out["pyspark_root_datasource"] = None
        out["errors"]["pyspark-root-datasource"] = f"not available: {type(e).__name__}: {e}"


def _check_jvm(spark, jar) -> dict:
    """Whether format("root") is the JVM connector with its native library loaded."""
    if not jar:
        return {"ok": False, "error": "no arrowroot-spark.jar (give --jar, or build it: scripts/build)"}
    rec = {"jar": jar, "jar_bytes": os.path.getsize(jar)}
    try:
        status = spark.sparkContext._jvm.org.arrowroot.spark.RootDataSource.nativeStatus()
        rec["native_status"] = status
        rec["ok"] = status == ""
        if status:
            rec["error"] = f"native library did not load: {status}"
    except Exception as e:  # noqa: BLE001
        rec.update(ok=False, error=f"org.arrowroot.spark.RootDataSource not loadable: {type(e).__name__}: {e}")
    return rec


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--parquet", required=True)
    p.add_argument("--jar", help="arrowroot-spark.jar (default: the package's, else build/jvm/)")
    p.add_argument("--queries", default="muons,jets,explode,njets,ht")
    p.add_argument("--tree", default="Events")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--partitions", type=int, default=4)
    p.add_argument("--json", required=True)
    args = p.parse_args()
    bad = [q for q in args.queries.split(",") if q and q not in QUERIES]
    if bad:
        raise SystemExit(f"--queries: unknown {bad}; choose from {', '.join(QUERIES)}")

    import pyspark
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    jar = find_jar(args.jar)
    t0 = time.perf_counter()
    b = (SparkSession.builder.master("local[2]")
         .appName("arrowroot-bench")
         .config("spark.ui.enabled", "false")
         .config("spark.ui.showConsoleProgress", "false")
         .config("spark.sql.shuffle.partitions", "2")
         .config("spark.driver.memory", "4g"))
    if jar:
        b = b.config("spark.jars", jar)
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    startup = time.perf_counter() - t0
    out: dict = {"startup_seconds": startup, "pyspark": pyspark.__version__,
                 "java": spark.sparkContext._jvm.System.getProperty("java.version"),
                 "queries": {}, "errors": {}}
    out["jvm"] = _check_jvm(spark, jar)
    if not out["jvm"]["ok"]:
        out["errors"]["arrowroot JVM"] = out["jvm"]["error"]
        print(f"  spark: arrowroot JVM connector unavailable: {out['jvm']['error']}", file=sys.stderr)
    _register_python_sources(spark, out)
    out["job_floor_seconds"] = _job_floor(spark, F, args.repeat + 1)
    for qname in [q for q in args.queries.split(",") if q]:
        out["queries"][qname] = run_query(spark, F, args, out, qname)
    spark.stop()
    with open(args.json, "w") as fh:
        json.dump(out, fh, indent=1)


if __name__ == "__main__":
    os.environ.setdefault("PYARROW_IGNORE_TIMEZONE", "1")
    main()
