"""The doctor's checks against a live Kubernetes cluster, through one probe pod.

The probe is what an executor would be, minus Spark: a pod from the executor image, with the
executors' service account, environment (``spark.executorEnv.*``) and Secret references
(``spark.kubernetes.executor.secretKeyRef.*``). From inside the pod network it

- connects to ``spark.driver.host`` on the driver and block-manager ports (the doctor listens
  there itself when no session holds them),
- reports the image's Python, pyspark and arrowroot versions,
- lists the ``--s3-url`` with the executors' own credentials,

so a missing image, an unreachable driver, a wrong S3 Secret and a driver/image version mismatch
are each found, named and explained before any Spark session exists. Standard library only.
"""

from __future__ import annotations

import json
import secrets as _secrets
import socket
import threading
import time
from typing import Any, Mapping

from ._k8s_api import api_request, api_server_url, describe_pod

PROBE_MARK = "ARROWROOT-PROBE "
_PROBE_CODE = r"""
import json, platform, socket, sys
out = {"python": platform.python_version(), "executable": sys.executable, "connect": {}}
for mod in ("pyspark", "arrowroot"):
    try:
        out[mod] = __import__(mod).__version__
    except Exception as e:
        out[mod] = "missing (%s: %s)" % (type(e).__name__, e)
host, ports, s3_url = sys.argv[1], sys.argv[2], sys.argv[3]
for p in filter(None, ports.split(",")):
    try:
        socket.create_connection((host, int(p)), timeout=5).close()
        out["connect"][p] = "ok"
    except OSError as e:
        out["connect"][p] = str(e)
if s3_url:
    try:
        from arrowroot.doctor import check_s3
        out["s3"] = [[c.name, c.status, c.detail, c.fix] for c in check_s3(s3_url)]
    except Exception as e:
        out["s3"] = [["s3", "fail", "%s: %s" % (type(e).__name__, e), ""]]
print("ARROWROOT-PROBE " + json.dumps(out), flush=True)
"""


def probe_pod_spec(conf: Mapping[str, str], name: str, s3_url: str | None) -> dict[str, Any]:
    """The probe pod: the executor image, service account, environment and Secret references
    of `conf`, running the probe with the executors' interpreter."""
    image = conf.get("spark.kubernetes.executor.container.image") or \
        conf.get("spark.kubernetes.container.image", "")
    env: list[dict[str, Any]] = []
    for key, value in sorted(conf.items()):
        if key.startswith("spark.executorEnv."):
            env.append({"name": key[len("spark.executorEnv."):], "value": value})
        elif key.startswith("spark.kubernetes.executor.secretKeyRef."):
            secret, _, item = value.partition(":")
            env.append({"name": key[len("spark.kubernetes.executor.secretKeyRef."):],
                        "valueFrom": {"secretKeyRef": {"name": secret, "key": item}}})
    ports = ",".join(p for p in (conf.get("spark.driver.port"),
                                 conf.get("spark.driver.blockManager.port")) if p and p != "0")
    python = conf.get("spark.pyspark.python", "/opt/venv/bin/python")
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "labels": {"app.kubernetes.io/part-of": "arrowroot",
                                              "arrowroot/doctor-probe": "true"}},
        "spec": {
            "restartPolicy": "Never",
            "serviceAccountName": conf.get(
                "spark.kubernetes.authenticate.executor.serviceAccountName", "default"),
            "automountServiceAccountToken": False,
            "enableServiceLinks": False,
            "activeDeadlineSeconds": 300,
            "securityContext": {"runAsNonRoot": True, "runAsUser": 185},
            "containers": [{
                "name": "probe", "image": image,
                "imagePullPolicy": conf.get("spark.kubernetes.container.image.pullPolicy",
                                            "IfNotPresent"),
                "command": [python, "-c", _PROBE_CODE, conf.get("spark.driver.host", ""),
                            ports, s3_url or ""],
                "env": env,
                "resources": {"requests": {"cpu": "50m", "memory": "128Mi"},
                              "limits": {"memory": "512Mi"}},
                "securityContext": {"allowPrivilegeEscalation": False,
                                    "capabilities": {"drop": ["ALL"]}},
            }],
        },
    }


class _Listeners:
    """Accept (and close) connections on the driver's ports while the probe runs, when no
    session holds them: the probe then tests the path pods → driver, not Spark."""

    def __init__(self, conf: Mapping[str, str]):
        self.socks: list[socket.socket] = []
        bind = conf.get("spark.driver.bindAddress", "0.0.0.0")
        for key in ("spark.driver.port", "spark.driver.blockManager.port"):
            port = conf.get(key)
            if not port or port == "0":
                continue
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((bind, int(port)))
            except OSError:
                s.close()  # a session (or something else) listens there already
                continue
            s.listen(8)
            s.settimeout(0.5)
            self.socks.append(s)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self.stop.is_set():
            for s in self.socks:
                try:
                    c, _ = s.accept()
                    c.close()
                except OSError:
                    pass

    def __enter__(self) -> "_Listeners":
        if self.socks:
            self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join(2)
        for s in self.socks:
            s.close()


def run_probe(conf: Mapping[str, str], s3_url: str | None = None,
              timeout: float = 120.0) -> tuple[str, dict[str, Any] | str]:
    """Start the probe pod, wait for it, delete it. Returns ("ok", the probe's report) or
    (a failure kind, the explanation): "api" (cannot create pods), "pending" (never ran: image
    missing, unschedulable, ...), "failed" (ran and crashed; its last log lines)."""
    base = api_server_url(conf)
    assert base is not None
    ns = conf.get("spark.kubernetes.namespace", "default")
    name = "arrowroot-doctor-probe-" + _secrets.token_hex(3)
    st, body = api_request(base, f"/api/v1/namespaces/{ns}/pods", conf,
                           probe_pod_spec(conf, name, s3_url))
    if st not in (200, 201):
        msg = (body or {}).get("message", "") if isinstance(body, dict) else ""
        return "api", f"creating the probe pod in namespace {ns} answered HTTP {st}: {msg}"
    pod_path = f"/api/v1/namespaces/{ns}/pods/{name}"
    try:
        with _Listeners(conf):
            deadline = time.monotonic() + timeout
            pod: dict[str, Any] = {}
            while time.monotonic() < deadline:
                st, pod = api_request(base, pod_path, conf)
                if st == 200 and pod.get("status", {}).get("phase") in ("Succeeded", "Failed"):
                    break
                if st == 200 and _stuck(pod):
                    break
                time.sleep(1)
            phase = (pod or {}).get("status", {}).get("phase", "?")
            if phase not in ("Succeeded", "Failed"):
                return "pending", describe_pod(pod or {"metadata": {"name": name}})
            st, log = _pod_log(base, pod_path, conf)
        for line in log.splitlines():
            if line.startswith(PROBE_MARK):
                return "ok", json.loads(line[len(PROBE_MARK):])
        tail = " | ".join(log.strip().splitlines()[-5:]) or "no output"
        return "failed", f"{describe_pod(pod)}; its output: {tail}"
    finally:
        api_request(base, pod_path + "?gracePeriodSeconds=0", conf, method="DELETE")


# Waiting reasons that do not go away by waiting (the image is not there and will not be pulled,
# a Secret or ConfigMap is missing, the reference is malformed).
_STUCK = ("ErrImageNeverPull", "InvalidImageName", "CreateContainerConfigError",
          "ErrImagePull", "ImagePullBackOff")


def _stuck(pod: Mapping[str, Any]) -> bool:
    for cs in (pod.get("status", {}) or {}).get("containerStatuses", []) or []:
        waiting = (cs.get("state") or {}).get("waiting") or {}
        if waiting.get("reason") in _STUCK:
            return True
    return False


def _pod_log(base: str, pod_path: str, conf: Mapping[str, str]) -> tuple[int, str]:
    st, body = api_request(base, pod_path + "/log?tailLines=50", conf, raw=True)
    return st, body if isinstance(body, str) else ""
