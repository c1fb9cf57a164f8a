"""Spark section of the harness: one aggregation over the same events from three sources.

    <harness python> bench/harness/spark_bench.py --root FILE.root --parquet FILE.parquet \
        --columns Muon_pt,MET_pt --repeat N --json OUT.json

Spark ``local[2]`` (both cores), one session for everything. Two aggregations, over each
source:

* ``muons``: ``df.agg(sum(size(Muon_pt)), sum(MET_pt))`` (columns Muon_pt, MET_pt: ~14 MB
  decoded per million events; mostly per-query overhead);
* ``jets``: ``df.agg(sum(size(Jet_pt)), sum(array_max(Jet_pt)), sum(array_max(Jet_eta)),
  sum(array_min(Jet_phi)), sum(array_max(Jet_mass)), sum(MET_pt))`` (5 columns, ~100 MB
  decoded per million events: the readers' throughput shows).

Sources:

* ``format("root")`` of arrowroot (``arrowroot.spark``), with ``option("columns", ...)``;
  with its default ``partition_bytes`` and again with ``partition_bytes`` set for ~4
  partitions (so both cores work even on a small file);
* the same events as Parquet (written once by the harness with pyarrow from arrowroot's Arrow
  table), ``spark.read.parquet``: Spark's vectorized reader, column pruning built in;
* ``pyspark-root-datasource`` (uproot + awkward in Python workers), registered here under the
  name ``uproot_root`` (it also calls itself "root"), with ``option("columns", ...)``; with its
  defaults (one partition per million entries) and with ``num_partitions`` = 4.

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


QUERIES = {
    # name: (columns, aggregate expressions as (function name, column, alias))
    "muons": (["Muon_pt", "MET_pt"],
              [("size_sum", "Muon_pt", "n_muons"), ("sum", "MET_pt", "met_sum")]),
    "jets": (["Jet_pt", "Jet_eta", "Jet_phi", "Jet_mass", "MET_pt"],
             [("size_sum", "Jet_pt", "n_jets"), ("max_sum", "Jet_pt", "lead_pt"),
              ("max_sum", "Jet_eta", "max_eta"), ("min_sum", "Jet_phi", "min_phi"),
              ("max_sum", "Jet_mass", "max_mass"), ("sum", "MET_pt", "met_sum")]),
}


def _exprs(F, aggs):
    out = []
    for kind, col, alias in aggs:
        e = {"size_sum": lambda c: F.sum(F.size(c)), "sum": lambda c: F.sum(c),
             "max_sum": lambda c: F.sum(F.array_max(c)), "min_sum": lambda c: F.sum(F.array_min(c))}[kind](col)
        out.append(e.alias(alias))
    return out


def _same(a, b) -> bool:
    return all(x == y if isinstance(x, int) else abs(x - y) <= 1e-6 * max(abs(x), abs(y), 1.0)
               for x, y in zip(a, b))


def run_query(spark, F, args, out, qname, cols, aggs, decoded) -> dict:
    colopt = ",".join(cols)

    def root_df(**opts):
        r = spark.read.format("root").option("tree", args.tree).option("columns", colopt)
        for k, v in opts.items():
            r = r.option(k, str(v))
        return r.load(args.root)

    def uproot_df(**opts):
        r = spark.read.format("uproot_root").option("tree", args.tree).option("columns", colopt)
        for k, v in opts.items():
            r = r.option(k, str(v))
        return r.load(args.root)

    part_bytes = max(1, decoded // args.partitions)
    sources = {
        "arrowroot format(root)": lambda: root_df(),
        f"arrowroot format(root), partition_bytes for ~{args.partitions}":
            lambda: root_df(partition_bytes=f"{part_bytes} B"),
        "Parquet (spark.read.parquet)": lambda: spark.read.parquet(args.parquet),
    }
    if out["pyspark_root_datasource"]:
        sources["pyspark-root-datasource"] = lambda: uproot_df()
        sources[f"pyspark-root-datasource, num_partitions={args.partitions}"] = \
            lambda: uproot_df(num_partitions=args.partitions)

    def run(make):
        df = make()
        t = time.perf_counter()
        row = df.agg(*_exprs(F, aggs)).collect()[0]
        vals = tuple(int(v) if isinstance(v, int) else float(v) for v in row)
        return time.perf_counter() - t, vals

    res: dict = {}
    reference = None
    for name, make in sources.items():
        rec: dict = {"runs": []}
        try:
            rec["partitions"] = make().rdd.getNumPartitions()
            rec["warmup_seconds"], vals = run(make)
            for _ in range(args.repeat):
                sec, vals2 = run(make)
                rec["runs"].append(sec)
                if not _same(vals2, vals):
                    rec["unstable"] = f"{vals2} != {vals}"
            rec["best_seconds"] = min(rec["runs"])
            rec["result"] = vals
            if reference is None:
                reference = vals
            elif not _same(vals, reference):
                rec["mismatch"] = f"result {vals} differs from the first source's {reference}"
        except Exception as e:  # noqa: BLE001 - recorded and reported
            rec["error"] = f"{type(e).__name__}: {str(e)[:2000]}"
            rec["traceback"] = traceback.format_exc()[-4000:]
        res[name] = rec
        print(f"  spark {qname}: {name}: {rec.get('best_seconds', rec.get('error'))}", file=sys.stderr,
              flush=True)
    return {"columns": cols, "aggregates": aggs, "decoded_bytes": decoded, "sources": res}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--parquet", required=True)
    p.add_argument("--queries", default="muons,jets")
    p.add_argument("--tree", default="Events")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--partitions", type=int, default=4)
    p.add_argument("--json", required=True)
    args = p.parse_args()

    import pyspark
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    import arrowroot
    import arrowroot.spark

    t0 = time.perf_counter()
    spark = (SparkSession.builder.master("local[2]")
             .appName("arrowroot-bench")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.shuffle.partitions", "2")
             .config("spark.driver.memory", "4g")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    startup = time.perf_counter() - t0
    arrowroot.spark.register(spark)
    out: dict = {"startup_seconds": startup, "pyspark": pyspark.__version__,
                 "java": spark.sparkContext._jvm.System.getProperty("java.version"),
                 "queries": {}, "errors": {}}
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
    for qname in [q for q in args.queries.split(",") if q]:
        cols, aggs = QUERIES[qname]
        with arrowroot.open(args.root) as f:
            decoded = f[args.tree].arrays(cols).nbytes
        out["queries"][qname] = run_query(spark, F, args, out, qname, cols, aggs, decoded)
    spark.stop()
    with open(args.json, "w") as fh:
        json.dump(out, fh, indent=1)


if __name__ == "__main__":
    os.environ.setdefault("PYARROW_IGNORE_TIMEZONE", "1")
    main()
