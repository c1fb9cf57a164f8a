"""The Kubernetes API as the Spark helpers need it: the API server of a ``k8s://`` master, one
authenticated JSON request with the credentials of a Spark configuration, and why executor pods
are pending. Standard library only; the bottom of ``k8s`` and ``doctor``.
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Mapping

__all__ = ["api_server_url", "api_request", "explain_pending_pods", "describe_pod"]


def api_server_url(conf: Mapping[str, str]) -> str | None:
    """The API server's base URL for a ``k8s://`` spark.master, else None."""
    master = conf.get("spark.master", "")
    if not master.startswith("k8s://"):
        return None
    url = master[len("k8s://"):]
    if not url.startswith(("http://", "https://")):
        url = "https://" + url
    return url.rstrip("/")


def api_request(base: str, path: str, conf: Mapping[str, str], body: Any = None,
                timeout: float = 10.0, *, method: str | None = None,
                raw: bool = False) -> tuple[int, Any]:
    """GET `path` (POST `body` as JSON when given; or `method`) with the configuration's CA,
    token or client certificate: (HTTP status, the decoded JSON answer or None; the text with
    `raw`)."""
    ca = conf.get("spark.kubernetes.authenticate.caCertFile")
    token = conf.get("spark.kubernetes.authenticate.oauthToken")
    token_file = conf.get("spark.kubernetes.authenticate.oauthTokenFile")
    if not token and token_file and Path(token_file).exists():
        token = Path(token_file).read_text().strip()
    ctx = None
    if base.startswith("https"):
        ctx = ssl.create_default_context(cafile=ca) if ca else ssl.create_default_context()
        cert, key = (conf.get("spark.kubernetes.authenticate.clientCertFile"),
                     conf.get("spark.kubernetes.authenticate.clientKeyFile"))
        if cert and key:
            ctx.load_cert_chain(cert, key)
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data,
                                 method=method or ("POST" if data else "GET"))
    req.add_header("Accept", "*/*" if raw else "application/json")
    if data:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout, context=ctx) as r:
            text = r.read()
            return r.status, (text.decode(errors="replace") if raw
                              else json.loads(text or b"null"))
    except urllib.error.HTTPError as e:
        try:
            return e.code, json.loads(e.read() or b"null")
        except ValueError:
            return e.code, None


def explain_pending_pods(conf: Mapping[str, str], timeout: float = 10.0) -> str:
    """Why are this application's executor pods not running? One line per pod with its phase
    and the reason Kubernetes gives (ImagePullBackOff, Unschedulable: Insufficient cpu, ...)."""
    base = api_server_url(conf)
    if base is None:
        return ("the master is not Kubernetes; check the cluster manager's UI for free cores and "
                "memory")
    ns = conf.get("spark.kubernetes.namespace", "default")
    prefix = conf.get("spark.kubernetes.executor.podNamePrefix", "")
    try:
        st, body = api_request(base, f"/api/v1/namespaces/{ns}/pods?labelSelector="
                               "spark-role%3Dexecutor", conf, timeout=timeout)
    except (OSError, urllib.error.URLError, ssl.SSLError) as e:
        return f"the Kubernetes API at {base} does not answer ({getattr(e, 'reason', e)})"
    if st != 200:
        return f"listing pods in {ns} answered HTTP {st}: the driver's RBAC lacks list pods"
    lines = []
    for pod in (body or {}).get("items", []):
        if prefix and not pod["metadata"]["name"].startswith(prefix):
            continue
        lines.append(describe_pod(pod))
    if not lines:
        return (f"no executor pods named {prefix}* exist in namespace {ns}: the driver could not "
                "create them (RBAC, quota) — see the driver log")
    return "; ".join(lines)


# What to do about the states a pod waits or ends in (the kubelet's reasons).
_FIXES = {
    "ErrImageNeverPull": "the image is not on the node and imagePullPolicy is Never: load it "
                         "into the node's runtime, push it to a registry the nodes can pull "
                         "from (with pull_policy='IfNotPresent'), or fix the image name/tag",
    "ErrImagePull": "the node cannot pull the image: check its name and tag, that the registry "
                    "is reachable from the nodes, and pull_secrets for a private registry",
    "ImagePullBackOff": "the node cannot pull the image: check its name and tag, that the "
                        "registry is reachable from the nodes, and pull_secrets",
    "InvalidImageName": "the image reference is malformed: registry/name:tag",
    "CreateContainerConfigError": "a Secret or ConfigMap the pod references is missing: "
                                  "create it (deploy/k8s/secrets.template.yaml) or fix the name",
    "Unschedulable": "no node can fit the pod: ask for fewer cores or less memory per "
                     "executor (executor_cores, executor_memory), or add nodes",
    "CrashLoopBackOff": "the container exits at start: see its log (kubectl logs)",
}


def describe_pod(pod: Mapping[str, Any]) -> str:
    """One line: the pod's name, phase, why it waits or why it ended, and what to do."""
    name = pod.get("metadata", {}).get("name", "?")
    status = pod.get("status", {}) or {}
    why = status.get("phase", "?")
    reasons = []
    for c in status.get("conditions", []) or []:
        # Ready/ContainersReady only repeat what the container states below say.
        if c.get("status") == "False" and c.get("reason") and \
                c.get("type") not in ("Ready", "ContainersReady"):
            why += f", {c['reason']}: {c.get('message', '')}"
            reasons.append(c["reason"])
    for cs in status.get("containerStatuses", []) or []:
        state = cs.get("state") or {}
        waiting, done = state.get("waiting"), state.get("terminated")
        if waiting:
            why += f", {waiting.get('reason')}: {waiting.get('message', '')}"
            reasons.append(waiting.get("reason"))
        elif done and done.get("exitCode", 0) != 0:
            why += f", exited {done.get('exitCode')} ({done.get('reason', '')})"
    fixes = [_FIXES[r] for r in dict.fromkeys(reasons) if r in _FIXES]
    return f"{name}: {why.rstrip(': ')}" + (f" — {'; '.join(fixes)}" if fixes else "")
