"""The Spark section's tables and targets (bench/harness/spark_bench.py's results) for report.py."""

from __future__ import annotations

from pathlib import Path

MB = 1_000_000

# Targets of issue 19 (reported, not asserted).
SPARK_PARQUET_MAX = 1.0  # issue 19: the JVM connector's time ÷ Parquet's, best configuration of each
SPARK_UPROOT_MIN = 5.0  # pyspark-root-datasource's time ÷ the JVM connector's
SPARK_BOUND = 0.75  # the cached (zero-cost) reference takes ≥ this share of the best reader's time
# Source names of spark_bench.py (prefixes: a source's configurations start with its name)
SPARK_JVM = "arrowroot JVM"
SPARK_PYTHON = "arrowroot Python"
SPARK_PARQUET = "Parquet (spark.read.parquet)"
SPARK_UPROOT = "pyspark-root-datasource"
SPARK_CACHED = "zero-cost reference"


def _fmt(x, spec=".2f", none="–"):
    return none if x is None else format(x, spec)


def _mark(ok):
    return "–" if ok is None else ("✅" if ok else "❌")


def _spark_pick(q: dict, prefix: str):
    """(name, seconds) of the fastest configuration of a source (a result that disagrees with
    the others' does not count)."""
    cands = [(k, v["best_seconds"]) for k, v in q.items()
             if k.startswith(prefix) and v.get("best_seconds") and "mismatch" not in v]
    return min(cands, key=lambda x: x[1]) if cands else None


def spark_goals(q: dict) -> dict:
    """One Spark query's best time per source, the issue's ratios and whether each goal is met:
    JVM ÷ Parquet ≤ SPARK_PARQUET_MAX and pyspark-root-datasource ÷ JVM ≥ SPARK_UPROOT_MIN
    (best configuration of each); cached ÷ best reader ≥ SPARK_BOUND marks a Spark-bound query."""
    g = {"jvm": _spark_pick(q, SPARK_JVM), "python": _spark_pick(q, SPARK_PYTHON),
         "parquet": _spark_pick(q, SPARK_PARQUET), "uproot": _spark_pick(q, SPARK_UPROOT),
         "cached": _spark_pick(q, SPARK_CACHED)}
    jvm, pq, up, ca = (g[k] and g[k][1] for k in ("jvm", "parquet", "uproot", "cached"))
    g["jvm_vs_parquet"] = jvm / pq if jvm and pq else None
    g["parquet_met"] = None if g["jvm_vs_parquet"] is None else g["jvm_vs_parquet"] <= SPARK_PARQUET_MAX
    g["uproot_vs_jvm"] = up / jvm if jvm and up else None
    g["uproot_met"] = None if g["uproot_vs_jvm"] is None else g["uproot_vs_jvm"] >= SPARK_UPROOT_MIN
    # The most any reader could gain over pyspark-root-datasource: a zero-cost source's ratio.
    g["uproot_vs_cached"] = up / ca if up and ca else None
    best_reader = min([x for x in (jvm, pq) if x], default=None)
    g["cached_share"] = ca / best_reader if ca and best_reader else None
    g["spark_bound"] = None if g["cached_share"] is None else g["cached_share"] >= SPARK_BOUND
    return g


def spark_targets(sp: dict | None) -> tuple[list[str], list[dict]]:
    """Rows of the targets table (markdown lines, records) for the Spark section's results."""
    other: list[str] = []
    rows: list[dict] = []
    if sp and "queries" in sp:
        for qname, qq in sp["queries"].items():
            g = spark_goals(qq["sources"])
            jvm, up = g["jvm"], g["uproot"]
            if g["jvm_vs_parquet"] is not None:
                v, ok = g["jvm_vs_parquet"], g["parquet_met"]
                rows.append({"target": f"Spark {qname}: JVM format(root) ≤ {SPARK_PARQUET_MAX:g}× Parquet",
                             "value": v, "met": ok})
                other.append(f"| Spark `{qname}`: JVM format(\"root\") ≤ {SPARK_PARQUET_MAX:g}× Parquet time "
                             f"(best of each: {jvm[0]}) | {v:.2f}× | ≤ {SPARK_PARQUET_MAX:g}× | {_mark(ok)} |")
            elif jvm is None:
                other.append(f"| Spark `{qname}`: JVM format(\"root\") ≤ {SPARK_PARQUET_MAX:g}× Parquet time | "
                             f"JVM connector unavailable: {sp.get('errors', {}).get('arrowroot JVM', 'failed')[:200]} | "
                             f"≤ {SPARK_PARQUET_MAX:g}× | ❌ |")
                rows.append({"target": f"Spark {qname}: JVM format(root) ≤ {SPARK_PARQUET_MAX:g}× Parquet",
                             "value": None, "met": False})
            if g["uproot_vs_jvm"] is not None:
                v, ok = g["uproot_vs_jvm"], g["uproot_met"]
                rows.append({"target": f"Spark {qname}: JVM format(root) ≥ {SPARK_UPROOT_MIN:g}× pyspark-root-datasource",
                             "value": v, "met": ok})
                ceiling = ("" if g["uproot_vs_cached"] is None else
                           f"; a zero-cost source (cached) would reach {g['uproot_vs_cached']:.2f}×")
                other.append(f"| Spark `{qname}`: JVM format(\"root\") ≥ {SPARK_UPROOT_MIN:g}× pyspark-root-datasource "
                             f"(best of each; theirs: {up[0]}{ceiling}) | {v:.2f}× | {SPARK_UPROOT_MIN:g}× | {_mark(ok)} |")
            elif jvm and not up:
                other.append(f"| Spark `{qname}`: ≥ {SPARK_UPROOT_MIN:g}× pyspark-root-datasource | unavailable | "
                             f"{SPARK_UPROOT_MIN:g}× | – |")
    return other, rows


def spark_table(results: dict) -> list[str]:
    sp = results["spark"]
    if "queries" not in sp:
        return ["### Spark", "", f"not measured: {sp.get('error', '?')[-800:]}", ""]
    jvm = sp.get("jvm", {})
    lines = ["### Spark local[2] queries, best run", "",
             f"{Path(sp['root_file']).name} ({sp['root_bytes'] / MB:,.1f} MB) vs the same events as "
             f"Parquet ({Path(sp['parquet_file']).name}, zstd, {sp['parquet_bytes'] / MB:,.1f} MB); "
             f"pyspark {sp.get('pyspark')}, Java {sp.get('java')}, pyspark-root-datasource "
             f"{sp.get('pyspark_root_datasource') or 'unavailable'}; one session, arrowroot's jar on "
             f"`spark.jars` ({'JVM connector loaded' if jvm.get('ok') else 'JVM connector unavailable: ' + str(jvm.get('error'))}). "
             "JVM = `format(\"root\")` (org.arrowroot.spark.RootDataSource); Python = arrowroot's Python "
             "data source (`root_python`); cached = the query's columns cached in memory (`df.cache()`, "
             "filled once), the query then timed: Spark's own compute, a zero-cost source. "
             f"Spark's per-query overhead (a one-row aggregate over 2 rows): {_fmt(sp.get('job_floor_seconds'), '.3f')} s. "
             "Queries:", ""]
    lines += [f"- `{qname}` = `{qq.get('query', '?')}`" for qname, qq in sp["queries"].items()]
    lines += ["", f"Best configuration of each source; goals (issue 19): JVM ≤ {SPARK_PARQUET_MAX:g}× Parquet's "
              f"time, ≥ {SPARK_UPROOT_MIN:g}× pyspark-root-datasource's speed. \"Spark-bound\": the cached "
              f"reference takes ≥ {SPARK_BOUND:.0%} of the best reader's time (JVM or Parquet).", "",
              "| query | JVM s | Python s | Parquet s | pyspark-root-datasource s | cached s | JVM ÷ Parquet | "
              "pyspark-root-datasource ÷ JVM | pyspark-root-datasource ÷ cached (the ceiling) | "
              "cached ÷ best reader |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for qname, qq in sp["queries"].items():
        g = spark_goals(qq["sources"])
        sec = [_fmt(g[k] and g[k][1], ".3f") for k in ("jvm", "python", "parquet", "uproot", "cached")]
        r1 = "–" if g["jvm_vs_parquet"] is None else f"{g['jvm_vs_parquet']:.2f}× {_mark(g['parquet_met'])}"
        r2 = "–" if g["uproot_vs_jvm"] is None else f"{g['uproot_vs_jvm']:.2f}× {_mark(g['uproot_met'])}"
        rc = "–" if g["uproot_vs_cached"] is None else f"{g['uproot_vs_cached']:.2f}×"
        r3 = "–" if g["cached_share"] is None else \
            f"{g['cached_share']:.2f}{' (Spark-bound)' if g['spark_bound'] else ''}"
        lines.append(f"| {qname} | " + " | ".join(sec) + f" | {r1} | {r2} | {rc} | {r3} |")
    lines += ["", "Every configuration:", "",
              "| query | source | partitions | best s | ÷ Parquet time | decoded MB/s | runs |",
              "|---|---|---:|---:|---:|---:|---|"]
    for qname, qq in sp["queries"].items():
        q = qq["sources"]
        pq = q.get(SPARK_PARQUET, {}).get("best_seconds")
        for name, r in q.items():
            if "best_seconds" not in r:
                lines.append(f"| {qname} | {name} | – | failed: {r.get('error', '?')[:150]} | – | – | – |")
                continue
            ratio = f"{r['best_seconds'] / pq:.2f}" if pq else "–"
            note = " (!! " + r["mismatch"] + ")" if "mismatch" in r else ""
            if "cache_fill_seconds" in r:
                note += f" (cache filled in {r['cache_fill_seconds']:.2f} s, not counted)"
            lines.append(f"| {qname} | {name}{note} | {r.get('partitions')} | {r['best_seconds']:.3f} | {ratio} | "
                         f"{qq['decoded_bytes'] / MB / r['best_seconds']:,.0f} | "
                         f"{', '.join(f'{x:.2f}' for x in r['runs'])} |")
    lines.append("")
    return lines
