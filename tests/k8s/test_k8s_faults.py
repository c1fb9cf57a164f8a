"""Faults on the real cluster: an executor pod deleted in the middle of a job (Spark asks for a
new pod and reruns the lost tasks; the result is the same), and an executor that can never be
scheduled (session() shows the progress and times out saying which pod waits and why)."""

from __future__ import annotations

import threading
import time

import pytest

from k8s_env import REPO, host_conf

pytestmark = pytest.mark.k8s


def test_an_executor_pod_deleted_mid_job_is_replaced_and_the_result_is_unchanged(
        cluster, s3, deployed, driver_token_file):
    import arrowroot.spark as ars
    import uproot

    with uproot.open(REPO / "testdata" / "uproot-Zmumu.root") as f:
        a = f["events"].arrays(["Run", "Event"], library="np")
    copies = 12
    want = (copies * len(a["Run"]), copies * int(a["Run"].sum()), copies * int(a["Event"].sum()))

    conf = host_conf(cluster, s3, driver_token_file, pod_name_prefix="faults")
    spark = ars.session(conf, timeout=300, progress=False)
    try:
        path = f"s3://{s3['bucket']}/uproot-Zmumu.root"
        df = (spark.read.format("root").option("tree", "events")
              .option("partition_bytes", "1").load([path] * copies).select("Run", "Event"))
        assert df.rdd.getNumPartitions() >= copies
        result: dict = {}

        def slow_partition_sums(it):  # nested: cloudpickle ships it by value to the executors
            import time as _t

            rows = list(it)
            _t.sleep(4)  # long enough for the test to delete a pod while tasks run
            yield (len(rows), sum(r[0] for r in rows), sum(r[1] for r in rows))

        def job():
            parts = df.rdd.mapPartitions(slow_partition_sums).collect()
            result["got"] = tuple(sum(p[i] for p in parts) for i in range(3))

        t = threading.Thread(target=job)
        t.start()
        tracker = spark.sparkContext.statusTracker()
        deadline = time.monotonic() + 120
        while not any(tracker.getStageInfo(s) and tracker.getStageInfo(s).numActiveTasks > 0
                      for s in tracker.getActiveStageIds()):
            assert time.monotonic() < deadline, "the job's tasks never started"
            time.sleep(0.2)
        victim = sorted(p["metadata"]["name"]
                        for p in cluster.pods("spark-role=executor,arrowroot/driver=faults"))[0]
        cluster.kubectl("delete", "pod", "-n", "arrowroot", victim, "--grace-period=0",
                        "--wait=false")
        t.join(600)
        assert not t.is_alive(), "the job did not finish after an executor was lost"
        assert result["got"] == want
        # Spark replaced the lost executor with a new pod.
        names = {p["metadata"]["name"]
                 for p in cluster.pods("spark-role=executor,arrowroot/driver=faults")}
        assert victim not in names
        assert len(names) == 2
    finally:
        spark.stop()
    cluster.wait_pods_gone("spark-role=executor,arrowroot/driver=faults")


def test_an_unschedulable_executor_shows_progress_and_says_why(cluster, s3, deployed,
                                                             driver_token_file, capfd):
    import arrowroot.spark as ars
    from arrowroot.k8s import ExecutorTimeoutError

    # The node has 2 cores: two executors asking for 0.9 fit, a third does not.
    conf = host_conf(cluster, s3, driver_token_file, executors=3, pod_name_prefix="pending",
                     extra={"spark.kubernetes.executor.request.cores": "900m"})
    with pytest.raises(ExecutorTimeoutError) as e:
        ars.session(conf, timeout=60, progress=True)
    try:
        msg = str(e.value)
        assert msg.startswith("2 of 3 executors registered within 60 s"), msg
        assert "pending-exec-" in msg and "Pending" in msg
        assert "Unschedulable" in msg and "Insufficient cpu" in msg
        assert "no node can fit the pod" in msg
        assert "arrowroot doctor" in msg
        err = capfd.readouterr().err
        assert "executors" in err and "2/3" in err  # the progress bar as it stood
    finally:
        from pyspark.sql import SparkSession

        s = SparkSession.getActiveSession()
        if s is not None:
            s.stop()
    cluster.wait_pods_gone("spark-role=executor,arrowroot/driver=pending")
