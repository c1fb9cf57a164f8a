"""``arrowroot doctor``: find the classic Spark-on-Kubernetes client-mode mistakes before they
cost an afternoon. Every failed check says how to fix it.

Checks (each one runs only when what it needs was given):

- ``kubernetes-api``: the API server answers, and the identity may create and delete pods,
  services, configmaps and PVCs in the namespace (a SelfSubjectAccessReview per verb);
- ``images``: driver and executor images set, tagged with this arrowroot version, not
  ``latest``, the same for driver and executors;
- ``driver-address``: ``spark.driver.host`` resolves to an address of this machine, the driver
  ports are free (before a session) or accept connections on that address (with one);
- ``executor-versions``: a tiny job on every executor reports its Python, Spark and arrowroot
  versions; they must equal the driver's (PySpark refuses a different Python minor);
- ``s3``: the endpoint answers, the server's clock is within a few minutes of ours (SigV4),
  and the credentials can list the bucket (a wrong secret is named as such, never shown);
- ``jupyter-token``: running Jupyter servers require a token or password;
- with a live cluster, a probe pod (``_doctor_k8s``) from the executor image checks from inside
  the pod network: ``executor-image`` (the pod starts: image present, schedulable, Secrets
  exist), ``pod-network`` (it reaches ``spark.driver.host`` on the driver ports),
  ``executor-versions`` (the image's Python, pyspark and arrowroot equal the driver's) and
  ``executor-s3`` (the executors' own S3 credentials list ``--s3-url``).

>>> from arrowroot import doctor
>>> report = doctor.run(conf=my_conf, s3_url="s3://bucket/data/")
>>> print(report.text())
"""

from __future__ import annotations

import argparse
import email.utils
import ipaddress
import json
import os
import re
import socket
import ssl
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Iterable, Mapping

from ._errors import Error
from ._doctor_k8s import check_kubernetes_api, check_probe
from ._doctor_report import (FAIL, OK, SKIP, WARN, Check, Report, driver_versions,
                             version_problems)
from ._jvm import jar_path
from ._k8s_api import explain_pending_pods
from ._options import expand_glob, has_glob
from ._version import __version__
from .k8s import build_session, k8s_conf

__all__ = ["Check", "Report", "run", "main", "check_s3", "check_driver_address",
           "check_driver_python",
           "check_executor_versions", "check_images", "check_kubernetes_api",
           "check_jupyter_token", "explain_pending_pods", "local_addresses"]

MAX_CLOCK_SKEW_S = 300.0  # SigV4 rejects requests more than 15 min off; warn well before


# ---- S3 ----------------------------------------------------------------------------------

def _s3_endpoint(url: str | None, storage_options: Mapping[str, Any]) -> str | None:
    ep = storage_options.get("endpoint_url") or os.environ.get("AWS_ENDPOINT_URL_S3") \
        or os.environ.get("AWS_ENDPOINT_URL")
    if ep:
        return str(ep)
    region = storage_options.get("region") or os.environ.get("AWS_REGION") or "us-east-1"
    return f"https://s3.{region}.amazonaws.com" if url else None


def _server_date(endpoint: str, timeout: float, ca_bundle: str | None) -> tuple[int, float | None]:
    """An unsigned GET of the endpoint: (HTTP status, server Date as epoch seconds)."""
    ctx = ssl.create_default_context(cafile=ca_bundle) if endpoint.startswith("https") else None
    req = urllib.request.Request(endpoint, method="GET")
    try:
        with urllib.request.urlopen(req, timeout=timeout, context=ctx) as r:
            status, date = r.status, r.headers.get("Date")
    except urllib.error.HTTPError as e:  # 403 for an anonymous ListBuckets is normal
        status, date = e.code, e.headers.get("Date")
    parsed = email.utils.parsedate_to_datetime(date).timestamp() if date else None
    return status, parsed


def check_s3(s3_url: str | None, storage_options: Mapping[str, Any] | None = None,
             timeout: float = 10.0) -> list[Check]:
    """Endpoint reachable, clock skew, and credentials/region/bucket via arrowroot's own S3
    client (a listing of `s3_url`)."""
    so = dict(storage_options or {})
    out: list[Check] = []
    endpoint = _s3_endpoint(s3_url, so)
    if not endpoint:
        return [Check("s3", SKIP, "no S3 endpoint or URL given (--s3-url, AWS_ENDPOINT_URL)")]
    safe = urllib.parse.urlsplit(endpoint)._replace(query="", fragment="").geturl()
    try:
        status, server_time = _server_date(endpoint, timeout, so.get("ca_bundle"))
    except (OSError, urllib.error.URLError, ValueError) as e:
        reason = getattr(e, "reason", e)
        out.append(Check("s3-endpoint", FAIL, f"{safe} does not answer: {reason}",
                         "check the endpoint URL (scheme, host, port), DNS, proxies and that "
                         "this machine and the executors' network may reach it"))
        return out
    out.append(Check("s3-endpoint", OK, f"{safe} answers (HTTP {status})"))
    if server_time is None:
        out.append(Check("s3-clock", WARN, "the server sent no Date header; clock skew unknown",
                         "make sure this machine's clock is synchronised (NTP)"))
    else:
        skew = time.time() - server_time
        if abs(skew) > MAX_CLOCK_SKEW_S:
            out.append(Check("s3-clock", FAIL,
                             f"this clock is {skew:+.0f} s off the server's; SigV4 signatures "
                             "are refused beyond 15 minutes",
                             "synchronise the clock (NTP: chronyd/systemd-timesyncd) on the "
                             "driver machine and the cluster nodes"))
        else:
            out.append(Check("s3-clock", OK, f"clock within {abs(skew):.0f} s of the server"))
    if not s3_url:
        out.append(Check("s3-credentials", SKIP, "no s3:// URL given to list (--s3-url)"))
        return out
    pattern = s3_url if has_glob(s3_url) else s3_url.rstrip("/") + "/*"
    try:
        found = expand_glob(pattern, so)
        out.append(Check("s3-credentials", OK,
                         f"listed {s3_url}: {len(found)} object(s) visible with these credentials"))
    except Error as e:
        out.append(Check("s3-credentials", FAIL, str(e), _s3_fix(e)))
    return out


def _s3_fix(e: Error) -> str:
    """What to do about a failed listing, from the error's code: the engine makes HTTP 404
    (no such bucket) a not_found, and 401/403 (access denied, a bad signature or key) an
    io_error that trying again cannot mend."""
    if e.code == "io_error" and not e.retryable:
        return ("check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or the profile), the region "
                "and the endpoint; on Kubernetes, the Secret the executors reference "
                "(spark.kubernetes.executor.secretKeyRef.*)")
    if e.code == "not_found":
        return "check the bucket name and the addressing style (path vs virtual host)"
    return "see the message; `arrowroot ls` on the same URL gives the full context"


# ---- driver address ----------------------------------------------------------------------

def local_addresses() -> set[str]:
    """IP addresses of this machine's interfaces (best effort, stdlib only)."""
    addrs = {"127.0.0.1", "::1"}
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None):
            addrs.add(info[4][0])
    except OSError:
        pass
    try:
        import subprocess

        out = subprocess.run(["ip", "-o", "addr"], capture_output=True, text=True, timeout=5)
        for line in out.stdout.splitlines():
            parts = line.split()
            if "inet" in parts:
                addrs.add(parts[parts.index("inet") + 1].split("/")[0])
            if "inet6" in parts:
                addrs.add(parts[parts.index("inet6") + 1].split("/")[0])
    except (OSError, ValueError):
        pass
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect(("10.255.255.255", 1))
        addrs.add(s.getsockname()[0])
        s.close()
    except OSError:
        pass
    return addrs


def _resolve(host: str) -> list[str]:
    try:
        return sorted({i[4][0] for i in socket.getaddrinfo(host, None)})
    except OSError:
        return []


def _port_open(host: str, port: int, timeout: float = 2.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def check_driver_address(conf: Mapping[str, str], running: bool = False) -> list[Check]:
    """Is spark.driver.host one of this machine's addresses, and are the driver ports usable
    (free before a session; accepting connections on that address with one)?"""
    host = conf.get("spark.driver.host")
    if not host:
        return [Check("driver-address", SKIP, "spark.driver.host is not set")]
    out: list[Check] = []
    ips = _resolve(host)
    if not ips:
        return [Check("driver-address", FAIL, f"spark.driver.host {host!r} does not resolve here",
                      "use an IP address or a DNS name that resolves on this machine and in the "
                      "pods (a headless Service when the driver runs in a pod)")]
    in_pod = bool(os.environ.get("KUBERNETES_SERVICE_HOST"))
    mine = local_addresses()
    if not in_pod and not (set(ips) & mine):
        out.append(Check("driver-address", FAIL,
                         f"spark.driver.host {host} ({', '.join(ips)}) is not an address of this "
                         "machine: executors would dial someone else",
                         "set driver_host to this machine's address routable from the pod "
                         f"network (here: {', '.join(sorted(a for a in mine if ':' not in a))})"))
        return out
    if any(ipaddress.ip_address(ip).is_loopback for ip in ips) and \
            not conf.get("spark.master", "").startswith(("local", "spark://127.", "spark://localhost")):
        out.append(Check("driver-address", WARN,
                         f"spark.driver.host {host} is a loopback address; pods cannot reach it",
                         "use the address of an interface the pod network routes to"))
    else:
        out.append(Check("driver-address", OK, f"spark.driver.host {host} is this machine"))
    for key in ("spark.driver.port", "spark.driver.blockManager.port"):
        port = conf.get(key)
        if not port or port == "0":
            out.append(Check("driver-ports", WARN, f"{key} is random",
                             f"fix {key} (e.g. 7078/7079) so a Service or firewall can admit it"))
            continue
        p = int(port)
        if running:
            if _port_open(ips[0], p):
                out.append(Check("driver-ports", OK, f"{key} {p} accepts connections on {ips[0]}"))
            else:
                out.append(Check("driver-ports", FAIL,
                                 f"nothing accepts connections on {ips[0]}:{p} ({key})",
                                 "spark.driver.bindAddress must include spark.driver.host's "
                                 "address (0.0.0.0 outside a pod, the pod IP inside), and a "
                                 "firewall must admit the executor subnet "
                                 "(`python -m arrowroot.k8s firewall-rules --executor-subnet CIDR` prints rules)"))
        else:
            try:
                with socket.socket() as s:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    s.bind((conf.get("spark.driver.bindAddress", "0.0.0.0"), p))
                out.append(Check("driver-ports", OK, f"{key} {p} is free"))
            except OSError as e:
                out.append(Check("driver-ports", FAIL, f"{key} {p} cannot be bound: {e.strerror}",
                                 "another driver (another notebook kernel?) holds it: stop it "
                                 "or choose other ports"))
    return out


# ---- driver Python ------------------------------------------------------------------------

def check_driver_python(conf: Mapping[str, str]) -> list[Check]:
    """PySpark runs the driver's own Python workers (data source planning, broadcast of
    Python functions) with the same interpreter path as the executors' (spark.pyspark.python
    or PYSPARK_PYTHON): that path must exist on the driver machine too."""
    exe = conf.get("spark.pyspark.python") or os.environ.get("PYSPARK_PYTHON")
    if not exe:
        return [Check("driver-python", WARN,
                      "neither spark.pyspark.python nor PYSPARK_PYTHON is set: Python workers "
                      "run the first `python3` on each machine's PATH",
                      f"set spark.pyspark.python to the executors' interpreter and make the same "
                      f"path exist here (this kernel: {sys.executable})")]
    # On Kubernetes the path is the executor image's; with the JVM connector a driver outside
    # the cluster runs no Python worker of its own for format("root").
    on_k8s = str(conf.get("spark.master", "")).startswith("k8s://")
    if not os.access(exe, os.X_OK) and on_k8s and _has_jvm_connector():
        return [Check("driver-python", WARN,
                      f"spark.pyspark.python {exe} does not exist on this machine: format('root') "
                      "reads with the JVM connector and needs no Python worker here, but Python "
                      "UDFs evaluated on the driver and the Python data source (root_python) do",
                      "create the same venv path on the driver (the driver image has it) if you "
                      "use those")]
    if not os.access(exe, os.X_OK):
        return [Check("driver-python", FAIL,
                      f"spark.pyspark.python {exe} does not exist on this machine; PySpark starts "
                      "the driver's own Python workers with it",
                      "create the same venv path on the driver (the driver image has it), or "
                      "give executor_python= the path of an interpreter present on both")]
    return [Check("driver-python", OK, f"{exe} exists here")]


def _has_jvm_connector() -> bool:
    try:
        return bool(jar_path())
    except Exception:  # noqa: BLE001 - no jar in this build
        return False


# ---- executor versions -------------------------------------------------------------------

def _probe(_: Any) -> list[tuple[str, str, str, str]]:
    import platform
    import sys as _sys

    try:
        import pyspark

        spark_v = pyspark.__version__
    except Exception as e:  # noqa: BLE001
        spark_v = f"missing ({type(e).__name__})"
    try:
        import arrowroot as _ar

        ar_v = _ar.__version__
    except Exception as e:  # noqa: BLE001
        ar_v = f"missing ({type(e).__name__}: {e})"
    return [(platform.node(), platform.python_version(), spark_v, ar_v, _sys.executable)]  # type: ignore[list-item]


def check_executor_versions(spark: Any, timeout: float = 120.0) -> list[Check]:
    """Run one tiny task per executor slot; compare Python, Spark and arrowroot with the
    driver's."""
    sc = spark.sparkContext
    n = max(2, sc.defaultParallelism)
    result: dict[str, Any] = {}

    def job() -> None:
        try:
            sc.setJobGroup("arrowroot-doctor", "arrowroot doctor: executor versions", True)
            result["rows"] = sc.parallelize(range(n), n).mapPartitions(_probe).collect()
        except Exception as e:  # noqa: BLE001
            result["error"] = e

    t = threading.Thread(target=job, daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive():
        sc.cancelJobGroup("arrowroot-doctor")
        t.join(10)
        return [Check("executor-versions", FAIL,
                      f"a trivial job did not finish in {timeout:g} s",
                      "executors are missing or cannot reach the driver; see the "
                      "driver-address check and `kubectl get pods`")]
    py, sp, ar = driver_versions()
    if "error" in result:
        msg = str(result["error"])
        first = next((ln for ln in msg.splitlines() if "PYTHON_VERSION_MISMATCH" in ln
                      or "minor versions" in ln or "No module named" in ln), "")
        detail = first.strip() or msg.strip().splitlines()[0][:300]
        return [Check("executor-versions", FAIL,
                      f"the version probe failed on the executors: {detail}",
                      f"executors must run Python {py.rsplit('.', 1)[0]} with pyspark {sp} and "
                      f"arrowroot {ar}: build driver and executor images from deploy/ (one "
                      "versions lock), and set spark.pyspark.python to the image's interpreter")]
    rows = sorted(set(map(tuple, result["rows"])))
    out: list[Check] = []
    bad = []
    for host, epy, esp, ear, exe in rows:
        problems = version_problems(epy, esp, ear)
        if epy != py and epy.rsplit(".", 1)[0] == py.rsplit(".", 1)[0]:
            out.append(Check("executor-versions", WARN,
                             f"{host}: Python {epy} vs driver {py} (same minor)",
                             "use the same image for driver and executors"))
        if problems:
            bad.append(f"{host} [{exe}]: " + ", ".join(problems))
    if bad:
        out.append(Check("executor-versions", FAIL, "; ".join(bad),
                         "build driver and executor images from the same deploy/versions.env, "
                         "or point spark.pyspark.python at an interpreter with the same versions"))
    else:
        out.append(Check("executor-versions", OK,
                         f"{len(rows)} executor interpreter(s): Python {py}, pyspark {sp}, "
                         f"arrowroot {ar}, as the driver"))
    return out


# ---- images ------------------------------------------------------------------------------

def check_images(conf: Mapping[str, str], version: str | None = None) -> list[Check]:
    version = version or __version__
    image = conf.get("spark.kubernetes.container.image")
    if not image:
        if str(conf.get("spark.master", "")).startswith("k8s://"):
            return [Check("images", FAIL, "spark.kubernetes.container.image is not set",
                          "build deploy/Dockerfile (target executor) and set image=")]
        return [Check("images", SKIP, "not a Kubernetes master")]
    out = []
    execu = conf.get("spark.kubernetes.executor.container.image", image)
    for what, ref in (("image", image), ("executor image", execu)):
        name, _, tag = ref.rpartition(":") if ":" in ref.split("/")[-1] else (ref, "", "")
        if "@sha256:" in ref:
            out.append(Check("images", OK, f"{what} {ref} is pinned by digest"))
        elif not tag or tag == "latest":
            out.append(Check("images", FAIL, f"{what} {ref} has no version tag",
                             f"tag images with the arrowroot version ({version}) so driver and "
                             "executors cannot drift; `latest` with IfNotPresent pins whatever a "
                             "node pulled first"))
        elif version not in tag:
            out.append(Check("images", FAIL,
                             f"{what} {ref} is not tagged for arrowroot {version}",
                             f"use the image built for {version} (deploy/versions.env) or "
                             "install the matching arrowroot in the driver"))
        else:
            out.append(Check("images", OK, f"{what} {ref} matches arrowroot {version}"))
    return out


# ---- Jupyter -----------------------------------------------------------------------------

def check_jupyter_token(servers: Iterable[Mapping[str, Any]] | None = None) -> list[Check]:
    """Running Jupyter servers (jupyter_server's runtime files) must require a token or a
    password."""
    if servers is None:
        try:
            from jupyter_server.serverapp import list_running_servers
        except ImportError:
            return [Check("jupyter-token", SKIP, "jupyter_server is not installed here")]
        servers = list(list_running_servers())
    servers = list(servers)
    if not servers:
        return [Check("jupyter-token", SKIP, "no running Jupyter server found")]
    out = []
    for s in servers:
        url = s.get("url", "?")
        if s.get("token") or s.get("password"):
            out.append(Check("jupyter-token", OK, f"{url} requires a token or password"))
        else:
            out.append(Check("jupyter-token", FAIL,
                             f"{url} accepts anyone who reaches it (no token, no password)",
                             "start it with a token (deploy/k8s sets IdentityProvider.token from "
                             "the jupyter-token Secret), never --IdentityProvider.token=''"))
    return out


# ---- run ---------------------------------------------------------------------------------

def run(conf: Mapping[str, str] | None = None, *, spark: Any = None, s3_url: str | None = None,
        storage_options: Mapping[str, Any] | None = None, jupyter: bool = True,
        job_timeout: float = 120.0, api_timeout: float = 10.0, probe: bool = True) -> Report:
    """Run every check that applies. `conf` is a Spark configuration (e.g. from
    :func:`arrowroot.spark.k8s_conf`); with `spark` (a running session) its configuration is
    used and the executor checks run too. With a Kubernetes master whose API answers and lets
    this identity create pods, `probe` starts a probe pod (:func:`check_probe`)."""
    report = Report()
    if spark is not None:
        conf = dict(spark.sparkContext.getConf().getAll()) | dict(conf or {})
    conf = dict(conf or {})
    if conf:
        api = check_kubernetes_api(conf, api_timeout)
        report.checks += api
        report.checks += check_images(conf)
        # The probe needs to create its pod, and to delete it afterwards.
        can_probe = any(c.name == "kubernetes-api" and c.status == OK for c in api) and \
            not any(c.name == "kubernetes-rbac" and c.status == FAIL
                    and re.search(r"\b(create|delete) pods\b", c.detail) for c in api)
        if probe and can_probe and conf.get("spark.kubernetes.container.image"):
            report.checks += check_probe(conf, s3_url, job_timeout)
        report.checks += check_driver_address(conf, running=spark is not None)
        if conf.get("spark.master"):
            report.checks += check_driver_python(conf)
    if spark is not None:
        report.checks += check_executor_versions(spark, job_timeout)
    if s3_url or (storage_options or {}).get("endpoint_url") or os.environ.get("AWS_ENDPOINT_URL"):
        report.checks += check_s3(s3_url, storage_options)
    if jupyter:
        report.checks += check_jupyter_token()
    return report


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="arrowroot doctor",
        description="Check a Spark-on-Kubernetes client-mode setup for arrowroot; every failure "
                    "says how to fix it. Exit status 0 when nothing failed.")
    p.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE",
                   help="a Spark setting (repeatable), e.g. spark.master=k8s://https://host:6443")
    p.add_argument("--conf-file", help="Spark settings as JSON (e.g. json.dump(k8s_conf(...)))")
    p.add_argument("--k8s", action="store_true",
                   help="build the configuration with arrowroot.spark.k8s_conf() from the "
                        "environment (ARROWROOT_IMAGE, ARROWROOT_K8S_MASTER, ...)")
    p.add_argument("--start", action="store_true",
                   help="start a session with the configuration and run the executor checks")
    p.add_argument("--s3-url", help="an s3://bucket/prefix/ to list with the credentials")
    p.add_argument("--endpoint-url", help="S3 endpoint (default: AWS_ENDPOINT_URL)")
    p.add_argument("--region")
    p.add_argument("--no-jupyter", action="store_true", help="skip the Jupyter token check")
    p.add_argument("--no-probe", action="store_true",
                   help="do not start the probe pod (executor image, pod network to the driver, "
                        "image versions, the executors' S3 credentials)")
    p.add_argument("--timeout", type=float, default=120.0, help="executor job timeout, s")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    a = p.parse_args(argv)

    conf: dict[str, str] = {}
    try:
        if a.k8s:
            conf.update(k8s_conf())
        if a.conf_file:
            conf.update({str(k): str(v) for k, v in json.loads(Path(a.conf_file).read_text()).items()})
        for kv in a.conf:
            k, sep, v = kv.partition("=")
            if not sep or not k:
                p.error(f"--conf expects KEY=VALUE, got {kv!r}")
            conf[k] = v
    except (ValueError, OSError) as e:
        print(f"arrowroot: error: {e}", file=sys.stderr)
        return 1
    # The driver's own S3 settings: those the session would use (spark.arrowroot.s3.*), then
    # the options given here.
    so: dict[str, Any] = {k[len("spark.arrowroot.s3."):]: v for k, v in conf.items()
                          if k.startswith("spark.arrowroot.s3.")}
    if a.endpoint_url:
        so["endpoint_url"] = a.endpoint_url
    if a.region:
        so["region"] = a.region
    spark = None
    if a.start:
        if not conf:
            print("arrowroot: error: --start needs a configuration (--k8s, --conf or "
                  "--conf-file)", file=sys.stderr)
            return 1
        spark = build_session(conf)
    try:
        report = run(conf, spark=spark, s3_url=a.s3_url, storage_options=so,
                     jupyter=not a.no_jupyter, job_timeout=a.timeout, probe=not a.no_probe)
    finally:
        if spark is not None:
            spark.stop()
    print(report.to_json() if a.json else report.text())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
