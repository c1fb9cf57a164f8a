"""The doctor's checks against a live Kubernetes cluster: the API server, who it takes the
driver for and what that identity may do (:func:`check_kubernetes_api`), and one probe pod
(:func:`check_probe`).

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
import ssl
import threading
import time
import urllib.error
from typing import Any, Mapping

from ._doctor_report import FAIL, OK, SKIP, Check, driver_versions, version_problems
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


# ---- Kubernetes API ----------------------------------------------------------------------

def check_kubernetes_api(conf: Mapping[str, str], timeout: float = 10.0) -> list[Check]:
    base = api_server_url(conf)
    if base is None:
        return [Check("kubernetes-api", SKIP, "spark.master is not k8s://")]
    ns = conf.get("spark.kubernetes.namespace", "default")
    try:
        status, body = api_request(base, "/version", conf, timeout=timeout)
    except (OSError, urllib.error.URLError, ssl.SSLError) as e:
        reason = getattr(e, "reason", e)
        return [Check("kubernetes-api", FAIL, f"{base} does not answer: {reason}",
                      "check spark.master (`kubectl cluster-info` prints the API server URL), "
                      "the network path, and the CA file (spark.kubernetes.authenticate."
                      "caCertFile)")]
    if status != 200:
        return [Check("kubernetes-api", FAIL, f"{base}/version answered HTTP {status}",
                      "check the credentials (service-account token or kubeconfig)")]
    who = _identity(base, conf, timeout)
    out = [Check("kubernetes-api", OK,
                 f"{base} answers (Kubernetes {body.get('gitVersion', '?') if body else '?'})"
                 + (f" and knows this driver as {who}" if who else ""))]
    denied = []
    for resource, verbs in _SPARK_VERBS.items():
        for verb in verbs:
            review = {"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
                      "spec": {"resourceAttributes": {"namespace": ns, "verb": verb,
                                                      "resource": resource}}}
            st, res = api_request(base, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                                  conf, review, timeout)
            if st not in (200, 201) or not (res or {}).get("status", {}).get("allowed"):
                denied.append(f"{verb} {resource}")
    if denied:
        out.append(Check("kubernetes-rbac", FAIL,
                         f"in namespace {ns} {who or 'this identity'} may not: "
                         f"{', '.join(denied)} (Spark's driver needs them for its executors)",
                         "apply deploy/k8s (Role arrowroot-driver + RoleBinding) for the "
                         "notebook's ServiceAccount in this namespace, or add the missing verbs "
                         f"to its Role; `kubectl auth can-i --list -n {ns}"
                         + (f" --as={who}" if who else "") + "` shows what it may do"))
    else:
        out.append(Check("kubernetes-rbac", OK, f"may manage executor pods in namespace {ns}"))
    return out


# What a client-mode driver does with each resource (Spark 4 ExecutorPodsAllocator, the pod
# watch and snapshot sources, and stop(), which deletes its pods and config maps by label).
_SPARK_VERBS = {
    "pods": ("create", "get", "list", "watch", "delete", "deletecollection"),
    "configmaps": ("create", "get", "list", "delete", "deletecollection"),
    "services": ("create", "delete"),
    "persistentvolumeclaims": ("create", "get", "list", "delete"),
}


def _identity(base: str, conf: Mapping[str, str], timeout: float) -> str | None:
    """Who the API server takes these credentials for (a SelfSubjectReview, Kubernetes ≥ 1.28)."""
    try:
        st, res = api_request(base, "/apis/authentication.k8s.io/v1/selfsubjectreviews", conf,
                              {"apiVersion": "authentication.k8s.io/v1",
                               "kind": "SelfSubjectReview"}, timeout)
    except (OSError, urllib.error.URLError, ssl.SSLError):
        return None
    if st not in (200, 201) or not isinstance(res, dict):
        return None
    return res.get("status", {}).get("userInfo", {}).get("username")


# ---- the probe pod -----------------------------------------------------------------------

def check_probe(conf: Mapping[str, str], s3_url: str | None = None,
                timeout: float = 120.0) -> list[Check]:
    """What an executor pod would meet, found by a probe pod (see ``_doctor_k8s``)."""
    image = conf.get("spark.kubernetes.executor.container.image") or \
        conf.get("spark.kubernetes.container.image")
    kind, res = run_probe(conf, s3_url, timeout)
    if kind == "api":
        return [Check("executor-image", FAIL, str(res),
                      "the driver's identity must be allowed to create pods (kubernetes-rbac)")]
    if kind == "pending":
        return [Check("executor-image", FAIL,
                      f"a pod from the executor image {image} did not run: {res}",
                      "see the reason above; `kubectl describe pod` gives the events")]
    if kind == "failed":
        return [Check("executor-image", FAIL,
                      f"a pod from the executor image {image} failed before the probe ran: {res}",
                      "spark.pyspark.python (k8s_conf's executor_python) must be the image's "
                      "interpreter, and the image must have pyspark and arrowroot "
                      "(build it from deploy/Dockerfile)")]
    assert isinstance(res, dict)
    out = [Check("executor-image", OK, f"a pod from {image} starts and runs "
                                       f"{res.get('executable')}")]
    host = conf.get("spark.driver.host", "")
    for port, result in sorted(res.get("connect", {}).items()):
        if result == "ok":
            out.append(Check("pod-network", OK, f"a pod reaches the driver at {host}:{port}"))
        else:
            out.append(Check("pod-network", FAIL,
                             f"a pod cannot reach spark.driver.host {host} on port {port}: "
                             f"{result}; executors would start and never register",
                             "set driver_host to an address of the driver that the pod network "
                             "routes to (outside the cluster: this machine's address on that "
                             "network; inside: the headless Service or the pod IP), make "
                             "spark.driver.bindAddress include it, and let the firewall admit "
                             "the pod subnet (`python -m arrowroot.k8s firewall-rules`)"))
    _, sp, ar = driver_versions()
    problems = version_problems(res.get("python", ""), res.get("pyspark", ""),
                                res.get("arrowroot", ""))
    if problems:
        out.append(Check("executor-versions", FAIL,
                         f"the executor image {image} has " + ", ".join(problems),
                         "build driver and executor images from the same deploy/versions.env "
                         f"(arrowroot {ar}), or install the image's versions in the driver"))
    else:
        out.append(Check("executor-versions", OK,
                         f"the executor image has Python {res.get('python')}, pyspark {sp}, "
                         f"arrowroot {ar}, as the driver"))
    for name, status, detail, fix in res.get("s3", []):
        out.append(Check("executor-" + name, status, "in an executor pod: " + detail, fix))
    return out
