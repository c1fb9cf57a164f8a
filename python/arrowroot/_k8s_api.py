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

__all__ = ["api_server_url", "api_request", "explain_pending_pods"]


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
                timeout: float = 10.0) -> tuple[int, Any]:
    """GET `path` (POST `body` as JSON when given) with the configuration's CA, token or client
    certificate: (HTTP status, the decoded JSON answer or None)."""
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
    req = urllib.request.Request(base + path, data=data, method="POST" if data else "GET")
    req.add_header("Accept", "application/json")
    if data:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout, context=ctx) as r:
            return r.status, json.loads(r.read() or b"null")
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
        name = pod["metadata"]["name"]
        if prefix and not name.startswith(prefix):
            continue
        status = pod.get("status", {})
        why = status.get("phase", "?")
        for c in status.get("conditions", []) or []:
            if c.get("status") == "False" and c.get("reason"):
                why += f", {c['reason']}: {c.get('message', '')}"
        for cs in status.get("containerStatuses", []) or []:
            waiting = (cs.get("state") or {}).get("waiting")
            if waiting:
                why += f", {waiting.get('reason')}: {waiting.get('message', '')}"
        lines.append(f"{name}: {why}")
    if not lines:
        return (f"no executor pods named {prefix}* exist in namespace {ns}: the driver could not "
                "create them (RBAC, quota) — see the driver log")
    return "; ".join(lines)
