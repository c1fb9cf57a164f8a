"""Spark in client mode with the driver outside the cluster (a notebook on a workstation or
login node): `arrowroot.spark.session(k8s_conf(...))` on this host, executors as pods of the
real local Kubernetes, ROOT files read from S3 (the test RGW) with credentials the executors
get from the Secret arrowroot-s3 by reference. Results are compared with uproot."""

from __future__ import annotations

import json
import math

import pytest

from k8s_env import EXECUTOR_IMAGE, expected_zmumu, host_conf, spark_zmumu

pytestmark = pytest.mark.k8s



def test_driver_on_host_executor_pods_read_s3(cluster, s3, deployed, driver_token_file):
    import arrowroot.spark as ars

    conf = host_conf(cluster, s3, driver_token_file)
    spark = ars.session(conf, timeout=300, progress=False)
    try:
        assert ars.which_source(spark) == "jvm"
        pods = cluster.pods("spark-role=executor,arrowroot/driver=hostdriver")
        assert len(pods) == 2, [p["metadata"]["name"] for p in pods]
        for pod in pods:
            assert pod["status"]["phase"] == "Running"
            c = pod["spec"]["containers"][0]
            assert c["image"] == EXECUTOR_IMAGE
            env = {e["name"]: e for e in c.get("env", [])}
            # Credentials by reference to the Secret, never as values in the pod spec.
            assert env["AWS_SECRET_ACCESS_KEY"]["valueFrom"]["secretKeyRef"] == {
                "name": "arrowroot-s3", "key": "secret_key"}
            assert s3["secret_key"] not in json.dumps(pod)
        got = spark_zmumu(spark, f"s3://{s3['bucket']}/uproot-Zmumu.root")
        want = expected_zmumu()
        assert {k: got[k] for k in ("events", "pairs", "in_window")} == \
            {k: want[k] for k in ("events", "pairs", "in_window")}
        assert math.isclose(got["mass_sum"], want["mass_sum"], rel_tol=1e-9)
        # The work ran in the pods: every task was an executor's, none the driver's.
        execs = spark.sparkContext._jsc.sc().statusTracker().getExecutorInfos()
        pod_ips = {p["status"]["podIP"] for p in pods}
        assert pod_ips <= {e.host() for e in execs}
    finally:
        spark.stop()
    # Executors are deleted with the session.
    cluster.wait_pods_gone("spark-role=executor,arrowroot/driver=hostdriver")
