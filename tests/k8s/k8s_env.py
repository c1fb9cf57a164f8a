"""What the Kubernetes tests share: a real 1-node cluster (scripts/k8s-cluster), the project's
images imported into it, deploy/k8s applied through the local overlay, the test S3 server
(scripts/test-servers' Ceph RGW) relayed to the pod network, and Secrets made from its keys.

`scripts/test-k8s` prepares all of that and runs these tests; without a running cluster they
are skipped with the reason, or fail when ARROWROOT_REQUIRE_K8S=1 (as in scripts/test).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
import uproot

REPO = Path(__file__).resolve().parents[2]
# Where deploy/k8s-local/build-image wrote the archives (scripts/test-k8s passes its --out).
IMAGES_OUT = Path(os.environ.get("ARROWROOT_K8S_IMAGES_OUT") or
                  Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
                  / "arrowroot" / "k8s" / "images" / "out")
NAMESPACE = "arrowroot"
OVERLAY = REPO / "deploy" / "k8s-local" / "overlay"


def _versions() -> dict[str, str]:
    out = {}
    for line in (REPO / "deploy" / "versions.env").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            k, v = line.split("=", 1)
            out[k] = v
    return out


VERSION = _versions()["ARROWROOT_VERSION"]
EXECUTOR_IMAGE = f"docker.io/library/arrowroot-executor:{VERSION}"
DRIVER_IMAGE = f"docker.io/library/arrowroot-driver:{VERSION}"


def unavailable(why: str):
    if os.environ.get("ARROWROOT_REQUIRE_K8S") == "1":
        pytest.fail(f"Kubernetes tests required (ARROWROOT_REQUIRE_K8S=1) but {why}")
    pytest.skip(why)


class S3Info(dict):
    """The test S3 server's settings; its repr (in a failing test's traceback) hides the keys."""

    def __repr__(self) -> str:
        return "S3Info(" + ", ".join(f"{k}={'***' if k in ('access_key', 'secret_key') else v!r}"
                                     for k, v in self.items()) + ")"


class Cluster:
    """The running cluster: kubectl with the admin kubeconfig, and its addresses."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.kubeconfig = env["KUBECONFIG"]
        self.node_ip = env["ARROWROOT_K8S_NODE_IP"]
        self.api = env["ARROWROOT_K8S_API"]
        self.ca = env["ARROWROOT_K8S_CA"]
        self.kubectl_bin = str(Path(env["ARROWROOT_K8S_BIN"]) / "kubectl")

    def kubectl(self, *args: str, input: str | None = None, check: bool = True,
                timeout: float = 120) -> subprocess.CompletedProcess:
        p = subprocess.run([self.kubectl_bin, "--kubeconfig", self.kubeconfig, *args],
                           input=input, capture_output=True, text=True, timeout=timeout)
        if check and p.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed: {p.stderr.strip()}")
        return p

    def json(self, *args: str) -> dict:
        return json.loads(self.kubectl(*args, "-o", "json").stdout)

    def pods(self, selector: str, namespace: str = NAMESPACE) -> list[dict]:
        return self.json("get", "pods", "-n", namespace, "-l", selector)["items"]

    def wait_pods_gone(self, selector: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while self.pods(selector):
            if time.monotonic() > deadline:
                names = [p["metadata"]["name"] for p in self.pods(selector)]
                raise AssertionError(f"pods {names} ({selector}) still exist after {timeout} s")
            time.sleep(1)

    def token(self, service_account: str, namespace: str = NAMESPACE) -> str:
        return self.kubectl("create", "token", service_account, "-n", namespace,
                            "--duration=2h").stdout.strip()


def put_s3_secret(cluster: Cluster, s3: dict[str, str], secret_key: str | None = None,
                  name: str = "arrowroot-s3") -> None:
    """The Secret deploy/k8s expects (secrets.template.yaml), applied from stdin: the key never
    appears on a command line."""
    manifest = {"apiVersion": "v1", "kind": "Secret",
                "metadata": {"name": name, "namespace": NAMESPACE}, "type": "Opaque",
                "stringData": {"access_key": s3["access_key"],
                               "secret_key": secret_key or s3["secret_key"],
                               "endpoint_url": s3["endpoint"]}}
    cluster.kubectl("apply", "-f", "-", input=json.dumps(manifest))


def pod_log(cluster: Cluster, name: str, tail: int = 40) -> str:
    return cluster.kubectl("logs", "-n", NAMESPACE, name, f"--tail={tail}", check=False).stdout


def expected_zmumu() -> dict:
    """Events, opposite-charge pairs and their summed mass in [60, 120) GeV, from uproot."""
    with uproot.open(REPO / "testdata" / "uproot-Zmumu.root") as f:
        a = f["events"].arrays(["E1", "E2", "px1", "px2", "py1", "py2", "pz1", "pz2", "Q1", "Q2"],
                               library="np")
    m2 = ((a["E1"] + a["E2"]) ** 2 - (a["px1"] + a["px2"]) ** 2 - (a["py1"] + a["py2"]) ** 2
          - (a["pz1"] + a["pz2"]) ** 2)
    opposite = a["Q1"] * a["Q2"] < 0
    m = np.sqrt(m2[opposite])
    window = (m >= 60) & (m < 120)
    return {"events": len(a["E1"]), "pairs": int(opposite.sum()), "in_window": int(window.sum()),
            "mass_sum": float(m[window].sum())}


def spark_zmumu(spark, path: str) -> dict:
    from pyspark.sql import functions as F

    ev = spark.read.format("root").option("tree", "events").load(path)
    pairs = ev.where(F.col("Q1") * F.col("Q2") < 0)
    m = pairs.select(F.sqrt((F.col("E1") + F.col("E2")) ** 2 - (F.col("px1") + F.col("px2")) ** 2
                            - (F.col("py1") + F.col("py2")) ** 2
                            - (F.col("pz1") + F.col("pz2")) ** 2).alias("m"))
    w = m.where((F.col("m") >= 60) & (F.col("m") < 120)).agg(F.count("m"), F.sum("m")).first()
    return {"events": ev.count(), "pairs": pairs.count(), "in_window": int(w[0]),
            "mass_sum": float(w[1])}


def host_conf(cluster, s3, token_file: str, **kw) -> dict[str, str]:
    """k8s_conf for a driver on this host: the API server with the arrowroot-driver
    ServiceAccount's token, the driver on the node address the pods route to, executors from
    the local image, small CPU requests so two executors and the JupyterLab pod fit 2 cores."""
    from arrowroot.spark import k8s_conf

    extra = {
        "spark.kubernetes.authenticate.caCertFile": cluster.ca,
        "spark.kubernetes.authenticate.oauthTokenFile": token_file,
        "spark.kubernetes.executor.request.cores": "250m",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        # The driver's own reads (schemas, partition planning) use the same endpoint.
        "spark.arrowroot.s3.endpoint_url": s3["endpoint"],
        "spark.arrowroot.s3.region": s3["region"],
        "spark.arrowroot.s3.key": s3["access_key"],
        "spark.arrowroot.s3.secret": s3["secret_key"],
        **kw.pop("extra", {}),
    }
    args = dict(image=EXECUTOR_IMAGE, pull_policy="Never", executors=2, executor_memory="1g",
                master="k8s://" + cluster.api, namespace=NAMESPACE, driver_host=cluster.node_ip,
                driver_bind_address=cluster.node_ip, s3_endpoint=s3["endpoint"],
                s3_region=s3["region"], pod_name_prefix="hostdriver", extra=extra)
    args.update(kw)
    return k8s_conf(**args)
