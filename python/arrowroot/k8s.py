"""Spark on Kubernetes in client mode: the configuration, and a session that waits for its
executors.

The driver is the Jupyter (or script) process; executors are pods that the driver creates
through the Kubernetes API and that must connect back to the driver. :func:`k8s_conf` returns
every setting that takes (a pure function: nothing is contacted; :class:`K8sOptions` holds its
arguments), and :func:`arrowroot.spark.session` builds the ``SparkSession`` from it (with
:func:`build_session`) and waits until the executors have registered
(:func:`wait_for_executors`), saying why pods are pending when they do not come.

The bottom of the Spark helpers: ``doctor`` and ``spark`` import this module, never the reverse.

>>> from arrowroot.spark import k8s_conf, session
>>> spark = session(k8s_conf(image="registry.example/arrowroot-executor:0.1.0",
...                          executors=4, s3_endpoint="https://s3.cern.ch"))

Facts behind the defaults (Spark's ``docs/running-on-kubernetes.md`` and
``resource-managers/kubernetes/core/.../Config.scala``, Spark 4.3):

- in client mode the driver needs ``spark.driver.host`` routable from the pods and fixed
  ports (``spark.driver.port``, ``spark.driver.blockManager.port``) for a Service or firewall;
- ``spark.kubernetes.driver.pod.name`` gives executors an OwnerReference to the notebook pod,
  so they are deleted with it;
- since Spark 4.3 ``spark.kubernetes.executor.useDriverPodIP`` defaults to true; executors then
  dial the driver pod's IP, which breaks with ``bindAddress=0.0.0.0`` (SPARK-58748), so in a pod
  the bind address is the pod's own IP, and outside the cluster (no driver pod) the flag is off;
- secrets reach executors only through ``spark.kubernetes.executor.secretKeyRef.*`` (a
  reference in the pod spec), never ``spark.executorEnv.*`` (plain text in the pod spec);
- without an external shuffle service, dynamic allocation needs shuffle tracking;
- Python workers and arrowroot's buffers live outside the JVM heap: the memory overhead is
  set explicitly (Spark's default factor for Python is 0.4 of the executor memory).
"""

from __future__ import annotations

import getpass
import os
import re
import secrets as _secrets
import socket
import sys
import time
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Callable, Mapping

from ._jvm import with_jar
from ._k8s_api import explain_pending_pods

__all__ = ["k8s_conf", "K8sOptions", "build_session", "configured_executors", "in_cluster",
           "wait_for_executors", "explain_pending_pods", "ExecutorTimeoutError",
           "parse_memory_mb", "firewall_rules", "DEFAULT_PORTS"]

SERVICE_ACCOUNT_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")
IN_CLUSTER_MASTER = "k8s://https://kubernetes.default.svc:443"
DEFAULT_PORTS = {"driver": 7078, "block_manager": 7079, "ui": 4040}
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_MEMORY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$", re.IGNORECASE)


class ExecutorTimeoutError(TimeoutError):
    """The executors did not register in time; the message says what the pods were doing."""


def in_cluster(environ: Mapping[str, str] | None = None,
               service_account_dir: Path = SERVICE_ACCOUNT_DIR) -> bool:
    """True inside a Kubernetes pod (the API server's service variables and a mounted
    service-account token)."""
    env = os.environ if environ is None else environ
    return bool(env.get("KUBERNETES_SERVICE_HOST")) and (service_account_dir / "token").exists()


def parse_memory_mb(value: str | int) -> int:
    """Spark/JVM memory strings ("2g", "512m", "1.5g") and plain MiB integers → MiB."""
    if isinstance(value, int):
        if value <= 0:
            raise ValueError(f"memory must be positive, got {value}")
        return value
    m = _MEMORY.match(str(value))
    if not m:
        raise ValueError(f"cannot read {value!r} as a memory size; use e.g. '2g' or '512m'")
    n, unit = float(m.group(1)), m.group(2).lower()
    mb = n * {"": 1 / (1 << 20), "k": 1 / 1024, "m": 1, "g": 1024, "t": 1 << 20}[unit]
    if unit == "":  # a bare number: Spark reads it as MiB for these settings
        mb = n
    if mb < 1:
        raise ValueError(f"memory {value!r} is less than 1 MiB")
    return int(mb)


def _default_prefix(user: str | None) -> str:
    name = re.sub(r"[^a-z0-9-]+", "-", (user or "spark").lower()).strip("-") or "spark"
    return f"{name[:30]}-{_secrets.token_hex(3)}"


def _check_label(what: str, value: str, max_len: int = 63) -> None:
    if len(value) > max_len or not _DNS_LABEL.match(value):
        raise ValueError(
            f"{what} {value!r} is not a valid Kubernetes name: lower-case letters, digits and "
            f"'-', starting and ending with a letter or digit, at most {max_len} characters")


def _routable_ip() -> str:
    """The address this machine uses to reach other hosts (no packet is sent)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(("10.255.255.255", 1))
        return s.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    finally:
        s.close()


@dataclass(frozen=True)
class K8sOptions:
    """What :func:`k8s_conf` builds the configuration from; every field has k8s_conf's
    keyword of the same name and default (see there for what each one does).

    >>> opts = K8sOptions(image="registry.example/arrowroot-executor:0.1.0", executors=4)
    >>> conf = k8s_conf(opts)                      # or k8s_conf(opts, executors=8)
    """

    image: str | None = None
    executors: int = 2
    executor_cores: int = 1
    executor_memory: str = "2g"
    executor_memory_overhead: str | None = None
    executor_image: str | None = None
    pull_policy: str = "IfNotPresent"
    pull_secrets: list[str] | None = None
    master: str | None = None
    namespace: str | None = None
    service_account: str = "arrowroot-executor"
    driver_host: str | None = None
    driver_bind_address: str | None = None
    driver_service: str | None = None
    driver_pod_name: str | None = None
    driver_port: int = DEFAULT_PORTS["driver"]
    block_manager_port: int = DEFAULT_PORTS["block_manager"]
    ui_port: int = DEFAULT_PORTS["ui"]
    pod_name_prefix: str | None = None
    app_name: str = "arrowroot"
    s3_secret: str | None = "arrowroot-s3"
    s3_endpoint: str | None = None
    s3_region: str | None = None
    s3_session_token: bool = False
    dynamic_allocation: bool = False
    min_executors: int = 0
    max_executors: int | None = None
    executor_pod_template: str | None = None
    executor_python: str = "/opt/venv/bin/python"
    executor_labels: Mapping[str, str] | None = None
    extra: Mapping[str, str] | None = None
    environ: Mapping[str, str] | None = None
    service_account_dir: Path = SERVICE_ACCOUNT_DIR


_OPTION_NAMES = frozenset(f.name for f in fields(K8sOptions))


def k8s_conf(options: K8sOptions | str | None = None, /, **kwargs: Any) -> dict[str, str]:
    """The complete client-mode configuration for Spark on Kubernetes, as a dict of strings.

    Takes a :class:`K8sOptions`, or the same as keywords (``k8s_conf(image=..., executors=4)``;
    the image may come first, ``k8s_conf("registry/img:tag", ...)``), or a K8sOptions and
    keywords that replace some of its fields.

    Where the driver runs decides the networking: inside a pod (JupyterLab in the cluster,
    detected from the environment) the driver is reached through the headless Service
    ``driver_service`` (or its pod IP) and executors are owned by the pod; outside, the driver
    binds every interface and advertises ``driver_host`` (default: this machine's routable
    address), which the pod network must reach on the driver and block-manager ports
    (``python -m arrowroot.k8s firewall-rules`` prints matching rules).

    Arguments not given fall back to the environment: ``image`` to ``ARROWROOT_IMAGE``;
    ``namespace`` to the pod's service-account namespace or ``ARROWROOT_NAMESPACE`` or
    ``"default"``; ``s3_endpoint``/``s3_region`` to ``AWS_ENDPOINT_URL``/``AWS_REGION``.
    ``s3_secret`` names a Secret with keys ``access_key``, ``secret_key`` (and
    ``session_token`` when ``s3_session_token``) that executors receive as ``AWS_*``
    variables by reference; ``None`` leaves credentials out (public buckets, or IRSA-style
    identities). ``extra`` entries are applied last and win, except that arrowroot's JVM
    connector jar is appended to ``spark.jars`` when the package has one.
    """
    for name in kwargs:
        if name not in _OPTION_NAMES:
            raise TypeError(f"k8s_conf() got an unexpected keyword argument {name!r}")
    if isinstance(options, K8sOptions):
        o = replace(options, **kwargs)
    elif options is None or isinstance(options, str):
        if options is not None and "image" in kwargs:
            raise TypeError("k8s_conf() got multiple values for argument 'image'")
        o = K8sOptions(**({"image": options} if options is not None else {}), **kwargs)
    else:
        raise TypeError(f"k8s_conf() takes a K8sOptions or the image (a str), "
                        f"not {type(options).__name__}")
    return _conf(o)


def _conf(o: K8sOptions) -> dict[str, str]:
    env = os.environ if o.environ is None else o.environ
    image = o.image or env.get("ARROWROOT_IMAGE")
    if not image:
        raise ValueError("k8s_conf needs the executor image: pass image='registry/arrowroot-"
                         "executor:<version>' or set ARROWROOT_IMAGE")
    _check_numbers(o)
    mem_mb = parse_memory_mb(o.executor_memory)
    overhead_mb = (parse_memory_mb(o.executor_memory_overhead) if o.executor_memory_overhead
                   else max(384, -(-mem_mb * 2 // 5)))  # ceil(0.4 × memory)

    pod = in_cluster(env, o.service_account_dir)
    driver_service = o.driver_service or env.get("ARROWROOT_DRIVER_SERVICE") or None
    executor_pod_template = (o.executor_pod_template or env.get("ARROWROOT_EXECUTOR_TEMPLATE")
                             or None)
    namespace = o.namespace
    if namespace is None:
        ns_file = o.service_account_dir / "namespace"
        namespace = (ns_file.read_text().strip() if pod and ns_file.exists()
                     else env.get("ARROWROOT_NAMESPACE", "default"))
    _check_label("namespace", namespace)
    _check_label("service_account", o.service_account, 253)
    prefix = o.pod_name_prefix or _default_prefix(env.get("JUPYTERHUB_USER") or _user())
    _check_label("pod_name_prefix", prefix, 47)

    conf: dict[str, str] = {
        "spark.app.name": o.app_name,
        "spark.submit.deployMode": "client",
        "spark.kubernetes.namespace": namespace,
        "spark.kubernetes.container.image": image,
        "spark.kubernetes.container.image.pullPolicy": o.pull_policy,
        "spark.kubernetes.authenticate.executor.serviceAccountName": o.service_account,
        "spark.kubernetes.executor.podNamePrefix": prefix,
        "spark.kubernetes.executor.label.app.kubernetes.io/part-of": "arrowroot",
        "spark.kubernetes.executor.label.arrowroot/driver": prefix,
        "spark.executor.cores": str(o.executor_cores),
        "spark.kubernetes.executor.request.cores": str(o.executor_cores),
        "spark.executor.memory": f"{mem_mb}m",
        "spark.executor.memoryOverhead": f"{overhead_mb}m",
        "spark.driver.port": str(o.driver_port),
        "spark.driver.blockManager.port": str(o.block_manager_port),
        "spark.blockManager.port": str(o.block_manager_port),
        "spark.ui.port": str(o.ui_port),
        "spark.pyspark.python": o.executor_python,
        # Arrow batches flow from the Python data source to the JVM.
        "spark.sql.execution.arrow.pyspark.enabled": "true",
    }
    if o.executor_image:
        conf["spark.kubernetes.executor.container.image"] = o.executor_image
    if o.pull_secrets:
        conf["spark.kubernetes.container.image.pullSecrets"] = ",".join(o.pull_secrets)
    for k, v in (o.executor_labels or {}).items():
        conf[f"spark.kubernetes.executor.label.{k}"] = str(v)

    _add_driver_network(conf, o, env, pod, namespace, driver_service)
    _add_executor_allocation(conf, o)
    _add_s3(conf, o, env)
    if executor_pod_template:
        conf["spark.kubernetes.executor.podTemplateFile"] = executor_pod_template
        conf["spark.kubernetes.executor.podTemplateContainerName"] = "executor"
    for k, v in (o.extra or {}).items():
        conf[str(k)] = str(v)
    # arrowroot's JVM connector: the driver serves spark.jars to the executors.
    return with_jar(conf, env)


def _check_numbers(o: K8sOptions) -> None:
    for what, n, low in (("executors", o.executors, 0), ("executor_cores", o.executor_cores, 1),
                         ("min_executors", o.min_executors, 0)):
        if not isinstance(n, int) or isinstance(n, bool) or n < low:
            raise ValueError(f"{what} must be an integer ≥ {low}, got {n!r}")
    for what, port in (("driver_port", o.driver_port),
                       ("block_manager_port", o.block_manager_port), ("ui_port", o.ui_port)):
        if not isinstance(port, int) or not 1 <= port <= 65535:
            raise ValueError(f"{what} must be a TCP port (1-65535), got {port!r}")
    if len({o.driver_port, o.block_manager_port, o.ui_port}) != 3:
        raise ValueError("driver_port, block_manager_port and ui_port must differ")
    if o.pull_policy not in ("Always", "IfNotPresent", "Never"):
        raise ValueError(f"pull_policy must be Always, IfNotPresent or Never, got {o.pull_policy!r}")


def _add_driver_network(conf: dict[str, str], o: K8sOptions, env: Mapping[str, str], pod: bool,
                        namespace: str, driver_service: str | None) -> None:
    """Master, driver address and bind address: inside a pod or outside the cluster."""
    master, driver_host = o.master, o.driver_host
    if pod:
        conf["spark.master"] = master or IN_CLUSTER_MASTER
        sa = o.service_account_dir
        conf["spark.kubernetes.authenticate.caCertFile"] = str(sa / "ca.crt")
        conf["spark.kubernetes.authenticate.oauthTokenFile"] = str(sa / "token")
        pod_name = o.driver_pod_name or env.get("HOSTNAME")
        if pod_name:
            conf["spark.kubernetes.driver.pod.name"] = pod_name
        pod_ip = env.get("POD_IP")
        if driver_host is None:
            if driver_service:
                driver_host = f"{driver_service}.{namespace}.svc.cluster.local"
            elif pod_ip:
                driver_host = pod_ip
            else:
                raise ValueError("in a pod, give driver_service (the headless Service in front "
                                 "of this pod) or expose the pod IP as POD_IP (downward API)")
        # SPARK-58748: bind the concrete pod IP, not 0.0.0.0, while executors dial the pod IP.
        conf["spark.driver.bindAddress"] = o.driver_bind_address or pod_ip or "0.0.0.0"
        if conf["spark.driver.bindAddress"] == "0.0.0.0":
            conf["spark.kubernetes.executor.useDriverPodIP"] = "false"
    else:
        if not master:
            master = env.get("ARROWROOT_K8S_MASTER")
        if not master:
            raise ValueError("outside a cluster, give master='k8s://https://<api-server>:<port>' "
                             "(or set ARROWROOT_K8S_MASTER); `kubectl cluster-info` prints it")
        conf["spark.master"] = master
        conf["spark.driver.host"] = driver_host or _routable_ip()
        conf["spark.driver.bindAddress"] = o.driver_bind_address or "0.0.0.0"
        # No driver pod to take an IP from (and SPARK-58748 with 0.0.0.0).
        conf["spark.kubernetes.executor.useDriverPodIP"] = "false"
    if not master_ok(conf["spark.master"]):
        raise ValueError(f"master {conf['spark.master']!r} is not a Kubernetes master URL; "
                         "expected k8s://https://<host>:<port>")
    if driver_host:
        conf["spark.driver.host"] = driver_host


def _add_executor_allocation(conf: dict[str, str], o: K8sOptions) -> None:
    """A fixed number of executors, or dynamic allocation with shuffle tracking (there is no
    external shuffle service)."""
    if o.dynamic_allocation:
        top = o.max_executors if o.max_executors is not None else max(o.executors, 1)
        if top < max(o.min_executors, 1):
            raise ValueError(f"max_executors ({top}) must be ≥ max(min_executors, 1)")
        conf.update({
            "spark.dynamicAllocation.enabled": "true",
            "spark.dynamicAllocation.shuffleTracking.enabled": "true",
            "spark.dynamicAllocation.shuffleTracking.timeout": "30min",
            "spark.dynamicAllocation.minExecutors": str(o.min_executors),
            "spark.dynamicAllocation.initialExecutors":
                str(min(max(o.executors, o.min_executors), top)),
            "spark.dynamicAllocation.maxExecutors": str(top),
            "spark.dynamicAllocation.executorIdleTimeout": "60s",
        })
    else:
        conf["spark.executor.instances"] = str(o.executors)


def _add_s3(conf: dict[str, str], o: K8sOptions, env: Mapping[str, str]) -> None:
    """The executors' S3 endpoint and region, and their credentials by Secret reference."""
    endpoint = o.s3_endpoint or env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL")
    region = o.s3_region or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
    if endpoint:
        conf["spark.executorEnv.AWS_ENDPOINT_URL"] = endpoint
    if region:
        conf["spark.executorEnv.AWS_REGION"] = region
    if o.s3_secret:
        _check_label("s3_secret", o.s3_secret, 253)
        ref = "spark.kubernetes.executor.secretKeyRef."
        conf[ref + "AWS_ACCESS_KEY_ID"] = f"{o.s3_secret}:access_key"
        conf[ref + "AWS_SECRET_ACCESS_KEY"] = f"{o.s3_secret}:secret_key"
        if o.s3_session_token:
            conf[ref + "AWS_SESSION_TOKEN"] = f"{o.s3_secret}:session_token"


def master_ok(master: str) -> bool:
    return bool(re.match(r"^k8s://(https?://)?[^/:]+(:\d+)?/?$", master))


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "spark"


def _executor_count(spark: Any) -> int:
    """Executors registered now (the driver's own block manager is not one)."""
    sc = spark.sparkContext
    infos = sc._jsc.sc().statusTracker().getExecutorInfos()
    return max(0, len(infos) - 1)


def _progress(total: int, desc: str):
    try:
        from tqdm.auto import tqdm  # a widget in notebooks, text on terminals
    except ImportError:
        return None
    return tqdm(total=total, desc=desc, unit="executor", leave=True)


def wait_for_executors(spark: Any, count: int, timeout: float = 300.0, *,
                       explain: Callable[[], str] | None = None,
                       poll: float = 0.5, progress: bool = True) -> int:
    """Wait until `count` executors have registered with `spark`'s driver; returns how many
    did. On timeout raises :class:`ExecutorTimeoutError` whose message says how many came and,
    from `explain` (default: :func:`arrowroot.doctor.explain_pending_pods`), why not."""
    if count <= 0:
        return _executor_count(spark)
    bar = _progress(count, "executors") if progress else None
    deadline = time.monotonic() + timeout
    seen = 0
    try:
        while True:
            n = _executor_count(spark)
            if bar is not None and n != seen:
                bar.update(max(0, min(n, count) - bar.n))
            seen = n
            if n >= count:
                return n
            if time.monotonic() >= deadline:
                break
            time.sleep(poll)
    finally:
        if bar is not None:
            bar.close()
    why = ""
    try:
        why = explain() if explain else _default_explain(spark)
    except Exception as exc:  # the explanation is advice; never hide the timeout behind it
        why = f"(could not ask Kubernetes why: {exc})"
    raise ExecutorTimeoutError(
        f"{seen} of {count} executors registered within {timeout:g} s"
        + (f": {why}" if why else "")
        + ". Run `arrowroot doctor` for a full check.")


def _default_explain(spark: Any) -> str:
    conf = dict(spark.sparkContext.getConf().getAll())
    return explain_pending_pods(conf)


def build_session(conf: Mapping[str, str]):
    """``SparkSession.builder`` with every entry of `conf` and arrowroot's JVM connector jar
    appended to ``spark.jars`` (when the package has one), ``getOrCreate()``: no data source
    registered and no wait for executors (:func:`arrowroot.spark.session` adds both)."""
    from pyspark.sql import SparkSession

    # PySpark starts every Python worker, the driver's own (data source planning) and the
    # executors', with PYSPARK_PYTHON (pyspark's SparkContext.pythonExec, sent with every
    # Python function); a notebook kernel usually has none set, and then the workers get
    # whatever `python3` is first on PATH. Use the configured interpreter. On Kubernetes it is
    # the executor image's, even when this machine lacks that path (a driver outside the
    # cluster: format("root") needs no Python worker here, `arrowroot doctor` says what does);
    # elsewhere the workers run on this machine or its peers, so fall back to this kernel's.
    if not os.environ.get("PYSPARK_PYTHON"):
        configured = conf.get("spark.pyspark.python")
        on_k8s = str(conf.get("spark.master", "")).startswith("k8s://")
        usable = configured and (on_k8s or os.access(configured, os.X_OK))
        os.environ["PYSPARK_PYTHON"] = configured if usable else sys.executable
    builder = SparkSession.builder
    for k, v in with_jar(conf).items():
        builder = builder.config(k, v)
    return builder.getOrCreate()


def configured_executors(conf: Mapping[str, str]) -> int:
    """The executors `conf` asks for at the start: the instances, or dynamic allocation's
    initial count (0 when neither is set)."""
    return int(conf.get("spark.executor.instances")
               or conf.get("spark.dynamicAllocation.initialExecutors") or 0)


def firewall_rules(executor_subnet: str, ports: list[int] | None = None,
                   driver_address: str | None = None) -> str:
    """Host firewall rules for a driver outside the cluster: admit the executors' pod subnet
    to the driver and block-manager ports, and nobody else. nftables and iptables variants."""
    import ipaddress

    net = ipaddress.ip_network(executor_subnet, strict=False)
    ports = ports or [DEFAULT_PORTS["driver"], DEFAULT_PORTS["block_manager"]]
    for p in ports:
        if not 1 <= int(p) <= 65535:
            raise ValueError(f"not a TCP port: {p}")
    fam = "ip" if net.version == 4 else "ip6"
    ipt = "iptables" if net.version == 4 else "ip6tables"
    plist = ", ".join(str(p) for p in ports)
    dst = f" {fam} daddr {driver_address}" if driver_address else ""
    ipt_dst = f" -d {driver_address}" if driver_address else ""
    lines = [
        f"# Admit only the executor subnet {net} to the Spark driver ports {plist}.",
        "# nftables:",
        "nft add table inet arrowroot",
        "nft add chain inet arrowroot input '{ type filter hook input priority 0; policy accept; }'",
        f"nft add rule inet arrowroot input{dst} tcp dport {{ {plist} }} {fam} saddr {net} accept",
        f"nft add rule inet arrowroot input{dst} tcp dport {{ {plist} }} drop",
        "# or iptables:",
    ]
    for p in ports:
        lines.append(f"{ipt} -A INPUT -p tcp{ipt_dst} --dport {p} -s {net} -j ACCEPT")
        lines.append(f"{ipt} -A INPUT -p tcp{ipt_dst} --dport {p} -j DROP")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse
    import json

    p = argparse.ArgumentParser(prog="python -m arrowroot.k8s",
                                description="Spark-on-Kubernetes client-mode helpers")
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("conf", help="print k8s_conf() from the environment as JSON")
    fw = sub.add_parser("firewall-rules",
                        help="print host firewall rules admitting only the executor subnet to "
                             "the driver ports (driver outside the cluster)")
    fw.add_argument("--executor-subnet", required=True, help="the pod CIDR, e.g. 10.244.0.0/16")
    fw.add_argument("--ports", default="7078,7079", help="driver ports (default 7078,7079)")
    fw.add_argument("--driver-address", help="only this local address")
    a = p.parse_args(argv)
    try:
        if a.cmd == "conf":
            json.dump(k8s_conf(), sys.stdout, indent=2, sort_keys=True)
            print()
        else:
            print(firewall_rules(a.executor_subnet, [int(x) for x in a.ports.split(",") if x],
                                 a.driver_address))
    except ValueError as e:
        print(f"arrowroot: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
