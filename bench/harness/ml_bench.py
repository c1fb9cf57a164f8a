"""The ``ml`` section's Spark job (run by bench/harness/main.py in its own process): the event
classifier's ingest + feature step (examples/event_features.py, exactly as
examples/notebooks/event_classifier.ipynb runs it) over generated files, timed.

    python ml_bench.py --file signal_hzz.root:events:hzz --file background_ttbar.root:Events:nanoaod \
        --cores 2 --repeat 3 --json out.json

Each timed run reads every file with format("root"), computes the features and hands every row
to Spark's ``noop`` sink (all rows computed, nothing written). Reported: best seconds, events/s
and events/s/core (cores = the local[N] master's N).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "examples"))


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--file", action="append", required=True, help="path:tree:layout")
    p.add_argument("--cores", type=int, default=2)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--partition-bytes", default="16 MB",
                   help="format('root') partition_bytes: small enough for >= one partition per core")
    p.add_argument("--json", type=Path, required=True)
    a = p.parse_args()

    from pyspark.sql import SparkSession

    import arrowroot.spark
    import event_features

    spark = (SparkSession.builder.master(f"local[{a.cores}]").appName("arrowroot-bench-ml")
             .config("spark.driver.memory", "1g").config("spark.ui.showConsoleProgress", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    arrowroot.spark.register(spark)
    inputs = [f.rsplit(":", 2) for f in a.file]

    def frame():
        frames = []
        for path, tree, layout in inputs:
            raw = (spark.read.format("root").option("tree", tree)
                   .option("partition_bytes", a.partition_bytes)
                   .option("columns", ",".join(event_features.BRANCHES[layout])).load(path))
            frames.append(event_features.features(raw, layout))
        df = frames[0]
        for f in frames[1:]:
            df = df.unionByName(f)
        return df

    events = frame().count()  # also warms up the JVM and the Python workers
    runs = []
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        frame().write.format("noop").mode("overwrite").save()
        runs.append(time.perf_counter() - t0)
    best = min(runs)
    result = {"events": events, "cores": a.cores, "runs_seconds": runs, "best_seconds": best,
              "events_per_s": events / best, "events_per_s_per_core": events / best / a.cores,
              "partitions": frame().rdd.getNumPartitions(), "partition_bytes": a.partition_bytes,
              "spark": spark.version}
    a.json.write_text(json.dumps(result, indent=1))
    spark.stop()


if __name__ == "__main__":
    main()
