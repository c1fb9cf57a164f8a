"""The driver inside the cluster: the JupyterLab StatefulSet of deploy/k8s, a notebook kernel
in that pod started through the Jupyter server's API with the token from the Secret, and Spark
executors as pods owned by the driver pod, reading ROOT from S3 with the pod's Secret."""

from __future__ import annotations

import json
import math
import time
import urllib.error
import urllib.request

import pytest

from jupyter_client_ws import Kernel
from k8s_env import EXECUTOR_IMAGE, NAMESPACE, expected_zmumu

pytestmark = pytest.mark.k8s
DRIVER_POD = "arrowroot-jupyter-0"


@pytest.fixture(scope="module")
def jupyter(cluster, deployed):
    """The JupyterLab pod, Ready (its readiness probe: the server's /api)."""
    deadline = time.monotonic() + 300
    while True:
        pods = cluster.pods("arrowroot/driver-of=jupyter")
        ready = [p for p in pods if any(c["type"] == "Ready" and c["status"] == "True"
                                        for c in p["status"].get("conditions", []))]
        if ready:
            break
        if time.monotonic() > deadline:
            from arrowroot._k8s_api import describe_pod
            raise AssertionError("the JupyterLab pod is not Ready after 300 s: "
                                 + "; ".join(describe_pod(p) for p in pods)
                                 + "\n" + cluster.kubectl("logs", "-n", NAMESPACE, DRIVER_POD,
                                                          "--tail=30", check=False).stdout)
        time.sleep(2)
    ip = ready[0]["status"]["podIP"]
    return {"url": f"http://{ip}:8888", "token": deployed["jupyter_token"], "pod": ready[0]}


def test_jupyter_requires_the_token(jupyter):
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(jupyter["url"] + "/api/kernels", timeout=10)
    assert e.value.code == 403
    req = urllib.request.Request(jupyter["url"] + "/api/kernels",
                                 headers={"Authorization": f"token {jupyter['token']}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 200


CELL = """
import json, arrowroot, arrowroot.spark as ars
from pyspark.sql import functions as F
spark = ars.session(executors=2, executor_memory="1g", timeout=300, progress=False,
                    extra={"spark.kubernetes.executor.request.cores": "250m",
                           "spark.ui.showConsoleProgress": "false"})
ev = spark.read.format("root").option("tree", "events").load("s3://%(bucket)s/uproot-Zmumu.root")
pairs = ev.where(F.col("Q1") * F.col("Q2") < 0)
m = pairs.select(F.sqrt((F.col("E1") + F.col("E2")) ** 2 - (F.col("px1") + F.col("px2")) ** 2
                        - (F.col("py1") + F.col("py2")) ** 2 - (F.col("pz1") + F.col("pz2")) ** 2).alias("m"))
w = m.where((F.col("m") >= 60) & (F.col("m") < 120)).agg(F.count("m"), F.sum("m")).first()
conf = dict(spark.sparkContext.getConf().getAll())
print("RESULT " + json.dumps({
    "events": ev.count(), "pairs": pairs.count(), "in_window": int(w[0]), "mass_sum": float(w[1]),
    "source": ars.which_source(spark), "master": conf["spark.master"],
    "driver_host": conf["spark.driver.host"], "pod_name": conf.get("spark.kubernetes.driver.pod.name"),
    "executors": len(spark.sparkContext._jsc.sc().statusTracker().getExecutorInfos()) - 1}))
"""


def test_a_notebook_in_the_driver_pod_runs_spark_on_executor_pods(cluster, s3, jupyter):
    kernel = Kernel(jupyter["url"], jupyter["token"])
    try:
        out, err = kernel.execute(CELL % {"bucket": s3["bucket"]}, timeout=600)
        assert err is None, err + "\n" + out[-3000:]
        result = json.loads(next(line for line in out.splitlines()
                                 if line.startswith("RESULT "))[len("RESULT "):])
        # Executors exist as pods owned by the driver pod (deleted with it).
        pods = cluster.pods("spark-role=executor")
        assert len(pods) == 2
        for pod in pods:
            owners = pod["metadata"].get("ownerReferences", [])
            assert [(o["kind"], o["name"]) for o in owners] == [("Pod", DRIVER_POD)]
            assert pod["spec"]["containers"][0]["image"] == EXECUTOR_IMAGE
        out, err = kernel.execute("spark.stop()")
        assert err is None, err
    finally:
        kernel.close()
    want = expected_zmumu()
    assert {k: result[k] for k in ("events", "pairs", "in_window")} == \
        {k: want[k] for k in ("events", "pairs", "in_window")}
    assert math.isclose(result["mass_sum"], want["mass_sum"], rel_tol=1e-9)
    assert result["source"] == "jvm"
    assert result["master"] == "k8s://https://kubernetes.default.svc:443"
    # k8s_conf names the headless Service; Spark 4.3 (useDriverPodIP) hands executors the
    # driver pod's IP instead, and the session's conf shows which it used.
    assert result["driver_host"] in (f"arrowroot-driver.{NAMESPACE}.svc.cluster.local",
                                     jupyter["pod"]["status"]["podIP"])
    assert result["pod_name"] == DRIVER_POD
    assert result["executors"] == 2
    cluster.wait_pods_gone("spark-role=executor")


def test_the_browser_test_passes_against_the_driver_pod(jupyter):
    """tests/test_jupyterlab_browser.py (headless Chromium: log in with the token, run the
    example notebook with Run All, read its result from the page) against the pod's JupyterLab
    instead of a local one."""
    import os
    import subprocess
    import sys

    from k8s_env import REPO

    env = dict(os.environ, ARROWROOT_JUPYTER_URL=jupyter["url"],
               ARROWROOT_JUPYTER_TOKEN=jupyter["token"])
    p = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        str(REPO / "tests" / "test_jupyterlab_browser.py")],
                       env=env, capture_output=True, text=True, timeout=1200, cwd=REPO)
    assert p.returncode == 0, (p.stdout + p.stderr)[-4000:]
    assert "1 passed" in p.stdout
